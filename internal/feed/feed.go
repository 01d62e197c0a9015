// Package feed writes syndication feeds — RSS 2.0, Atom 1.0 and JSON Feed
// 1.1 — from one neutral description, so that any reader, present or future,
// can follow a collectivité without an account anywhere. Pure functions.
package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"time"
)

// Feed is what every format says.
type Feed struct {
	Title       string
	Description string
	Lang        string    // "fr"
	HomeURL     string    // the HTML page the feed follows
	FeedURL     string    // this feed's own URL
	Updated     time.Time // newest item change
	Author      string    // the organisation
	Items       []Item
}

// Item is one publication.
type Item struct {
	ID          string // stable: the canonical URL
	URL         string
	Title       string
	Summary     string // plain text
	ContentHTML string // sanitized HTML
	Published   time.Time
	Updated     time.Time
	Categories  []string
}

// MIME types of the three formats.
const (
	RSSType  = "application/rss+xml"
	AtomType = "application/atom+xml"
	JSONType = "application/feed+json"
)

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	AtomLink      atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Description string   `xml:"description"`
	Categories  []string `xml:"category"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// RSS writes an RSS 2.0 document. The description carries the HTML content
// (escaped, as RSS readers expect).
func RSS(f Feed) []byte {
	ch := rssChannel{Title: f.Title, Link: f.HomeURL, Description: f.Description, Language: f.Lang,
		AtomLink: atomLink{Href: f.FeedURL, Rel: "self", Type: RSSType}}
	if !f.Updated.IsZero() {
		ch.LastBuildDate = f.Updated.UTC().Format(time.RFC1123Z)
	}
	for _, it := range f.Items {
		desc := it.ContentHTML
		if desc == "" {
			desc = it.Summary
		}
		ch.Items = append(ch.Items, rssItem{Title: it.Title, Link: it.URL, GUID: rssGUID{IsPermaLink: "true", Value: it.ID},
			PubDate: it.Published.UTC().Format(time.RFC1123Z), Description: desc, Categories: it.Categories})
	}
	return marshalXML(rss{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", Channel: ch})
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
	Categories []atomCategory `xml:"category"`
}

// Atom writes an Atom 1.0 document.
func Atom(f Feed) []byte {
	updated := f.Updated
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	a := atomFeed{Lang: f.Lang, Title: f.Title, Subtitle: f.Description, ID: f.FeedURL, Updated: updated.UTC().Format(time.RFC3339),
		Links:  []atomLink{{Href: f.HomeURL, Rel: "alternate", Type: "text/html"}, {Href: f.FeedURL, Rel: "self", Type: AtomType}},
		Author: atomPerson{Name: f.Author}}
	for _, it := range f.Items {
		e := atomEntry{Title: it.Title, ID: it.ID, Links: []atomLink{{Href: it.URL, Rel: "alternate", Type: "text/html"}},
			Published: it.Published.UTC().Format(time.RFC3339), Updated: it.Updated.UTC().Format(time.RFC3339)}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Value: it.Summary}
		}
		if it.ContentHTML != "" {
			e.Content = &atomText{Type: "html", Value: it.ContentHTML}
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		a.Entries = append(a.Entries, e)
	}
	return marshalXML(a)
}

func marshalXML(v any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		// Only unsupported types make Encode fail; ours are fixed structs.
		panic("feed: " + err.Error())
	}
	b.WriteByte('\n')
	return b.Bytes()
}

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	Summary       string   `json:"summary,omitempty"`
	ContentHTML   string   `json:"content_html,omitempty"`
	ContentText   string   `json:"content_text,omitempty"`
	DatePublished string   `json:"date_published"`
	DateModified  string   `json:"date_modified,omitempty"`
	Tags          []string `json:"tags,omitempty"`
}

// JSON writes a JSON Feed 1.1 document.
func JSON(f Feed) []byte {
	j := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.HomeURL, FeedURL: f.FeedURL,
		Description: f.Description, Language: f.Lang, Items: []jsonItem{}}
	if f.Author != "" {
		j.Authors = []jsonAuthor{{Name: f.Author}}
	}
	for _, it := range f.Items {
		ji := jsonItem{ID: it.ID, URL: it.URL, Title: it.Title, Summary: it.Summary, ContentHTML: it.ContentHTML,
			DatePublished: it.Published.UTC().Format(time.RFC3339), Tags: it.Categories}
		if ji.ContentHTML == "" {
			ji.ContentText = it.Summary // an item must have content_html or content_text
		}
		if !it.Updated.Equal(it.Published) {
			ji.DateModified = it.Updated.UTC().Format(time.RFC3339)
		}
		j.Items = append(j.Items, ji)
	}
	b, err := json.MarshalIndent(j, "", " ")
	if err != nil {
		panic("feed: " + err.Error())
	}
	return append(b, '\n')
}
