package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/secondopinion"
)

// moderationRoutes registers the staff side of the debate (docs/DEBATE.md).
func (h *Handler) moderationRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/moderation", h.staff(policy.ModerationDecide, h.moderationQueue))
	mux.Handle("GET /admin/{org}/moderation/settings", h.staff(policy.ModerationSettings, h.moderationSettings))
	mux.Handle("POST /admin/{org}/moderation/settings", h.staff(policy.ModerationSettings, h.saveModerationSettings))
	mux.Handle("POST /admin/{org}/moderation/words", h.staff(policy.ModerationSettings, h.saveScreenWords))
	mux.Handle("POST /admin/{org}/moderation/second-opinion", h.staff(policy.ModerationSettings, h.saveSecondOpinion))
	mux.Handle("GET /admin/{org}/moderation/authors/{account}", h.staff(policy.ModerationDecide, h.authorProfile))
	mux.Handle("POST /admin/{org}/moderation/publications/{id}/mode", h.staff(policy.ModerationDecide, h.publicationMode))
	mux.Handle("GET /admin/{org}/moderation/{id}", h.staff(policy.ModerationDecide, h.moderationCase))
	mux.Handle("POST /admin/{org}/moderation/{id}/decide", h.staff(policy.ModerationDecide, h.decide))
	mux.Handle("POST /admin/{org}/moderation/{id}/appeal", h.staff(policy.ModerationDecide, h.decideAppeal))
	mux.Handle("GET /admin/{org}/notifications", h.staff(policy.NotificationsEdit, h.notifications))
	mux.Handle("POST /admin/{org}/notifications", h.staff(policy.NotificationsEdit, h.saveNotificationPrefs))
}

// renderStaff renders a staff page: never indexed, never cached.
func (h *Handler) renderStaff(w http.ResponseWriter, r *http.Request, status int, page, title string, data any, f *Form) {
	v := h.view(r, title, data)
	v.Form, v.NoIndex = f, true
	noStore(w)
	h.render(w, r, status, page, v)
}

func (h *Handler) moderationQueue(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	d := queueView{Motif: r.URL.Query().Get("motif")}
	reviews, ok := queueMotifs[d.Motif]
	if !ok {
		d.Motif = ""
	}
	var err error
	if d.Items, err = h.app.Debate.ModerationQueue(r.Context(), acct.ID, org.ID, 200, reviews...); err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "debate/queue", "debate.queue.title", d, nil)
	return nil
}

// queueView is the moderation queue, all of it or for one motif.
type queueView struct {
	Items []debate.QueueItem
	Motif string // "" for all; a key of queueMotifs
}

// queueMotifs are the filters of the moderation queue (?motif=), which the
// dashboard's counts link to: an appeal and a review request are both the
// author contesting.
var queueMotifs = map[string][]model.Review{
	"":         nil,
	"held":     {model.ReviewHeld},
	"reported": {model.ReviewReported},
	"appeal":   {model.ReviewAppeal, model.ReviewRequest},
}

// caseView is a case file page's data.
type caseView struct {
	debate.CaseFile
	Rules     []ruleOption
	Grounds   []string
	Sanctions []string
	Actions   []string
	Pending   *model.Appeal
	Contested *model.Decision
	MayAppeal bool // the viewer did not take the contested decision
	Decision  *Form
	Appeal    *Form
}

