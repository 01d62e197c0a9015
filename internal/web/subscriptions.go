package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/reqinfo"
)

// subscriptionRoutes registers the pages residents use to follow an
// organisation by e-mail and to manage or stop it without logging in.
func (h *Handler) subscriptionRoutes(mux *http.ServeMux) {
	mux.Handle("GET /confirmer-abonnement/{token}", h.public(h.confirmSubscription))
	mux.Handle("GET /abonnement/{token}", h.public(h.preferences))
	mux.Handle("POST /abonnement/{token}", h.public(h.savePreferences))
	mux.Handle("GET /abonnement/{token}/desabonner", h.public(h.unsubscribeForm))
	// RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click";
	// no confirmation page, no password.
	mux.Handle("POST /abonnement/{token}/desabonner", h.public(h.unsubscribe))
	h.subscriberRightsRoutes(mux) // subscriber_rights.go
	mux.Handle("GET /account/abonnements", h.signedIn(h.accountSubscriptions))
	mux.Handle("POST /account/abonnements/{orgid}", h.signedIn(h.saveAccountSubscription))
	mux.Handle("POST /account/abonnements/{orgid}/stop", h.signedIn(h.stopAccountSubscription))
	mux.Handle("POST /account/abonnements/fil/{pub}/stop", h.signedIn(h.unfollowThread))
}

// ChoicesView is what the choices form needs.
type ChoicesView struct {
	Topics         []model.Topic
	Neighbourhoods []model.Neighbourhood
	Choices        model.Choices
	Frequencies    []model.Frequency
}

