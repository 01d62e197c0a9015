package model

import "time"

// ModerationMode says when residents' comments appear (docs/DEBATE.md).
type ModerationMode string

const (
	// ModePost publishes at once, after screening; the directeur de la
	// publication is liable only once informed (loi du 29 juillet 1982,
	// art. 93-3). The default.
	ModePost ModerationMode = "post"
	// ModePre holds every comment until a moderator approves it: he then
	// answers for what he approved.
	ModePre ModerationMode = "pre"
	// ModeClosed takes no new comments.
	ModeClosed ModerationMode = "closed"
)

// ModerationModes lists the modes in display order.
var ModerationModes = []ModerationMode{ModePost, ModePre, ModeClosed}

// Valid reports whether m is a known mode.
func (m ModerationMode) Valid() bool {
	return m == ModePost || m == ModePre || m == ModeClosed
}

// CommentStatus is where a comment stands.
type CommentStatus string

const (
	CommentPublished CommentStatus = "published" // visible to everyone
	CommentHeld      CommentStatus = "held"      // waits for a moderator; only its author sees it
	CommentRejected  CommentStatus = "rejected"  // refused by screening; only its author sees it
	CommentHidden    CommentStatus = "hidden"    // masked citing a rule, or pending review after reports
	CommentDeleted   CommentStatus = "deleted"   // removed by a moderator (illegal content)
	CommentWithdrawn CommentStatus = "withdrawn" // deleted by its author
)

// Review is what a comment waits for in the moderation queue.
type Review string

const (
	ReviewNone     Review = ""
	ReviewHeld     Review = "held"     // held by screening or pre-moderation
	ReviewReported Review = "reported" // reported by someone
	ReviewAppeal   Review = "appeal"   // its author contests a decision
	ReviewRequest  Review = "request"  // its author asks a human to look at a screening rejection
)

// MaxCommentRunes bounds a comment's text (docs/DEBATE.md), and so every
// text the console may publish as one (answers, saved replies) or takes
// from the public form.
const MaxCommentRunes = 5000

// Comment is a resident's comment or a staff answer under a publication.
type Comment struct {
	ID            string
	OrgID         string
	PublicationID string
	ParentID      string // "" for a top-level comment
	AccountID     string // "" for a remote author or an erased account
	RemoteActor   string // Fediverse actor URI (federation)
	RemoteName    string
	RemoteObject  string // the remote post's object id
	RemoteHandle  string // user@host
	RemoteURL     string // the author's profile page
	AuthorName    string // display name (joined from the account) or remote name
	ServiceID     string // a staff answer given as this service
	AsOrg         bool   // a staff answer given as the organisation
	StaffLabel    string // "Service Voirie — Ville de X", "" for residents
	Body          string
	Fingerprint   string
	Status        CommentStatus
	InitialStatus CommentStatus
	ScreenVerdict string
	ScreenScore   float64
	ScreenReasons []string
	RuleNumber    int    // the charter rule cited when hidden
	RuleText      string // that rule's text at the time
	Official      bool
	UsefulCount   int
	Review        Review
	ReviewSince   *time.Time
	IdemKey       string
	CreatedAt     time.Time
	EditedAt      *time.Time
	UpdatedAt     time.Time
}

// IsStaffAnswer reports whether the comment speaks for the organisation.
func (c Comment) IsStaffAnswer() bool { return c.StaffLabel != "" }

// Report is someone's notice about a comment (DSA art. 16).
type Report struct {
	ID                string
	OrgID             string
	CommentID         string
	ReporterAccountID string
	ReporterEmail     string // non-members only; never shown to staff beyond the need to answer
	ReporterKey       string
	Reason            string // "rule" or "illegal"
	RuleNumber        int
	LegalGround       string
	Explanation       string
	Status            string // open, closed
	FirstSeenAt       *time.Time
	FirstSeenBy       string
	DecidedAt         *time.Time
	CreatedAt         time.Time
}

// Decision is a moderation decision about a comment.
type Decision struct {
	ID          string
	OrgID       string
	CommentID   string
	AuthorID    string
	ActorID     string // "" for automated decisions (screening, report threshold)
	Action      string // approve, hide, delete, reject, autohide, restore, uphold
	Sanction    string // "", warn, mute1, mute7, mute30, ban
	Source      string // screening, report, staff, appeal
	RuleNumber  int
	RuleText    string
	LegalGround string
	Note        string
	QueuedAt    *time.Time
	CreatedAt   time.Time
}

// Appeal is an author contesting a decision; another moderator decides.
type Appeal struct {
	ID         string
	OrgID      string
	CommentID  string
	DecisionID string
	AccountID  string
	Text       string
	Status     string // pending, upheld (decision stands), reversed
	DecidedBy  string
	DecidedAt  *time.Time
	Answer     string
	CreatedAt  time.Time
}

// Sanction is a warning, mute or ban of an author in one organisation.
type Sanction struct {
	ID         string
	OrgID      string
	AccountID  string
	Kind       string // warn, mute, ban
	Until      *time.Time
	DecisionID string
	LiftedAt   *time.Time
	CreatedAt  time.Time
}

// ModerationSettings are an organisation's debate settings.
type ModerationSettings struct {
	OrgID           string
	Mode            ModerationMode
	Charter         []string // rule texts; rule n is Charter[n-1]
	ReportThreshold int
	// SecondOpinion: uncertain comments are also shown to the self-hosted
	// language model the operator configured (docs/MODERATION.md).
	SecondOpinion bool
	UpdatedAt     time.Time
}

// Rule returns rule n's text, or "" when there is none.
func (s ModerationSettings) Rule(n int) string {
	if n < 1 || n > len(s.Charter) {
		return ""
	}
	return s.Charter[n-1]
}
