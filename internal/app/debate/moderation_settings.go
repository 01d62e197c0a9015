package debate

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// SaveDebateSettings saves the organisation's mode, charter (one rule per
// line) and report threshold. Pre-moderation needs the person to acknowledge
// what it means for the directeur de la publication's liability.
func (s *Service) SaveDebateSettings(ctx context.Context, actor model.Account, orgID string, mode model.ModerationMode, charter string, threshold string, preAck bool) error {
	v := &model.ValidationError{}
	if !mode.Valid() {
		v.Add("mode", "debate.error.mode")
	}
	if mode == model.ModePre && !preAck {
		v.Add("pre_ack", "debate.error.pre_ack")
	}
	rules := core.Lines(charter)
	if len(rules) == 0 || len(rules) > 30 {
		v.Add("charter", "debate.error.charter")
	}
	for _, r := range rules {
		if utf8.RuneCountInString(r) > 500 {
			v.Add("charter", "debate.error.charter")
			break
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(threshold))
	if err != nil || n < 1 || n > 50 {
		v.Add("report_threshold", "debate.error.threshold")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ModerationSettings); err != nil {
			return err
		}
		err := tx.PutModerationSettings(ctx, model.ModerationSettings{OrgID: orgID, Mode: mode, Charter: rules,
			ReportThreshold: n, UpdatedAt: s.Now()})
		if err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "moderation.settings", string(mode),
			fmt.Sprintf("threshold=%d rules=%d", n, len(rules)))
	})
}

// SetPublicationMode gives a publication its own mode ("" follows the organisation's).
func (s *Service) SetPublicationMode(ctx context.Context, actor model.Account, orgID, publicationID string, mode model.ModerationMode, preAck bool) (model.Publication, error) {
	var pub model.Publication
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ModerationDecide); err != nil {
			return err
		}
		var err error
		// The publication comes back even when the mode is refused: the
		// page sends the moderator back to its thread with the message.
		if pub, err = tx.PublicationByID(ctx, orgID, publicationID); err != nil {
			return err
		}
		if mode != "" && !mode.Valid() {
			return model.ErrInvalid
		}
		if mode == model.ModePre && !preAck {
			return &model.FieldError{Field: "pre_ack", Code: "debate.error.pre_ack"}
		}
		if err := tx.SetPublicationCommentMode(ctx, orgID, publicationID, mode, s.Now()); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "moderation.publication_mode", publicationID, string(mode))
	})
	return pub, err
}
