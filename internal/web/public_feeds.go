package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/feed"
	"github.com/parvis/parvis/internal/model"
)

type feedFormat struct {
	ext, contentType string
	write            func(feed.Feed) []byte
}

var feedFormats = []feedFormat{
	{"rss", feed.RSSType + "; charset=utf-8", feed.RSS},
	{"atom", feed.AtomType + "; charset=utf-8", feed.Atom},
	{"json", feed.JSONType + "; charset=utf-8", feed.JSON},
}

type feedScope int

const (
	feedOrg feedScope = iota
	feedTopic
	feedNeighbourhood
)

// feedItems is how many items a feed carries.
const feedItems = 30

// feedHandler serves the feed of an organisation, a topic or a
// neighbourhood in one format. Through cachedPage it gets an ETag and a
// Last-Modified (the newest item's change), and answers 304 to conditional
// requests: feed readers poll, and most polls cost one indexed read.
func (h *Handler) feedHandler(f feedFormat, scope feedScope) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		org, _ := orgFrom(ctx)
		filter := model.PublicFilter{OrgID: org.ID, WithBody: true, Limit: feedItems}
		fd := feed.Feed{Title: org.Name, Description: org.Description, Lang: lang(r), Author: org.Name,
			HomeURL: h.abs(orgPath(org)), FeedURL: h.abs(r.URL.Path)}
		switch scope {
		case feedTopic:
			t, err := h.app.Publishing.TopicBySlug(ctx, org.ID, r.PathValue("slug"))
			if err != nil {
				return err
			}
			filter.TopicID = t.ID
			fd.Title, fd.Description = t.Name+" · "+org.Name, t.Description
			fd.HomeURL = h.abs(orgPath(org) + "themes/" + t.Slug)
		case feedNeighbourhood:
			n, err := h.app.Publishing.NeighbourhoodBySlug(ctx, org.ID, r.PathValue("slug"))
			if err != nil {
				return err
			}
			filter.NeighbourhoodID = n.ID
			fd.Title, fd.Description = n.Name+" · "+org.Name, n.Description
			fd.HomeURL = h.abs(orgPath(org) + "quartiers/" + n.Slug)
		}
		if fd.Description == "" {
			fd.Description = fd.Title
		}
		items, err := h.app.Publishing.PublicList(ctx, filter)
		if err != nil {
			return err
		}
		hints := hintsFrom(ctx)
		for _, p := range items {
			u := h.abs(pubPath(org, p.Slug))
			it := feed.Item{ID: u, URL: u, Title: p.Title, Summary: p.Summary, ContentHTML: p.BodyHTML,
				Updated: lastChange(p), Categories: []string{h.cat.T(lang(r), "public.kind."+string(p.Kind))}}
			if p.PublishedAt != nil {
				it.Published = *p.PublishedAt
			}
			fd.Items = append(fd.Items, it)
			if it.Updated.After(fd.Updated) {
				fd.Updated = it.Updated
			}
		}
		hints.modified(fd.Updated)
		w.Header().Set("Content-Type", f.contentType)
		_, _ = w.Write(f.write(fd))
		return nil
	}
}

// sitemapPageSize stays under the protocol's 50,000 URLs per file.
const sitemapPageSize = 40000

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

func writeXML(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	return enc.Encode(v)
}

// instanceSitemap is a sitemap index pointing at every organisation's
// sitemap (split in pages of 40,000 URLs for large ones).
func (h *Handler) instanceSitemap(w http.ResponseWriter, r *http.Request) error {
	orgs, err := h.app.Organisations.List(r.Context())
	if err != nil {
		return err
	}
	idx := sitemapIndex{}
	for _, o := range orgs {
		n, err := h.app.Publishing.PublishedCount(r.Context(), o.ID)
		if err != nil {
			return err
		}
		for page := 1; page == 1 || (page-1)*sitemapPageSize < n; page++ {
			loc := h.abs(orgPath(o) + "sitemap.xml")
			if page > 1 {
				loc += fmt.Sprintf("?page=%d", page)
			}
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: loc})
		}
	}
	return writeXML(w, idx)
}

// orgSitemap lists an organisation's public pages: home, lists, topics,
// neighbourhoods on the first page, and its publications.
func (h *Handler) orgSitemap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	set := urlset{}
	if page == 1 {
		for _, p := range []string{"", "actualites", "emplois"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: h.abs(orgPath(org) + p)})
		}
		topics, err := h.app.Publishing.TopicsOf(ctx, org.ID)
		if err != nil {
			return err
		}
		for _, t := range topics {
			set.URLs = append(set.URLs, sitemapURL{Loc: h.abs(orgPath(org) + "themes/" + t.Slug)})
		}
		nbs, err := h.app.Publishing.NeighbourhoodsOf(ctx, org.ID)
		if err != nil {
			return err
		}
		for _, n := range nbs {
			set.URLs = append(set.URLs, sitemapURL{Loc: h.abs(orgPath(org) + "quartiers/" + n.Slug)})
		}
	}
	entries, err := h.app.Publishing.PublicSitemap(ctx, org.ID, sitemapPageSize, (page-1)*sitemapPageSize)
	if err != nil {
		return err
	}
	if page > 1 && len(entries) == 0 {
		return model.ErrNotFound
	}
	for _, e := range entries {
		set.URLs = append(set.URLs, sitemapURL{Loc: h.abs(pubPath(org, e.Slug)), LastMod: e.Modified.Format(time.RFC3339)})
	}
	return writeXML(w, set)
}

// robots lets crawlers read the public pages and keeps them out of the
// staff area, accounts and search results.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range []string{"/admin/", "/account", "/login", "/signup", "/logout", "/*/recherche", "/*/p/*/mastodon"} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Allow: /\n\nSitemap: " + h.abs("/sitemap.xml") + "\n")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
	return nil
}
