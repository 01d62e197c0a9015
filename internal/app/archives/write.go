package archives

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/parvis/parvis/internal/archive"
	"github.com/parvis/parvis/internal/model"
)

// exportPage is how many records an export reads at a time.
const exportPage = 200

// WriteTo writes the package to w, reading the records page by page.
// Nothing is held beyond a page of records and the manifest's list of
// files, so w can be a response being sent.
func (e *Export) WriteTo(ctx context.Context, w io.Writer) error {
	aw := archive.NewWriter(w, e.at)
	if err := aw.Guides(); err != nil {
		return err
	}
	x := &exportRun{e: e, aw: aw, counts: map[string]int{}, missing: []string{}}
	steps := []func(context.Context) error{x.publications, x.comments, x.decisions, x.audit}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return aw.Close(archive.Manifest{
		Organisation: archive.Organisation{ID: e.Org.ID, Handle: e.Org.Handle, Name: e.Org.Name},
		Period:       e.Period, GeneratedAt: e.at, ChainHead: archive.ChainHead(e.head),
		Counts: x.counts, MissingMedia: x.missing,
	})
}

type exportRun struct {
	e       *Export
	aw      *archive.Writer
	counts  map[string]int
	missing []string
}

// safeName keeps what may name a folder of the package (a kind).
var safeName = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)

func (x *exportRun) publications(ctx context.Context) error {
	q, org := x.e.s.Store, x.e.Org
	after := ""
	for {
		ids, err := q.ArchivePublicationIDs(ctx, org.ID, x.e.Period, after, exportPage)
		if err != nil {
			return err
		}
		for _, id := range ids {
			p, err := q.ArchivePublication(ctx, org.ID, id)
			if err != nil {
				return err
			}
			kind := p.Kind
			if !safeName.MatchString(kind) {
				kind = "other"
			}
			if p.Media, err = x.media(ctx, p); err != nil {
				return err
			}
			if err := x.aw.JSON("publications/"+kind+"/"+p.ID+".json", p); err != nil {
				return err
			}
			if p.PublishedAt != nil {
				ao := archive.Organisation{ID: org.ID, Handle: org.Handle, Name: org.Name}
				if err := x.aw.PublicationHTML("publications/"+kind+"/"+p.ID+".html", ao, p); err != nil {
					return err
				}
			}
			x.counts["publications"]++
			x.counts["publications."+kind]++
		}
		if len(ids) < exportPage {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

// mediaRef finds the uploaded files a body refers to (/media/ORG/FILE).
var mediaRef = regexp.MustCompile(`/media/([A-Za-z0-9._-]+/[A-Za-z0-9._-]+)`)

// media copies the files a publication refers to (its illustration and
// those in its body) into media/, once each, and returns their paths in
// the package.
func (x *exportRun) media(ctx context.Context, p model.ArchivePublication) ([]string, error) {
	var found []model.Media
	if p.ImageID != "" {
		m, err := x.e.s.Store.MediaByID(ctx, x.e.Org.ID, p.ImageID)
		if err == nil {
			found = append(found, m)
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
	}
	for _, ref := range mediaRef.FindAllStringSubmatch(p.BodyHTML, -1) {
		m, err := x.e.s.Store.MediaByPath(ctx, ref[1])
		if errors.Is(err, model.ErrNotFound) {
			continue // a resized copy, or a file of no record: the original is what counts
		}
		if err != nil {
			return nil, err
		}
		if m.OrgID == x.e.Org.ID {
			found = append(found, m)
		}
	}
	paths := []string{}
	for _, m := range found {
		name := "media/" + m.Path
		if !x.aw.Has(name) {
			if err := x.copyMedia(name, m.Path); err != nil {
				return nil, err
			}
		}
		if x.aw.Has(name) {
			paths = append(paths, name)
		}
	}
	return paths, nil
}

func (x *exportRun) copyMedia(name, rel string) error {
	f, err := os.Open(filepath.Join(x.e.s.MediaDir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		x.missing = append(x.missing, name)
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive: media %s: %w", rel, err)
	}
	defer f.Close()
	x.counts["media"]++
	return x.aw.Copy(name, f)
}

func (x *exportRun) comments(ctx context.Context) error {
	after := ""
	for {
		list, err := x.e.s.Store.ArchiveComments(ctx, x.e.Org.ID, x.e.Period, after, exportPage)
		if err != nil {
			return err
		}
		for _, c := range list {
			if err := x.aw.JSON("comments/"+c.ID+".json", c); err != nil {
				return err
			}
			x.counts["comments"]++
			after = c.ID
		}
		if len(list) < exportPage {
			return nil
		}
	}
}

func (x *exportRun) decisions(ctx context.Context) error {
	after := ""
	for {
		list, err := x.e.s.Store.ArchiveDecisions(ctx, x.e.Org.ID, x.e.Period, after, exportPage)
		if err != nil {
			return err
		}
		for _, d := range list {
			if err := x.aw.JSON("moderation/"+d.ID+".json", d); err != nil {
				return err
			}
			x.counts["moderation_decisions"]++
			after = d.ID
		}
		if len(list) < exportPage {
			return nil
		}
	}
}

// audit writes the period's audit entries as one JSON array, streamed.
func (x *exportRun) audit(ctx context.Context) error {
	f, err := x.aw.Create("audit/journal.json")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, "["); err != nil {
		return err
	}
	after, first := "", true
	for {
		list, err := x.e.s.Store.ArchiveAudit(ctx, x.e.Org.ID, x.e.Period, after, exportPage)
		if err != nil {
			return err
		}
		for _, entry := range list {
			if err := writeElement(f, entry, first); err != nil {
				return err
			}
			first = false
			x.counts["audit_entries"]++
			after = entry.ID
		}
		if len(list) < exportPage {
			break
		}
	}
	_, err = io.WriteString(f, "\n]\n")
	return err
}
