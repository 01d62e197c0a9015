package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestEditorToolbarInBrowser: at desktop and phone widths, a communication
// officer writes a news item with the toolbar (bold on a selection, an image
// chosen in the picker with its text alternative), publishes it, and the
// stored Markdown and the public page are what one would have typed. The
// picker refuses to insert without a choice or without an alternative. The
// other buttons (lists, quote, heading, italic, link) write what one would
// type. In a newsletter, a block chosen from the lists lands at the cursor.
// axe checks the editor, the open dialog, the media library, the newsletter
// page and the public page.
func TestEditorToolbarInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Clock.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	org := ts.Org(t, "bellerive")
	officer := ts.Staff(t, "communication@bellerive.test", "bellerive", model.RoleManager)
	admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	if _, err := ts.App.Publishing.SaveTopic(t.Context(), admin.ID, org.ID, "", appTag("Travaux")); err != nil {
		t.Fatal(err)
	}
	m, err := ts.App.Publishing.UploadImage(t.Context(), officer.ID, org.ID, "chantier.png", pngImage(t, 1000, 500),
		"Engins de chantier")
	if err != nil {
		t.Fatal(err)
	}

	ctx := browser.New(t)
	browserSignIn(t, ctx, ts, officer.Email)
	for _, c := range []struct {
		name          string
		width, height int64
		title, slug   string
	}{
		{"desktop", 1280, 900, "Rue des Tanneurs : la chaussée refaite", "rue-des-tanneurs-la-chaussee-refaite"},
		{"phone", 390, 844, "Quai des Mariniers : la chaussée refaite", "quai-des-mariniers-la-chaussee-refaite"},
	} {
		t.Run(c.name, func(t *testing.T) {
			browser.Do(t, ctx, chromedp.EmulateViewport(c.width, c.height))
			writeWithToolbar(t, ctx, ts, org, m, c.title, c.slug)
		})
	}
	t.Run("formatting", func(t *testing.T) {
		browserVisit(t, ctx, ts, "/admin/bellerive/newsletters/new", "Nouvelle lettre")
		set := func(text string, from, to int) {
			t.Helper()
			browser.Do(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("f-body").value = %q`, text)),
				selectIn("f-body", from, to))
		}
		press := func(md string) {
			t.Helper()
			browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`[data-md-toolbar] button[data-md="`+md+`"]`)))
		}
		body := func() string { t.Helper(); return browser.Get(t, ctx, chromedp.Value(chromedp.ID("f-body"))) }
		lines := "Bonjour,\n\nLe marché\nLa fête du Port"
		for _, c := range []struct{ button, want string }{
			{"bullets", "Bonjour,\n\n- Le marché\n- La fête du Port"},
			{"numbers", "Bonjour,\n\n1. Le marché\n2. La fête du Port"},
			{"quote", "Bonjour,\n\n> Le marché\n> La fête du Port"},
		} {
			set(lines, 10, utf16Len(lines))
			press(c.button)
			if got := body(); got != c.want {
				t.Errorf("%s: %q, want %q", c.button, got, c.want)
			}
		}
		// A heading on a line that follows text starts a paragraph of its own.
		set("Bonjour,\nAgenda", 12, 12)
		press("heading")
		if got := body(); got != "Bonjour,\n\n# Agenda" {
			t.Errorf("heading: %q", got)
		}
		// Italic with nothing selected writes a placeholder, selected, that typing replaces.
		set("Bonjour ", 8, 8)
		press("italic")
		browser.Do(t, ctx, chromedp.SendKeys(chromedp.ID("f-body"), "à tous"))
		if got := body(); got != "Bonjour *à tous*" {
			t.Errorf("italic: %q", got)
		}
		// The link asks its address (the browser's prompt, answered here by
		// the test) and completes a bare domain.
		set("Voir le programme.", 5, 17)
		browser.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.prompt = function () { return "www.bellerive.fr/fete" }`))
		press("link")
		if got := body(); got != "Voir [le programme](https://www.bellerive.fr/fete)." {
			t.Errorf("link: %q", got)
		}
	})
	t.Run("newsletter block", func(t *testing.T) {
		browserVisit(t, ctx, ts, "/admin/bellerive/newsletters/new", "Nouvelle lettre")
		body := browser.Get(t, ctx, chromedp.Value(chromedp.ID("f-body")))
		cursor := strings.Index(body, "\n") // after "Bonjour,"
		browser.Do(t, ctx,
			selectIn("f-body", utf16Len(body[:cursor]), utf16Len(body[:cursor])),
			chromedp.SetValue(chromedp.ID("f-block"), "sujet=travaux"),
			chromedp.SetValue(chromedp.ID("f-block_count"), "3"),
			chromedp.Click(chromedp.CSS(`button[value="insert_block"]`)),
		)
		browser.WaitText(t, ctx, "[data-md-block] p[role=status]", "Bloc inséré")
		got := browser.Get(t, ctx, chromedp.Value(chromedp.ID("f-body")))
		if !strings.HasPrefix(got, "Bonjour,\n\n[[publications sujet=travaux 3]]\n\n") {
			t.Fatalf("block not at the cursor: %q", got)
		}
		// The script inserted it: the page was not sent.
		if u := browser.Get(t, ctx, chromedp.Location()); !strings.HasSuffix(u, "/newsletters/new") {
			t.Fatalf("the page was submitted: %s", u)
		}
		browser.Axe(t, ctx)
	})
}

