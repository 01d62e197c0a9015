package web

import (
	"math"
	"net/http"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/colour"
	"github.com/parvis/parvis/internal/model"
)

// The appearance page (/admin/{org}/appearance): the organisation's brand
// and header colours, checked for contrast, and its home page's banner.

type lookPageData struct {
	Banner model.Media
	MaxMB  int
	// Contrast explains a refused colour, by field.
	Contrast map[string]contrastNote
	Min      string // "4,5" or "4.5"
}

// contrastNote is what the page says of a colour refused for contrast: its
// ratio (written for the reader) and the nearest shade that complies.
type contrastNote struct {
	Ratio, Shade string
}

func (h *Handler) lookPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	return h.renderLookPage(w, r, http.StatusOK, lookForm(org))
}

// lookForm fills the form with the saved look.
func lookForm(org model.Organisation) *Form {
	f := emptyForm()
	f.Values.Set("brand_colour", org.Look.BrandColour)
	f.Values.Set("header_colour", org.Look.HeaderColour)
	f.Values.Set("banner_alt", org.Look.Banner.Alt)
	return f
}

func (h *Handler) renderLookPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, _ := orgFrom(r.Context())
	data := lookPageData{Banner: org.Look.Banner, MaxMB: organisations.MaxBannerBytes >> 20, Contrast: map[string]contrastNote{}}
	v := h.view(r, "look.title", &data)
	data.Min = v.Decimals(colour.MinText, 1)
	explain := map[string]func(colour.RGB) (float64, colour.RGB){
		"brand_colour": organisations.BrandRatio, "header_colour": organisations.HeaderRatio}
	for field, ratio := range explain {
		if c, ok := colour.Parse(f.Value(field)); ok && f.Error(field) != "" && f.Error(field) != organisations.ErrColourFormat {
			rt, shade := ratio(c)
			// Rounded down: 4.497 must not read "4,50:1" beside a 4,5:1 minimum.
			data.Contrast[field] = contrastNote{Ratio: v.Decimals(math.Floor(rt*100)/100, 2), Shade: shade.Hex()}
		}
	}
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/look", v)
	return nil
}

// maxLookBody lets a too-large banner arrive whole enough to keep the rest
// of the form, so the person gets the size message with their input.
const maxLookBody = organisations.MaxBannerBytes + 2<<20

func (h *Handler) saveLook(w http.ResponseWriter, r *http.Request) error {
	f, tooBig, err := parseUploadForm(w, r, maxLookBody)
	if tooBig {
		org, _ := orgFrom(r.Context())
		f := lookForm(org)
		f.Set("banner", "media.error.image_size")
		return h.renderLookPage(w, r, http.StatusRequestEntityTooLarge, f)
	}
	if err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	applyShade(f)
	in := organisations.LookInput{BrandColour: f.Value("brand_colour"), HeaderColour: f.Value("header_colour"),
		BannerAlt: f.Value("banner_alt"), RemoveBanner: f.Value("remove_banner") == "1"}
	if _, in.BannerData, err = readUpload(r, "banner", organisations.MaxBannerBytes); err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	_, err = h.app.Organisations.UpdateOrgLook(r.Context(), acct.ID, org.ID, in)
	if f.Absorb(err) {
		return h.renderLookPage(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "look.saved")
	redirect(w, r, "/admin/"+org.Handle+"/appearance")
	return nil
}

// applyShade replaces a colour by its nearest compliant shade when the
// person pressed "use this shade" beside a refused colour.
func applyShade(f *Form) {
	ratios := map[string]func(colour.RGB) (float64, colour.RGB){
		"brand_colour": organisations.BrandRatio, "header_colour": organisations.HeaderRatio}
	field := f.Value("use_shade")
	ratio, ok := ratios[field]
	if !ok {
		return
	}
	if c, ok := colour.Parse(f.Value(field)); ok {
		_, shade := ratio(c)
		f.Values.Set(field, shade.Hex())
	}
}
