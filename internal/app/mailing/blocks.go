package mailing

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
)

// A newsletter's blocks are lines that the rendering replaces by Markdown
// lists of the organisation's content, so that a letter written once shows
// what is new when it is sent:
//
//	[[publications]]  [[publications 5]]  [[publications sujet=travaux 3]]  [[publications quartier=les-rives]]
//	[[agenda]]        [[agenda 5]]        [[agenda sujet=culture 3]]         [[agenda quartier=les-rives]]
//
// "publications" lists the latest published publications (pages left out),
// "agenda" the next occurrences of events (cancelled ones left out). The
// staff editor writes them from lists (Block); nobody has to type them.
var blockRE = regexp.MustCompile(`(?m)^\[\[(publications|agenda)(?:\s+(sujet|quartier)=([a-z0-9-]+))?(?:\s+(\d{1,2}))?\]\]\s*$`)

// BlockKinds are what a block lists; BlockFilters the filters it takes
// (the words of its syntax).
var (
	BlockKinds   = []string{"publications", "agenda"}
	BlockFilters = []string{"sujet", "quartier"}
)

// MaxBlockCount is the most items a block lists.
const MaxBlockCount = 20

// agendaHorizon is how far ahead an agenda block looks.
const agendaHorizon = 92 * 24 * time.Hour

var slugRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// Block writes the syntax of a block listing n items of kind, of the topic
// or neighbourhood slug when filter is "sujet" or "quartier" ("" for all):
// what the editor's "Insérer un bloc" inserts. ok is false for what the
// block syntax cannot carry.
func Block(kind, filter, slug string, n int) (block string, ok bool) {
	if !contains(BlockKinds, kind) || n < 1 || n > MaxBlockCount {
		return "", false
	}
	b := "[[" + kind
	switch {
	case filter == "" && slug == "":
	case contains(BlockFilters, filter) && slugRE.MatchString(slug):
		b += " " + filter + "=" + slug
	default:
		return "", false
	}
	return b + " " + strconv.Itoa(n) + "]]", true
}

// expandBlocks replaces the blocks by Markdown lists.
func (s *Service) expandBlocks(ctx context.Context, org model.Organisation, md string) (string, error) {
	var firstErr error
	out := blockRE.ReplaceAllStringFunc(md, func(block string) string {
		m := blockRE.FindStringSubmatch(block)
		n := 5
		if m[4] != "" {
			n, _ = strconv.Atoi(m[4])
		}
		n = min(max(n, 1), MaxBlockCount)
		var topicID, hoodID string
		switch m[2] {
		case "sujet":
			t, err := s.Store.TopicBySlug(ctx, org.ID, m[3])
			if err != nil {
				return "" // unknown topic: nothing to list
			}
			topicID = t.ID
		case "quartier":
			h, err := s.Store.NeighbourhoodBySlug(ctx, org.ID, m[3])
			if err != nil {
				return ""
			}
			hoodID = h.ID
		}
		var list string
		var err error
		if m[1] == "agenda" {
			list, err = s.agendaBlock(ctx, org, topicID, hoodID, n)
		} else {
			list, err = s.publicationsBlock(ctx, org, topicID, hoodID, n)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return list
	})
	return out, firstErr
}

func (s *Service) publicationsBlock(ctx context.Context, org model.Organisation, topicID, hoodID string, n int) (string, error) {
	list, _, err := s.Store.ListPublications(ctx, model.PubFilter{OrgID: org.ID, State: model.StatePublished, TopicID: topicID, Limit: 4 * n})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	count := 0
	for _, p := range list {
		if p.Kind == model.KindPage || (hoodID != "" && !contains(p.NeighbourhoodIDs, hoodID)) {
			continue
		}
		fmt.Fprintf(&b, "- [%s](%s)", escapeMD(p.Title), s.PublicationURL(org, p))
		if p.Summary != "" {
			b.WriteString(" — " + escapeMD(p.Summary))
		}
		b.WriteString("\n")
		if count++; count == n {
			break
		}
	}
	return b.String(), nil
}

// agendaBlock lists the next n occurrences of the organisation's events,
// dated in the organisation's language as the public agenda dates them.
func (s *Service) agendaBlock(ctx context.Context, org model.Organisation, topicID, hoodID string, n int) (string, error) {
	now := s.Now()
	f := model.AgendaFilter{OrgID: org.ID, From: now, To: now.Add(agendaHorizon), Limit: 4 * n}
	if topicID != "" {
		f.TopicIDs = []string{topicID}
	}
	if hoodID != "" {
		f.NeighbourhoodIDs = []string{hoodID}
	}
	agenda, err := s.Store.Agenda(ctx, f)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	count := 0
	for _, it := range agenda {
		if it.Cancelled {
			continue
		}
		fmt.Fprintf(&b, "- [%s](%s) — %s\n", escapeMD(it.Pub.Title), s.PublicationURL(org, it.Pub),
			escapeMD(dates.EventWhen(i18n.Default, it.StartsAt, it.EndsAt, it.Event.AllDay, now)))
		if count++; count == n {
			break
		}
	}
	return b.String(), nil
}