// writeWithToolbar writes, checks and publishes one news item.
func writeWithToolbar(t *testing.T, ctx context.Context, ts *testserver.TS, org model.Organisation, m model.Media, title, slug string) {
	t.Helper()
	browserVisit(t, ctx, ts, "/admin/bellerive/publications/new?kind=news", "Nouvelle actualité")
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-md-toolbar] button[data-md="bold"]`)))

	// The toolbar is one tab stop; arrows move along it.
	browser.Do(t, ctx, chromedp.Focus(chromedp.CSS(`[data-md-toolbar] button[data-md="bold"]`)), chromedp.KeyEvent(kb.ArrowRight))
	if f := browser.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.dataset.md || ""`)); f != "italic" {
		t.Fatalf("ArrowRight from Gras focuses %q", f)
	}

	text := "La chaussée est refaite du lundi au vendredi."
	sel := "du lundi au vendredi"
	from := utf16Len(text[:strings.Index(text, sel)])
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-title"), title),
		chromedp.SendKeys(chromedp.ID("f-summary"), "Circulation alternée."),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("f-body").value = %q`, text)),
		selectIn("f-body", from, from+utf16Len(sel)),
		chromedp.Click(chromedp.CSS(`[data-md-toolbar] button[data-md="bold"]`)),
		chromedp.Evaluate[chromedp.Void](`(function(a){a.setSelectionRange(a.value.length, a.value.length)})(document.getElementById("f-body"))`),
		chromedp.Click(chromedp.CSS(`[data-md-toolbar] button[data-md="image"]`)),
		chromedp.WaitVisible(chromedp.CSS(`dialog[open] input[name="md-image"]`)),
	)
	browser.Axe(t, ctx)

	// Nothing chosen, then no alternative: refused in the dialog.
	insertImage := chromedp.Click(chromedp.CSS(`dialog[open] button[value="insert"]`))
	browser.Do(t, ctx, insertImage)
	browser.WaitText(t, ctx, "#f-body-picker-error", "Choisissez une image")
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`label[for="md-image-`+m.ID+`"]`)))
	if alt := browser.Get(t, ctx, chromedp.Value(chromedp.ID("f-body-alt"))); alt != "Engins de chantier" {
		t.Fatalf("the library's alternative is not suggested: %q", alt)
	}
	browser.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("f-body-alt").value = ""`), insertImage)
	browser.WaitText(t, ctx, "#f-body-picker-error", "texte alternatif")
	alt := "Deux engins [jaunes] rue des Tanneurs"
	browser.Do(t, ctx, chromedp.SendKeys(chromedp.ID("f-body-alt"), alt), insertImage,
		chromedp.WaitNotPresent(chromedp.CSS("dialog[open]")),
		// The dialog's close event, which inserts, comes after it closes.
		chromedp.Poll[chromedp.Void](`document.getElementById("f-body").value.includes("![")`))

	wantMD := "La chaussée est refaite **du lundi au vendredi**.\n\n![Deux engins \\[jaunes\\] rue des Tanneurs](/media/" + m.Path + ")\n"
	if got := browser.Get(t, ctx, chromedp.Value(chromedp.ID("f-body"))); got != wantMD {
		t.Fatalf("body = %q, want %q", got, wantMD)
	}
	// The live preview shows the image with its alternative.
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#preview-content img[alt="`+alt+`"]`)))
	browser.Axe(t, ctx)

	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`button[name="op"][value="publish_now"]`)))
	browser.WaitText(t, ctx, "p.notice[role=status]", "mise en ligne")
	p, err := ts.Store.PublicationBySlug(t.Context(), org.ID, slug)
	if err != nil {
		t.Fatal(err)
	}
	if p.BodyMD != strings.TrimSuffix(wantMD, "\n") && p.BodyMD != wantMD {
		t.Errorf("stored Markdown = %q", p.BodyMD)
	}
	if p.State != model.StatePublished || !strings.Contains(p.BodyHTML, "<strong>du lundi au vendredi</strong>") ||
		!strings.Contains(p.BodyHTML, `alt="`+alt+`"`) {
		t.Errorf("stored %s, HTML = %q", p.State, p.BodyHTML)
	}

	browserVisit(t, ctx, ts, "/bellerive/p/"+slug, title)
	if src := browser.Get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`main img[alt="`+alt+`"]`), "src")); src.Value != "/media/"+m.Path {
		t.Errorf("public image src = %q", src.Value)
	}
	browserVisit(t, ctx, ts, "/admin/bellerive/media", "Médiathèque")
}

// selectIn selects [from, to) (UTF-16 offsets, as the DOM counts) in the text area id.
func selectIn(id string, from, to int) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).setSelectionRange(%d, %d)`, id, from, to))
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }
