package debate

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// ThreadComment is one comment as a given reader sees it.
type ThreadComment struct {
	model.Comment
	Show    bool   // the text is shown
	Notice  string // catalogue key replacing the text (masked, deleted…)
	Mine    bool
	CanEdit bool
	Useful  bool // the reader marked it useful
	Replies []ThreadComment
}

// Thread is a publication's comment thread as one reader sees it: which
// comments they may read, in which order, and what they may do there.
type Thread struct {
	Settings model.ModerationSettings
	Mode     model.ModerationMode // the mode in force
	OwnMode  model.ModerationMode // the publication's own mode, "" when it follows the organisation's
	Threads  []ThreadComment      // top-level comments, each with its replies
	Count    int                  // published comments
	// Following: the reader gets new comments by e-mail (verified accounts only).
	Following bool
	// Staff is the reader's membership of the organisation, nil for a
	// resident or an anonymous reader; Lead says they answer for the whole
	// organisation (comment.answer on every service).
	Staff *model.Membership
	Lead  bool
	// AnswerServices are the services a staff reader may answer as.
	AnswerServices []model.Service
}

// CommentThread returns the thread of a published publication of the
// organisation for reader (nil: anonymous). The visibility rules live here,
// not in a page: held and rejected comments exist only for their author;
// hidden, deleted and withdrawn ones show a notice instead of their text;
// a withdrawn comment stays only as the head of its replies; the official
// answer is pinned right under its question. A constant number of queries,
// whatever the number of comments.
func (s *Service) CommentThread(ctx context.Context, reader *model.Account, orgID string, pub model.Publication) (Thread, error) {
	if pub.OrgID != orgID || pub.State != model.StatePublished {
		return Thread{}, model.ErrNotFound
	}
	settings, err := s.DebateSettings(ctx, orgID)
	if err != nil {
		return Thread{}, err
	}
	th := Thread{Settings: settings}
	if th.Mode, th.OwnMode, err = s.CommentMode(ctx, settings, pub.ID); err != nil {
		return Thread{}, err
	}
	all, err := s.Store.ThreadComments(ctx, pub.ID)
	if err != nil {
		return Thread{}, err
	}
	useful := map[string]bool{}
	if reader != nil {
		if reader.Verified() {
			if th.Following, err = s.Store.AccountFollowsThread(ctx, reader.ID, pub.ID); err != nil {
				return Thread{}, err
			}
		}
		if useful, err = s.Store.UsefulMarks(ctx, pub.ID, reader.ID); err != nil {
			return Thread{}, err
		}
		if err := s.threadStaff(ctx, &th, reader.ID, orgID); err != nil {
			return Thread{}, err
		}
	}
	th.Threads, th.Count = arrangeThread(all, reader, useful, s.Now())
	return th, nil
}

// threadStaff fills in what a staff reader may do on the thread.
func (s *Service) threadStaff(ctx context.Context, th *Thread, readerID, orgID string) error {
	m, err := s.Store.Membership(ctx, readerID, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	th.Staff, th.Lead = &m, policy.Wide(m, policy.CommentAnswer)
	services, err := s.Store.ServicesOf(ctx, orgID)
	if err != nil {
		return err
	}
	for _, svc := range services {
		if th.Lead || slices.Contains(m.ServiceIDs, svc.ID) {
			th.AnswerServices = append(th.AnswerServices, svc)
		}
	}
	return nil
}

// arrangeThread applies the visibility rules to a publication's comments
// (oldest first) and nests the replies under their thread.
func arrangeThread(all []model.Comment, reader *model.Account, useful map[string]bool, now time.Time) ([]ThreadComment, int) {
	var threads []ThreadComment
	count := 0
	replies := map[string][]ThreadComment{}
	for _, c := range all {
		it := ThreadComment{Comment: c, Useful: useful[c.ID]}
		it.Mine = reader != nil && c.AccountID == reader.ID
		switch c.Status {
		case model.CommentPublished:
			it.Show = true
		case model.CommentHeld:
			it.Show, it.Notice = it.Mine, "debate.notice.held"
		case model.CommentRejected:
			it.Show, it.Notice = it.Mine, "debate.notice.rejected"
		case model.CommentHidden:
			it.Notice = "debate.notice.hidden_rule"
			if c.RuleNumber == 0 {
				it.Notice = "debate.notice.hidden_review"
			}
		case model.CommentDeleted:
			it.Notice = "debate.notice.deleted"
		case model.CommentWithdrawn:
			it.Notice = "debate.notice.withdrawn"
		}
		// Held and rejected comments exist only for their author.
		if (c.Status == model.CommentHeld || c.Status == model.CommentRejected) && !it.Mine {
			continue
		}
		it.CanEdit = it.Mine && now.Sub(c.CreatedAt) < EditWindow &&
			(c.Status == model.CommentPublished || c.Status == model.CommentHeld)
		if c.Status == model.CommentPublished {
			count++
		}
		if c.ParentID == "" {
			threads = append(threads, it)
		} else {
			replies[c.ParentID] = append(replies[c.ParentID], it)
		}
	}
	kept := threads[:0]
	for _, t := range threads {
		rs := replies[t.ID]
		// The official answer is pinned right under its question.
		for i, rep := range rs {
			if rep.Official && rep.Status == model.CommentPublished && i > 0 {
				rs = append([]ThreadComment{rep}, append(rs[:i:i], rs[i+1:]...)...)
				break
			}
		}
		t.Replies = rs
		// A comment its author withdrew stays only as the head of its replies.
		if t.Status == model.CommentWithdrawn && len(rs) == 0 {
			continue
		}
		kept = append(kept, t)
	}
	return kept, count
}
