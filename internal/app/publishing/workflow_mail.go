package publishing

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// stepMail is the data of the "pub_step" e-mail: a publication moved and
// the recipient has something to do (or to know) about it.
type stepMail struct {
	Name, Org, Title, Actor, Comment, Link string
	Step                                   string // submitted, approved, sent_back
}

// notifyStep e-mails, in tx, whoever the workflow step act on p (before
// the move) concerns, once each and in their language, never the person
// who took it: the validators when it is submitted (not its author when
// validation is required: four eyes), its author and those who may publish
// when it is approved or sent back.
func (s *Service) notifyStep(ctx context.Context, tx *store.Tx, actorID string, p model.Publication, act Action, comment string,
	required bool) error {
	var step string
	var to func(m model.StaffMember) bool
	switch act {
	case ActSubmit:
		step = "submitted"
		to = func(m model.StaffMember) bool {
			return policy.RoleMay(m.Role, policy.PublicationValidate) && !(required && m.AccountID == p.AuthorID)
		}
	case ActApprove, ActSendBack:
		step = map[Action]string{ActApprove: "approved", ActSendBack: "sent_back"}[act]
		to = func(m model.StaffMember) bool {
			return m.AccountID == p.AuthorID || policy.RoleMay(m.Role, policy.PublicationPublish)
		}
	default:
		return nil
	}
	staff, err := tx.StaffOf(ctx, p.OrgID)
	if err != nil {
		return err
	}
	org, err := tx.OrganisationByID(ctx, p.OrgID)
	if err != nil {
		return err
	}
	actor := ""
	for _, m := range staff {
		if m.AccountID == actorID {
			actor = m.DisplayName
		}
	}
	data := stepMail{Org: org.Name, Title: p.Title, Actor: actor, Comment: comment, Step: step,
		Link: s.BaseURL + "/admin/" + org.Handle + "/publications/" + p.ID}
	sent := map[string]bool{}
	for _, m := range staff {
		if m.AccountID == actorID || sent[m.AccountID] || !to(m) {
			continue
		}
		sent[m.AccountID] = true
		acct, err := tx.AccountByID(ctx, m.AccountID)
		if err != nil {
			return err
		}
		data.Name = m.DisplayName
		if err := s.SendMail(ctx, tx, m.Email, core.AccountLang(acct, ""), "pub_step", data); err != nil {
			return err
		}
	}
	return nil
}
