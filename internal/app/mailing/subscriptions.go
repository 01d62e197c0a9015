package mailing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Subscriptions: residents follow an organisation, its topics and
// neighbourhoods by e-mail, with or without an account.
//
// Legal basis (RGPD art. 6): alerts, news and digests are the public task of
// informing residents (6(1)(e)); the newsletter rests on consent (6(1)(a)).
// Both are double opt-in and the wording shown is recorded with each choice.

// ConsentVersion is the wording in force; older versions stay in
// consentTexts forever, as they are the proof of what people agreed to.
const ConsentVersion = "2026-03-v1"

var consentTexts = map[string]map[string]string{
	"2026-03-v1": {
		"fr": "J'accepte que %s m'envoie par e-mail les alertes, actualités et, si je l'ai coché, la lettre d'information que j'ai choisies. Alertes et actualités relèvent de la mission d'information des habitants ; la lettre d'information repose sur mon consentement, que je peux retirer à tout moment par le lien présent dans chaque message. Mon adresse n'est ni montrée aux agents ni transmise à des tiers.",
		"en": "I agree that %s may e-mail me the alerts, news and, if ticked, the newsletter I chose. Alerts and news are part of its public task of informing residents; the newsletter rests on my consent, which I can withdraw at any time with the link in every message. My address is neither shown to staff nor passed on.",
	},
}

// ConsentText returns the wording of a consent version for an organisation.
func ConsentText(version, lang, orgName string) string {
	texts := consentTexts[version]
	t, ok := texts[lang]
	if !ok {
		t = texts["fr"]
	}
	return fmt.Sprintf(t, orgName)
}

// ConfirmResendGap is the least time between two confirmation mails to one
// address (on top of the per-address daily mail limit).
const ConfirmResendGap = 2 * time.Minute

// ConfirmLinkLife is how long a confirmation link works.
const ConfirmLinkLife = 72 * time.Hour

// SubscribeInput is the public subscription form.
type SubscribeInput struct {
	OrgID   string
	Email   string
	Choices model.Choices
	IP      string
	Lang    string
	// TypoChecked: the person saw the typo suggestion and kept their address.
	TypoChecked bool
}

// TypoError is returned when an address looks mistyped; Suggestion is the
// probable intended address.
type TypoError struct{ Suggestion string }

func (e *TypoError) Error() string { return "address looks mistyped" }

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *TypoError) Unwrap() error { return model.ErrInvalid }

// cleanChoices validates choices against the organisation's tags.
func (s *Service) cleanChoices(ctx context.Context, q *store.Queries, orgID string, c model.Choices, v *model.ValidationError) (model.Choices, error) {
	if c.News == "" {
		c.News = model.FreqNone
	}
	if !c.News.Valid() {
		v.Add("news", "subs.error.frequency")
	}
	topics, err := q.TopicsOf(ctx, orgID)
	if err != nil {
		return c, err
	}
	hoods, err := q.NeighbourhoodsOf(ctx, orgID)
	if err != nil {
		return c, err
	}
	c.TopicIDs = slices.DeleteFunc(slices.Clone(c.TopicIDs), func(id string) bool {
		return !slices.ContainsFunc(topics, func(t model.Topic) bool { return t.ID == id })
	})
	c.NeighbourhoodIDs = slices.DeleteFunc(slices.Clone(c.NeighbourhoodIDs), func(id string) bool {
		return !slices.ContainsFunc(hoods, func(n model.Neighbourhood) bool { return n.ID == id })
	})
	if c.Everything {
		c.TopicIDs, c.NeighbourhoodIDs = nil, nil
	} else if len(c.TopicIDs)+len(c.NeighbourhoodIDs) == 0 {
		v.Add("scope", "subs.error.no_scope")
	}
	if c.Empty() {
		v.Add("what", "subs.error.nothing_chosen")
	}
	return c, nil
}

