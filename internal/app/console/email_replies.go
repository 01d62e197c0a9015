package console

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Residents answer the e-mails about their requests (docs/CONSOLE.md,
// "Réponses par courriel"). Each such e-mail has its own Reply-To,
// reply+TOKEN@ReplyDomain, where TOKEN is 160 random bits in lower-case
// base32 (mail servers may change the case of a local part) and only its
// SHA-256 is stored, bound to the item: the address says nothing about the
// item and cannot be guessed. It works as long as the item exists and is
// not closed; closing the item revokes every address of it at once, and
// reopening it (by staff) makes them work again.

// tokenEncoding writes tokens in lower case, without padding.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// replyAddress makes a fresh reply address for an e-mail about the item,
// or "" when no receiver is configured.
func (s *Desk) replyAddress(ctx context.Context, tx *store.Tx, it model.InboxItem) (string, error) {
	if s.cfg.ReplyDomain == "" {
		return "", nil
	}
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := tokenEncoding.EncodeToString(b[:])
	if err := tx.CreateReplyToken(ctx, core.HashSecret(token), it.OrgID, it.ID, s.Now()); err != nil {
		return "", err
	}
	return mail.ReplyAddress(token, s.cfg.ReplyDomain), nil
}

// sendAboutItem e-mails a resident about their request, for org: with
// replyTo as Reply-To when there is one, else the organisation's contact
// address (core.OrgMessage).
func (s *Desk) sendAboutItem(ctx context.Context, tx *store.Tx, org model.Organisation, to, replyTo, lang, name string, data any) error {
	m := core.OrgMessage(org, mail.Message{To: to})
	if replyTo != "" {
		m.ReplyTo = replyTo
	}
	return s.SendMessage(ctx, tx, m, lang, name, data)
}

// itemOfToken returns the item a reply token stands for, if it still
// takes replies.
func (s *Desk) itemOfToken(ctx context.Context, q *store.Queries, token string) (model.InboxItem, error) {
	orgID, itemID, err := q.ReplyTokenItem(ctx, core.HashSecret(strings.ToLower(token)))
	if err != nil {
		return model.InboxItem{}, err
	}
	it, err := q.InboxItemByID(ctx, orgID, itemID)
	if err != nil {
		return it, err
	}
	if it.State == model.StateClosed {
		return it, model.ErrNotFound // revoked while closed
	}
	return it, nil
}

// KnownReplyToken reports whether token is a live reply address (the
// receiver refuses the others at RCPT, with a 550).
func (s *Desk) KnownReplyToken(ctx context.Context, token string) (bool, error) {
	_, err := s.itemOfToken(ctx, s.Store.Queries, token)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Outcomes of a received reply, as recorded in inbox_inbound_mail.
const (
	replyAttached = "attached" // added to the item's history, item reopened
	replyHeld     = "held"     // from another address: kept aside for staff
	replyAuto     = "auto"     // an automatic message: dropped
	replyEmpty    = "empty"    // nothing left once the quotes are removed
)

// maxMessageIDLen bounds the stored Message-ID; a longer one is hashed.
const maxMessageIDLen = 250

// errDuplicate ends the transaction of a message already received.
var errDuplicate = errors.New("message already received")

// ReceiveReply files a resident's e-mailed reply under the item its token
// stands for, in one transaction, once per Message-ID:
//
//   - an automatic message (out of office…) or one with no new text is
//     dropped;
//   - from the requester's address (the request's, or their account's
//     current one; compared case-insensitively) it joins the history as the
//     resident's message "reçu par courriel", reopens an answered or
//     waiting item and tells its service as a new item would;
//   - from any other address it is held: the history shows it, marked as
//     not from the requester, and the item is neither reopened nor
//     notified, so staff decide.
//
// An unknown or revoked token is mail.ErrUnknownReply. The authorisation
// is here, not in the SMTP layer: the token names the item, the sender
// must be its requester.
func (s *Desk) ReceiveReply(ctx context.Context, token string, m mail.InboundMessage) error {
	it, err := s.itemOfToken(ctx, s.Store.Queries, token)
	if errors.Is(err, model.ErrNotFound) {
		return mail.ErrUnknownReply
	} else if err != nil {
		return err
	}
	msgID := m.MessageID
	if len(msgID) > maxMessageIDLen {
		msgID = "sha256:" + core.HashSecret(msgID)
	}
	text := boundReply(m.Text)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		it, err := s.itemOfToken(ctx, tx.Queries, token)
		if errors.Is(err, model.ErrNotFound) {
			return mail.ErrUnknownReply
		} else if err != nil {
			return err
		}
		outcome, err := s.replyOutcome(ctx, tx, it, m, text)
		if err != nil {
			return err
		}
		// First, so that a concurrent delivery of the same message waits
		// here and then finds it recorded.
		if err := tx.RecordInboundMail(ctx, it.OrgID, it.ID, msgID, outcome, s.Now()); errors.Is(err, model.ErrConflict) {
			return errDuplicate
		} else if err != nil {
			return err
		}
		switch outcome {
		case replyHeld:
			return s.inboxEvent(ctx, tx, it, "", "email_held", m.From, text)
		case replyAttached:
			return s.attachReply(ctx, tx, it, text)
		}
		return nil
	})
	if errors.Is(err, errDuplicate) {
		return nil
	}
	if err == nil {
		s.Logger.Info("reply received", "item", it.ID, "auto", m.AutoReply)
	}
	return err
}

