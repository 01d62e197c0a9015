package mailing

import (
	"context"
	"errors"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/mail"

	"github.com/riverqueue/river"
	"golang.org/x/text/unicode/norm"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Newsletters are composed by staff in Markdown, with blocks that pull
// recent publications, and sent as a mailing (crash-safe, see mailings.go).

// NewsletterInput is the staff form.
type NewsletterInput struct {
	Subject        string
	BodyMD         string
	Topics         []string
	Neighbourhoods []string
}

func (s *Service) checkNewsletter(ctx context.Context, orgID string, in *NewsletterInput) error {
	v := &model.ValidationError{}
	in.Subject = strings.TrimSpace(in.Subject)
	if in.Subject == "" {
		v.Add("subject", "newsletters.error.subject_required")
	} else if len([]rune(in.Subject)) > 150 {
		v.Add("subject", "newsletters.error.subject_long")
	}
	if strings.TrimSpace(in.BodyMD) == "" {
		v.Add("body", "newsletters.error.body_required")
	}
	var err error
	c, err := s.cleanChoices(ctx, s.Store.Queries, orgID, model.Choices{Newsletter: true, TopicIDs: in.Topics,
		NeighbourhoodIDs: in.Neighbourhoods, Everything: len(in.Topics)+len(in.Neighbourhoods) == 0}, &model.ValidationError{})
	if err != nil {
		return err
	}
	in.Topics, in.Neighbourhoods = c.TopicIDs, c.NeighbourhoodIDs
	return v.Err()
}

// SaveNewsletter creates (id "") or updates a draft.
func (s *Service) SaveNewsletter(ctx context.Context, actorID, orgID, id string, in NewsletterInput) (model.Newsletter, error) {
	// Refuse before checking the input: a stranger learns nothing of the
	// organisation's topics from the field errors.
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.NewsletterEdit); err != nil {
		return model.Newsletter{}, err
	}
	if err := s.checkNewsletter(ctx, orgID, &in); err != nil {
		return model.Newsletter{}, err
	}
	now := s.Now()
	var n model.Newsletter
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if id != "" {
			var err error
			n, err = tx.NewsletterByID(ctx, orgID, id)
			if err != nil {
				return err
			}
			n.Subject, n.BodyMD, n.AudienceTopics, n.AudienceNeighbourhoods, n.UpdatedAt = in.Subject, in.BodyMD, in.Topics, in.Neighbourhoods, now
			if err := tx.UpdateNewsletter(ctx, n); err != nil {
				return err
			}
			return s.Audit(ctx, tx, orgID, actorID, "newsletter.update", n.ID, "")
		}
		n = model.Newsletter{ID: core.NewID(), OrgID: orgID, Subject: in.Subject, BodyMD: in.BodyMD, AudienceTopics: in.Topics,
			AudienceNeighbourhoods: in.Neighbourhoods, State: model.NewsletterDraft, CreatedBy: actorID, CreatedAt: now, UpdatedAt: now}
		base := now.In(dates.Paris).Format("2006-01") + "-" + slugify(in.Subject)
		n.Slug = base
		for i := 2; ; i++ {
			if _, err := tx.NewsletterBySlugAny(ctx, orgID, n.Slug); errors.Is(err, model.ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
			n.Slug = base + "-" + strconv.Itoa(i)
		}
		if err := tx.CreateNewsletter(ctx, n); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "newsletter.create", n.ID, "")
	})
	return n, err
}

// slugify makes a URL slug of French text.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		out = "lettre"
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func escapeMD(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "\\`").Replace(s)
}

// RenderedNewsletter is a newsletter as sent: HTML body, plain text body.
type RenderedNewsletter struct {
	BodyHTML string // the Markdown rendered and sanitised
	BodyText string // the Markdown with blocks expanded (readable as is)
	Subject  string
	MailText string // the whole e-mail (footer included), with link placeholders
	MailHTML string
	// Message is the e-mail in every language (the body as written, the
	// words around it translated), as a mailing carries it.
	Message model.Mailing
}

type newsletterMail struct {
	massData
	Subject    string
	Text       string
	HTML       htmltemplate.HTML
	ArchiveURL string
}

