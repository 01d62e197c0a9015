package app_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/parvis/parvis/internal/app/archives"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// principal is who calls a use case: a staff member of the organisation
// acted on, staff of another organisation, a resident, or nobody.
type principal struct {
	name string
	acct model.Account
	m    *model.Membership // nil: no membership anywhere
}

// principals are the callers every policy test tries: anonymous, a
// resident, and every role of own and of other (agents of ownService and
// otherService). admin, already own's administrator, stands for that role.
func principals(t *testing.T, ts *testserver.TS, admin model.Account, own, other model.Organisation, ownService, otherService string) []principal {
	t.Helper()
	people := []principal{{name: "anonymous"}, {name: "resident", acct: ts.Account(t, "habitante@exemple.fr")}}
	for _, o := range []model.Organisation{own, other} {
		for _, role := range model.Roles {
			var services []string
			if role == model.RoleAgent {
				services = []string{ownService}
				if o.ID == other.ID {
					services = []string{otherService}
				}
			}
			acct := admin
			if !(role == model.RoleAdmin && o.ID == own.ID) {
				acct = ts.Staff(t, fmt.Sprintf("%s-%s@%s.test", role, o.Handle, o.Handle), o.Handle, role, services...)
			}
			m, err := ts.Store.Membership(context.Background(), acct.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, principal{name: fmt.Sprintf("%s of %s", role, o.Handle), acct: acct, m: &m})
		}
	}
	return people
}

