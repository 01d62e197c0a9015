package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/parvis/parvis/internal/model"
)

// Structured data (schema.org JSON-LD) lets search engines and sharing
// cards understand a page without any third-party script. It goes in a
// <script type="application/ld+json"> element: data, not code, so the CSP's
// script-src does not apply to it (browsers never execute it).

func (h *Handler) orgRef(o model.Organisation) map[string]any {
	return map[string]any{"@type": "GovernmentOrganization", "name": o.Name, "url": h.abs(orgPath(o))}
}

func (h *Handler) orgJSONLD(o model.Organisation) map[string]any {
	m := h.orgRef(o)
	m["@context"] = "https://schema.org"
	if o.Description != "" {
		m["description"] = o.Description
	}
	if o.ContactEmail != "" {
		m["email"] = o.ContactEmail
	}
	if o.ContactPhone != "" {
		m["telephone"] = o.ContactPhone
	}
	if o.Address != "" {
		m["address"] = map[string]any{"@type": "PostalAddress", "streetAddress": o.Address, "addressCountry": "FR"}
	}
	return m
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (h *Handler) publicationJSONLD(o model.Organisation, p model.Publication, canonical string) map[string]any {
	modified := lastChange(p)
	if p.Kind == model.KindJob {
		m := map[string]any{"@context": "https://schema.org", "@type": "JobPosting",
			"title": firstNonEmpty(p.Job.Title, p.Title), "description": firstNonEmpty(p.BodyHTML, p.Summary),
			"datePosted": rfc3339(p.PublishedAt), "hiringOrganization": h.orgRef(o), "url": canonical,
			"directApply": false}
		if p.Job.ClosesAt != nil {
			m["validThrough"] = rfc3339(p.Job.ClosesAt)
		}
		switch p.Job.Time {
		case "full":
			m["employmentType"] = "FULL_TIME"
		case "part":
			m["employmentType"] = "PART_TIME"
		}
		if p.Job.Place != "" {
			m["jobLocation"] = map[string]any{"@type": "Place",
				"address": map[string]any{"@type": "PostalAddress", "streetAddress": p.Job.Place, "addressCountry": "FR"}}
		}
		if p.Job.Filiere != "" || p.Job.Category != "" {
			m["occupationalCategory"] = strings.TrimSpace(p.Job.Filiere + " " + p.Job.Category)
		}
		if p.Job.Grade != "" {
			m["qualifications"] = p.Job.Grade
		}
		return m
	}
	typ := "NewsArticle"
	if p.Kind == model.KindPage {
		typ = "WebPage"
	}
	m := map[string]any{"@context": "https://schema.org", "@type": typ, "headline": p.Title, "url": canonical,
		"mainEntityOfPage": canonical, "inLanguage": "fr", "publisher": h.orgRef(o), "author": h.orgRef(o)}
	if p.Summary != "" {
		m["description"] = p.Summary
	}
	if p.PublishedAt != nil {
		m["datePublished"] = rfc3339(p.PublishedAt)
		m["dateModified"] = rfc3339(&modified)
	}
	return m
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// qrSVG draws a QR code of text as inline SVG: one <rect> per run of dark
// modules on a row, with the 4-module quiet zone the standard asks for.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		n, n, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < code.Size && code.Black(x, y) {
				x++
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="1"/>`, start+quiet, y+quiet, x-start)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), nil //nolint:gosec // numbers and an escaped label only
}
