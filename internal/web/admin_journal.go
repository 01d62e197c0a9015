package web

import (
	"net/http"
	"strings"
	"time"
)

// journalPageSize is how many audit entries one page shows.
const journalPageSize = 50

// journalData is one page of the audit log.
type journalData struct {
	Rows []journalRow
	Next string // id to continue from, "" on the last page
}

type journalRow struct {
	At     time.Time
	Actor  string
	Action string // the stable code, as in the CSV export
	Label  string // what the code means, in the reader's language; "" when the catalogue has none
	Target string
	Detail string
}

// journal shows the organisation's audit log: who did what, when and why.
// It is part of the public archive a collectivité keeps.
func (h *Handler) journal(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	rows, err := h.app.Organisations.Journal(r.Context(), actorID(r), org.ID, r.URL.Query().Get("avant"), journalPageSize+1)
	if err != nil {
		return err
	}
	d := journalData{}
	if len(rows) > journalPageSize {
		rows = rows[:journalPageSize]
		d.Next = rows[len(rows)-1].ID
	}
	v := h.view(r, "journal.title", nil)
	for _, e := range rows {
		row := journalRow{At: e.CreatedAt, Actor: e.ActorName, Action: e.Action, Target: e.Target, Detail: journalDetail(v, e.Action, e.Detail)}
		if key := "journal.action." + e.Action; v.cat.Has(v.Lang, key) {
			row.Label = v.T(key)
		}
		d.Rows = append(d.Rows, row)
	}
	v.Data = d
	v.NoIndex = true
	h.render(w, r, http.StatusOK, "admin/journal", v)
	return nil
}

// journalCSV exports the whole audit log, for the archives.
func (h *Handler) journalCSV(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	out := newCSVExport(w, "journal-"+org.Handle+".csv")
	out.Row("id", "date_utc", "actor_id", "actor", "action", "target", "detail")
	before := ""
	for {
		rows, err := h.app.Organisations.Journal(r.Context(), actorID(r), org.ID, before, 1000)
		if err != nil {
			return err
		}
		for _, e := range rows {
			out.Row(e.ID, e.CreatedAt.Format(time.RFC3339), e.ActorID, e.ActorName, e.Action, e.Target, e.Detail)
		}
		if len(rows) < 1000 {
			break
		}
		before = rows[len(rows)-1].ID
	}
	return out.Close()
}

// journalDetail words a publication's state change ("draft → published",
// as the journal stores it for the CSV and the archives) in the reader's
// language; other details are shown as written.
func journalDetail(v *View, action, detail string) string {
	if !strings.HasPrefix(action, "publication.") {
		return detail
	}
	change, comment, hasComment := strings.Cut(detail, " : ")
	from, to, ok := strings.Cut(change, " → ")
	if !ok || !v.cat.Has(v.Lang, "pub.state."+from) || !v.cat.Has(v.Lang, "pub.state."+to) {
		return detail
	}
	out := v.T("pub.state."+from) + " → " + v.T("pub.state."+to)
	if hasComment {
		out += " : " + comment
	}
	return out
}
