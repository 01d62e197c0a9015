package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// ScreenWordLists returns the organisation's additions to screening.
func (a *App) ScreenWordLists(ctx context.Context, orgID string) (screen.WordLists, error) {
	m, err := a.Store.ScreenWords(ctx, orgID)
	if err != nil {
		return screen.WordLists{}, err
	}
	return screen.WordLists{Watched: m[store.WordsWatched], Blocked: m[store.WordsBlocked], Allowed: m[store.WordsAllowed]}, nil
}

// ScreenWordListsByHandle is ScreenWordLists for a handle (command line).
func (a *App) ScreenWordListsByHandle(ctx context.Context, handle string) (screen.WordLists, error) {
	org, err := a.Store.OrganisationByHandle(ctx, handle)
	if err != nil {
		return screen.WordLists{}, err
	}
	return a.ScreenWordLists(ctx, org.ID)
}

// SetScreenWordLists replaces the organisation's three lists, given as text
// with one word or expression per line (or comma-separated).
func (a *App) SetScreenWordLists(ctx context.Context, actorID, orgID, watched, blocked, allowed string) error {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ModerationSettings); err != nil {
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
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, name := range []string{store.WordsWatched, store.WordsBlocked, store.WordsAllowed} {
			if err := tx.ReplaceScreenWords(ctx, orgID, name, lists[name], a.Now()); err != nil {
				return err
			}
		}
		return a.Audit(ctx, tx, orgID, actorID, "screen.words", "",
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
