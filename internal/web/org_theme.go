package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/colour"
	"github.com/parvis/parvis/internal/model"
)

// An organisation's colours reach its pages as a small stylesheet of its own,
// /{org}/theme.css?v=…, that overrides parvis.css's custom properties: the
// CSP allows no inline style. The colours are checked for contrast when
// saved (organisations.UpdateOrgLook) and again here, so that a colour
// stored before the check, or under an older rule, is drawn in its nearest
// compliant shade rather than as it was typed.

// themeCSS is the stylesheet's text for look, "" when the organisation
// keeps Parvis's colours.
func themeCSS(look model.OrgLook) string {
	var b strings.Builder
	if c, ok := colour.Parse(look.BrandColour); ok && look.BrandColour != "" {
		_, brand := organisations.BrandRatio(c)
		fmt.Fprintf(&b, ":root{--blue:%s;--blue-hover:%s;--tint:%s}\n", brand.Hex(), colour.Darker(brand, 0.75).Hex(), tint(brand).Hex())
	}
	if c, ok := colour.Parse(look.HeaderColour); ok && look.HeaderColour != "" {
		_, header := organisations.HeaderRatio(c)
		fmt.Fprintf(&b, ":root{--header-bg:%s;--header-text:#fff;--header-link:#fff;--header-focus:#fff}\n", header.Hex())
	}
	return b.String()
}

// tint is the pale version of the brand colour behind notices and the home
// page's heading: as light as needed for the brand colour (links) and
// body text to keep 4.5:1 on it.
func tint(brand colour.RGB) colour.RGB {
	text := colour.RGB{R: 0x3a, G: 0x3a, B: 0x3a} // --muted, the lightest text drawn on it
	for t := 0.9; t < 1; t += 0.01 {
		c := colour.Mix(brand, colour.White, t)
		if colour.Contrast(c, brand) >= colour.MinText && colour.Contrast(c, text) >= colour.MinText {
			return c
		}
	}
	return colour.White
}

// Theme is the URL of the organisation's stylesheet, "" when it has no
// colours of its own. The version in the query changes with the text, so
// browsers may keep each version for a year.
func (v *View) Theme() string {
	if v.Org == nil {
		return ""
	}
	css := themeCSS(v.Org.Look)
	if css == "" {
		return ""
	}
	return "/" + v.Org.Handle + "/theme.css?v=" + themeVersion(css)
}

func themeVersion(css string) string {
	sum := sha256.Sum256([]byte(css))
	return hex.EncodeToString(sum[:6])
}

// themeCSS serves GET /{org}/theme.css.
func (h *Handler) themeCSS(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	css := themeCSS(org.Look)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	// Only the current version may be kept: a page rendered before a change
	// asks for the old one, which must not stick under its name.
	if r.URL.Query().Get("v") == themeVersion(css) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, err := w.Write([]byte(css))
	return err
}
