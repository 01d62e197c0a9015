package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestPublicationShowsItsIllustrationWithResizedCopies checks that the
// image chosen in the editor reaches the public page with its text
// alternative, its resized copies in srcset and the Open Graph image.
func TestPublicationShowsItsIllustrationWithResizedCopies(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := publicOrg(t, ts)
		img := image.NewRGBA(image.Rect(0, 0, 1200, 600))
		for x := range 1200 {
			for y := range 600 {
				img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
			}
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		editor := ts.Staff(t, "redaction@ville-test.test", "ville-test", model.RoleEditor)
		m, err := ts.App.Publishing.UploadImage(context.Background(), editor.ID, org.ID, "quai.png", b.Bytes(), "Le quai du Port inondé")
		if err != nil {
			t.Fatal(err)
		}
		at := ts.App.Now().Add(-time.Minute)
		insertPublications(t, ts, []model.Publication{{ID: "illustree", OrgID: org.ID, Kind: model.KindNews, Slug: "quai-inonde",
			Title: "Le quai inondé", State: model.StatePublished, PublishedAt: &at, CreatedAt: at, UpdatedAt: at, ImageID: m.ID}})
		r := ts.Client(t).Get("/ville-test/p/quai-inonde")
		if r.Status != 200 {
			t.Fatalf("page = %d", r.Status)
		}
		for _, want := range []string{`alt="Le quai du Port inondé"`, `srcset="/media/`, ` 480w`, ` 960w`, `src="/media/` + m.Path + `"`,
			`property="og:image" content="` + ts.URL + `/media/` + m.Path} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("publication page lacks %q", want)
			}
		}
		if got := ts.Client(t).Get("/media/" + m.Variants[0].Path); got.Status != 200 {
			t.Errorf("resized copy = %d", got.Status)
		}
	})
}

// TestImagesInTheTextGetTheirSizeAndCopies: an image placed in the text
// (Markdown) is saved with its intrinsic size and its resized copies, so a
// phone downloads the 480-pixel copy and the text does not jump; another
// organisation's image gets neither.
func TestImagesInTheTextGetTheirSizeAndCopies(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := publicOrg(t, ts)
		other := ts.Org(t, "ailleurs")
		img := image.NewRGBA(image.Rect(0, 0, 1200, 600))
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		editor := ts.Staff(t, "redaction@ville-test.test", "ville-test", model.RoleEditor)
		m, err := ts.App.Publishing.UploadImage(ctx, editor.ID, org.ID, "plan.png", b.Bytes(), "Plan de la déviation")
		if err != nil {
			t.Fatal(err)
		}
		stranger := ts.Staff(t, "com@ailleurs.test", "ailleurs", model.RoleEditor)
		img.Set(0, 0, color.White) // another file
		b.Reset()
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		foreign, err := ts.App.Publishing.UploadImage(ctx, stranger.ID, other.ID, "autre.png", b.Bytes(), "Une autre image")
		if err != nil {
			t.Fatal(err)
		}
		res, err := ts.App.Publishing.SavePublication(ctx, editor.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Déviation",
			Body: "Le plan :\n\n![Plan de la déviation](/media/" + m.Path + ")\n\n![Ailleurs](/media/" + foreign.Path + ")"})
		if err != nil {
			t.Fatal(err)
		}
		html := res.Publication.BodyHTML
		want := `<img src="/media/` + m.Path + `" alt="Plan de la déviation" loading="lazy" width="1200" height="600" srcset="/media/` +
			m.Variants[0].Path + ` 480w, /media/` + m.Variants[1].Path + ` 960w, /media/` + m.Path + ` 1200w" sizes="(max-width: 48rem) 100vw, 48rem"`
		if !strings.Contains(html, want) {
			t.Fatalf("body HTML:\n%s\nwants:\n%s", html, want)
		}
		if !strings.Contains(html, `<img src="/media/`+foreign.Path+`" alt="Ailleurs" loading="lazy">`) {
			t.Fatalf("another organisation's image got sizes:\n%s", html)
		}
	})
}
