package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// halves returns a 200×100 JPEG, red on the left and blue on the right,
// with an EXIF Orientation tag (none when o is 0) in the given byte order.
func halves(t *testing.T, o int, bo binary.ByteOrder) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for y := range 100 {
		for x := range 200 {
			c := color.RGBA{220, 0, 0, 255}
			if x >= 100 {
				c = color.RGBA{0, 0, 220, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if o == 0 {
		return raw
	}
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], uint16(o))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append(append([]byte{}, raw[:2]...), seg...), raw[2:]...)
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0x9000 && g < 0x4000 && b < 0x4000
}

func isBlue(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return b > 0x9000 && r < 0x4000 && g < 0x4000
}

// TestPhotosAreTurnedUpright checks each orientation a phone writes: the
// size of the result and where the red half ends up.
func TestPhotosAreTurnedUpright(t *testing.T) {
	type where struct{ x, y int } // a point that must be red; its mirror must be blue
	cases := []struct {
		o         int
		w, h      int
		red, blue where
	}{
		{0, 200, 100, where{20, 50}, where{180, 50}},
		{1, 200, 100, where{20, 50}, where{180, 50}},
		{2, 200, 100, where{180, 50}, where{20, 50}},
		{3, 200, 100, where{180, 50}, where{20, 50}},
		{4, 200, 100, where{20, 50}, where{180, 50}},
		{5, 100, 200, where{50, 20}, where{50, 180}},
		{6, 100, 200, where{50, 20}, where{50, 180}},
		{7, 100, 200, where{50, 180}, where{50, 20}},
		{8, 100, 200, where{50, 180}, where{50, 20}},
	}
	for _, c := range cases {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			data := halves(t, c.o, bo)
			if c.o > 0 {
				if got := jpegOrientation(data); got != c.o {
					t.Fatalf("orientation %d (%v) read as %d", c.o, bo, got)
				}
			}
			out, err := ProcessImage(data)
			if err != nil {
				t.Fatal(err)
			}
			img, err := jpeg.Decode(bytes.NewReader(out.Main.Data))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h || out.Main.Width != c.w || out.Main.Height != c.h {
				t.Fatalf("orientation %d: %v (recorded %d×%d), want %d×%d", c.o, b, out.Main.Width, out.Main.Height, c.w, c.h)
			}
			if !isRed(img.At(c.red.x, c.red.y)) || !isBlue(img.At(c.blue.x, c.blue.y)) {
				t.Fatalf("orientation %d: %v at %v and %v at %v, want red then blue", c.o,
					img.At(c.red.x, c.red.y), c.red, img.At(c.blue.x, c.blue.y), c.blue)
			}
		}
	}
}

// TestMalformedOrientationIsIgnored: truncated or nonsensical EXIF leaves
// the photo as stored, without failing the upload.
func TestMalformedOrientationIsIgnored(t *testing.T) {
	good := halves(t, 6, binary.BigEndian)
	for name, data := range map[string][]byte{
		"no JPEG":            []byte("GIF89a"),
		"truncated segment":  good[:12],
		"orientation 9":      halves(t, 9, binary.BigEndian),
		"orientation 0 byte": bytes.Replace(good, []byte{0x00, 0x06}, []byte{0x00, 0x00}, 1),
	} {
		if o := jpegOrientation(data); o != 1 {
			t.Errorf("%s: orientation %d, want 1", name, o)
		}
	}
	out, err := ProcessImage(halves(t, 9, binary.BigEndian))
	if err != nil || out.Main.Width != 200 {
		t.Fatalf("orientation 9: %v, width %d", err, out.Main.Width)
	}
}
