package fediverse

import (
	"context"
	"errors"
	"html"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/recur"
	"github.com/parvis/parvis/internal/store"
)

// ---- Objects ----------------------------------------------------------

// PublicationObject builds the ActivityPub object of a publication: a
// Note for news, pages, job offers and alerts, an Event for events.
//
// Why not an Article for news: the two big readers disagree on it, and a
// Note reads the same in both (docs/FEDERATION.md, "What each server
// shows"). Mastodon converts an Article into its name, summary and link and
// never shows its content (app/lib/activitypub/activity/create.rb,
// converted_text); GoToSocial shows the content but makes the summary — or
// failing it the name — a content warning the post is folded behind
// (internal/typeutils/astointernal.go, ASStatusToStatus). A Note with
// neither name nor summary, its content opening with the title, is shown
// unfolded and whole by both, by Misskey and by Pleroma/Akkoma.
func (s *Service) PublicationObject(ctx context.Context, q *store.Queries, org model.Organisation, p model.Publication) (federation.Note, error) {
	return s.publicationObject(ctx, q, org, p, nil)
}

// publicationObject is PublicationObject; an event's lead notices (news its
// state alone does not tell, such as a date back on schedule) open its
// summary and content.
func (s *Service) publicationObject(ctx context.Context, q *store.Queries, org model.Organisation, p model.Publication,
	lead []EventNotice) (federation.Note, error) {
	uri := s.PublicationURI(org.Handle, p.Slug)
	actor := s.OrgActorURI(org.Handle)
	n := federation.Note{ID: uri, Type: "Note", AttributedTo: actor, MediaType: "text/html", URL: uri,
		To: []string{federation.Public}, Cc: []string{collectionURI(actor, "followers")}}
	if p.PublishedAt != nil {
		n.Published = federation.Stamp(*p.PublishedAt)
	}
	if p.RepublishedAt != nil {
		n.Updated = federation.Stamp(*p.RepublishedAt)
	}
	back := `<p><a href="` + html.EscapeString(uri) + `">` + html.EscapeString(s.Cat.T(i18n.Default, "fed.read_more", org.Name)) + `</a></p>`
	// The title opens the text (every reader shows it), then the lead, then
	// the body; no summary, which Mastodon and GoToSocial show as a content
	// warning, and no name, which GoToSocial falls back on for one. An
	// alert's level comes first.
	title := p.Title
	if p.Kind == model.KindAlert && p.AlertLevel != "" {
		title = s.Cat.T(i18n.Default, "fed.alert."+string(p.AlertLevel)) + " — " + title
	}
	n.Content = "<p><strong>" + html.EscapeString(title) + "</strong></p>" + paragraphs(p.Summary) + p.BodyHTML
	topics, err := q.TopicsOf(ctx, org.ID)
	if err != nil {
		return n, err
	}
	for _, t := range topics {
		if slices.Contains(p.TopicIDs, t.ID) {
			n.Tag = append(n.Tag, federation.Tag{Type: "Hashtag", Name: "#" + hashtag(t.Name),
				Href: s.TopicActorURI(org.Handle, t.Slug)})
		}
	}
	if p.ImageID != "" {
		m, err := q.MediaByID(ctx, org.ID, p.ImageID)
		if err == nil {
			n.Attachment = append(n.Attachment, federation.Attachment{Type: "Document", MediaType: m.ContentType,
				URL: s.BaseURL + "/media/" + m.Path, Name: m.Alt, Width: m.Width, Height: m.Height})
		} else if !errors.Is(err, model.ErrNotFound) {
			return n, err
		}
	}
	if p.Kind == model.KindEvent {
		// An Event keeps its name (Mobilizon's title, what Mastodon shows)
		// and its lead as summary; its content opens with the title too.
		n.Name, n.Summary, n.Content = p.Title, p.Summary, p.BodyHTML
		if err := s.eventObjectFields(ctx, q, p, &n, lead); err != nil {
			return n, err
		}
	}
	n.Content += back
	return n, nil
}

// eventObjectFields makes an event publication an ActivityPub Event the
// way Mobilizon sends them: startTime, endTime, timezone, location (a
// Place with its address), joinMode, ical:status, and for registrations
// here maximumAttendeeCapacity and remainingAttendeeCapacity.
//
// No Fediverse software reads a recurrence (FEP-8a8e leaves it out,
// Mobilizon has none), so a series goes out as one Event whose startTime
// and endTime are its next date still on, whose content lists the next
// dates, and whose summary and content open with what changed: the
// event's status, then the coming dates cancelled or moved. Both carry
// it because Mastodon shows an Event as its name, summary and link (never
// its content) while Mobilizon shows the content.
func (s *Service) eventObjectFields(ctx context.Context, q *store.Queries, p model.Publication, n *federation.Note, lead []EventNotice) error {
	n.Type = "Event"
	n.Timezone = "Europe/Paris"
	title := "<p><strong>" + html.EscapeString(p.Title) + "</strong></p>"
	e, err := q.EventByID(ctx, p.OrgID, p.ID)
	if errors.Is(err, model.ErrNotFound) {
		n.JoinMode = "free"
		n.Content = title + n.Content
		return nil // an event without its details yet: its text only
	} else if err != nil {
		return err
	}
	n.StartTime, n.EndTime = federation.Stamp(e.StartsAt), federation.Stamp(e.EndsAt)
	n.JoinMode = string(e.JoinMode)
	n.ICalStatus = icalStatus(e.Status)
	notices := slices.Clone(lead)
	if e.Status == model.EventCancelled || e.Status == model.EventPostponed {
		notices = append(notices, EventNotice{Label: s.Cat.T(i18n.Default, "events.status."+string(e.Status)), Text: e.StatusNote})
	}
	start, end := e.StartsAt, e.EndsAt
	if e.Recurring() {
		series, next, err := s.seriesFields(ctx, q, e, n)
		if err != nil {
			return err
		}
		if next != nil {
			start, end = next.StartsAt, next.EndsAt
		}
		for _, nt := range series {
			if !slices.Contains(notices, nt) { // the lead names it already
				notices = append(notices, nt)
			}
		}
	}
	// GoToSocial ignores startTime and location, and Mastodon shows an
	// Event's name, summary and link only: the date, time and place go in
	// the summary and, after the title, in the content.
	when := dates.EventWhen(i18n.Default, start, end, e.AllDay, s.Now())
	if e.Recurring() {
		when = s.Cat.T(i18n.Default, "fed.event.next_date", when)
	}
	when = upperFirst(when) // it opens a sentence and a paragraph
	where := eventPlace(s.Cat.T(i18n.Default, "events.attendance.online"), e)
	line, head := when, title+"<p>"+html.EscapeString(when)
	if where != "" {
		line += " — " + where
		head += "<br>" + html.EscapeString(where)
	}
	n.Summary = strings.TrimSpace(sentence(line) + " " + n.Summary)
	n.Content = head + "</p>" + n.Content
	prependNotices(n, notices)
	if e.PlaceName != "" || e.PlaceAddress != "" {
		n.Location = &federation.Place{Type: "Place", Name: e.PlaceName}
		if e.PlaceAddress != "" {
			n.Location.Address = &federation.PostalAddress{Type: "PostalAddress", StreetAddress: e.PlaceAddress,
				AddressCountry: "France"}
		}
		if n.Location.Name == "" {
			n.Location.Name = e.PlaceAddress
		}
	}
	if e.Registers() && e.Capacity > 0 {
		taken, err := q.TakenSeats(ctx, p.ID)
		if err != nil {
			return err
		}
		capacity, remaining := e.Capacity, max(e.Capacity-taken, 0)
		n.MaximumAttendeeCapacity, n.RemainingAttendeeCapacity = &capacity, &remaining
	}
	return nil
}

// Limits of what an Event says about its series.
const (
	fedNextDates = 6 // dates listed in the content
	fedNotices   = 3 // changed dates named in the summary
)

// EventNotice is one line opening an Event's summary and content: a label
// ("Annulé", "Date déplacée") and what it is about.
type EventNotice struct{ Label, Text string }