// RenderNewsletter renders a newsletter for preview and sending.
func (s *Service) RenderNewsletter(ctx context.Context, org model.Organisation, n model.Newsletter) (RenderedNewsletter, error) {
	md, err := s.expandBlocks(ctx, org, n.BodyMD)
	if err != nil {
		return RenderedNewsletter{}, err
	}
	res, err := core.RenderBody(md, nil)
	if err != nil {
		return RenderedNewsletter{}, err
	}
	data := newsletterMail{massData: newMassData(org.Name), Subject: n.Subject,
		Text: md, HTML: htmltemplate.HTML(res.HTML), ArchiveURL: s.NewsletterURL(org, n)} // sanitised by markdown
	r, err := s.renderMass("newsletter", func(string) any { return data })
	if err != nil {
		return RenderedNewsletter{}, err
	}
	return RenderedNewsletter{BodyHTML: res.HTML, BodyText: md, Subject: r.Subject, MailText: r.Text, MailHTML: r.HTML, Message: r}, nil
}

// In returns the subject and bodies of the e-mail in lang.
func (r RenderedNewsletter) In(lang string) (subject, text, html string) {
	for _, b := range r.Message.Bodies {
		if b.Lang == lang {
			return b.Subject, b.Text, b.HTML
		}
	}
	return r.Subject, r.MailText, r.MailHTML
}

// NewsletterURL is a newsletter's public archive page.
func (s *Service) NewsletterURL(org model.Organisation, n model.Newsletter) string {
	return s.BaseURL + "/" + org.Handle + "/lettres/" + n.Slug
}

func (s *Service) newsletterAudience(n model.Newsletter) store.Audience {
	return store.Audience{OrgID: n.OrgID, Kind: model.MailingNewsletter, TopicIDs: n.AudienceTopics, NeighbourhoodIDs: n.AudienceNeighbourhoods}
}

// NewsletterAudience counts who a newsletter would reach now.
func (s *Service) NewsletterAudience(ctx context.Context, n model.Newsletter) (int, error) {
	return s.Store.CountAudience(ctx, s.newsletterAudience(n))
}

// SendNewsletterTest e-mails a newsletter to the staff member alone, with
// sample links, through the ordinary mail queue.
func (s *Service) SendNewsletterTest(ctx context.Context, acct model.Account, org model.Organisation, id string) error {
	if _, err := core.Authorize(ctx, s.Store.Queries, acct.ID, org.ID, policy.NewsletterSend); err != nil {
		return err
	}
	n, err := s.Store.NewsletterByID(ctx, org.ID, id)
	if err != nil {
		return err
	}
	r, err := s.RenderNewsletter(ctx, org, n)
	if err != nil {
		return err
	}
	sample := strings.NewReplacer(newMassData("").Prefs, s.BaseURL+"/"+org.Handle+"/suivre", newMassData("").Unsub, s.BaseURL+"/"+org.Handle+"/suivre")
	subject, text, html := r.In(core.AccountLang(acct, ""))
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		return s.sendRaw(ctx, tx, org, acct.Email, "[TEST] "+subject, sample.Replace(text), sample.Replace(html))
	})
}

// ConfirmError refuses a send to more than one person that was not
// confirmed for its audience as it stands: nothing was sent or scheduled.
// Count is the audience to show on the confirmation step.
type ConfirmError struct{ Count int }

func (e *ConfirmError) Error() string {
	return "newsletter send not confirmed for " + strconv.Itoa(e.Count) + " recipients"
}

// SendNewsletter sends now (at nil or past) or schedules. confirmed is the
// number of recipients the person was shown and agreed to: a send to more
// than one person goes out only when it is today's audience (else
// *ConfirmError, and nothing happens). An empty audience is refused with a
// field error.
func (s *Service) SendNewsletter(ctx context.Context, actorID string, org model.Organisation, id string, at *time.Time, confirmed int) error {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, org.ID, policy.NewsletterSend); err != nil {
		return err
	}
	n, err := s.Store.NewsletterByID(ctx, org.ID, id)
	if err != nil {
		return err
	}
	if n.State != model.NewsletterDraft && n.State != model.NewsletterScheduled {
		return &model.FieldError{Field: "send", Code: "newsletters.error.already_sent"}
	}
	count, err := s.NewsletterAudience(ctx, n)
	if err != nil {
		return err
	}
	if count == 0 {
		return &model.FieldError{Field: "audience", Code: "newsletters.error.empty_audience"}
	}
	if count > 1 && confirmed != count {
		return &ConfirmError{Count: count}
	}
	now := s.Now()
	if at != nil && at.After(now) {
		return s.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetNewsletterState(ctx, org.ID, id, []model.NewsletterState{model.NewsletterDraft, model.NewsletterScheduled},
				model.NewsletterScheduled, at, "", "", now); err != nil {
				return err
			}
			if err := s.Jobs.Enqueue(ctx, tx, jobs.SendNewsletterArgs{NewsletterID: id, At: *at}, &river.InsertOpts{ScheduledAt: *at}); err != nil {
				return err
			}
			return s.Audit(ctx, tx, org.ID, actorID, "newsletter.schedule", id, at.Format(time.RFC3339))
		})
	}
	return s.startNewsletter(ctx, actorID, org, n)
}

