// Package policy is Parvis's one authorisation table: which staff roles may
// take which action, in their own organisation, and — for the actions that
// touch a service's items — on which items.
//
// The use cases in internal/app ask it inside their transaction (so an API
// added later cannot skip a check), the route table in internal/web reads
// the same table to refuse early and to hide links (`.Can "action"` in the
// templates). It imports only model, so both can use it without a cycle.
package policy

import (
	"slices"

	"github.com/parvis/parvis/internal/model"
)

// Action names what a staff member does, not where they click.
type Action string

// The actions. Adding one means adding it to table below; TestTable walks
// every action, so an action missing there fails the tests.
const (
	// Any staff member.
	DashboardView     Action = "dashboard.view"     // the staff home of an organisation
	NotificationsEdit Action = "notifications.edit" // one's own staff notification preferences

	// Organisation administration.
	StaffInvite    Action = "staff.invite"    // invite, list and revoke invitations
	StaffManage    Action = "staff.manage"    // list staff, change roles and services, remove
	ServicesManage Action = "services.manage" // create, rename, delete services
	ProfileEdit    Action = "profile.edit"    // organisation profile, logo, legal notices
	JournalView    Action = "journal.view"    // the audit journal and its CSV
	TaxonomyManage Action = "taxonomy.manage" // topics and neighbourhoods
	ArchiveExport  Action = "archive.export"  // the archives package of a period (docs/ARCHIVES.md)
	// The accessibility statement (status, audit, non-accessible parts,
	// derogations, contact) and the multi-year plan.
	AccessibilityEdit Action = "accessibility.edit"

	// Publishing.
	PublicationView     Action = "publication.view"     // the publication list, calendar, history
	PublicationEdit     Action = "publication.edit"     // write drafts, upload media (an editor: their own drafts)
	PublicationPublish  Action = "publication.publish"  // publish, schedule, unpublish without validation
	PublicationValidate Action = "publication.validate" // approve or reject a submitted publication
	PublicationReview   Action = "publication.review"   // the validation queue
	PublishingSettings  Action = "publishing.settings"  // which kinds need validation

	// Events.
	EventView               Action = "event.view"                // the staff event pages
	EventEdit               Action = "event.edit"                // import, exceptions, message participants
	EventStatus             Action = "event.status"              // cancel, postpone, mark full
	EventCheckin            Action = "event.checkin"             // check participants in at the entrance
	EventParticipantsExport Action = "event.participants.export" // the participants' CSV

	// Debate and moderation.
	ModerationDecide   Action = "moderation.decide"   // the queue, decisions, appeals, author profiles, per-publication mode
	ModerationSettings Action = "moderation.settings" // charter, words, thresholds, second opinion
	CommentAnswer      Action = "comment.answer"      // answer residents as the organisation or a service; mark official answers

	// Residents' console.
	ConsoleAnswer    Action = "console.answer"    // the inbox: read, reply, assign, notes, saved replies
	ConsoleConfigure Action = "console.configure" // office hours, closures, routing rules
	ConsoleSettings  Action = "console.settings"  // time-cost settings of the console
	FiguresView      Action = "figures.view"      // workload figures and the monthly cost report

	// Federation.
	FederationManage Action = "federation.manage" // blocked domains and remote sanctions

	// Newsletters and subscribers.
	NewsletterEdit      Action = "newsletter.edit"      // write newsletter drafts, see their audience
	NewsletterSend      Action = "newsletter.send"      // test, send, schedule, unschedule; pause, resume, cancel a mailing
	SubscribersView     Action = "subscribers.view"     // subscriber figures and digest figures
	SubscribersSettings Action = "subscribers.settings" // digest hour, sending rate, click counting
	SubscribersExport   Action = "subscribers.export"   // the subscriber list with addresses
)

// Rule says who may take an action.
type Rule struct {
	// Roles may take the action in their own organisation.
	Roles []model.Role
	// Wide, when set, makes the action per-service: these roles act on
	// every item of the organisation, the other Roles only on the items of
	// the services they belong to (an agent answers for Voirie, not for
	// Culture). Nil: the action is not about a service's items.
	Wide []model.Role
}