func (c ChoicesView) HasTopic(id string) bool { return contains(c.Choices.TopicIDs, id) }
func (c ChoicesView) HasHood(id string) bool  { return contains(c.Choices.NeighbourhoodIDs, id) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (h *Handler) choicesFor(r *http.Request, orgID string, c model.Choices) (ChoicesView, error) {
	topics, err := h.app.Publishing.TopicsOf(r.Context(), orgID)
	if err != nil {
		return ChoicesView{}, err
	}
	hoods, err := h.app.Publishing.NeighbourhoodsOf(r.Context(), orgID)
	if err != nil {
		return ChoicesView{}, err
	}
	return ChoicesView{Topics: topics, Neighbourhoods: hoods, Choices: c,
		Frequencies: []model.Frequency{model.FreqImmediate, model.FreqDaily, model.FreqWeekly, model.FreqNone}}, nil
}

// choicesFrom reads the choices form.
func choicesFrom(r *http.Request) model.Choices {
	return model.Choices{
		Everything:       r.PostFormValue("scope") != "some",
		Alerts:           r.PostFormValue("alerts") == "1",
		News:             model.Frequency(r.PostFormValue("news")),
		Newsletter:       r.PostFormValue("newsletter") == "1",
		TopicIDs:         r.PostForm["topics"],
		NeighbourhoodIDs: r.PostForm["neighbourhoods"],
	}
}

// followData is the public subscription page.
type followData struct {
	ChoicesView
	Suggestion  string
	ConsentText string
	SignedIn    bool
}

// followForm shows the subscription form; ?sujet= and ?quartier= preselect
// a topic or neighbourhood (links from their pages).
func (h *Handler) followForm(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	c := model.Choices{Everything: true, Alerts: true, News: model.FreqWeekly}
	if s := r.URL.Query().Get("sujet"); s != "" {
		if t, err := h.app.Publishing.TopicBySlug(r.Context(), org.ID, s); err == nil {
			c.Everything, c.TopicIDs = false, []string{t.ID}
		}
	}
	if s := r.URL.Query().Get("quartier"); s != "" {
		if n, err := h.app.Publishing.NeighbourhoodBySlug(r.Context(), org.ID, s); err == nil {
			c.Everything, c.NeighbourhoodIDs = false, []string{n.ID}
		}
	}
	return h.renderFollow(w, r, http.StatusOK, emptyForm(), c, "")
}

func (h *Handler) renderFollow(w http.ResponseWriter, r *http.Request, status int, f *Form, c model.Choices, suggestion string) error {
	org, _ := orgFrom(r.Context())
	cv, err := h.choicesFor(r, org.ID, c)
	if err != nil {
		return err
	}
	_, signed := accountFrom(r.Context())
	v := h.view(r, "subs.follow.title", followData{ChoicesView: cv, Suggestion: suggestion, SignedIn: signed,
		ConsentText: mailing.ConsentText(mailing.ConsentVersion, lang(r), org.Name)})
	v.Form = f
	h.render(w, r, status, "subs/follow", v)
	return nil
}

func (h *Handler) follow(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	if v := r.PostFormValue("use_email"); v != "" {
		f.Values.Set("email", v) // the suggested correction was chosen
	}
	c := choicesFrom(r)
	if acct, ok := accountFrom(r.Context()); ok && acct.EmailVerifiedAt != nil {
		// A verified account stands for the double opt-in.
		err := h.app.Mailing.SaveAccountChoices(r.Context(), acct, org.ID, c, reqinfo.ClientIP(r))
		if f.Absorb(err) {
			return h.renderFollow(w, r, http.StatusUnprocessableEntity, f, c, "")
		}
		if err != nil {
			return err
		}
		h.flash(w, "subs.saved")
		redirect(w, r, "/account/abonnements")
		return nil
	}
	err := h.app.Mailing.Subscribe(r.Context(), mailing.SubscribeInput{OrgID: org.ID, Email: f.Value("email"), Choices: c,
		IP: reqinfo.ClientIP(r), Lang: lang(r), TypoChecked: f.Value("typo_checked") == "1"})
	var typo *mailing.TypoError
	if errors.As(err, &typo) {
		f.Set("email", "subs.error.email_typo")
		return h.renderFollow(w, r, http.StatusUnprocessableEntity, f, c, typo.Suggestion)
	}
	var limited *core.FormLimitError
	if errors.As(err, &limited) {
		f.General = "forms.error.too_many"
		w.Header().Set("Retry-After", strconv.Itoa(int(limited.Wait.Seconds())))
		return h.renderFollow(w, r, http.StatusTooManyRequests, f, c, "")
	}
	if f.Absorb(err) {
		return h.renderFollow(w, r, http.StatusUnprocessableEntity, f, c, "")
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/"+org.Handle+"/suivre/envoye")
	return nil
}

func (h *Handler) followSent(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "subs/notice", h.view(r, "subs.sent.title", "subs.sent.body"))
	return nil
}

func (h *Handler) confirmSubscription(w http.ResponseWriter, r *http.Request) error {
	res, err := h.app.Mailing.ConfirmSubscription(r.Context(), r.PathValue("token"), reqinfo.ClientIP(r))
	switch {
	case errors.Is(err, model.ErrNotFound):
		v := h.view(r, "subs.confirm.invalid_title", "subs.confirm.invalid")
		v.NoIndex = true
		h.render(w, r, http.StatusNotFound, "subs/notice", v)
		return nil
	case errors.Is(err, model.ErrExpired):
		v := h.view(r, "subs.confirm.expired_title", "subs.confirm.expired")
		v.Org = &res.Org
		v.NoIndex = true
		h.render(w, r, http.StatusGone, "subs/notice", v)
		return nil
	case err != nil:
		return err
	}
	key := "subs.confirm.done"
	if res.AlreadyConfirmed {
		key = "subs.confirm.already"
	}
	v := h.view(r, "subs.confirm.title", key)
	v.Org = &res.Org
	v.NoIndex = true
	h.renderNoticeWithPrefs(w, r, v, res.PrefsToken)
	return nil
}

type noticePrefs struct {
	Key   string
	Token string
}

func (h *Handler) renderNoticeWithPrefs(w http.ResponseWriter, r *http.Request, v *View, token string) {
	v.Data = noticePrefs{Key: v.Data.(string), Token: token}
	h.render(w, r, http.StatusOK, "subs/confirmed", v)
}

// prefsData is the preferences page.
type prefsData struct {
	mailing.Preferences
	ChoicesView
}

func (h *Handler) preferences(w http.ResponseWriter, r *http.Request) error {
	p, err := h.app.Mailing.PreferencesByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.renderPrefs(w, r, http.StatusOK, p, p.Choices.Choices, emptyForm())
}

func (h *Handler) renderPrefs(w http.ResponseWriter, r *http.Request, status int, p mailing.Preferences, c model.Choices, f *Form) error {
	d := prefsData{Preferences: p}
	if p.Org.ID != "" {
		var err error
		if d.ChoicesView, err = h.choicesFor(r, p.Org.ID, c); err != nil {
			return err
		}
	}
	v := h.view(r, "subs.prefs.title", d)
	v.Form = f
	v.NoIndex = true
	if p.Org.ID != "" {
		v.Org = &p.Org
	}
	// The link is a credential: do not leak it to other sites.
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, status, "subs/prefs", v)
	return nil
}

func (h *Handler) savePreferences(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	token := r.PathValue("token")
	c := choicesFrom(r)
	err := h.app.Mailing.SavePreferences(r.Context(), token, c, reqinfo.ClientIP(r))
	f := newForm(r)
	if f.Absorb(err) || errors.Is(err, model.ErrExpired) || errors.Is(err, mailing.ErrResubscribeOptIn) {
		p, perr := h.app.Mailing.PreferencesByToken(r.Context(), token)
		if perr != nil {
			return perr
		}
		switch {
		case errors.Is(err, model.ErrExpired):
			f.General = "subs.prefs.expired"
		case errors.Is(err, mailing.ErrResubscribeOptIn):
			f.General = "subs.prefs.resubscribe"
		}
		return h.renderPrefs(w, r, http.StatusUnprocessableEntity, p, c, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "subs.saved")
	redirect(w, r, "/abonnement/"+token)
	return nil
}

func (h *Handler) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.app.Mailing.PreferencesByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	v := h.view(r, "subs.unsub.title", prefsData{Preferences: p})
	v.NoIndex = true
	if p.Org.ID != "" {
		v.Org = &p.Org
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, http.StatusOK, "subs/unsubscribe", v)
	return nil
}

