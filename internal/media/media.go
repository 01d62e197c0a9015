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
	"image/draw"
	"image/jpeg"
	"image/png"
	"net/http"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP decoding (uploads only; we never write WebP)
)

// Limits.
const (
	MaxImageBytes = 10 << 20   // 10 MB upload
	MaxPixels     = 40_000_000 // 40 megapixels, checked before decoding
	MaxPDFBytes   = 20 << 20   // 20 MB
	MaxWidth      = 1600       // the largest version we keep
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
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Image{}, ErrTooManyPixels
	}
	src, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrNotImage
	}
	if format == "jpeg" {
		src = orient(src, jpegOrientation(data))
	}
	// PNG keeps transparency (logos, maps); photos (JPEG, WebP) become JPEG.
	out := Image{Format: "jpeg", Ext: ".jpg", ContentType: "image/jpeg"}
	if format == "png" {
		out = Image{Format: "png", Ext: ".png", ContentType: "image/png"}
	}
	b := src.Bounds()
	mainW := min(b.Dx(), MaxWidth)
	out.Main, err = encodeAt(src, mainW, out.Format)
	if err != nil {
		return Image{}, err
	}
	for _, w := range Widths {
		if w >= mainW {
			break
		}
		v, err := encodeAt(src, w, out.Format)
		if err != nil {
			return Image{}, err
		}
		out.Variants = append(out.Variants, v)
	}
	return out, nil
}

// encodeAt scales src to width (keeping its proportions) and encodes it.
func encodeAt(src image.Image, width int, format string) (Version, error) {
	b := src.Bounds()
	height := max(1, int(int64(b.Dy())*int64(width)/int64(b.Dx())))
	var dst draw.Image
	if format == "png" {
		dst = image.NewNRGBA(image.Rect(0, 0, width, height))
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, width, height))
		// JPEG has no transparency: a transparent WebP gets a white background.
		draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
		dst = rgba
	}
	if width == b.Dx() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	} else {
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst)
	} else {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return Version{}, err
	}
	return Version{Width: width, Height: height, Data: buf.Bytes()}, nil
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
