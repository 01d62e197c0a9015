package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/fts"
	"github.com/parvis/parvis/internal/model"
)

// What residents see of an organisation: home, publications, job offers,
// topics, neighbourhoods, search, feeds, print notices. The URL scheme is
// stable (federation reuses it); see docs/PUBLISHING-PUBLIC.md.

// publicSiteRoutes registers the publishing feature's public pages on the
// organisation site mux (see orgSiteRoutes).
func (h *Handler) publicSiteRoutes(site *http.ServeMux) {
	site.Handle("GET /{org}/{$}", h.cachedPage(h.orgHome))
	site.Handle("GET /{org}/p/{slug}", h.cachedPage(h.publicationPage))
	site.Handle("GET /{org}/p/{slug}/affiche", h.cachedPage(h.posterPage))
	site.Handle("GET /{org}/p/{slug}/mastodon", h.orgPage(h.shareMastodon))
	site.Handle("GET /{org}/actualites", h.cachedPage(h.newsPage))
	site.Handle("GET /{org}/emplois", h.cachedPage(h.jobsPage))
	site.Handle("GET /{org}/themes/{slug}", h.cachedPage(h.topicPage))
	site.Handle("GET /{org}/quartiers/{slug}", h.cachedPage(h.neighbourhoodPage))
	// Result pages go through the page cache too, keyed by the normalised
	// query (cacheURI): repeated queries cost one read.
	site.Handle("GET /{org}/recherche", h.cachedPage(h.searchPage))
	site.Handle("GET /{org}/sitemap.xml", h.cachedPage(h.orgSitemap))
	for _, f := range feedFormats {
		site.Handle("GET /{org}/feed."+f.ext, h.cachedPage(h.feedHandler(f, feedOrg)))
		site.Handle("GET /{org}/themes/{slug}/feed."+f.ext, h.cachedPage(h.feedHandler(f, feedTopic)))
		site.Handle("GET /{org}/quartiers/{slug}/feed."+f.ext, h.cachedPage(h.feedHandler(f, feedNeighbourhood)))
	}
}

// publicInstanceRoutes registers the instance-wide public files.
func (h *Handler) publicInstanceRoutes(mux *http.ServeMux) {
	mux.Handle("GET /sitemap.xml", h.public(h.instanceSitemap))
	mux.Handle("GET /robots.txt", h.public(h.robots))
}

// pageSize is the length of every paginated public list.
const pageSize = 20

// maxPage bounds page numbers so that a crawler cannot ask for absurd
// offsets.
const maxPage = 2500

// Meta is what a public page says about itself in <head>: canonical URL,
// sharing cards, feeds, structured data.
type Meta struct {
	Canonical   string
	Description string
	OGType      string // website, article
	Image       string
	Published   *time.Time
	Modified    *time.Time
	Feeds       []FeedLink
	JSONLD      any // marshalled into <script type="application/ld+json">
}

// FeedLink advertises a feed.
type FeedLink struct {
	Type, Title, Label, Href string
}

// TypeAttr writes the type attribute unescaped: html/template would write
// "application/rss&#43;xml", which browsers decode but naive feed discovery
// does not. The types are our three constants.
func (f FeedLink) TypeAttr() template.HTMLAttr {
	return template.HTMLAttr(`type="` + f.Type + `"`) //nolint:gosec // constant MIME types
}

// Pager links the pages of a list.
type Pager struct {
	Page     int
	Prev     string
	Next     string
	HasPages bool
}

func newPager(base string, page int, more bool, extra url.Values) Pager {
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range extra {
			v[k] = vs
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return base
		}
		return base + "?" + v.Encode()
	}
	p := Pager{Page: page}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if more && page < maxPage {
		p.Next = link(page + 1)
	}
	p.HasPages = p.Prev != "" || p.Next != ""
	return p
}

// pageParam reads ?page=; a malformed or out-of-range page is not found.
func pageParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPage {
		return 0, model.ErrNotFound
	}
	return n, nil
}

// abs makes an absolute URL on this instance.
func (h *Handler) abs(path string) string { return h.app.BaseURL + path }

func orgPath(o model.Organisation) string { return "/" + o.Handle + "/" }