// seriesFields gives a series' Event its next date still on (the first
// date when none is left), appends the next dates to its content, and
// returns a notice for each coming date that is cancelled or moved.
func (s *Service) seriesFields(ctx context.Context, q *store.Queries, e model.Event, n *federation.Note) ([]EventNotice, *model.Occurrence, error) {
	now := s.Now()
	occs, err := q.Occurrences(ctx, e.PublicationID, now, fedNextDates)
	if err != nil {
		return nil, nil, err
	}
	var next *model.Occurrence
	if i := slices.IndexFunc(occs, func(o model.Occurrence) bool { return !o.Cancelled }); i >= 0 {
		next = &occs[i]
		n.StartTime, n.EndTime = federation.Stamp(occs[i].StartsAt), federation.Stamp(occs[i].EndsAt)
	}
	if len(occs) > 0 {
		var b strings.Builder
		b.WriteString("<p><strong>" + html.EscapeString(s.Cat.T(i18n.Default, "fed.occurrence.next")) + "</strong></p><ul>")
		for _, o := range occs {
			when := html.EscapeString(dates.EventWhen(i18n.Default, o.StartsAt, o.EndsAt, e.AllDay, now))
			switch {
			case o.Cancelled:
				b.WriteString("<li><del>" + when + "</del> (" + html.EscapeString(s.Cat.T(i18n.Default, "events.occurrence.cancelled")) + ")</li>")
			case o.Moved:
				b.WriteString("<li>" + when + " (" + html.EscapeString(s.Cat.T(i18n.Default, "events.occurrence.moved")) + ")</li>")
			default:
				b.WriteString("<li>" + when + "</li>")
			}
		}
		b.WriteString("</ul>")
		n.Content += b.String()
	}
	xs, err := q.EventExceptions(ctx, e.PublicationID)
	if err != nil {
		return nil, nil, err
	}
	var notices []EventNotice
	for _, x := range xs {
		end := recur.WallEnd(e.StartsAt, e.EndsAt, x.OriginalStart, dates.Paris)
		if x.Kind == model.ExceptionMove && x.EndsAt != nil && x.EndsAt.After(end) {
			end = *x.EndsAt
		}
		if !end.After(now) || len(notices) == fedNotices {
			continue // past dates are no news
		}
		notices = append(notices, s.OccurrenceNotice(e, x, false, now))
	}
	return notices, next, nil
}

// OccurrenceNotice says what became of one date of a series: cancelled,
// moved (to when, instead of when) or, with restored, back on schedule.
func (s *Service) OccurrenceNotice(e model.Event, x model.EventException, restored bool, now time.Time) EventNotice {
	lang := i18n.Default
	original := dates.EventWhen(lang, x.OriginalStart, recur.WallEnd(e.StartsAt, e.EndsAt, x.OriginalStart, dates.Paris), e.AllDay, now)
	nt := EventNotice{Label: s.Cat.T(lang, "fed.occurrence.cancelled"), Text: original}
	switch {
	case restored:
		nt = EventNotice{Label: s.Cat.T(lang, "fed.occurrence.restored"), Text: original}
	case x.Kind == model.ExceptionMove && x.StartsAt != nil && x.EndsAt != nil:
		nt = EventNotice{Label: s.Cat.T(lang, "fed.occurrence.moved"), Text: dates.EventWhen(lang, *x.StartsAt, *x.EndsAt, e.AllDay, now) +
			", " + s.Cat.T(lang, "fed.occurrence.instead_of", dates.DayAt(lang, x.OriginalStart, e.AllDay, now))}
	}
	if x.Note != "" && !restored {
		nt.Text = sentence(nt.Text) + " " + x.Note
	}
	return nt
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// eventPlace is where an event happens, as one line: its place's name and
// address (either may be missing), or online.
func eventPlace(online string, e model.Event) string {
	parts := []string{}
	for _, s := range []string{e.PlaceName, e.PlaceAddress} {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	if e.Attendance == model.AttendOnline && len(parts) == 0 {
		return online
	}
	return strings.Join(parts, ", ")
}

// prependNotices opens the summary (plain text, which Mastodon shows) and
// the content (HTML, which Mobilizon shows) with the notices, in order.
func prependNotices(n *federation.Note, notices []EventNotice) {
	if len(notices) == 0 {
		return
	}
	var sum []string
	head := ""
	for _, nt := range notices {
		line := nt.Label
		if nt.Text != "" {
			line += " — " + nt.Text
		}
		sum = append(sum, sentence(line))
		head += "<p><strong>" + html.EscapeString(nt.Label) + "</strong>"
		if nt.Text != "" {
			head += " — " + html.EscapeString(nt.Text)
		}
		head += "</p>"
	}
	if n.Summary != "" {
		sum = append(sum, n.Summary)
	}
	n.Summary = strings.Join(sum, " ")
	n.Content = head + n.Content
}

// sentence ends s with a full stop unless it ends with punctuation already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsRune(".!?…", []rune(s)[len([]rune(s))-1]) {
		return s
	}
	return s + "."
}

// icalStatus is an event status in Mobilizon's ical:status words; a
// postponed event, whose new date is not known, is TENTATIVE.
func icalStatus(s model.EventStatus) string {
	switch s {
	case model.EventCancelled:
		return "CANCELLED"
	case model.EventPostponed:
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// hashtag makes a topic name a hashtag: words joined in CamelCase, letters
// and digits only ("Vie associative" → "VieAssociative").
func hashtag(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	return b.String()
}