// Subscribe handles the public form: it records the request and e-mails a
// confirmation link. A known, confirmed address that already follows the
// organisation gets a preferences link instead, and the page says the same
// thing in every case, so the form tells nobody who is subscribed.
func (s *Service) Subscribe(ctx context.Context, in SubscribeInput) error {
	email := mail.NormalizeEmail(in.Email)
	v := &model.ValidationError{}
	switch {
	case email == "":
		v.Add("email", "subs.error.email_required")
	case !mail.ValidEmail(email):
		v.Add("email", "subs.error.email_invalid")
	case !in.TypoChecked:
		if suggestion := mail.SuggestEmail(email); suggestion != "" {
			return &TypoError{Suggestion: suggestion}
		}
	}
	org, err := s.Store.OrganisationByID(ctx, in.OrgID)
	if err != nil {
		return err
	}
	choices, err := s.cleanChoices(ctx, s.Store.Queries, org.ID, in.Choices, v)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	lang := in.Lang
	if lang == "" {
		lang = "fr"
	}
	choicesJSON, _ := json.Marshal(choices)
	now := s.Now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		// One client asking confirmations for many addresses is refused
		// openly (429); one address asked too often is silently not mailed
		// (Accounts.MailAllowed below), so as not to reveal who subscribed.
		if err := s.CountPublicForm(ctx, tx, "subscribe", in.IP, ""); err != nil {
			return err
		}
		sub, err := tx.SubscriberByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			sub = model.Subscriber{ID: core.NewID(), Email: email, Lang: lang, Status: model.SubPending, CreatedAt: now, UpdatedAt: now}
			err = tx.CreateSubscriber(ctx, sub)
		}
		if err != nil {
			return err
		}
		allowed, err := s.Accounts.MailAllowed(ctx, tx, email)
		if err != nil || !allowed {
			return err // over the limit: answer as usual, send nothing
		}
		if sub.Status == model.SubActive {
			if _, err := tx.SubscriberOrg(ctx, sub.ID, org.ID); err == nil {
				token := s.links.Token(sub.ID, org.ID, now.Add(PrefsLinkLife))
				return s.SendOrgMail(ctx, tx, org, email, sub.Lang, "sub_already", subMail{Org: org.Name, Link: s.links.PrefsURL(token)})
			}
		}
		if sub.ConfirmSentAt != nil && now.Sub(*sub.ConfirmSentAt) < ConfirmResendGap {
			return nil // a double submission, or a second try too soon: one mail is enough
		}
		secret, hash := core.NewSecret()
		if err := tx.CreateSubscriptionRequest(ctx, store.SubscriptionRequest{TokenHash: hash, SubscriberID: sub.ID,
			OrgID: org.ID, Choices: string(choicesJSON), ConsentVersion: ConsentVersion, IP: in.IP,
			CreatedAt: now, ExpiresAt: now.Add(ConfirmLinkLife)}); err != nil {
			return err
		}
		if err := tx.AddConsent(ctx, model.Consent{ID: core.NewID(), SubscriberID: sub.ID, OrgID: org.ID, Action: "requested",
			ConsentVersion: ConsentVersion, ConsentText: ConsentText(ConsentVersion, lang, org.Name), Choices: string(choicesJSON),
			IP: in.IP, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.NoteConfirmSent(ctx, sub.ID, now); err != nil {
			return err
		}
		return s.SendOrgMail(ctx, tx, org, email, lang, "sub_confirm", subMail{Org: org.Name,
			Link: s.BaseURL + "/confirmer-abonnement/" + secret, Hours: int(ConfirmLinkLife.Hours())})
	})
}

// subMail is the data of subscription e-mails.
type subMail struct {
	Org   string
	Link  string
	Hours int
}

// ConfirmResult tells the confirmation page what happened.
type ConfirmResult struct {
	Org              model.Organisation
	AlreadyConfirmed bool
	PrefsToken       string
}

// ConfirmSubscription applies a double opt-in link. A link used twice says
// it is already done; an expired one is model.ErrExpired.
func (s *Service) ConfirmSubscription(ctx context.Context, secret, ip string) (ConfirmResult, error) {
	var res ConfirmResult
	hash := core.HashSecret(secret)
	req, err := s.Store.SubscriptionRequestByHash(ctx, hash)
	if err != nil {
		return res, err
	}
	res.Org, err = s.Store.OrganisationByID(ctx, req.OrgID)
	if err != nil {
		return res, err
	}
	now := s.Now()
	res.PrefsToken = s.links.Token(req.SubscriberID, req.OrgID, now.Add(PrefsLinkLife))
	if req.UsedAt != nil {
		res.AlreadyConfirmed = true
		return res, nil
	}
	if now.After(req.ExpiresAt) {
		return res, model.ErrExpired
	}
	var choices model.Choices
	if err := json.Unmarshal([]byte(req.Choices), &choices); err != nil {
		return res, fmt.Errorf("stored choices: %w", err)
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UseSubscriptionRequest(ctx, hash, now); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				res.AlreadyConfirmed = true // clicked twice at once
				return nil
			}
			return err
		}
		sub, err := tx.SubscriberByID(ctx, req.SubscriberID)
		if err != nil {
			return err
		}
		if err := tx.ActivateSubscriber(ctx, sub.ID, now); err != nil {
			return err
		}
		if err := tx.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: sub.ID, OrgID: req.OrgID, Choices: choices,
			CreatedAt: now, UpdatedAt: now, LastDigestAt: &now}); err != nil {
			return err
		}
		return tx.AddConsent(ctx, model.Consent{ID: core.NewID(), SubscriberID: sub.ID, OrgID: req.OrgID, Action: "confirmed",
			ConsentVersion: req.ConsentVersion, ConsentText: ConsentText(req.ConsentVersion, sub.Lang, res.Org.Name),
			Choices: req.Choices, IP: ip, CreatedAt: now})
	})
	return res, err
}

