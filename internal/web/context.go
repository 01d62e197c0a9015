package web

import (
	"context"
	"net/http"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/reqinfo"
)

type ctxKey int

const (
	accountKey ctxKey = iota
	sessionKey
	orgKey
	membershipKey
	langKey
)

func withAccount(ctx context.Context, a model.Account, sessionHash string) context.Context {
	ctx = context.WithValue(ctx, accountKey, a)
	return context.WithValue(ctx, sessionKey, sessionHash)
}

// accountFrom returns the signed-in account.
func accountFrom(ctx context.Context) (model.Account, bool) {
	a, ok := ctx.Value(accountKey).(model.Account)
	return a, ok
}

func sessionFrom(ctx context.Context) string {
	s, _ := ctx.Value(sessionKey).(string)
	return s
}

func withOrg(ctx context.Context, o model.Organisation) context.Context {
	return context.WithValue(ctx, orgKey, o)
}

// orgFrom returns the organisation the route is about.
func orgFrom(ctx context.Context) (model.Organisation, bool) {
	o, ok := ctx.Value(orgKey).(model.Organisation)
	return o, ok
}

func withMembership(ctx context.Context, m model.Membership) context.Context {
	return context.WithValue(ctx, membershipKey, m)
}

// membershipFrom returns the signed-in staff member's membership in the
// route's organisation.
func membershipFrom(ctx context.Context) (model.Membership, bool) {
	m, ok := ctx.Value(membershipKey).(model.Membership)
	return m, ok
}

func withLang(ctx context.Context, l string) context.Context {
	return context.WithValue(ctx, langKey, l)
}

// lang is the reader's language: set by the session middleware from the
// account, else from Accept-Language.
func lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok && l != "" {
		return l
	}
	return i18n.Default
}

func requestID(r *http.Request) string { return reqinfo.RequestID(r.Context()) }