// replyOutcome decides what becomes of a message for the item.
func (s *Desk) replyOutcome(ctx context.Context, tx *store.Tx, it model.InboxItem, m mail.InboundMessage, text string) (string, error) {
	switch {
	case m.AutoReply:
		return replyAuto, nil
	case text == "":
		return replyEmpty, nil
	case !it.Kind.Request():
		return replyHeld, nil // only requests are e-mailed; be safe
	}
	r, err := tx.ResidentRequestByID(ctx, it.OrgID, it.SourceID)
	if err != nil {
		return "", err
	}
	from := mail.NormalizeEmail(m.From)
	if from != "" && strings.EqualFold(from, r.Email) {
		return replyAttached, nil
	}
	if r.AccountID != "" {
		acct, err := tx.AccountByID(ctx, r.AccountID)
		if err == nil && from != "" && strings.EqualFold(from, acct.Email) {
			return replyAttached, nil
		} else if err != nil && !errors.Is(err, model.ErrNotFound) {
			return "", err
		}
	}
	return replyHeld, nil
}

// attachReply adds the resident's message to the history, reopens the item
// if staff had answered it or were waiting for the resident, and tells its
// service.
func (s *Desk) attachReply(ctx context.Context, tx *store.Tx, it model.InboxItem, text string) error {
	if err := s.inboxEvent(ctx, tx, it, "", "resident_email", "", text); err != nil {
		return err
	}
	if it.State == model.StateAnswered || it.State == model.StateWaiting {
		var err error
		if it, err = s.reopen(ctx, tx, it, s.Now()); err != nil {
			return err
		}
	}
	if it.ServiceID == "" {
		return nil // like a new item: routed nowhere, it waits in the inbox
	}
	org, err := tx.OrganisationByID(ctx, it.OrgID)
	if err != nil {
		return err
	}
	it.Excerpt = core.Excerpt(text, 400)
	return s.tellService(ctx, tx, org, it, nil, true)
}

// boundReply keeps a reply within a comment's length.
func boundReply(text string) string {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= model.MaxCommentRunes {
		return text
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:model.MaxCommentRunes-1])) + "…"
}

// AttachHeldReply joins a held e-mail (history event eventID, "email_held")
// to the thread: a staff member who may answer the item judged that it
// does come from the resident (another of their addresses). The message
// then counts as the resident's, as if it had come from their address:
// the item is reopened and its service told. Joining it twice does nothing.
func (s *Desk) AttachHeldReply(ctx context.Context, actor model.Account, org model.Organisation, itemID, eventID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		it, _, err := s.itemForChange(ctx, tx, actor, org.ID, itemID, 0)
		if err != nil {
			return err
		}
		events, err := tx.InboxEvents(ctx, org.ID, it.ID)
		if err != nil {
			return err
		}
		var held *model.InboxEvent
		for i, e := range events {
			if e.ID == eventID && e.Kind == "email_held" {
				held = &events[i]
			}
		}
		if held == nil {
			return model.ErrNotFound
		}
		if attachedHeld(events)[held.ID] {
			return nil // a second click
		}
		if err := s.inboxEvent(ctx, tx, it, actor.ID, "held_attached", held.ID, ""); err != nil {
			return err
		}
		return s.attachReply(ctx, tx, it, held.Body)
	})
}

// attachedHeld lists the held e-mails of a history that staff joined to
// the thread ("held_attached" events name them).
func attachedHeld(events []model.InboxEvent) map[string]bool {
	done := map[string]bool{}
	for _, e := range events {
		if e.Kind == "held_attached" {
			done[e.Detail] = true
		}
	}
	return done
}