// Preferences is what a preferences page shows.
type Preferences struct {
	Subscriber model.Subscriber
	Org        model.Organisation // zero when the link covers every organisation
	Choices    model.SubscriberOrg
	Subscribed bool
	Expired    bool
	Token      string
}

// PreferencesByToken reads a signed link. An expired link still identifies
// the subscriber (Expired set) so that unsubscribing keeps working.
func (s *Service) PreferencesByToken(ctx context.Context, token string) (Preferences, error) {
	var p Preferences
	claims, err := s.links.Parse(token, s.Now())
	if err != nil {
		return p, err
	}
	p.Token, p.Expired = token, claims.Expired
	p.Subscriber, err = s.Store.SubscriberByID(ctx, claims.SubscriberID)
	if err != nil {
		return p, err
	}
	if claims.OrgID == "" {
		return p, nil
	}
	p.Org, err = s.Store.OrganisationByID(ctx, claims.OrgID)
	if err != nil {
		return p, err
	}
	p.Choices, err = s.Store.SubscriberOrg(ctx, claims.SubscriberID, claims.OrgID)
	switch {
	case err == nil:
		p.Subscribed = true
	case errors.Is(err, model.ErrNotFound):
		p.Choices = model.SubscriberOrg{SubscriberID: claims.SubscriberID, OrgID: claims.OrgID}
	default:
		return p, err
	}
	return p, nil
}

// SavePreferences changes choices through a signed, unexpired link.
func (s *Service) SavePreferences(ctx context.Context, token string, c model.Choices, ip string) error {
	p, err := s.PreferencesByToken(ctx, token)
	if err != nil {
		return err
	}
	if p.Expired || p.Org.ID == "" {
		return model.ErrExpired
	}
	return s.saveChoices(ctx, p.Subscriber, p.Org, c, ip, "changed", true)
}

// ErrResubscribeOptIn refuses to subscribe again through a preferences
// link: the link proves who the person was, not that they want mail again
// (it may sit in a shared mailbox or a forwarded message). A new
// subscription goes through the form and its confirmation e-mail.
var ErrResubscribeOptIn = fmt.Errorf("%w: unsubscribed; subscribe again through the form", model.ErrForbidden)

// saveChoices records c; existingOnly (a preferences link) changes choices
// only while the person is still subscribed to org, checked in the
// writing transaction so that an unsubscription in between wins.
func (s *Service) saveChoices(ctx context.Context, sub model.Subscriber, org model.Organisation, c model.Choices, ip, action string, existingOnly bool) error {
	v := &model.ValidationError{}
	c, err := s.cleanChoices(ctx, s.Store.Queries, org.ID, c, v)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := s.Now()
	js, _ := json.Marshal(c)
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if existingOnly {
			if _, err := tx.SubscriberOrg(ctx, sub.ID, org.ID); errors.Is(err, model.ErrNotFound) {
				return ErrResubscribeOptIn
			} else if err != nil {
				return err
			}
		}
		so := model.SubscriberOrg{SubscriberID: sub.ID, OrgID: org.ID, Choices: c, CreatedAt: now, UpdatedAt: now, LastDigestAt: &now}
		if err := tx.PutSubscriberOrg(ctx, so); err != nil {
			return err
		}
		return tx.AddConsent(ctx, model.Consent{ID: core.NewID(), SubscriberID: sub.ID, OrgID: org.ID, Action: action,
			ConsentVersion: ConsentVersion, ConsentText: ConsentText(ConsentVersion, sub.Lang, org.Name), Choices: string(js),
			IP: ip, CreatedAt: now})
	})
}