func (s *Service) startNewsletter(ctx context.Context, actorID string, org model.Organisation, n model.Newsletter) error {
	r, err := s.RenderNewsletter(ctx, org, n)
	if err != nil {
		return err
	}
	settings, err := s.Store.MailSettings(ctx, org.ID)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		mid, count, err := s.startMailing(ctx, tx, withMessage(model.Mailing{OrgID: org.ID, Kind: model.MailingNewsletter, RefID: n.ID,
			RatePerSecond: settings.RatePerSecond}, r.Message), s.newsletterAudience(n), true)
		if err != nil {
			return err
		}
		if count == 0 {
			return &model.FieldError{Field: "audience", Code: "newsletters.error.empty_audience"}
		}
		if count < 0 {
			return &model.FieldError{Field: "send", Code: "newsletters.error.already_sent"}
		}
		if err := tx.SetNewsletterState(ctx, org.ID, n.ID, []model.NewsletterState{model.NewsletterDraft, model.NewsletterScheduled},
			model.NewsletterSending, n.ScheduledAt, mid, r.BodyHTML, now); err != nil {
			return err
		}
		if err := tx.SetNewsletterSentAt(ctx, n.ID, now); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, actorID, "newsletter.send", n.ID, strconv.Itoa(count))
	})
}

// UnscheduleNewsletter returns a scheduled newsletter to draft.
func (s *Service) UnscheduleNewsletter(ctx context.Context, actorID, orgID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.NewsletterSend); err != nil {
			return err
		}
		if err := tx.SetNewsletterState(ctx, orgID, id, []model.NewsletterState{model.NewsletterScheduled},
			model.NewsletterDraft, nil, "", "", s.Now()); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "newsletter.unschedule", id, "")
	})
}

// SendScheduledNewsletter starts a scheduled newsletter if it is still
// scheduled for At (it may have been rescheduled or unscheduled since).
func (s *Service) SendScheduledNewsletter(ctx context.Context, id string, at time.Time) error {
	n, err := s.Store.NewsletterByID(ctx, "", id)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if n.State != model.NewsletterScheduled || n.ScheduledAt == nil || !n.ScheduledAt.Equal(at) {
		return nil
	}
	org, err := s.Store.OrganisationByID(ctx, n.OrgID)
	if err != nil {
		return err
	}
	err = s.startNewsletter(ctx, "", org, n)
	var fe *model.FieldError
	if errors.As(err, &fe) {
		s.Logger.Warn("scheduled newsletter not sent", "newsletter", id, "reason", fe.Code)
		return nil
	}
	return err
}

// sendRaw queues an already rendered message, from org as the newsletter
// itself will be.
func (s *Service) sendRaw(ctx context.Context, tx *store.Tx, org model.Organisation, to, subject, text, html string) error {
	return s.Jobs.Mail(ctx, tx, core.OrgMessage(org, mail.Message{To: to, Subject: subject, Text: text, HTML: html}), s.Now())
}

// SendDueNewsletters starts scheduled newsletters whose job was lost (a
// safety net behind the per-newsletter jobs).
func (s *Service) SendDueNewsletters(ctx context.Context) error {
	due, err := s.Store.DueNewsletters(ctx, s.Now())
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range due {
		if n.ScheduledAt != nil {
			errs = append(errs, s.SendScheduledNewsletter(ctx, n.ID, *n.ScheduledAt))
		}
	}
	return errors.Join(errs...)
}