var (
	anyStaff   = model.Roles
	adminOnly  = []model.Role{model.RoleAdmin}
	leads      = []model.Role{model.RoleAdmin, model.RoleManager}
	writers    = []model.Role{model.RoleAdmin, model.RoleManager, model.RoleEditor}
	approvers  = []model.Role{model.RoleAdmin, model.RoleValidator}
	reviewers  = []model.Role{model.RoleAdmin, model.RoleManager, model.RoleValidator}
	pubReaders = []model.Role{model.RoleAdmin, model.RoleManager, model.RoleEditor, model.RoleValidator}
	eventStaff = []model.Role{model.RoleAdmin, model.RoleManager, model.RoleEditor, model.RoleAgent}
)

// table is the policy. docs/ARCHITECTURE.md shows it as a matrix; keep both
// in step (TestDocumentedTable compares them).
var table = map[Action]Rule{
	DashboardView:     {Roles: anyStaff},
	NotificationsEdit: {Roles: anyStaff},

	StaffInvite:       {Roles: adminOnly},
	StaffManage:       {Roles: adminOnly},
	ServicesManage:    {Roles: adminOnly},
	ProfileEdit:       {Roles: adminOnly},
	JournalView:       {Roles: leads},
	TaxonomyManage:    {Roles: adminOnly},
	ArchiveExport:     {Roles: adminOnly},
	AccessibilityEdit: {Roles: adminOnly},

	PublicationView:     {Roles: pubReaders},
	PublicationEdit:     {Roles: writers},
	PublicationPublish:  {Roles: leads},
	PublicationValidate: {Roles: approvers},
	PublicationReview:   {Roles: reviewers},
	PublishingSettings:  {Roles: adminOnly},

	EventView:               {Roles: eventStaff},
	EventEdit:               {Roles: writers},
	EventStatus:             {Roles: leads},
	EventCheckin:            {Roles: eventStaff},
	EventParticipantsExport: {Roles: writers},

	ModerationDecide:   {Roles: leads},
	ModerationSettings: {Roles: adminOnly},
	CommentAnswer:      {Roles: anyStaff, Wide: leads},

	ConsoleAnswer:    {Roles: anyStaff, Wide: leads},
	ConsoleConfigure: {Roles: leads},
	ConsoleSettings:  {Roles: adminOnly},
	FiguresView:      {Roles: leads},

	FederationManage: {Roles: leads},

	NewsletterEdit:      {Roles: leads},
	NewsletterSend:      {Roles: leads},
	SubscribersView:     {Roles: leads},
	SubscribersSettings: {Roles: adminOnly},
	SubscribersExport:   {Roles: adminOnly},
}

// Actions lists every action, sorted.
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for a := range table {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// RuleOf returns an action's rule; an unknown action has none (nobody may).
func RuleOf(a Action) (Rule, bool) {
	r, ok := table[a]
	return r, ok
}

// RoleMay reports whether role may take a in its own organisation (on at
// least some items, for a per-service action).
func RoleMay(role model.Role, a Action) bool {
	r, ok := table[a]
	return ok && slices.Contains(r.Roles, role)
}

// Allows reports whether m may take a in the organisation orgID. m nil
// means no membership: an anonymous visitor, or a person who is not staff
// there. The organisation rule: a membership of another organisation
// allows nothing here.
func Allows(m *model.Membership, orgID string, a Action) bool {
	return m != nil && orgID != "" && m.OrgID == orgID && RoleMay(m.Role, a)
}

// AllowsItem is Allows for an item that belongs to a service (serviceID,
// "" for none). The per-service rule: for a per-service action, only Wide
// roles act on every item; the others only on their own services' items.
func AllowsItem(m *model.Membership, orgID string, a Action, serviceID string) bool {
	if !Allows(m, orgID, a) {
		return false
	}
	r := table[a]
	if r.Wide == nil || slices.Contains(r.Wide, m.Role) {
		return true
	}
	return serviceID != "" && slices.Contains(m.ServiceIDs, serviceID)
}

// Wide reports whether m acts on every item of its organisation for a
// (a lead), rather than only on its services' items.
func Wide(m model.Membership, a Action) bool {
	r, ok := table[a]
	if !ok || !slices.Contains(r.Roles, m.Role) {
		return false
	}
	return r.Wide == nil || slices.Contains(r.Wide, m.Role)
}