func pubPath(o model.Organisation, slug string) string { return "/" + o.Handle + "/p/" + slug }

// feedLinks advertises the three formats of the feed at base ("/ville/feed").
func (v *View) feedLinks(base, title string) []FeedLink {
	return []FeedLink{
		{Type: "application/rss+xml", Title: title + " (RSS)", Label: "RSS", Href: base + ".rss"},
		{Type: "application/atom+xml", Title: title + " (Atom)", Label: "Atom", Href: base + ".atom"},
		{Type: "application/feed+json", Title: title + " (JSON Feed)", Label: "JSON Feed", Href: base + ".json"},
	}
}

// OrgHomeData is the organisation's public home.
type OrgHomeData struct {
	Meta           Meta
	Follow         FollowBox
	News           []model.Publication
	MoreNews       bool
	Jobs           []model.Publication
	Topics         []model.Topic
	Neighbourhoods []model.Neighbourhood
	Events         []AgendaLine             // the next few dates of the agenda
	Images         map[string]*Illustration // the cards' illustrations, by publication
}

// homeNews is how many news items the home shows, homeEvents how many
// upcoming dates.
const (
	homeNews   = 8
	homeEvents = 4
)

func (h *Handler) orgHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	now := h.app.Now()
	hints := hintsFrom(ctx)
	d := OrgHomeData{Follow: h.followBox(r, org, h.cat.T(lang(r), "follow.box.org", org.Name), nil, nil)}
	// Alerts in force are the banner every public page carries (h.view).
	var err error
	if d.News, err = h.app.Publishing.PublicList(ctx, model.PublicFilter{OrgID: org.ID, Kinds: []model.PubKind{model.KindNews},
		Limit: homeNews + 1}); err != nil {
		return err
	}
	if len(d.News) > homeNews {
		d.News, d.MoreNews = d.News[:homeNews], true
	}
	if d.Jobs, err = h.app.Publishing.PublicList(ctx, model.PublicFilter{OrgID: org.ID, Kinds: []model.PubKind{model.KindJob},
		ActiveAt: &now, Limit: 10}); err != nil {
		return err
	}
	if d.Topics, err = h.app.Publishing.TopicsOf(ctx, org.ID); err != nil {
		return err
	}
	if d.Neighbourhoods, err = h.app.Publishing.NeighbourhoodsOf(ctx, org.ID); err != nil {
		return err
	}
	if d.Events, err = h.upcoming(r, org.ID, homeEvents); err != nil {
		return err
	}
	if d.Images, err = h.cardImages(r, org.ID, d.News); err != nil {
		return err
	}
	for _, l := range [][]model.Publication{d.News, d.Jobs} {
		noteTimes(hints, l, now)
	}
	v := h.view(r, org.Name, &d)
	d.Meta = Meta{Canonical: h.abs(orgPath(org)), Description: org.Description, OGType: "website",
		Feeds: v.feedLinks(orgPath(org)+"feed", org.Name), JSONLD: h.orgJSONLD(org)}
	h.render(w, r, http.StatusOK, "public/home", v)
	return nil
}

// noteTimes tells the cache when a list changes by itself and what its
// newest change is.
func noteTimes(hints *pageHints, l []model.Publication, now time.Time) {
	for _, p := range l {
		if p.AlertEndsAt != nil {
			hints.expireAt(*p.AlertEndsAt, now)
		}
		if p.Job.ClosesAt != nil {
			hints.expireAt(*p.Job.ClosesAt, now)
		}
		hints.modified(lastChange(p))
	}
}

// lastChange is the publication's last public change.
func lastChange(p model.Publication) time.Time {
	var t time.Time
	if p.PublishedAt != nil {
		t = *p.PublishedAt
	}
	if p.RepublishedAt != nil && p.RepublishedAt.After(t) {
		t = *p.RepublishedAt
	}
	return t
}