func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	p, err := h.app.Mailing.Unsubscribe(r.Context(), r.PathValue("token"), reqinfo.ClientIP(r))
	if err != nil {
		return err
	}
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		// A mail client: a plain answer is enough.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(h.cat.T(lang(r), "subs.unsub.done") + "\n"))
		return nil
	}
	v := h.view(r, "subs.unsub.title", noticePrefs{Key: "subs.unsub.done", Token: r.PathValue("token")})
	v.NoIndex = true
	if p.Org.ID != "" {
		v.Org = &p.Org
	}
	h.render(w, r, http.StatusOK, "subs/confirmed", v)
	return nil
}

// accountSubsData is the account's subscriptions page.
type accountSubsData struct {
	Orgs    []accountOrgChoices
	Others  []model.Organisation
	Threads []followedThread
}

// followedThread is a comment thread the resident follows, with the page it
// is on.
type followedThread struct {
	model.Publication
	Path string
}

type accountOrgChoices struct {
	Org model.Organisation
	ChoicesView
	Form *Form
}

func (h *Handler) accountSubscriptions(w http.ResponseWriter, r *http.Request) error {
	return h.renderAccountSubs(w, r, http.StatusOK, "", nil, model.Choices{})
}

func (h *Handler) renderAccountSubs(w http.ResponseWriter, r *http.Request, status int, badOrg string, bad *Form, badChoices model.Choices) error {
	acct, _ := accountFrom(r.Context())
	if acct.EmailVerifiedAt == nil {
		v := h.view(r, "subs.account.title", "subs.account.unverified")
		h.render(w, r, http.StatusOK, "subs/notice", v)
		return nil
	}
	sub, err := h.app.Mailing.AccountSubscriber(r.Context(), acct)
	if err != nil {
		return err
	}
	list, err := h.app.Mailing.SubscriberOrgs(r.Context(), sub)
	if err != nil {
		return err
	}
	orgs, err := h.app.Organisations.List(r.Context())
	if err != nil {
		return err
	}
	var d accountSubsData
	followed := map[string]bool{}
	for _, so := range list {
		org, err := h.app.OrganisationByID(r.Context(), so.OrgID)
		if err != nil {
			return err
		}
		followed[org.ID] = true
		c, f := so.Choices, emptyForm()
		if org.ID == badOrg {
			c, f = badChoices, bad
		}
		cv, err := h.choicesFor(r, org.ID, c)
		if err != nil {
			return err
		}
		d.Orgs = append(d.Orgs, accountOrgChoices{Org: org, ChoicesView: cv, Form: f})
	}
	for _, o := range orgs {
		if !followed[o.ID] {
			d.Others = append(d.Others, o)
		}
	}
	threads, err := h.app.Mailing.FollowedThreads(r.Context(), sub)
	if err != nil {
		return err
	}
	for _, t := range threads {
		d.Threads = append(d.Threads, followedThread{Publication: t.Publication, Path: "/" + t.Org.Handle + "/p/" + t.Publication.Slug + "#commentaires"})
	}
	v := h.view(r, "subs.account.title", d)
	v.NoIndex = true
	h.render(w, r, status, "subs/account", v)
	return nil
}

func (h *Handler) saveAccountSubscription(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	c := choicesFrom(r)
	err := h.app.Mailing.SaveAccountChoices(r.Context(), acct, r.PathValue("orgid"), c, reqinfo.ClientIP(r))
	f := newForm(r)
	if f.Absorb(err) {
		return h.renderAccountSubs(w, r, http.StatusUnprocessableEntity, r.PathValue("orgid"), f, c)
	}
	if err != nil {
		return err
	}
	h.flash(w, "subs.saved")
	redirect(w, r, "/account/abonnements")
	return nil
}

func (h *Handler) stopAccountSubscription(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	if err := h.app.Mailing.StopAccountChoices(r.Context(), acct, r.PathValue("orgid"), reqinfo.ClientIP(r)); err != nil {
		return err
	}
	h.flash(w, "subs.unsub.done")
	redirect(w, r, "/account/abonnements")
	return nil
}

func (h *Handler) unfollowThread(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	pubID := r.PathValue("pub")
	if err := h.app.Mailing.UnfollowThread(r.Context(), acct, pubID); err != nil {
		return err
	}
	h.flash(w, "subs.saved")
	redirect(w, r, "/account/abonnements")
	return nil
}

// When formats an optional time ("" when nil).
func (v *View) When(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.DateTime(*t)
}

// HasValue reports whether the page's form has value among name's values
// (checkbox lists).
func (v *View) HasValue(name, value string) bool {
	if v.Form == nil {
		return false
	}
	return contains(v.Form.Values[name], value)
}
