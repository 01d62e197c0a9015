package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parvis/parvis/internal/app/archives"
)

const archiveUsage = `usage:
  parvis archive export --org HANDLE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.zip
  parvis archive verify --org HANDLE     recompute the tamper-evident history; exit 1 on the first broken link
  parvis archive backfill --org HANDLE   link rows stored before the history existed
  (verify and backfill take --instance instead of --org for the instance's own history: audit entries of no organisation)`

// runArchive is `parvis archive`: the package for the archives service and
// the tamper-evident history (docs/ARCHIVES.md).
func runArchive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if isHelp(args) {
		fmt.Fprintln(stdout, archiveUsage)
		return nil
	}
	if len(args) == 0 {
		return errors.New(archiveUsage)
	}
	var handle, from, to, out string
	var instance bool
	flags := func(fs *flag.FlagSet) {
		fs.StringVar(&handle, "org", "", "the organisation's handle")
		if args[0] != "export" {
			fs.BoolVar(&instance, "instance", false, "the instance's own history (audit entries of no organisation) instead of an organisation's")
		}
		if args[0] == "export" {
			fs.StringVar(&from, "from", "", "first day of the period, YYYY-MM-DD (Paris time)")
			fs.StringVar(&to, "to", "", "last day of the period, included, YYYY-MM-DD")
			fs.StringVar(&out, "out", "", "the ZIP file to write")
		}
	}
	switch args[0] {
	case "export", "verify", "backfill":
	default:
		return errors.New(archiveUsage)
	}
	srv, err := openTool(ctx, "archive "+args[0], args[1:], stderr, flags)
	if err != nil {
		return err
	}
	defer srv.Close()
	if (handle == "") == !instance {
		return errors.New("give --org (or, for verify and backfill, --instance)\n" + archiveUsage)
	}
	name := handle
	if instance {
		name = "the instance"
	}
	a := srv.App.Archives
	switch args[0] {
	case "export":
		if out == "" {
			return errors.New("--out is required\n" + archiveUsage)
		}
		e, err := a.PrepareForOperator(ctx, handle, archives.Period{From: from, To: to})
		if err != nil {
			return explain(srv, err)
		}
		if err := writeFileAtomic(out, func(w io.Writer) error { return e.WriteTo(ctx, w) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%s, %s → %s)\n", out, e.Org.Handle, e.From, e.To)
	case "verify":
		rep, err := a.Verify(ctx, handle)
		if err != nil {
			return err
		}
		if b := rep.Break; b != nil {
			return fmt.Errorf("history of %s broken at link %d: %s %s (%s); %d links hold before it", name, b.Seq, b.Kind, b.RowID, b.Reason, rep.Links)
		}
		fmt.Fprintf(stdout, "history of %s holds: %d links, head %d %s\n", name, rep.Links, rep.Head.Seq, rep.Head.Hash)
	case "backfill":
		n, err := a.Backfill(ctx, handle)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rows linked in the history of %s: %d\n", name, n)
	}
	return nil
}

// writeFileAtomic writes name through a temporary file beside it, renamed
// once complete, so that a failed export leaves no truncated package.
func writeFileAtomic(name string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), ".archive-*.zip")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
