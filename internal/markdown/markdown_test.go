package markdown

import (
	"regexp"
	"strings"
	"testing"
)

func render(t *testing.T, src string) Result {
	t.Helper()
	r, err := Render(src)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestHostileInputIsNeutralised(t *testing.T) {
	cases := []struct {
		name, src string
		banned    []string
	}{
		{"script element", "Bonjour <script>alert('x')</script> à tous", []string{"<script", "</script"}},
		{"script block", "<script>\nalert(1)\n</script>", []string{"<script", "alert(1)"}},
		{"javascript link", "[cliquez ici](javascript:alert(1))", []string{"javascript:"}},
		{"javascript link, mixed case and entities", "[ici](JaVaScRiPt:alert(1)) [là](&#106;avascript:alert(1))", []string{"avascript:", "alert(1)\""}},
		{"img onerror", `<img src="x" onerror="alert(1)">`, []string{"onerror", "<img"}},
		{"markdown img to data url", "![pixel](data:image/png;base64,iVBORw0KGgo=)", []string{"data:"}},
		{"data url link", "[doc](data:text/html;base64,PHNjcmlwdD4=)", []string{"data:"}},
		{"inline style and handler", `<p style="color:red" onclick="x()">texte</p>`, []string{"style=", "onclick"}},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, []string{"<iframe"}},
		{"external image", "![Logo](https://tracker.example/pixel.gif)", []string{"tracker.example"}},
		{"svg", `<svg onload="alert(1)"></svg>`, []string{"<svg", "onload"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := render(t, c.src)
			low := strings.ToLower(r.HTML)
			for _, b := range c.banned {
				if strings.Contains(low, strings.ToLower(b)) {
					t.Errorf("%q survived in %q", b, r.HTML)
				}
			}
		})
	}
}

func TestAllowedMarkup(t *testing.T) {
	src := "# Travaux rue des Tanneurs\n\n" +
		"Les travaux ont lieu **du 3 au 21 mars**. Voir [le plan](https://www.bellerive.example/plan) " +
		"ou [la page Travaux](/bellerive/sujets/travaux).\n\n" +
		"- déviation par le quai\n- stationnement interdit\n\n" +
		"| Jour | Horaires |\n|:--|--:|\n| lundi | 8 h – 17 h |\n\n" +
		"![La rue des Tanneurs, chaussée ouverte](/media/org1/abc123-960.jpg)\n"
	r := render(t, src)
	for _, want := range []string{
		"<h2>Travaux rue des Tanneurs</h2>",
		"<strong>du 3 au 21 mars</strong>",
		`<a href="https://www.bellerive.example/plan" rel="nofollow noopener">le plan</a>`,
		`<a href="/bellerive/sujets/travaux">la page Travaux</a>`,
		"<li>déviation par le quai</li>",
		`<th align="left">Jour</th>`,
		`<img src="/media/org1/abc123-960.jpg" alt="La rue des Tanneurs, chaussée ouverte" loading="lazy">`,
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("missing %q in\n%s", want, r.HTML)
		}
	}
	if len(r.Images) != 1 || !r.Images[0].Local || r.Images[0].Alt != "La rue des Tanneurs, chaussée ouverte" {
		t.Fatalf("images = %+v", r.Images)
	}
	if p := r.Problems(); len(p) != 0 {
		t.Fatalf("problems = %+v", p)
	}
}

func TestImagesNeedAltAndOurMedia(t *testing.T) {
	r := render(t, "Avant\n\n![](/media/org1/plan.png)\n\n![  ](/media/org1/b.png)\n\n![Carte](https://ailleurs.example/c.png)")
	p := r.Problems()
	if len(p) != 3 || p[0] != (Problem{Code: "alt_missing", Src: "/media/org1/plan.png"}) ||
		p[1].Code != "alt_missing" || p[2] != (Problem{Code: "image_external", Src: "https://ailleurs.example/c.png"}) {
		t.Fatalf("problems = %+v", p)
	}
}

func TestFrenchTypographyKept(t *testing.T) {
	src := "Le maire a déclaré : « C’est une belle journée ! » — rendez-vous à 18\u00a0h\u202f; l'entrée est libre ?"
	r := render(t, src)
	for _, want := range []string{"« C’est une belle journée ! »", "18\u00a0h\u202f;", "l&#39;entrée", "—"} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("typography lost: %q not in %q", want, r.HTML)
		}
	}
	if strings.ContainsAny(r.HTML, "“”") {
		t.Errorf("quotes turned English: %q", r.HTML)
	}
}

func FuzzRenderNeverEmitsScript(f *testing.F) {
	for _, s := range []string{"<script>x</script>", "[a](javascript:x)", "![a](data:x)", "<img onerror=x>", "**gras**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Render(src)
		if err != nil {
			return
		}
		if m := dangerousTag.FindString(strings.ToLower(r.HTML)); m != "" {
			t.Fatalf("%q in output of %q: %q", m, src, r.HTML)
		}
	})
}

// dangerousTag finds, inside a tag, what must never reach a page: script or
// frame elements, event handlers, inline styles, script or data URLs.
var dangerousTag = regexp.MustCompile(`<(script|iframe|object|embed|svg|style)\b|<[^>]*\s(on[a-z]+|style)\s*=|<[^>]*(href|src)\s*=\s*"?\s*(javascript|vbscript|data):`)

// TestImageSizesAreSanitizedToo: what the caller answers for an image is
// still checked by the policy; a srcset pointing elsewhere is dropped.
func TestImageSizesAreSanitizedToo(t *testing.T) {
	sizes := func(src string) (ImageSize, bool) {
		switch src {
		case "/media/o/bon.jpg":
			return ImageSize{Width: 1600, Height: 900, Srcset: "/media/o/bon-480.jpg 480w, /media/o/bon.jpg 1600w"}, true
		case "/media/o/piege.jpg":
			return ImageSize{Width: 10, Height: 10, Srcset: "https://pisteur.example/x.jpg 480w"}, true
		}
		return ImageSize{}, false
	}
	r, err := RenderWithImages("![Bon](/media/o/bon.jpg) ![Piège](/media/o/piege.jpg) ![Inconnu](/media/o/inconnu.jpg)", sizes)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<img src="/media/o/bon.jpg" alt="Bon" loading="lazy" width="1600" height="900" srcset="/media/o/bon-480.jpg 480w, /media/o/bon.jpg 1600w" sizes="(max-width: 48rem) 100vw, 48rem">`,
		`<img src="/media/o/piege.jpg" alt="Piège" loading="lazy" width="10" height="10" sizes="(max-width: 48rem) 100vw, 48rem">`,
		`<img src="/media/o/inconnu.jpg" alt="Inconnu" loading="lazy">`,
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML lacks %s:\n%s", want, r.HTML)
		}
	}
	if strings.Contains(r.HTML, "pisteur") {
		t.Fatalf("a foreign srcset passed: %s", r.HTML)
	}
}
