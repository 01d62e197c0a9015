package organisations

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/image/webp"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// ProfileInput is the organisation profile form, as typed.
type ProfileInput struct {
	Name, Kind, Description             string
	ContactEmail, ContactPhone, Address string
	Website, Population                 string
	PublicationDirector, Host           string
}

// LogoChange says what to do with the logo: keep it (zero value), replace it
// with Data (an uploaded file), or Remove it.
type LogoChange struct {
	Data   []byte
	Remove bool
}

// Logo limits: the upload size, and the pixel dimensions read from the
// header before decoding, so that a small file announcing a huge image
// (a decompression bomb) is refused without allocating it.
const (
	MaxLogoBytes  = 2 << 20
	maxLogoSide   = 4096
	maxLogoPixels = 8_000_000
)

// UpdateOrgProfile validates and saves the organisation's profile and legal
// notices (admins only).
func (s *Service) UpdateOrgProfile(ctx context.Context, actorID, orgID string, in ProfileInput, logo LogoChange) (model.Organisation, error) {
	v := &model.ValidationError{}
	p := cleanProfile(in, v)
	var logoPath string
	if len(logo.Data) > 0 && !logo.Remove {
		var err error
		if logoPath, err = s.saveLogo(logo.Data); err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				return model.Organisation{}, err
			}
			v.Add(fe.Field, fe.Code)
		}
	}
	if err := v.Err(); err != nil {
		return model.Organisation{}, err
	}
	var org model.Organisation
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if org, err = profileForEdit(ctx, tx, actorID, orgID); err != nil {
			return err
		}
		org.Name, org.Kind, org.Description = p.Name, p.Kind, p.Description
		org.ContactEmail, org.ContactPhone, org.Address = p.ContactEmail, p.ContactPhone, p.Address
		org.Website, org.Population = p.Website, p.Population
		org.PublicationDirector, org.Host = p.PublicationDirector, p.Host
		detail := "profile"
		switch {
		case logo.Remove:
			org.LogoPath = ""
			detail += ", logo removed"
		case logoPath != "":
			org.LogoPath = logoPath
			detail += ", logo " + logoPath
		}
		org.UpdatedAt = s.Now()
		if err := tx.UpdateOrganisationProfile(ctx, org); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "org.profile", orgID, detail)
	})
	return org, err
}

// cleanProfile trims and checks every field, recording errors in v.
func cleanProfile(in ProfileInput, v *model.ValidationError) model.Organisation {
	t := strings.TrimSpace
	o := model.Organisation{Name: t(in.Name), Kind: model.OrgKind(in.Kind), Description: t(in.Description),
		ContactEmail: mail.NormalizeEmail(in.ContactEmail), ContactPhone: t(in.ContactPhone), Address: t(in.Address),
		Website: t(in.Website), PublicationDirector: t(in.PublicationDirector), Host: t(in.Host)}
	if o.Name == "" || core.TooLong(o.Name, 120) {
		v.Add("name", "org.error.name")
	}
	if !o.Kind.Valid() {
		v.Add("kind", "org.error.kind")
	}
	if core.TooLong(o.Description, 2000) {
		v.Add("description", "profile.error.description")
	}
	if o.ContactEmail != "" && !mail.ValidEmail(o.ContactEmail) {
		v.Add("contact_email", "account.error.email")
	}
	if o.ContactPhone != "" && (core.TooLong(o.ContactPhone, 30) || strings.Trim(o.ContactPhone, "0123456789 +().-") != "") {
		v.Add("contact_phone", "profile.error.phone")
	}
	if core.TooLong(o.Address, 300) {
		v.Add("address", "profile.error.address")
	}
	if o.Website != "" {
		u, err := url.Parse(o.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || core.TooLong(o.Website, 300) {
			v.Add("website", "profile.error.website")
		}
	}
	if s := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ".", "").Replace(t(in.Population)); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100_000_000 {
			v.Add("population", "profile.error.population")
		}
		o.Population = n
	}
	if core.TooLong(o.PublicationDirector, 200) {
		v.Add("publication_director", "profile.error.director")
	}
	if core.TooLong(o.Host, 500) {
		v.Add("host", "profile.error.host")
	}
	return o
}

// imageFormat recognises PNG, JPEG and WebP by their first bytes: the name
// and the declared type of an upload prove nothing.
func imageFormat(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "jpeg"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// saveLogo checks an uploaded logo, re-encodes it (which drops metadata such
// as EXIF location, and anything hidden after the image) and stores it under
// MediaDir/logos with a content-hash name. It returns the path relative to
// MediaDir, or a *model.FieldError for the "logo" field.
func (s *Service) saveLogo(data []byte) (string, error) {
	if len(data) > MaxLogoBytes {
		return "", &model.FieldError{Field: "logo", Code: "profile.error.logo_size"}
	}
	format := imageFormat(data)
	var (
		decodeConfig func([]byte) (image.Config, error)
		decode       func([]byte) (image.Image, error)
	)
	switch format {
	case "png":
		decodeConfig = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case "jpeg":
		decodeConfig = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case "webp":
		decodeConfig = func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
	default:
		return "", &model.FieldError{Field: "logo", Code: "profile.error.logo_type"}
	}
	cfg, err := decodeConfig(data)
	if err != nil {
		return "", &model.FieldError{Field: "logo", Code: "profile.error.logo_corrupt"}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide || cfg.Width*cfg.Height > maxLogoPixels {
		return "", &model.FieldError{Field: "logo", Code: "profile.error.logo_dimensions"}
	}
	img, err := decode(data)
	if err != nil {
		return "", &model.FieldError{Field: "logo", Code: "profile.error.logo_corrupt"}
	}
	var out bytes.Buffer
	ext := ".png"
	if format == "jpeg" {
		ext = ".jpg"
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	} else {
		// WebP has no encoder in Go's libraries; PNG keeps it lossless.
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	}
	if err != nil {
		return "", fmt.Errorf("re-encode logo: %w", err)
	}
	sum := sha256.Sum256(out.Bytes())
	rel := "logos/" + hex.EncodeToString(sum[:16]) + ext
	return rel, writeMedia(s.MediaDir, rel, out.Bytes())
}

// writeMedia writes a content-addressed file atomically (temporary file then
// rename); an existing file has the same content and is kept.
func writeMedia(mediaDir, rel string, data []byte) error {
	path := filepath.Join(mediaDir, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("media directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return fmt.Errorf("media file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write media: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write media: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	return nil
}

// profileForEdit checks that the actor may edit the organisation's profile
// and reads it locked until the transaction ends, so that two
// administrators' saves (profile, look) apply one after the other to the
// latest row rather than one overwriting the other.
func profileForEdit(ctx context.Context, tx *store.Tx, actorID, orgID string) (model.Organisation, error) {
	if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.ProfileEdit); err != nil {
		return model.Organisation{}, err
	}
	if err := tx.LockOrganisation(ctx, orgID); err != nil {
		return model.Organisation{}, err
	}
	return tx.OrganisationByID(ctx, orgID)
}
