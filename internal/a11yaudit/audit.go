package a11yaudit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/model"
)

// Page is one page of a page type to check.
type Page struct {
	Type string // catalogue suffix of its name: a11y.page.TYPE
	Path string // from the site's root, with the query
}

// Pages picks one page of every page type of the organisation: its fixed
// pages, and the newest published item of each kind of publication it has
// (a type with nothing published is left out).
func Pages(ctx context.Context, a *app.App, org model.Organisation) ([]Page, error) {
	base := "/" + org.Handle + "/"
	pages := []Page{{"home", base}, {"news_list", base + "actualites"}}
	for _, k := range []struct {
		typ  string
		kind model.PubKind
	}{{"publication", model.KindNews}, {"alert", model.KindAlert}, {"event", model.KindEvent}, {"page", model.KindPage}} {
		list, err := a.Publishing.PublicList(ctx, model.PublicFilter{OrgID: org.ID, Kinds: []model.PubKind{k.kind}, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("pick a page of type %s: %w", k.typ, err)
		}
		if len(list) > 0 {
			pages = append(pages, Page{k.typ, base + "p/" + list[0].Slug})
		}
	}
	next := url.QueryEscape(base)
	return append(pages,
		Page{"agenda", base + "agenda"},
		Page{"jobs", base + "emplois"},
		Page{"search", base + "recherche?q=" + url.QueryEscape("mairie")},
		Page{"follow", base + "suivre"},
		Page{"question", base + "question"},
		Page{"charter", base + "charte"},
		Page{"legal", base + "mentions-legales"},
		Page{"privacy", base + "donnees-personnelles"},
		Page{"statement", base + "accessibilite"},
		Page{"plan", base + "accessibilite/schema-pluriannuel"},
		Page{"login", "/login?next=" + next},
		Page{"signup", "/signup?next=" + next},
		Page{"not_found", base + "page-introuvable"},
	), nil
}

// Options say where and how to check.
type Options struct {
	BaseURL   string // the server, e.g. http://127.0.0.1:8080
	Pages     []Page
	AxeSource string // axe.min.js's text
	Chromium  string // the browser binary; "" finds it (ChromiumPath)
	// PageTimeout bounds one page's load and check (default 1 minute).
	PageTimeout time.Duration
}

// ReadAxe reads axe-core's script from path (node_modules/axe-core/axe.min.js).
func ReadAxe(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("axe-core: %w (install it with npm install, or give --axe)", err)
	}
	return string(b), nil
}

// Run opens each page in one headless Chromium at a desktop width, runs
// axe-core there, and adds up the violations by impact. A page that cannot
// be loaded or checked is kept as Failed rather than dropping the audit.
func Run(ctx context.Context, o Options) (model.A11yAudit, error) {
	var audit model.A11yAudit
	bin := o.Chromium
	if bin == "" {
		bin = ChromiumPath()
	}
	if bin == "" {
		return audit, errors.New("chromium not found: install it (apt-get install chromium) or set PARVIS_CHROMIUM")
	}
	if o.PageTimeout == 0 {
		o.PageTimeout = time.Minute
	}
	profile, err := os.MkdirTemp("", "parvis-a11y-*")
	if err != nil {
		return audit, err
	}
	defer os.RemoveAll(profile)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, AllocatorOptions(bin, profile)...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		return audit, fmt.Errorf("start chromium: %w", err)
	}
	base := strings.TrimRight(o.BaseURL, "/")
	for _, p := range o.Pages {
		res, err := checkPage(bctx, base+p.Path, o)
		if err != nil {
			if ctx.Err() != nil {
				return audit, ctx.Err()
			}
			audit.Pages = append(audit.Pages, model.A11yPageResult{PageType: p.Type, Path: p.Path, Failed: true})
			continue
		}
		audit.AxeVersion = res.Version
		audit.Pages = append(audit.Pages, Summarise(p, res))
	}
	return audit, nil
}

func checkPage(ctx context.Context, url string, o Options) (Result, error) {
	pctx, cancel := context.WithTimeout(ctx, o.PageTimeout)
	defer cancel()
	if err := chromedp.Do(pctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(url)); err != nil {
		return Result{}, fmt.Errorf("load %s: %w", url, err)
	}
	return RunAxe(pctx, o.AxeSource)
}

// Summarise counts a page's violations by impact and lists the rules.
func Summarise(p Page, r Result) model.A11yPageResult {
	out := model.A11yPageResult{PageType: p.Type, Path: p.Path, Passes: r.Passes}
	for _, v := range r.Violations {
		switch v.Impact {
		case "critical":
			out.Critical++
		case "serious":
			out.Serious++
		case "moderate":
			out.Moderate++
		default:
			out.Minor++
		}
		if !slices.Contains(out.Rules, v.ID) {
			out.Rules = append(out.Rules, v.ID)
		}
	}
	slices.Sort(out.Rules)
	return out
}

// AuditOrganisation checks one page of every page type of the organisation
// named handle on the server at baseURL, and records the summary in its
// accessibility statement. It never changes the declared status: passing
// the automated checks does not make a site compliant (docs/ACCESSIBILITY.md).
func AuditOrganisation(ctx context.Context, a *app.App, handle string, o Options) (model.A11yAudit, error) {
	org, err := a.OrganisationByHandle(ctx, handle)
	if err != nil {
		return model.A11yAudit{}, err // names the organisation already
	}
	if o.Pages, err = Pages(ctx, a, org); err != nil {
		return model.A11yAudit{}, err
	}
	audit, err := Run(ctx, o)
	if err != nil {
		return audit, err
	}
	audit.At = a.Now()
	if err := a.Organisations.RecordAccessibilityAudit(ctx, org.ID, audit); err != nil {
		return audit, err
	}
	return audit, nil
}
