package model

// PubInput is what the publication editor submits: text as typed, dates in
// Europe/Paris. Events are saved with it too (with their own details).
type PubInput struct {
	ID          string // "" or an id the form was given, so double submissions update one draft
	Kind        PubKind
	Title       string
	Summary     string
	Body        string
	AlertLevel  string
	AlertEndsAt string // dates.LocalDateTime or ""
	JobTitle    string
	JobGrade    string
	JobCategory string
	JobFiliere  string
	JobContract string
	JobTime     string
	JobPlace    string
	JobClosesAt string // dates.LocalDate or ""
	JobApply    string

	TopicIDs         []string
	NeighbourhoodIDs []string
	ImageID          string
}

// SaveResult tells the editor what saving a publication (or an event) did.
type SaveResult struct {
	Publication Publication
	Created     bool
	Changed     bool // a new revision was saved
	// BackToReview is set when an approved or scheduled publication was
	// changed under required validation and must be approved again.
	BackToReview bool
}