// PublicationData is a publication's page (and its print notice).
type PublicationData struct {
	Meta           Meta
	Pub            model.Publication
	Body           template.HTML // sanitized when saved (markdown package)
	Topics         []model.Topic
	Neighbourhoods []model.Neighbourhood
	Updated        bool // show "mis à jour le"
	AlertActive    bool
	JobOpen        bool
	Share          ShareLinks
	QR             template.HTML   // print notice only
	Mastodon       string          // the instance typed in (share form)
	MastodonError  string          // catalogue key
	Comments       *commentSection // the debate under it (comments.go); nil on the poster
	Fediverse      model.Reactions // likes, boosts and replies from the Fediverse (federation.go)
	Illustration   *Illustration   // nil when the publication has none
}

// Illustration is a publication's image with its resized copies, so that a
// phone downloads the 480-pixel version and a desktop the larger ones.
type Illustration struct {
	Src, Srcset, Alt string
	Width, Height    int
}

// illustration builds the image of a publication from its media row.
func illustration(m model.Media) *Illustration {
	return &Illustration{Src: "/media/" + m.Path, Alt: m.Alt, Width: m.Width, Height: m.Height, Srcset: m.Srcset()}
}

// cardImages loads the illustrations of a list of cards in one query, by
// publication ID (publications without one are absent).
func (h *Handler) cardImages(r *http.Request, orgID string, l []model.Publication) (map[string]*Illustration, error) {
	var ids []string
	for _, p := range l {
		if p.ImageID != "" {
			ids = append(ids, p.ImageID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	media, err := h.app.Publishing.PublicMediaOf(r.Context(), orgID, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]*Illustration{}
	for _, p := range l {
		if m, ok := media[p.ImageID]; ok && m.Kind == "image" {
			out[p.ID] = illustration(m)
		}
	}
	return out, nil
}

// ShareLinks are plain links: nothing is loaded from the networks.
type ShareLinks struct {
	URL, Mail, Facebook, LinkedIn, Bluesky, Mastodon string
}

func (h *Handler) loadPublication(r *http.Request) (*PublicationData, error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	p, topics, nbs, err := h.app.Publishing.PublishedBySlug(ctx, org.ID, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if p.Kind == model.KindEvent {
		return nil, &isEvent{p, topics, nbs} // events have their own page at the same URL (events_public.go)
	}
	now := h.app.Now()
	hints := hintsFrom(ctx)
	noteTimes(hints, []model.Publication{p}, now)
	canonical := h.abs(pubPath(org, p.Slug))
	d := &PublicationData{Pub: p, Topics: topics, Neighbourhoods: nbs,
		Body:        template.HTML(p.BodyHTML), //nolint:gosec // rendered and sanitized by the editorial side on save
		Updated:     p.RepublishedAt != nil && p.PublishedAt != nil && p.RepublishedAt.After(*p.PublishedAt),
		AlertActive: p.Kind == model.KindAlert && (p.AlertEndsAt == nil || p.AlertEndsAt.After(now)),
		JobOpen:     p.Kind == model.KindJob && (p.Job.ClosesAt == nil || p.Job.ClosesAt.After(now)),
		Share:       shareLinks(canonical, p.Title, pubPath(org, p.Slug)+"/mastodon"),
	}
	modified := lastChange(p)
	d.Meta = Meta{Canonical: canonical, Description: p.Summary, OGType: "article", Published: p.PublishedAt,
		Modified: &modified, JSONLD: h.publicationJSONLD(org, p, canonical)}
	if p.ImageID != "" {
		m, err := h.app.Publishing.PublicMedia(ctx, org.ID, p.ImageID)
		switch {
		case err == nil && m.Kind == "image":
			d.Illustration = illustration(m)
			d.Meta.Image = h.abs(d.Illustration.Src)
		case err != nil && !errors.Is(err, model.ErrNotFound):
			return nil, err
		}
	}
	return d, nil
}

func (h *Handler) publicationPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadPublication(r)
	var ev *isEvent
	if errors.As(err, &ev) {
		return h.eventPage(w, r, ev)
	}
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	if d.Comments, err = h.commentSection(r, org, d.Pub); err != nil {
		return err
	}
	if d.Fediverse, err = h.app.Publishing.ReactionsOf(r.Context(), d.Pub.ID); err != nil {
		return err
	}
	v := h.view(r, d.Pub.Title, d)
	d.Meta.Feeds = v.feedLinks(orgPath(org)+"feed", org.Name)
	h.render(w, r, http.StatusOK, "public/publication", v)
	return nil
}

// posterPage is the print version for the town notice board: title,
// summary, date and a QR code to the canonical URL.
func (h *Handler) posterPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadPublication(r)
	var ev *isEvent
	if errors.As(err, &ev) {
		return h.eventPosterPage(w, r, ev)
	}
	if err != nil {
		return err
	}
	return h.renderPoster(w, r, "public/poster", d.Pub.Title, d.Meta.Canonical, &d.QR, d)
}

// renderPoster renders a print version with a QR code to the canonical
// page, which is the one to index, not the poster.
func (h *Handler) renderPoster(w http.ResponseWriter, r *http.Request, page, title, canonical string, qr *template.HTML, data any) error {
	var err error
	if *qr, err = qrSVG(canonical, h.cat.T(lang(r), "public.poster.qr_label")); err != nil {
		return err
	}
	v := h.view(r, title, data)
	v.NoIndex = true
	h.render(w, r, http.StatusOK, page, v)
	return nil
}

// mailtoEscape escapes for a mailto: URL, where "+" is not a space.
func mailtoEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func shareLinks(canonical, title, mastodonForm string) ShareLinks {
	text := title + " " + canonical
	return ShareLinks{
		URL:      canonical,
		Mail:     "mailto:?subject=" + mailtoEscape(title) + "&body=" + mailtoEscape(canonical),
		Facebook: "https://www.facebook.com/sharer/sharer.php?u=" + url.QueryEscape(canonical),
		LinkedIn: "https://www.linkedin.com/sharing/share-offsite/?url=" + url.QueryEscape(canonical),
		Bluesky:  "https://bsky.app/intent/compose?text=" + url.QueryEscape(text),
		Mastodon: mastodonForm,
	}
}

// instanceRE is a host name: labels of letters, digits and hyphens, a dot
// at least, no port, no path.
var instanceRE = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// mastodonInstance extracts the host from what a reader typed:
// "piaille.fr", "https://piaille.fr/", "@marie@piaille.fr".
func mastodonInstance(in string) (string, bool) {
	s := strings.TrimSpace(in)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.ToLower(strings.TrimSuffix(s, "/"))
	if len(s) > 253 || !instanceRE.MatchString(s) {
		return "", false
	}
	return s, true
}

// shareMastodon asks the reader's instance and sends them to its share
// page; without an instance (or with a malformed one) it shows the form.
func (h *Handler) shareMastodon(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadPublication(r)
	var ev *isEvent
	if errors.As(err, &ev) {
		// An event is shared like any publication: only its title and
		// address are needed.
		org, _ := orgFrom(r.Context())
		canonical := h.abs(pubPath(org, ev.Pub.Slug))
		d, err = &PublicationData{Pub: ev.Pub, Meta: Meta{Canonical: canonical},
			Share: shareLinks(canonical, ev.Pub.Title, pubPath(org, ev.Pub.Slug)+"/mastodon")}, nil
	}
	if err != nil {
		return err
	}
	in := r.URL.Query().Get("instance")
	if in != "" {
		if host, ok := mastodonInstance(in); ok {
			text := d.Pub.Title + " " + d.Meta.Canonical
			http.Redirect(w, r, "https://"+host+"/share?text="+url.QueryEscape(text), http.StatusSeeOther)
			return nil
		}
		d.MastodonError = "public.share.mastodon_invalid"
	}
	d.Mastodon = in
	v := h.view(r, d.Pub.Title, d)
	v.NoIndex = true
	status := http.StatusOK
	if d.MastodonError != "" {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "public/mastodon", v)
	return nil
}

// ListData is a paginated list of publications (news, job offers, a topic,
// a neighbourhood).
type ListData struct {
	Meta     Meta
	Heading  string // already translated or a name
	Intro    string
	Items    []model.Publication
	Pager    Pager
	Empty    string // catalogue key
	FeedBase string // "" when the list has no feed of its own
	Kind     string // news, jobs, topic, neighbourhood
	// Follow says how to follow a topic or a neighbourhood; nil on the
	// news and jobs lists (the menu's "Suivre" serves them).
	Follow *FollowBox
}

// FollowBox says plainly how to follow an organisation, a topic or a
// neighbourhood: by e-mail (an inline form for visitors, with the consent
// text the full form shows), from a Fediverse account (the address to
// paste into its search), and by feed.
type FollowBox struct {
	Title     string // already translated
	Query     string // the full follow form's preselection ("sujet=travaux")
	Scope     string // "all" or "some"
	TopicID   string
	HoodID    string
	Fediverse string // "@bellerive.travaux@ville.fr", "" when nothing to follow there
	Consent   string
	SignedIn  bool
}

// followBox builds the box for org, and for a topic or a neighbourhood
// when one is given.
func (h *Handler) followBox(r *http.Request, org model.Organisation, title string, t *model.Topic, n *model.Neighbourhood) FollowBox {
	_, signed := accountFrom(r.Context())
	b := FollowBox{Title: title, Scope: "all", SignedIn: signed,
		Consent:   mailing.ConsentText(mailing.ConsentVersion, lang(r), org.Name),
		Fediverse: "@" + org.Handle + "@" + h.app.Fediverse.FedHost()}
	switch {
	case t != nil:
		b.Query, b.Scope, b.TopicID = "sujet="+url.QueryEscape(t.Slug), "some", t.ID
		b.Fediverse = "@" + org.Handle + "." + t.Slug + "@" + h.app.Fediverse.FedHost()
	case n != nil:
		// Neighbourhoods have no Fediverse actor: the organisation's
		// account carries their news.
		b.Query, b.Scope, b.HoodID = "quartier="+url.QueryEscape(n.Slug), "some", n.ID
	}
	return b
}

func (h *Handler) listPage(w http.ResponseWriter, r *http.Request, f model.PublicFilter, d *ListData, base string) error {
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = pageSize+1, (page-1)*pageSize
	items, err := h.app.Publishing.PublicList(r.Context(), f)
	if err != nil {
		return err
	}
	more := len(items) > pageSize
	if more {
		items = items[:pageSize]
	}
	if page > 1 && len(items) == 0 {
		return model.ErrNotFound
	}
	noteTimes(hintsFrom(r.Context()), items, h.app.Now())
	d.Items, d.Pager = items, newPager(base, page, more, nil)
	d.Meta.Canonical = h.abs(base)
	if page > 1 {
		d.Meta.Canonical = h.abs(d.Pager.Prev[:strings.IndexByte(d.Pager.Prev+"?", '?')]) + "?page=" + strconv.Itoa(page)
	}
	d.Meta.OGType = "website"
	v := h.view(r, d.Heading, d)
	if d.FeedBase != "" {
		d.Meta.Feeds = v.feedLinks(d.FeedBase, d.Heading)
	}
	h.render(w, r, http.StatusOK, "public/list", v)
	return nil
}

func (h *Handler) newsPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	d := &ListData{Heading: h.cat.T(lang(r), "public.news.title"), Empty: "public.news.empty", Kind: "news",
		FeedBase: orgPath(org) + "feed"}
	return h.listPage(w, r, model.PublicFilter{OrgID: org.ID, Kinds: []model.PubKind{model.KindNews}}, d, orgPath(org)+"actualites")
}

func (h *Handler) jobsPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	now := h.app.Now()
	d := &ListData{Heading: h.cat.T(lang(r), "public.jobs.title"), Intro: h.cat.T(lang(r), "public.jobs.intro"),
		Empty: "public.jobs.empty", Kind: "jobs"}
	return h.listPage(w, r, model.PublicFilter{OrgID: org.ID, Kinds: []model.PubKind{model.KindJob}, ActiveAt: &now}, d, orgPath(org)+"emplois")
}

