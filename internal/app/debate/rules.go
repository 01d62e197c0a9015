package debate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// DebateSettings returns an organisation's debate settings, defaults filled in.
func (s *Rules) DebateSettings(ctx context.Context, orgID string) (model.ModerationSettings, error) {
	set, err := s.Store.ModerationSettings(ctx, orgID)
	if errors.Is(err, model.ErrNotFound) {
		set = model.ModerationSettings{OrgID: orgID, Mode: model.ModePost, ReportThreshold: DefaultReportThreshold}
	} else if err != nil {
		return set, err
	}
	if len(set.Charter) == 0 {
		set.Charter = s.DefaultCharter()
	}
	if !set.Mode.Valid() {
		set.Mode = model.ModePost
	}
	if set.ReportThreshold < 1 {
		set.ReportThreshold = DefaultReportThreshold
	}
	return set, nil
}

// DefaultCharter is the charter an organisation starts with, in French: it
// is the organisation's own text once edited.
func (s *Rules) DefaultCharter() []string {
	return core.Lines(s.Cat.T(i18n.Default, "debate.charter.default"))
}

// CommentMode is the mode in force for a publication: its own, else the
// organisation's.
func (s *Rules) CommentMode(ctx context.Context, settings model.ModerationSettings, publicationID string) (model.ModerationMode, model.ModerationMode, error) {
	return commentMode(ctx, s.Store.Queries, settings, publicationID)
}

// commentMode is CommentMode reading through q (a transaction's Queries
// inside one: store/txguard.go).
func commentMode(ctx context.Context, q *store.Queries, s model.ModerationSettings, publicationID string) (model.ModerationMode, model.ModerationMode, error) {
	own, err := q.PublicationCommentMode(ctx, publicationID)
	if err != nil {
		return "", "", err
	}
	if own.Valid() {
		return own, own, nil
	}
	return s.Mode, "", nil
}

// CheckCommentBody validates a comment's text into v and returns it trimmed.
func (s *Rules) CheckCommentBody(body string, v *model.ValidationError) string {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(body):
		v.Add("body", "debate.error.body_invalid")
	case screen.Normalize(body) == "":
		v.Add("body", "debate.error.body_empty")
	case utf8.RuneCountInString(body) > model.MaxCommentRunes:
		v.Add("body", "debate.error.body_long")
	}
	return body
}

// routedMail is the e-mail telling an agent about a comment for their service.
type routedMail struct {
	Name, Org, Publication, Excerpt, Link string
}

// RouteComment tells the agents of the services responsible for the publication's
// topics about a new comment: in the staff area, and by e-mail for those who
// asked for it.
func (s *Rules) RouteComment(ctx context.Context, tx *store.Tx, org model.Organisation, pub model.Publication, c model.Comment, services []string) error {
	if len(services) == 0 {
		return nil
	}
	agents, err := tx.AgentsOfServices(ctx, org.ID, services)
	if err != nil {
		return err
	}
	for _, ag := range agents {
		if ag.AccountID == c.AccountID {
			continue
		}
		if err := tx.Notify(ctx, core.NewID(), org.ID, ag.AccountID, c.ID, ag.ServiceID, c.CreatedAt); err != nil {
			return err
		}
		if ag.EmailRouted {
			link := fmt.Sprintf("%s/%s/p/%s/commentaires?c=%s#c-%s", s.BaseURL, org.Handle, pub.Slug, c.ID, c.ID)
			err := s.SendMail(ctx, tx, ag.Email, ag.Locale, "debate_routed", routedMail{Name: ag.DisplayName, Org: org.Name,
				Publication: pub.Title, Excerpt: core.Excerpt(c.Body, 300), Link: link})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
