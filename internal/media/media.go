// Package media checks and prepares uploaded files: images are recognised by
// their content (not their name), measured before being decoded (to refuse
// decompression bombs), turned upright as their EXIF orientation says,
// re-encoded (which drops EXIF and GPS metadata) and resized for srcset; PDF
// attachments are recognised by their signature.
// Pure functions over bytes: the caller stores the results.
package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"

	_ "golang.org/x/image/webp" // registers WebP decoding (uploads only; we never write WebP)
)

// Limits. The pixel budget is what decoding costs, whatever the file
// weighs: a flat 8000×5000 PNG of 155 KB decodes to 160 MB (620 MB and 17 s
// with the old 40-megapixel limit). Both are read from the header, before
// decoding; docs/PERFORMANCE.md has the measured worst case.
const (
	MaxImageBytes = 10 << 20   // 10 MB upload
	MaxPixels     = 24_000_000 // 24 megapixels (a 6000×4000 camera photo)
	// MaxDecodedBytes bounds the decoded image: 16-bit PNGs take 8 bytes
	// a pixel, so they get fewer pixels (12 megapixels).
	MaxDecodedBytes = 96 << 20
	MaxPDFBytes     = 20 << 20 // 20 MB
	MaxWidth        = 1600     // the largest version we keep
)

// Widths are the resized versions made for srcset (only those narrower than
// the image).
var Widths = []int{480, 960}

// Errors, mapped to French messages by the caller.
var (
	ErrNotImage      = errors.New("not a JPEG, PNG or WebP image")
	ErrImageTooLarge = errors.New("image file too large")
	ErrTooManyPixels = errors.New("image has too many pixels")
	ErrNotPDF        = errors.New("not a PDF")
	ErrPDFTooLarge   = errors.New("PDF too large")
)

// Version is one encoded size of an image.
type Version struct {
	Width, Height int
	Data          []byte
}

// Image is a processed upload: Main is at most MaxWidth wide; Variants are
// narrower copies, smallest first.
type Image struct {
	Format      string // "jpeg" or "png"
	Ext         string // ".jpg" or ".png"
	ContentType string
	Main        Version
	Variants    []Version
}

// ProcessImage checks and re-encodes an uploaded image.
func ProcessImage(data []byte) (Image, error) {
	if len(data) > MaxImageBytes {
		return Image{}, ErrImageTooLarge
	}
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/webp":
	default:
		return Image{}, ErrNotImage
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Image{}, ErrNotImage
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels || px*bytesPerPixel(cfg.ColorModel) > MaxDecodedBytes {
		return Image{}, ErrTooManyPixels
	}
	src, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrNotImage
	}
	o := 1
	if format == "jpeg" {
		o = jpegOrientation(data)
	}
	// PNG keeps transparency (logos, maps); photos (JPEG, WebP) become JPEG.
	out := Image{Format: "jpeg", Ext: ".jpg", ContentType: "image/jpeg"}
	if format == "png" {
		out = Image{Format: "png", Ext: ".png", ContentType: "image/png"}
	}
	// Sizes once upright; the image is reduced first and turned upright
	// afterwards, so that turning it costs the small image, not the
	// decoded one.
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if o >= 5 {
		w, h = h, w
	}
	mainW := min(w, MaxWidth)
	mainH := max(1, int(int64(h)*int64(mainW)/int64(w)))
	rw, rh := mainW, mainH
	if o >= 5 {
		rw, rh = mainH, mainW
	}
	mainImg := orient(areaScale(src, rw, rh), o).(*image.RGBA)
	if out.Main, err = encode(mainImg, out.Format); err != nil {
		return Image{}, err
	}
	// The narrower versions come from the main one, a fraction of the pixels.
	for _, vw := range Widths {
		if vw >= mainW {
			break
		}
		vh := max(1, int(int64(mainH)*int64(vw)/int64(mainW)))
		v, err := encode(areaScale(mainImg, vw, vh), out.Format)
		if err != nil {
			return Image{}, err
		}
		out.Variants = append(out.Variants, v)
	}
	return out, nil
}

// bytesPerPixel is what one pixel of that colour model takes decoded.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.Gray16Model:
		return 2
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.YCbCrModel:
		return 3 // at most (4:4:4)
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}

