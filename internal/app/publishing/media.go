package publishing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/media"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// MaxAlt is the longest text alternative we accept.
const MaxAlt = 250

// UploadImage checks, re-encodes and stores an image with its mandatory text
// alternative. Files are named by a hash of the upload under
// MediaDir/{org id}/ and served at /media/{org id}/….
func (s *Service) UploadImage(ctx context.Context, actorID, orgID, filename string, data []byte, alt string) (model.Media, error) {
	alt = strings.TrimSpace(alt)
	v := &model.ValidationError{}
	if alt == "" {
		v.Add("image_alt", "media.error.alt")
	} else if core.TooLong(alt, MaxAlt) {
		v.Add("image_alt", "media.error.alt_long")
	}
	img, err := media.ProcessImage(data)
	switch {
	case errors.Is(err, media.ErrImageTooLarge):
		v.Add("image_file", "media.error.image_size")
	case errors.Is(err, media.ErrTooManyPixels):
		v.Add("image_file", "media.error.image_pixels")
	case errors.Is(err, media.ErrNotImage):
		v.Add("image_file", "media.error.image_type")
	case err != nil:
		return model.Media{}, err
	}
	if err := v.Err(); err != nil {
		return model.Media{}, err
	}
	sum := sha256.Sum256(data)
	base := path.Join(orgID, hex.EncodeToString(sum[:16]))
	m := model.Media{ID: core.NewID(), OrgID: orgID, Kind: "image", Path: base + img.Ext, OriginalName: cleanName(filename),
		ContentType: img.ContentType, Alt: alt, Width: img.Main.Width, Height: img.Main.Height,
		Bytes: int64(len(img.Main.Data)), UploadedBy: actorID, CreatedAt: s.Now()}
	files := map[string][]byte{m.Path: img.Main.Data}
	for _, vr := range img.Variants {
		p := fmt.Sprintf("%s-%d%s", base, vr.Width, img.Ext)
		m.Variants = append(m.Variants, model.MediaVariant{Width: vr.Width, Height: vr.Height, Path: p})
		files[p] = vr.Data
	}
	return m, s.storeMedia(ctx, actorID, m, files)
}

// UploadPDF stores a PDF attachment; title is the link text readers see.
func (s *Service) UploadPDF(ctx context.Context, actorID, orgID, filename string, data []byte, title string) (model.Media, error) {
	title = strings.TrimSpace(title)
	v := &model.ValidationError{}
	if title == "" {
		v.Add("attachment_title", "media.error.pdf_title")
	} else if core.TooLong(title, MaxAlt) {
		v.Add("attachment_title", "media.error.alt_long")
	}
	switch err := media.CheckPDF(data); {
	case errors.Is(err, media.ErrPDFTooLarge):
		v.Add("attachment_file", "media.error.pdf_size")
	case errors.Is(err, media.ErrNotPDF):
		v.Add("attachment_file", "media.error.pdf_type")
	}
	if err := v.Err(); err != nil {
		return model.Media{}, err
	}
	sum := sha256.Sum256(data)
	m := model.Media{ID: core.NewID(), OrgID: orgID, Kind: "pdf", Path: path.Join(orgID, hex.EncodeToString(sum[:16])+".pdf"),
		OriginalName: cleanName(filename), ContentType: "application/pdf", Alt: title, Bytes: int64(len(data)),
		UploadedBy: actorID, CreatedAt: s.Now()}
	return m, s.storeMedia(ctx, actorID, m, map[string][]byte{m.Path: data})
}

// storeMedia checks the role, writes the files, then records the row. A
// file written for a row that then fails to commit is harmless: names are
// content hashes, so the same upload reuses it.
func (s *Service) storeMedia(ctx context.Context, actorID string, m model.Media, files map[string][]byte) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, m.OrgID, policy.PublicationEdit); err != nil {
			return err
		}
		for rel, data := range files {
			if err := writeFileAtomic(filepath.Join(s.MediaDir, filepath.FromSlash(rel)), data); err != nil {
				return err
			}
		}
		if err := tx.CreateMedia(ctx, m); err != nil {
			return err
		}
		return s.Audit(ctx, tx, m.OrgID, actorID, "media.upload", m.ID, m.Path)
	})
}

func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
		return fmt.Errorf("media directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".upload-*")
	if err != nil {
		return fmt.Errorf("media file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write media: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// cleanName keeps an uploaded file's base name for staff lists, short and printable.
func cleanName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, "\\", "/"))
	s = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return -1
		}
		return r
	}, s)
	if len([]rune(s)) > 120 {
		s = string([]rune(s)[:120])
	}
	return s
}

// LibrarySize is how many of its latest media the media library shows.
const LibrarySize = 200

// MediaLibrary lists the organisation's latest media (images and PDFs,
// newest first) for whom the policy allows publication.edit: the people who
// may upload them are the people who may place them in a text.
func (s *Service) MediaLibrary(ctx context.Context, actorID, orgID string) ([]model.Media, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationEdit); err != nil {
		return nil, err
	}
	return s.Store.MediaOf(ctx, orgID, "", LibrarySize)
}