// Unsubscribe stops everything the link's organisation sends (or every
// organisation's mail for a link that covers them all). It needs no
// password and no confirmation, and works with expired links; doing it
// twice is harmless.
func (s *Service) Unsubscribe(ctx context.Context, token, ip string) (Preferences, error) {
	p, err := s.PreferencesByToken(ctx, token)
	if err != nil {
		return p, err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		orgs := []string{p.Org.ID}
		if p.Org.ID == "" {
			list, err := tx.SubscriberOrgs(ctx, p.Subscriber.ID)
			if err != nil {
				return err
			}
			orgs = nil
			for _, so := range list {
				orgs = append(orgs, so.OrgID)
			}
		}
		for _, org := range orgs {
			if err := tx.DeleteSubscriberOrg(ctx, p.Subscriber.ID, org); err != nil {
				return err
			}
			if err := tx.AddConsent(ctx, model.Consent{ID: core.NewID(), SubscriberID: p.Subscriber.ID, OrgID: org,
				Action: "unsubscribed", ConsentVersion: ConsentVersion, ConsentText: "", Choices: "{}", IP: ip, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	p.Subscribed = false
	return p, err
}

// AccountSubscriber returns the subscriber of a signed-in account, creating
// it (already confirmed: the account's address was verified) when needed.
// An e-mail-only subscriber with the same address is adopted.
func (s *Service) AccountSubscriber(ctx context.Context, acct model.Account) (model.Subscriber, error) {
	if acct.EmailVerifiedAt == nil {
		return model.Subscriber{}, model.ErrForbidden
	}
	now := s.Now()
	var sub model.Subscriber
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		sub, err = tx.SubscriberByAccount(ctx, acct.ID)
		if err == nil || !errors.Is(err, model.ErrNotFound) {
			return err
		}
		sub, err = tx.SubscriberByEmail(ctx, acct.Email)
		if errors.Is(err, model.ErrNotFound) {
			lang := acct.Locale
			if lang == "" {
				lang = "fr"
			}
			sub = model.Subscriber{ID: core.NewID(), Email: acct.Email, AccountID: acct.ID, Lang: lang, Status: model.SubActive,
				ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
			return tx.CreateSubscriber(ctx, sub)
		}
		if err != nil {
			return err
		}
		if err := tx.LinkSubscriberAccount(ctx, sub.ID, acct.ID, now); err != nil {
			return err
		}
		if i18n.Supported(acct.Locale) { // the account's language wins over the page's
			if err := tx.SetAccountSubscriberLang(ctx, acct.ID, acct.Locale); err != nil {
				return err
			}
		}
		if err := tx.ActivateSubscriber(ctx, sub.ID, now); err != nil {
			return err
		}
		sub, err = tx.SubscriberByID(ctx, sub.ID)
		return err
	})
	return sub, err
}

// SaveAccountChoices sets a signed-in resident's choices for an
// organisation; the verified account stands for the double opt-in.
func (s *Service) SaveAccountChoices(ctx context.Context, acct model.Account, orgID string, c model.Choices, ip string) error {
	sub, err := s.AccountSubscriber(ctx, acct)
	if err != nil {
		return err
	}
	org, err := s.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	return s.saveChoices(ctx, sub, org, c, ip, "changed", false)
}

// StopAccountChoices stops an organisation's mail for a signed-in resident.
func (s *Service) StopAccountChoices(ctx context.Context, acct model.Account, orgID, ip string) error {
	sub, err := s.AccountSubscriber(ctx, acct)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSubscriberOrg(ctx, sub.ID, orgID); err != nil {
			return err
		}
		return tx.AddConsent(ctx, model.Consent{ID: core.NewID(), SubscriberID: sub.ID, OrgID: orgID, Action: "unsubscribed",
			ConsentVersion: ConsentVersion, Choices: "{}", IP: ip, CreatedAt: s.Now()})
	})
}

// FollowThread makes a signed-in resident follow a publication's comments.
func (s *Service) FollowThread(ctx context.Context, acct model.Account, orgID, publicationID string, follow bool) error {
	sub, err := s.AccountSubscriber(ctx, acct)
	if err != nil {
		return err
	}
	if _, err := s.Store.PublicationByID(ctx, orgID, publicationID); err != nil {
		return err
	}
	if !follow {
		return s.Store.Unfollow(ctx, sub.ID, model.FollowThread, publicationID)
	}
	return s.Store.Follow(ctx, sub.ID, orgID, model.FollowThread, publicationID, s.Now())
}

// UnfollowThread stops a signed-in resident following a publication's
// comments, wherever it was published.
func (s *Service) UnfollowThread(ctx context.Context, acct model.Account, publicationID string) error {
	orgID, err := s.Store.PublicationOrg(ctx, publicationID)
	if err != nil {
		return err
	}
	return s.FollowThread(ctx, acct, orgID, publicationID, false)
}

// SubscriberOrgs lists the organisations a subscriber receives, with their
// choices.
func (s *Service) SubscriberOrgs(ctx context.Context, sub model.Subscriber) ([]model.SubscriberOrg, error) {
	return s.Store.SubscriberOrgs(ctx, sub.ID)
}

// FollowedThread is a discussion a subscriber follows by e-mail.
type FollowedThread struct {
	Org         model.Organisation
	Publication model.Publication
}

// FollowedThreads lists the discussions a subscriber follows; those whose
// publication is gone are left out.
func (s *Service) FollowedThreads(ctx context.Context, sub model.Subscriber) ([]FollowedThread, error) {
	ids, err := s.Store.Follows(ctx, sub.ID, model.FollowThread)
	if err != nil {
		return nil, err
	}
	var out []FollowedThread
	for _, id := range ids {
		orgID, err := s.Store.PublicationOrg(ctx, id)
		if err != nil {
			continue
		}
		org, err := s.Store.OrganisationByID(ctx, orgID)
		if err != nil {
			return nil, err
		}
		if p, err := s.Store.PublicationByID(ctx, orgID, id); err == nil {
			out = append(out, FollowedThread{Org: org, Publication: p})
		}
	}
	return out, nil
}

// NotifyPublished is the hook the publish use case calls in its
// transaction: alerts and news reach "immediately" subscribers at once.
func (s *Service) NotifyPublished(ctx context.Context, tx *store.Tx, orgID, publicationID string) error {
	return s.Jobs.Enqueue(ctx, tx, jobs.FanOutArgs{OrgID: orgID, PublicationID: publicationID}, nil)
}

// NotifyThreadFollowers is the hook the comments feature calls in the
// transaction that publishes a comment.
func (s *Service) NotifyThreadFollowers(ctx context.Context, tx *store.Tx, publicationID, commentID string) error {
	return s.Jobs.Enqueue(ctx, tx, jobs.ThreadArgs{PublicationID: publicationID, CommentID: commentID}, nil)
}

// SaveMailSettings sets an organisation's digest hour, sending rate and
// whether links of newsletters and digests are counted (aggregate only).
func (s *Service) SaveMailSettings(ctx context.Context, actorID, orgID string, digestHour, rate int, clickCounts bool) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.SubscribersSettings); err != nil {
			return err
		}
		if digestHour < 0 || digestHour > 23 || rate < 0 || rate > 100000 {
			return model.ErrInvalid
		}
		ms, err := tx.MailSettings(ctx, orgID)
		if err != nil {
			return err
		}
		ms.DigestHour, ms.RatePerSecond, ms.ClickCounts, ms.UpdatedAt = digestHour, rate, clickCounts, s.Now()
		if err := tx.PutMailSettings(ctx, ms); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "mail.settings", "", fmt.Sprintf("digest_hour=%d rate=%d click_counts=%t", digestHour, rate, clickCounts))
	})
}