// TestPolicyUseCases calls a representative use case of every action as
// every role of the organisation, every role of another organisation, a
// resident and an anonymous caller, on SQLite and PostgreSQL, and checks
// that the use case itself (not a page in front of it) allows or refuses
// as the policy table says. Allowed calls are given unknown ids or
// harmless input where they would otherwise change much, so they end in
// "not found" or succeed; what matters is that they are not refused.
func TestPolicyUseCases(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		own, other := ts.Org(t, "bellerive"), ts.Org(t, "autreville")
		admin := ts.Staff(t, "admin@bellerive.test", own.Handle, model.RoleAdmin)
		voirie, err := ts.App.Organisations.CreateService(ctx, admin.ID, own.ID, "Voirie")
		if err != nil {
			t.Fatal(err)
		}
		culture, err := ts.App.Organisations.CreateService(ctx, admin.ID, own.ID, "Culture")
		if err != nil {
			t.Fatal(err)
		}
		otherSvc, err := ts.App.Organisations.CreateService(ctx, ts.Staff(t, "admin@autreville.test", other.Handle, model.RoleAdmin).ID, other.ID, "Voirie")
		if err != nil {
			t.Fatal(err)
		}
		people := principals(t, ts, admin, own, other, voirie.ID, otherSvc.ID)

		// Publications in a given state, written by the administrator, for
		// the workflow's actions (each call gets its own).
		draft := func() string {
			t.Helper()
			r, err := ts.App.Publishing.SavePublication(ctx, admin.ID, own.ID, model.PubInput{Kind: model.KindNews,
				Title: "Réfection de la rue des Écoles", Body: "Les travaux commencent lundi."})
			if err != nil {
				t.Fatal(err)
			}
			return r.Publication.ID
		}
		submitted := func() string {
			t.Helper()
			id := draft()
			if _, err := ts.App.Publishing.Transition(ctx, admin.ID, own.ID, id, publishing.TransitionInput{Action: publishing.ActSubmit}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		transition := func(act publishing.Action, prepare func() string) func(p principal) error {
			return func(p principal) error {
				_, err := ts.App.Publishing.Transition(ctx, p.acct.ID, own.ID, prepare(), publishing.TransitionInput{Action: act})
				return err
			}
		}
		unknown := core.NewID
		now := ts.App.Now()

		type useCase struct {
			act     policy.Action
			name    string
			service string // the item's service, for per-service actions
			// roleOnly: the item is unknown, so only the role is judged (the
			// per-service check needs the item, which is not found).
			roleOnly bool
			call     func(p principal) error
		}
		cases := []useCase{
			{policy.StaffInvite, "RevokeInvitation", "", false, func(p principal) error {
				return ts.App.Accounts.RevokeInvitation(ctx, p.acct.ID, own.ID, unknown())
			}},
			{policy.StaffManage, "Staff", "", false, func(p principal) error { _, _, err := ts.App.Organisations.Staff(ctx, p.acct.ID, own.ID); return err }},
			{policy.ServicesManage, "RenameService", "", false, func(p principal) error {
				return ts.App.Organisations.RenameService(ctx, p.acct.ID, own.ID, unknown(), "Espaces verts")
			}},
			{policy.ProfileEdit, "UpdateOrgProfile", "", false, func(p principal) error {
				_, err := ts.App.Organisations.UpdateOrgProfile(ctx, p.acct.ID, own.ID, organisations.ProfileInput{Name: own.Name, Kind: string(own.Kind)}, organisations.LogoChange{})
				return err
			}},
			{policy.AccessibilityEdit, "UpdateAccessibilityPlan", "", false, func(p principal) error {
				return ts.App.Organisations.UpdateAccessibilityPlan(ctx, p.acct.ID, own.ID, nil)
			}},
			{policy.TaxonomyManage, "DeleteTopic", "", false, func(p principal) error { return ts.App.Publishing.DeleteTopic(ctx, p.acct.ID, own.ID, unknown()) }},
			{policy.PublicationView, "Transition (unknown publication)", "", false, transition(publishing.ActSubmit, unknown)},
			{policy.PublicationEdit, "SavePublication", "", false, func(p principal) error {
				_, err := ts.App.Publishing.SavePublication(ctx, p.acct.ID, own.ID, model.PubInput{Kind: model.KindNews,
					Title: "Marché de Noël", Body: "Le marché ouvre le 12 décembre."})
				return err
			}},
			{policy.PublicationPublish, "Transition publish", "", false, transition(publishing.ActPublish, draft)},
			{policy.PublicationValidate, "Transition approve", "", false, transition(publishing.ActApprove, submitted)},
			{policy.PublicationReview, "Transition send back", "", false, transition(publishing.ActSendBack, submitted)},
			{policy.PublishingSettings, "SetValidationRequired", "", false, func(p principal) error {
				return ts.App.Publishing.SetValidationRequired(ctx, p.acct.ID, own.ID, map[model.PubKind]bool{})
			}},
			{policy.EventView, "Participants", "", false, func(p principal) error {
				_, err := ts.App.Events.Participants(ctx, p.acct.ID, own.ID, unknown(), model.RegistrationFilter{})
				return err
			}},
			{policy.EventEdit, "RemoveException", "", false, func(p principal) error {
				return ts.App.Events.RemoveException(ctx, p.acct.ID, own.ID, unknown(), unknown())
			}},
			{policy.EventStatus, "SetEventStatus", "", false, func(p principal) error {
				return ts.App.Events.SetEventStatus(ctx, p.acct.ID, own.ID, unknown(), model.EventCancelled, "Intempéries")
			}},
			{policy.EventCheckin, "CheckIn", "", false, func(p principal) error {
				_, err := ts.App.Events.CheckIn(ctx, p.acct.ID, own.ID, unknown(), unknown(), "")
				return err
			}},
			{policy.EventParticipantsExport, "ExportParticipants", "", false, func(p principal) error {
				_, err := ts.App.Events.ExportParticipants(ctx, p.acct.ID, own.ID, unknown())
				return err
			}},
			{policy.ModerationDecide, "OpenCase", "", false, func(p principal) error { _, err := ts.App.Debate.OpenCase(ctx, p.acct, own, unknown()); return err }},
			{policy.ModerationSettings, "SetSecondOpinion", "", false, func(p principal) error {
				return ts.App.Debate.SetSecondOpinion(ctx, p.acct, own.ID, false)
			}},
			{policy.CommentAnswer, "SetOfficial (unknown comment)", "", true, func(p principal) error { return ts.App.Debate.SetOfficial(ctx, own, p.acct, unknown(), true) }},
			{policy.ConsoleAnswer, "SaveReply for Voirie", voirie.ID, false, func(p principal) error {
				_, err := ts.App.Console.SaveReply(ctx, p.acct, own.ID, "", voirie.ID, "Nid-de-poule", "Nos équipes passent cette semaine.")
				return err
			}},
			{policy.ConsoleAnswer, "SaveReply for Culture", culture.ID, false, func(p principal) error {
				_, err := ts.App.Console.SaveReply(ctx, p.acct, own.ID, "", culture.ID, "Médiathèque", "Ouverte le samedi matin.")
				return err
			}},
			{policy.ConsoleConfigure, "DeleteClosure", "", false, func(p principal) error { return ts.App.Console.DeleteClosure(ctx, p.acct, own.ID, unknown()) }},
			{policy.ConsoleSettings, "SaveConsoleSettings", "", false, func(p principal) error {
				return ts.App.Console.SaveConsoleSettings(ctx, p.acct, own.ID, console.ConsoleSettingsInput{LegalMonths: "2", TargetHours: "48", HourlyCost: "35"})
			}},
			{policy.FiguresView, "Figures", "", false, func(p principal) error { _, err := ts.App.Console.Figures(ctx, p.acct.ID, own, now); return err }},
			{policy.FederationManage, "UnblockDomain", "", false, func(p principal) error {
				return ts.App.Fediverse.UnblockDomain(ctx, p.acct, own.ID, "spam.example")
			}},
			{policy.NewsletterEdit, "SaveNewsletter", "", false, func(p principal) error {
				_, err := ts.App.Mailing.SaveNewsletter(ctx, p.acct.ID, own.ID, unknown(), mailing.NewsletterInput{Subject: "La lettre de décembre", BodyMD: "Bonjour,"})
				return err
			}},
			{policy.NewsletterSend, "UnscheduleNewsletter", "", false, func(p principal) error {
				return ts.App.Mailing.UnscheduleNewsletter(ctx, p.acct.ID, own.ID, unknown())
			}},
			{policy.ArchiveExport, "Prepare", "", false, func(p principal) error {
				_, err := ts.App.Archives.Prepare(ctx, p.acct.ID, own.ID, archives.Period{From: "2026-01-01", To: "2026-12-31"})
				return err
			}},
			{policy.JournalView, "Journal", "", false, func(p principal) error {
				_, err := ts.App.Organisations.Journal(ctx, p.acct.ID, own.ID, "", 10)
				return err
			}},
			{policy.NotificationsEdit, "SetEmailRouted", "", false, func(p principal) error {
				return ts.App.Organisations.SetEmailRouted(ctx, p.acct.ID, own.ID, true)
			}},
			{policy.SubscribersView, "DigestMailings", "", false, func(p principal) error {
				_, err := ts.App.Mailing.DigestMailings(ctx, p.acct.ID, own.ID, 1)
				return err
			}},
			{policy.SubscribersSettings, "SaveMailSettings", "", false, func(p principal) error {
				return ts.App.Mailing.SaveMailSettings(ctx, p.acct.ID, own.ID, 7, 50, false)
			}},
			{policy.SubscribersExport, "ExportSubscribers", "", false, func(p principal) error {
				_, err := ts.App.Mailing.ExportSubscribers(ctx, p.acct.ID, own.ID, "letter", "")
				return err
			}},
		}
		// The dashboard is a page with no data of its own (its cards ask
		// .Can); its route asks the table.
		pageOnly := map[policy.Action]bool{policy.DashboardView: true}

		covered := map[policy.Action]bool{}
		for _, c := range cases {
			covered[c.act] = true
			for _, p := range people {
				want := policy.AllowsItem(p.m, own.ID, c.act, c.service)
				if c.roleOnly {
					want = policy.Allows(p.m, own.ID, c.act)
				}
				err := c.call(p)
				switch {
				case !want && !errors.Is(err, model.ErrForbidden):
					t.Errorf("%s (%s) as %s: want refused, got %v", c.name, c.act, p.name, err)
				case want && errors.Is(err, model.ErrForbidden):
					t.Errorf("%s (%s) as %s: want allowed, got refused", c.name, c.act, p.name)
				case want && err != nil && !expected(err):
					t.Errorf("%s (%s) as %s: allowed, but failed: %v", c.name, c.act, p.name, err)
				}
			}
		}
		for _, a := range policy.Actions() {
			if !covered[a] && !pageOnly[a] {
				t.Errorf("action %s has no use case in TestPolicyUseCases", a)
			}
		}
	})
}

// expected tells the ends an allowed call may have with unknown ids or a
// state the principal cannot move from: not found, conflict, invalid.
func expected(err error) bool {
	var v *model.ValidationError
	var f *model.FieldError
	return errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrConflict) || errors.Is(err, model.ErrInvalid) ||
		errors.As(err, &v) || errors.As(err, &f)
}
