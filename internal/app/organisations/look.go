package organisations

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/colour"
	"github.com/parvis/parvis/internal/media"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// LookInput is the appearance form: colours as typed ("#rrggbb", "" for
// Parvis's own), and what to do with the banner photo: keep it (no
// BannerData, no RemoveBanner), replace it, or remove it. BannerAlt is
// saved with the banner, new or kept; "" means decorative.
type LookInput struct {
	BrandColour, HeaderColour string
	BannerData                []byte
	BannerAlt                 string
	RemoveBanner              bool
}

// MaxBannerBytes is the largest banner upload, as for any image.
const MaxBannerBytes = media.MaxImageBytes

// maxBannerAlt is the longest text alternative of a banner.
const maxBannerAlt = 250

// Codes of the colour fields' errors. A contrast refusal is shown with the
// ratio and the nearest compliant shade (see BrandShade, HeaderShade).
const (
	ErrColourFormat   = "look.error.colour_format"
	ErrBrandContrast  = "look.error.brand_contrast"
	ErrHeaderContrast = "look.error.header_contrast"
)

// BrandBackgrounds are what the brand colour must stand out from: white
// text sits on it (buttons), and it is the text of links on white and on
// the light grey of menus and boxes.
var BrandBackgrounds = []colour.RGB{colour.White, colour.LightBg}

// BrandRatio is the contrast of a brand colour against BrandBackgrounds
// (the lowest), and the nearest shade that reaches colour.MinText.
func BrandRatio(c colour.RGB) (ratio float64, shade colour.RGB) {
	return colour.MinContrast(c, BrandBackgrounds...), colour.DarkenTo(c, colour.MinText, BrandBackgrounds...)
}

// HeaderRatio is the contrast of white text on a header colour, and the
// nearest shade that reaches colour.MinText.
func HeaderRatio(c colour.RGB) (ratio float64, shade colour.RGB) {
	return colour.Contrast(c, colour.White), colour.DarkenTo(c, colour.MinText, colour.White)
}

// UpdateOrgLook validates and saves the organisation's colours and banner
// (administrators: profile.edit). A colour whose contrast is below WCAG
// AA's 4.5:1 is refused, never stored.
func (s *Service) UpdateOrgLook(ctx context.Context, actorID, orgID string, in LookInput) (model.Organisation, error) {
	v := &model.ValidationError{}
	brand := checkColour(in.BrandColour, "brand_colour", ErrBrandContrast, BrandRatio, v)
	header := checkColour(in.HeaderColour, "header_colour", ErrHeaderContrast, HeaderRatio, v)
	alt := strings.TrimSpace(in.BannerAlt)
	if core.TooLong(alt, maxBannerAlt) {
		v.Add("banner_alt", "media.error.alt_long")
	}
	var banner *media.Image
	if len(in.BannerData) > 0 && !in.RemoveBanner {
		img, err := media.ProcessImage(in.BannerData)
		switch {
		case errors.Is(err, media.ErrImageTooLarge):
			v.Add("banner", "media.error.image_size")
		case errors.Is(err, media.ErrTooManyPixels):
			v.Add("banner", "media.error.image_pixels")
		case errors.Is(err, media.ErrNotImage):
			v.Add("banner", "media.error.image_type")
		case err != nil:
			return model.Organisation{}, err
		}
		banner = &img
	}
	if err := v.Err(); err != nil {
		return model.Organisation{}, err
	}
	// Files are named by content: one written for a transaction that then
	// fails is the same file the next try reuses.
	var saved model.Media
	if banner != nil {
		var err error
		if saved, err = s.saveBanner(orgID, *banner); err != nil {
			return model.Organisation{}, err
		}
	}
	var org model.Organisation
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if org, err = profileForEdit(ctx, tx, actorID, orgID); err != nil {
			return err
		}
		org.Look.BrandColour, org.Look.HeaderColour = brand, header
		detail := fmt.Sprintf("brand %q, header %q", brand, header)
		switch {
		case in.RemoveBanner:
			org.Look.Banner = model.Media{}
			detail += ", banner removed"
		case saved.Path != "":
			org.Look.Banner = saved
			detail += ", banner " + saved.Path
		}
		if org.Look.Banner.Path != "" {
			org.Look.Banner.Alt = alt
		}
		org.UpdatedAt = s.Now()
		if err := tx.UpdateOrganisationLook(ctx, org); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "org.look", orgID, detail)
	})
	return org, err
}

// checkColour normalises a typed colour to "#rrggbb" ("" stays ""),
// recording a format or contrast error for field in v.
func checkColour(typed, field, contrastCode string, ratio func(colour.RGB) (float64, colour.RGB), v *model.ValidationError) string {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return ""
	}
	c, ok := colour.Parse(typed)
	if !ok {
		v.Add(field, ErrColourFormat)
		return ""
	}
	if r, _ := ratio(c); r < colour.MinText {
		v.Add(field, contrastCode)
	}
	return c.Hex()
}

// saveBanner writes a processed banner and its resized copies under
// MediaDir/{org id}/, named by a hash of the main image.
func (s *Service) saveBanner(orgID string, img media.Image) (model.Media, error) {
	sum := sha256.Sum256(img.Main.Data)
	base := path.Join(orgID, "banner-"+hex.EncodeToString(sum[:16]))
	m := model.Media{Path: base + img.Ext, Width: img.Main.Width, Height: img.Main.Height}
	if err := writeMedia(s.MediaDir, m.Path, img.Main.Data); err != nil {
		return model.Media{}, err
	}
	for _, vr := range img.Variants {
		p := fmt.Sprintf("%s-%d%s", base, vr.Width, img.Ext)
		if err := writeMedia(s.MediaDir, p, vr.Data); err != nil {
			return model.Media{}, err
		}
		m.Variants = append(m.Variants, model.MediaVariant{Width: vr.Width, Height: vr.Height, Path: p})
	}
	return m, nil
}
