package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"testing"
)

// flatPNG is a w×h PNG of one colour: a few hundred kilobytes that cost
// the whole w×h to decode (issue 15: an 8000×5000 PNG of 155 KB took 17 s
// and 620 MB). deep makes it 16 bits per channel, 8 bytes a pixel decoded,
// the most expensive kind.
func flatPNG(tb testing.TB, w, h int, deep bool) []byte {
	tb.Helper()
	var img image.Image
	if deep {
		m := image.NewNRGBA64(image.Rect(0, 0, w, h))
		for i := 0; i < len(m.Pix); i += 8 {
			copy(m.Pix[i:], []byte{0x20, 0, 0x80, 0, 0xc0, 0, 0xff, 0xff})
		}
		img = m
	} else {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < len(m.Pix); i += 4 {
			copy(m.Pix[i:], []byte{0x20, 0x80, 0xc0, 0xff})
		}
		img = m
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkProcessImageWorstAccepted processes the most expensive images
// ProcessImage accepts: MaxPixels of flat PNG (8- and 16-bit) and of JPEG.
// Read ns/op and B/op (the bytes allocated, an upper bound of the peak).
func BenchmarkProcessImageWorstAccepted(b *testing.B) {
	w, h := maxSide(MaxPixels)
	w16, h16 := maxSide(MaxDecodedBytes / 8)
	for _, c := range []struct {
		name string
		data func() []byte
	}{
		{fmt.Sprintf("png8_%dx%d", w, h), func() []byte { return flatPNG(b, w, h, false) }},
		{fmt.Sprintf("png16_%dx%d", w16, h16), func() []byte { return flatPNG(b, w16, h16, true) }},
		{fmt.Sprintf("jpeg_%dx%d", w, h), func() []byte { return photo(b, w, h) }},
	} {
		data := c.data()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ProcessImage(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// maxSide is a 3:2 frame of at most pixels pixels.
func maxSide(pixels int) (int, int) {
	h := 2
	for (h+2)*(h+2)*3/2 <= pixels {
		h += 2
	}
	return h * 3 / 2, h
}

// Issue 15 (7): the 8000×5000 PNG of 155 KB that cost 17 s and 620 MB, and
// a 16-bit PNG within the pixel count but not the decoded-bytes budget,
// are refused from their header, before decoding.
func TestPixelBudgetIsCheckedBeforeDecoding(t *testing.T) {
	for name, data := range map[string][]byte{
		"8000×5000 flat PNG":       pngBomb(8000, 5000),
		"16-bit PNG of 16 Mpixels": pngHeader(4900, 3266, 16),
	} {
		if _, err := ProcessImage(data); !errors.Is(err, ErrTooManyPixels) {
			t.Errorf("%s: err = %v, want ErrTooManyPixels", name, err)
		}
	}
	w, h := maxSide(MaxDecodedBytes / 8)
	if _, err := ProcessImage(flatPNG(t, w, h, true)); err != nil {
		t.Fatalf("16-bit PNG at the budget (%d×%d): %v", w, h, err)
	}
}

// pngHeader is pngBomb with another bit depth (RGBA).
func pngHeader(w, h uint32, depth byte) []byte {
	b := pngBomb(w, h)
	b[8+8+8], b[8+8+9] = depth, 6
	// fix the IHDR CRC
	binary.BigEndian.PutUint32(b[8+8+13:], crc32.ChecksumIEEE(b[8+4:8+8+13]))
	return b
}
