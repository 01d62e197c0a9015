package web

import (
	"net/http"
	"net/url"
	"strings"
)

// brandFromNext dresses an account page (login, sign-up, their notices) in
// the organisation's name and menu when the person came from its site: a
// resident who clicked "Se connecter" on /bellerive/p/… stays "at the town
// hall" rather than landing on a page named after the software. next is
// the page to return to; it must be a path of this site under /{org}/.
// An unknown handle (or a failed read) leaves the instance's look.
func (h *Handler) brandFromNext(r *http.Request, v *View, next string) {
	if v.Org != nil || !sameSitePath(next) {
		return
	}
	u, err := url.Parse(next)
	if err != nil {
		return
	}
	if h.brandFromPath(r, v, u.Path) {
		v.Next = next
	}
}

// brandFromPath puts in v the organisation whose handle begins path
// (/{org}/…), when there is one, and reports whether it did.
func (h *Handler) brandFromPath(r *http.Request, v *View, path string) bool {
	handle, _, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || handle == "" || !strings.HasPrefix(path, "/") {
		return false
	}
	org, err := h.app.OrganisationByHandle(r.Context(), handle)
	if err != nil {
		return false
	}
	v.Org = &org
	return true
}

// withNext appends ?next=… to a path when next is set.
func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

// NextQuery is "?next=…" for the organisation's page the account pages
// return to, "" without one: the account page's forms carry it in their
// action so that the page they lead back to keeps the organisation's look.
func (v *View) NextQuery() string {
	if v.Next == "" {
		return ""
	}
	return "?next=" + url.QueryEscape(v.Next)
}
