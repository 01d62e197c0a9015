package app

import (
	"context"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// The record of processing (RGPD art. 30) and the privacy notice residents
// read (art. 13) are the same list, generated from what the organisation
// has switched on, with the retention periods the code applies: the record
// can neither forget a processing nor promise a period no job keeps. It
// lives here because it reads several features' settings and periods.

// ProcessingRecord returns the organisation's record of processing. It is
// public: residents read it as the privacy notice.
func (a *App) ProcessingRecord(ctx context.Context, org model.Organisation) (model.ProcessingRecord, error) {
	facts, err := a.Store.PrivacyFacts(ctx, org.ID)
	if err != nil {
		return model.ProcessingRecord{}, err
	}
	secondOpinion := false
	if a.Debate.Opinion != nil {
		ms, err := a.Store.ModerationSettings(ctx, org.ID)
		if err != nil {
			return model.ProcessingRecord{}, err
		}
		secondOpinion = ms.SecondOpinion
	}
	days := func(d time.Duration) int { return int(d / (24 * time.Hour)) }
	rec := model.ProcessingRecord{Org: org, DPOContact: facts.DPOContact}
	add := func(key string, args ...any) {
		rec.Processings = append(rec.Processings, model.Processing{Key: key, RetentionArgs: args})
	}
	add("accounts", days(accounts.InactiveAfter)/365, days(accounts.InactiveGrace))
	add("subscriptions", days(organisations.UnconfirmedSubscriptionRetention), days(organisations.AbandonedAddressRetention))
	add("requests", days(organisations.ClosedRequestRetention)/365)
	if facts.CommentMode != model.ModeClosed {
		add("comments")
	}
	if secondOpinion {
		add("second_opinion")
	}
	if facts.Registrations {
		add("registrations", days(organisations.RegistrationRetention))
	}
	if facts.ClickCounts {
		add("clicks")
	}
	add("federation", days(organisations.FedSeenRetention))
	add("staff")
	return rec, nil
}

// maxDPOContact bounds the DPO contact (a name, an address, a phone).
const maxDPOContact = 500

// SetDPOContact saves the contact of the organisation's data protection
// officer; administrators only (it is part of the legal notices).
func (a *App) SetDPOContact(ctx context.Context, actorID, orgID, contact string) error {
	contact = strings.TrimSpace(contact)
	if len([]rune(contact)) > maxDPOContact {
		v := &model.ValidationError{}
		v.Add("dpo_contact", "privacy.error.dpo_contact")
		return v.Err()
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.ProfileEdit); err != nil {
			return err
		}
		if err := tx.SetDPOContact(ctx, orgID, contact, a.Now()); err != nil {
			return err
		}
		return a.Audit(ctx, tx, orgID, actorID, "privacy.dpo_contact", "", "")
	})
}