func (h *Handler) topicPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	t, err := h.app.Publishing.TopicBySlug(r.Context(), org.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	base := orgPath(org) + "themes/" + t.Slug
	d := &ListData{Heading: t.Name, Intro: t.Description, Empty: "public.topic.empty", Kind: "topic", FeedBase: base + "/feed"}
	box := h.followBox(r, org, h.cat.T(lang(r), "follow.box.topic", t.Name), &t, nil)
	d.Follow = &box
	d.Meta.Description = t.Description
	return h.listPage(w, r, model.PublicFilter{OrgID: org.ID, TopicID: t.ID}, d, base)
}

func (h *Handler) neighbourhoodPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	n, err := h.app.Publishing.NeighbourhoodBySlug(r.Context(), org.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	base := orgPath(org) + "quartiers/" + n.Slug
	d := &ListData{Heading: n.Name, Intro: n.Description, Empty: "public.neighbourhood.empty", Kind: "neighbourhood", FeedBase: base + "/feed"}
	box := h.followBox(r, org, h.cat.T(lang(r), "follow.box.neighbourhood", n.Name), nil, &n)
	d.Follow = &box
	d.Meta.Description = n.Description
	return h.listPage(w, r, model.PublicFilter{OrgID: org.ID, NeighbourhoodID: n.ID}, d, base)
}