// areaScale reduces src to w×h (never larger) by averaging, for each
// output pixel, the block of source pixels it covers: the right filter
// for shrinking (no aliasing), one pass over the source, and no buffer
// beyond the output (the separable kernels of x/image/draw keep a float64
// copy of dst-width × src-height, 200 MB for a 6000×4000 photo). The result
// is premultiplied RGBA.
func areaScale(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w, h = min(w, sw), min(h, sh)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xmap := make([]int, sw) // output column of each source column
	for x := range sw {
		xmap[x] = x * w / sw
	}
	acc := make([]uint32, 4*w)
	cnt := make([]uint32, w)
	row := make([]uint8, 4*sw)
	sy := 0
	for y := range h {
		clear(acc)
		clear(cnt)
		end := (y + 1) * sh / h
		for ; sy < end; sy++ {
			readRow(src, b.Min.Y+sy, row)
			for x := range sw {
				dx := xmap[x]
				acc[4*dx] += uint32(row[4*x])
				acc[4*dx+1] += uint32(row[4*x+1])
				acc[4*dx+2] += uint32(row[4*x+2])
				acc[4*dx+3] += uint32(row[4*x+3])
				cnt[dx]++
			}
		}
		p := dst.Pix[y*dst.Stride:]
		for x := range w {
			n := max(cnt[x], 1)
			p[4*x] = uint8((acc[4*x] + n/2) / n)
			p[4*x+1] = uint8((acc[4*x+1] + n/2) / n)
			p[4*x+2] = uint8((acc[4*x+2] + n/2) / n)
			p[4*x+3] = uint8((acc[4*x+3] + n/2) / n)
		}
	}
	return dst
}

// readRow writes row y of src as premultiplied 8-bit RGBA, reading the
// decoders' usual types directly and anything else through At.
func readRow(src image.Image, y int, row []uint8) {
	b := src.Bounds()
	switch m := src.(type) {
	case *image.RGBA:
		copy(row, m.Pix[m.PixOffset(b.Min.X, y):])
	case *image.NRGBA:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for i := 0; i < len(row); i += 4 {
			a := uint32(p[i+3])
			row[i], row[i+1], row[i+2], row[i+3] = uint8(uint32(p[i])*a/255), uint8(uint32(p[i+1])*a/255), uint8(uint32(p[i+2])*a/255), uint8(a)
		}
	case *image.YCbCr:
		for x := range b.Dx() {
			yi, ci := m.YOffset(b.Min.X+x, y), m.COffset(b.Min.X+x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bl, 255
		}
	case *image.RGBA64: // 16-bit, big-endian: the high bytes
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = p[8*x], p[8*x+2], p[8*x+4], p[8*x+6]
		}
	case *image.NRGBA64:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			a := uint32(p[8*x+6])
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(uint32(p[8*x])*a/255), uint8(uint32(p[8*x+2])*a/255), uint8(uint32(p[8*x+4])*a/255), uint8(a)
		}
	case *image.Paletted:
		var pal [256][4]uint8
		for i, c := range m.Palette {
			r, g, bl, a := c.RGBA()
			pal[i] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
		}
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			copy(row[4*x:4*x+4], pal[p[x]][:])
		}
	case *image.Gray:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = p[x], p[x], p[x], 255
		}
	default:
		for x := range b.Dx() {
			r, g, bl, a := src.At(b.Min.X+x, y).RGBA()
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), uint8(a>>8)
		}
	}
}

// encode writes img as format; JPEG has no transparency, so a transparent
// image (WebP) is laid on white first.
func encode(img *image.RGBA, format string) (Version, error) {
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	} else {
		onWhite(img)
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return Version{}, err
	}
	b := img.Bounds()
	return Version{Width: b.Dx(), Height: b.Dy(), Data: buf.Bytes()}, nil
}

// onWhite composites premultiplied img over white, in place.
func onWhite(img *image.RGBA) {
	for i := 0; i < len(img.Pix); i += 4 {
		if k := 255 - img.Pix[i+3]; k != 0 {
			img.Pix[i] += k
			img.Pix[i+1] += k
			img.Pix[i+2] += k
			img.Pix[i+3] = 255
		}
	}
}

// CheckPDF accepts a PDF by its signature and size.
func CheckPDF(data []byte) error {
	if len(data) > MaxPDFBytes {
		return ErrPDFTooLarge
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return ErrNotPDF
	}
	return nil
}