// ExportPurposes are the reasons an administrator may give for exporting
// the subscribers' addresses; "other" needs a detail. The reason and detail
// go to the audit log with the export, so that each copy of the list that
// leaves Parvis says why (RGPD art. 5.1.b: purpose limitation).
var ExportPurposes = []string{"letter", "migration", "request", "other"}

// maxExportDetail bounds the purpose's detail.
const maxExportDetail = 300

// ExportSubscribers returns an organisation's subscriber list to whom the
// policy allows subscribers.export (administrators), for a stated purpose;
// the export and its purpose are recorded in the audit log before anything
// leaves.
func (s *Service) ExportSubscribers(ctx context.Context, actorID, orgID, purpose, detail string) ([]store.ExportRow, error) {
	detail = strings.TrimSpace(detail)
	v := &model.ValidationError{}
	if !slices.Contains(ExportPurposes, purpose) {
		v.Add("export_purpose", "subs.export.error.purpose")
	}
	if purpose == "other" && detail == "" {
		v.Add("export_detail", "subs.export.error.detail")
	}
	if len([]rune(detail)) > maxExportDetail {
		v.Add("export_detail", "subs.export.error.detail_long")
	}
	var rows []store.ExportRow
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.SubscribersExport); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		var err error
		if rows, err = tx.ExportSubscribers(ctx, orgID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "subscribers.export", "",
			fmt.Sprintf("rows=%d purpose=%s %s", len(rows), purpose, detail))
	})
	return rows, err
}