// SearchData is the search page.
type SearchData struct {
	Meta     Meta
	Query    string
	Searched bool
	Hits     []SearchHit
	Pager    Pager
	TooShort bool
}

// SearchHit is one result with its snippet.
type SearchHit struct {
	Pub     model.Publication
	Title   template.HTML
	Snippet template.HTML
	Event   *SearchEvent // when the result is an event
}

// SearchEvent is when and where an event found by a search takes place:
// its next date, not its publication date.
type SearchEvent struct {
	StartsAt time.Time
	When     string
	Place    string
	Over     bool
	Status   model.EventStatus
}

// maxQueryLen bounds what a query may cost.
const maxQueryLen = 200

// searchQuery is the query as searched, shown and used in the page cache's
// key: spaces collapsed, at most maxQueryLen bytes, valid UTF-8 (so that
// "ecole " and " ecole" share one cached page).
func searchQuery(r *http.Request) string {
	q := strings.Join(strings.Fields(r.URL.Query().Get("q")), " ")
	if len(q) > maxQueryLen {
		q = strings.ToValidUTF8(q[:maxQueryLen], "")
	}
	return q
}

func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	d := &SearchData{Query: searchQuery(r)}
	d.Meta.Canonical = h.abs(orgPath(org) + "recherche")
	if d.Query != "" {
		page, err := pageParam(r)
		if err != nil {
			return err
		}
		res, err := h.app.Publishing.SearchPublications(ctx, org.ID, d.Query, pageSize, (page-1)*pageSize)
		if err != nil {
			return err
		}
		d.Searched = true
		d.TooShort = len(res.Stems) == 0
		for _, p := range res.Hits {
			text := p.Summary + " " + fts.StripTags(p.BodyHTML)
			d.Hits = append(d.Hits, SearchHit{Pub: p, Title: fts.Highlight(p.Title, res.Stems), Snippet: fts.Snippet(text, res.Stems, 36)})
		}
		if err := h.dateEvents(r, org.ID, d.Hits); err != nil {
			return err
		}
		d.Pager = newPager(orgPath(org)+"recherche", page, res.More, url.Values{"q": {d.Query}})
	}
	v := h.view(r, "public.search.title", d)
	v.NoIndex = d.Searched // result pages are not for search engines
	h.render(w, r, http.StatusOK, "public/search", v)
	return nil
}

// dateEvents tells when the events among hits take place, in two queries
// whatever their number; the page expires when the first date shown ends.
func (h *Handler) dateEvents(r *http.Request, orgID string, hits []SearchHit) error {
	var ids []string
	for _, hit := range hits {
		if hit.Pub.Kind == model.KindEvent {
			ids = append(ids, hit.Pub.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ds, err := h.app.Events.EventDates(r.Context(), orgID, ids)
	if err != nil {
		return err
	}
	now, l, hints := h.app.Now(), lang(r), hintsFrom(r.Context())
	for i, hit := range hits {
		d, ok := ds[hit.Pub.ID]
		if !ok {
			continue
		}
		if !d.Over {
			hints.expireAt(d.Next.EndsAt, now)
		}
		hints.modified(d.Event.UpdatedAt)
		hits[i].Event = &SearchEvent{StartsAt: d.Next.StartsAt, Place: d.Event.PlaceName, Over: d.Over, Status: d.Event.Status,
			When: dates.EventWhen(l, d.Next.StartsAt, d.Next.EndsAt, d.Event.AllDay, now)}
	}
	return nil
}
