package model

// PrivacyFacts are what an organisation has switched on that its record of
// processing depends on (RGPD art. 30), read from its settings and data.
type PrivacyFacts struct {
	DPOContact    string
	CommentMode   ModerationMode // ModeClosed: no comments taken
	Registrations bool           // one of its events takes registrations
	ClickCounts   bool           // newsletter link clicks are counted
}

// Processing is one line of a record of processing. Key names its texts in
// the catalogues (privacy.proc.KEY.name, .purpose, .basis, .people, .data,
// .recipients, .retention); RetentionArgs fills the retention text with the
// periods the code applies, so that the record cannot drift from them.
type Processing struct {
	Key           string
	RetentionArgs []any
}

// ProcessingRecord is an organisation's record of processing, generated
// from what it has switched on.
type ProcessingRecord struct {
	Org         Organisation
	DPOContact  string
	Processings []Processing
}
