package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// photo returns a JPEG of w×h with an EXIF segment holding GPS-like data.
func photo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	// Insert an APP1 "Exif" segment right after SOI (FFD8).
	payload := append([]byte("Exif\x00\x00"), []byte("GPSLatitude 47.39 N secret-home")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append(append([]byte{}, raw[:2]...), seg...), raw[2:]...)
}

// pngBomb is a valid PNG header declaring w×h pixels, with almost no data.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestProcessPhotoStripsMetadataAndResizes(t *testing.T) {
	in := photo(t, 2000, 1000)
	if !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatal("test photo lacks its EXIF")
	}
	got, err := ProcessImage(in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != "jpeg" || got.Main.Width != 1600 || got.Main.Height != 800 {
		t.Fatalf("main = %s %dx%d", got.Format, got.Main.Width, got.Main.Height)
	}
	if len(got.Variants) != 2 || got.Variants[0].Width != 480 || got.Variants[0].Height != 240 || got.Variants[1].Width != 960 {
		t.Fatalf("variants = %+v", got.Variants)
	}
	for _, v := range append(got.Variants, got.Main) {
		if bytes.Contains(v.Data, []byte("Exif")) || bytes.Contains(v.Data, []byte("GPSLatitude")) {
			t.Fatalf("metadata survived in the %d px version", v.Width)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(v.Data))
		if err != nil || format != "jpeg" || cfg.Width != v.Width {
			t.Fatalf("version %d: %v %s %d", v.Width, err, format, cfg.Width)
		}
	}
}

func TestSmallPNGStaysPNGWithoutUpscaling(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	img.Set(10, 10, color.NRGBA{255, 0, 0, 128})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	got, err := ProcessImage(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != "png" || got.Ext != ".png" || got.Main.Width != 300 || len(got.Variants) != 0 {
		t.Fatalf("png = %+v", got)
	}
	back, _ := png.Decode(bytes.NewReader(got.Main.Data))
	if _, _, _, a := back.At(10, 10).RGBA(); a == 0xffff {
		t.Fatal("transparency lost")
	}
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"text named .jpg", []byte("ceci n'est pas une image, juste du texte\n"), ErrNotImage},
		{"html", []byte("<html><script>alert(1)</script></html>"), ErrNotImage},
		{"truncated jpeg", photo(t, 50, 50)[:100], ErrNotImage},
		{"decompression bomb", pngBomb(20000, 20000), ErrTooManyPixels},
		{"too big a file", append(photo(t, 10, 10), make([]byte, MaxImageBytes)...), ErrImageTooLarge},
	}
	for _, c := range cases {
		if _, err := ProcessImage(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

func TestCheckPDF(t *testing.T) {
	if err := CheckPDF([]byte("%PDF-1.7\n%âãÏÓ\n1 0 obj")); err != nil {
		t.Fatal(err)
	}
	if err := CheckPDF([]byte("PK\x03\x04 a zip named .pdf")); !errors.Is(err, ErrNotPDF) {
		t.Fatalf("zip: %v", err)
	}
	if err := CheckPDF(append([]byte("%PDF-1.4"), make([]byte, MaxPDFBytes)...)); !errors.Is(err, ErrPDFTooLarge) {
		t.Fatalf("large: %v", err)
	}
}
