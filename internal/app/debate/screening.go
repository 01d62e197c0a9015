package debate

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// ScreenWordLists returns the organisation's additions to screening.
func (s *Rules) ScreenWordLists(ctx context.Context, orgID string) (screen.WordLists, error) {
	m, err := s.Store.ScreenWords(ctx, orgID)
	if err != nil {
		return screen.WordLists{}, err
	}
	return screen.WordLists{Watched: m[store.WordsWatched], Blocked: m[store.WordsBlocked], Allowed: m[store.WordsAllowed]}, nil
}

// ScreenWordListsByHandle is ScreenWordLists for a handle (command line).
func (s *Service) ScreenWordListsByHandle(ctx context.Context, handle string) (screen.WordLists, error) {
	org, err := s.Store.OrganisationByHandle(ctx, handle)
	if err != nil {
		return screen.WordLists{}, err
	}
	return s.ScreenWordLists(ctx, org.ID)
}

// SetScreenWordLists replaces the organisation's three lists, given as text
// with one word or expression per line (or comma-separated).
func (s *Service) SetScreenWordLists(ctx context.Context, actorID, orgID, watched, blocked, allowed string) error {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ModerationSettings); err != nil {
		return err
	}
	lists := map[string][]string{}
	v := &model.ValidationError{}
	for name, text := range map[string]string{store.WordsWatched: watched, store.WordsBlocked: blocked, store.WordsAllowed: allowed} {
		words, ok := parseWordList(text)
		if !ok {
			v.Add(name, "screen.error.words")
		}
		lists[name] = words
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, name := range []string{store.WordsWatched, store.WordsBlocked, store.WordsAllowed} {
			if err := tx.ReplaceScreenWords(ctx, orgID, name, lists[name], s.Now()); err != nil {
				return err
			}
		}
		return s.Audit(ctx, tx, orgID, actorID, "screen.words", "",
			strings.Join([]string{"watched:", strings.Join(lists[store.WordsWatched], ","), "blocked:", strings.Join(lists[store.WordsBlocked], ","),
				"allowed:", strings.Join(lists[store.WordsAllowed], ",")}, " "))
	})
}

// parseWordList splits on new lines and commas, trims and lower-cases; at
// most 500 entries of at most 60 characters.
func parseWordList(text string) ([]string, bool) {
	seen := map[string]bool{}
	var out []string
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		w := strings.ToLower(strings.TrimSpace(line))
		if w == "" || seen[w] {
			continue
		}
		if utf8.RuneCountInString(w) > 60 {
			return nil, false
		}
		seen[w] = true
		out = append(out, w)
	}
	return out, len(out) <= 500
}

// Screen screens a text with the organisation's word lists.
func (s *Rules) Screen(ctx context.Context, orgID, body string) (screen.Result, error) {
	words, err := s.ScreenWordLists(ctx, orgID)
	if err != nil {
		return screen.Result{}, err
	}
	return s.Screener.Check(body, words), nil
}

// ScreenNew screens a new comment's text and sets its status from the
// verdict and the mode in force: rejected, held (by the screen, or because
// the mode is pre-moderation) or published. Staff answer for the
// organisation and are accountable for it: for them screening is recorded,
// not applied. Comments typed on our pages (PostComment) and replies from
// the Fediverse go through this one rule.
func (s *Rules) ScreenNew(ctx context.Context, c *model.Comment, mode model.ModerationMode, staff bool) error {
	res, err := s.Screen(ctx, c.OrgID, c.Body)
	if err != nil {
		return err
	}
	c.ScreenVerdict, c.ScreenScore, c.ScreenReasons = string(res.Verdict), res.Score, res.Reasons
	switch {
	case staff:
		c.Status = model.CommentPublished
	case res.Verdict == screen.Reject:
		c.Status = model.CommentRejected
	case res.Verdict == screen.Hold || mode == model.ModePre:
		now := c.CreatedAt
		c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
	default:
		c.Status = model.CommentPublished
	}
	c.InitialStatus = c.Status
	return nil
}

// ScreenEdit records, at now, the new text body of c that screening judged
// res: the earlier text is kept as a revision, and a published comment
// whose new text screening does not allow goes back to the queue, out of
// public view (a staff answer stays: screening is recorded, not applied).
// EditComment refuses beforehand the edits screening rejects, so for a
// resident only a hold is left here; a Fediverse author's edit cannot be
// refused (their post has changed already), so a rejected one is held.
func (s *Rules) ScreenEdit(ctx context.Context, tx *store.Tx, c *model.Comment, body string, res screen.Result, now time.Time) error {
	if err := tx.AddCommentRevision(ctx, core.NewID(), c.ID, c.Body, now); err != nil {
		return err
	}
	c.Body, c.Fingerprint, c.EditedAt, c.UpdatedAt = body, screen.Fingerprint(body), &now, now
	c.ScreenVerdict, c.ScreenScore, c.ScreenReasons = string(res.Verdict), res.Score, res.Reasons
	if !c.IsStaffAnswer() && res.Verdict != screen.Allow && c.Status == model.CommentPublished {
		c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
	}
	return nil
}