func (h *Handler) caseData(r *http.Request) (*caseView, error) {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	cf, err := h.app.Debate.OpenCase(r.Context(), acct, org, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	s, err := h.app.Debate.DebateSettings(r.Context(), org.ID)
	if err != nil {
		return nil, err
	}
	d := &caseView{CaseFile: cf, Rules: ruleOptions(s.Charter), Grounds: debate.LegalGrounds, Sanctions: debate.Sanctions,
		Actions: debate.DecisionActions, Decision: emptyForm(), Appeal: emptyForm()}
	for i := range cf.Appeals {
		if cf.Appeals[i].Status == "pending" {
			d.Pending = &cf.Appeals[i]
		}
	}
	if d.Pending != nil {
		for i := range cf.Decisions {
			if cf.Decisions[i].ID == d.Pending.DecisionID {
				d.Contested = &cf.Decisions[i]
			}
		}
		d.MayAppeal = d.Contested == nil || d.Contested.ActorID != acct.ID
	}
	return d, nil
}

func (h *Handler) moderationCase(w http.ResponseWriter, r *http.Request) error {
	d, err := h.caseData(r)
	if err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "debate/case", "debate.case.title", d, nil)
	return nil
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	rule, _ := strconv.Atoi(f.Value("rule"))
	_, err = h.app.Debate.Decide(r.Context(), acct, org, r.PathValue("id"), debate.DecisionInput{Action: f.Value("action"), Rule: rule,
		LegalGround: f.Value("legal_ground"), Sanction: f.Value("sanction"), Note: f.Value("note")})
	if f.Absorb(err) {
		d, derr := h.caseData(r)
		if derr != nil {
			return derr
		}
		d.Decision = f
		h.renderStaff(w, r, http.StatusUnprocessableEntity, "debate/case", "debate.case.title", d, nil)
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.decided")
	redirect(w, r, "/admin/"+org.Handle+"/moderation")
	return nil
}

func (h *Handler) decideAppeal(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Debate.DecideAppeal(r.Context(), acct, org, r.PathValue("id"), f.Value("outcome"), f.Value("answer"))
	if errors.Is(err, model.ErrConflict) {
		// Decided already (a second click, or a colleague was quicker).
		h.flash(w, "debate.flash.already_decided")
		redirect(w, r, "/admin/"+org.Handle+"/moderation")
		return nil
	}
	if f.Absorb(err) {
		d, derr := h.caseData(r)
		if derr != nil {
			return derr
		}
		d.Appeal = f
		h.renderStaff(w, r, http.StatusUnprocessableEntity, "debate/case", "debate.case.title", d, nil)
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.appeal_decided")
	redirect(w, r, "/admin/"+org.Handle+"/moderation")
	return nil
}

func (h *Handler) authorProfile(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	p, err := h.app.Debate.AuthorProfile(r.Context(), actorID(r), org.ID, r.PathValue("account"))
	if err != nil {
		return err
	}
	// Only authors who commented in this organisation have a profile here.
	if len(p.Comments) == 0 {
		return model.ErrNotFound
	}
	h.renderStaff(w, r, http.StatusOK, "debate/author", "debate.author.title", p, nil)
	return nil
}

func (h *Handler) publicationMode(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	pub, err := h.app.Debate.SetPublicationMode(r.Context(), acct, org.ID, r.PathValue("id"), model.ModerationMode(r.PostFormValue("mode")), r.PostFormValue("pre_ack") != "")
	var fe *model.FieldError
	if errors.As(err, &fe) {
		h.flash(w, fe.Code)
		redirect(w, r, "/"+org.Handle+"/p/"+pub.Slug+"/commentaires#moderation-mode")
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.mode_saved")
	redirect(w, r, "/"+org.Handle+"/p/"+pub.Slug+"/commentaires")
	return nil
}

// settingsView is the moderation settings page's data: two forms.
type settingsView struct {
	Settings    model.ModerationSettings
	Modes       []model.ModerationMode
	Main        *Form
	Words       *Form
	Opinion     opinionStatus
	OpinionForm *Form
}

// opinionStatus is what administrators see of the operator's language model
// server: where it is, and whether calls are suspended.
type opinionStatus struct {
	Configured  bool
	Host, Model string
	Timeout     time.Duration
	Breaker     secondopinion.BreakerState
	Prompt      string
}

func (h *Handler) settingsData(r *http.Request) (*settingsView, error) {
	org, _ := orgFrom(r.Context())
	s, err := h.app.Debate.DebateSettings(r.Context(), org.ID)
	if err != nil {
		return nil, err
	}
	words, err := h.app.Debate.ScreenWordLists(r.Context(), org.ID)
	if err != nil {
		return nil, err
	}
	op := opinionStatus{Configured: h.app.Debate.Opinion != nil, Prompt: secondopinion.SystemPrompt()}
	if c := h.app.Debate.Opinion; c != nil {
		op.Host, op.Model, op.Timeout, op.Breaker = c.Host(), c.Model(), c.Timeout(), c.Breaker.State()
	}
	on := ""
	if s.SecondOpinion {
		on = "1"
	}
	return &settingsView{Settings: s, Modes: model.ModerationModes, Opinion: op,
		OpinionForm: &Form{Values: url.Values{"second_opinion": {on}}, Errors: map[string]string{}},
		Main: &Form{Values: url.Values{"mode": {string(s.Mode)}, "charter": {strings.Join(s.Charter, "\n")},
			"report_threshold": {strconv.Itoa(s.ReportThreshold)}}, Errors: map[string]string{}},
		Words: &Form{Values: url.Values{"watched": {strings.Join(words.Watched, "\n")}, "blocked": {strings.Join(words.Blocked, "\n")},
			"allowed": {strings.Join(words.Allowed, "\n")}}, Errors: map[string]string{}}}, nil
}

func (h *Handler) moderationSettings(w http.ResponseWriter, r *http.Request) error {
	d, err := h.settingsData(r)
	if err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "debate/settings", "debate.settings.title", d, nil)
	return nil
}

func (h *Handler) saveModerationSettings(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Debate.SaveDebateSettings(r.Context(), acct, org.ID, model.ModerationMode(f.Value("mode")), f.Value("charter"),
		f.Value("report_threshold"), f.Value("pre_ack") != "")
	if f.Absorb(err) {
		d, derr := h.settingsData(r)
		if derr != nil {
			return derr
		}
		d.Main = f
		h.renderStaff(w, r, http.StatusUnprocessableEntity, "debate/settings", "debate.settings.title", d, nil)
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.settings_saved")
	redirect(w, r, "/admin/"+org.Handle+"/moderation/settings")
	return nil
}

func (h *Handler) saveScreenWords(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Debate.SetScreenWordLists(r.Context(), acct.ID, org.ID, f.Value("watched"), f.Value("blocked"), f.Value("allowed"))
	if f.Absorb(err) {
		d, derr := h.settingsData(r)
		if derr != nil {
			return derr
		}
		d.Words = f
		h.renderStaff(w, r, http.StatusUnprocessableEntity, "debate/settings", "debate.settings.title", d, nil)
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.words_saved")
	redirect(w, r, "/admin/"+org.Handle+"/moderation/settings")
	return nil
}

func (h *Handler) saveSecondOpinion(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Debate.SetSecondOpinion(r.Context(), acct, org.ID, f.Value("second_opinion") != "")
	if f.Absorb(err) {
		d, derr := h.settingsData(r)
		if derr != nil {
			return derr
		}
		d.OpinionForm = f
		h.renderStaff(w, r, http.StatusUnprocessableEntity, "debate/settings", "debate.settings.title", d, nil)
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.opinion_saved")
	redirect(w, r, "/admin/"+org.Handle+"/moderation/settings")
	return nil
}

// notificationsView lists the comments routed to the staff member.
type notificationsView struct {
	Items       []model.Notification
	EmailRouted bool
}

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	// Showing the list is reading it; unread ones stay marked on this view.
	items, pref, err := h.app.Organisations.StaffNotifications(r.Context(), acct.ID, org.ID, 100)
	if err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "debate/notifications", "debate.notifications.title", notificationsView{Items: items, EmailRouted: pref}, nil)
	return nil
}

func (h *Handler) saveNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Organisations.SetEmailRouted(r.Context(), acct.ID, org.ID, r.PostFormValue("email_routed") != ""); err != nil {
		return err
	}
	h.flash(w, "debate.flash.prefs_saved")
	redirect(w, r, "/admin/"+org.Handle+"/notifications")
	return nil
}
