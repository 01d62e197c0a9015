package web

import (
	"net/http"
)

// A subscriber's rights of access and erasure from the preferences link
// (app/mailing/subscriber_rights.go): the same archive as « Mes données »,
// and erasure after a confirmation page.

func (h *Handler) subscriberRightsRoutes(mux *http.ServeMux) {
	mux.Handle("POST /abonnement/{token}/donnees", h.public(h.subscriberData))
	mux.Handle("GET /abonnement/{token}/effacer", h.public(h.eraseSubscriberForm))
	mux.Handle("POST /abonnement/{token}/effacer", h.public(h.eraseSubscriber))
}

func (h *Handler) subscriberData(w http.ResponseWriter, r *http.Request) error {
	d, err := h.app.Mailing.SubscriberData(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.sendPersonalData(w, r, d) // account_data.go
}

func (h *Handler) eraseSubscriberForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.app.Mailing.PreferencesByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	v := h.view(r, "subs.erase.title", prefsData{Preferences: p})
	v.NoIndex = true
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, http.StatusOK, "subs/erase", v)
	return nil
}

func (h *Handler) eraseSubscriber(w http.ResponseWriter, r *http.Request) error {
	if err := h.app.Mailing.EraseSubscriber(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	v := h.view(r, "subs.erase.title", "subs.erase.done")
	v.NoIndex = true
	h.render(w, r, http.StatusOK, "subs/notice", v)
	return nil
}
