package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/parvis/parvis/internal/seed"
	"github.com/parvis/parvis/internal/store"
)

// runSeed generates a large organisation for performance measurements.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opt := seed.Options{}
	srv, err := openTool(ctx, "seed", args, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&opt.Publications, "publications", 100000, "publications to generate")
		fs.IntVar(&opt.Topics, "topics", 50, "topics to create")
		fs.IntVar(&opt.Neighbourhoods, "neighbourhoods", 20, "neighbourhoods to create")
		fs.StringVar(&opt.Handle, "org", "ville-test", "handle of the organisation to create (must not exist)")
		fs.IntVar(&opt.Batch, "batch", 2000, "publications per transaction")
		fs.IntVar(&opt.Events, "events", 0, "events to generate (a tenth of them weekly series)")
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	opt.Progress = func(done int) {
		if done%20000 == 0 || done == opt.Publications {
			fmt.Fprintf(stderr, "  %d / %d publications\n", done, opt.Publications)
		}
	}
	// PARVIS_CPUPROFILE=file profiles the generator (to find what makes it slow).
	if path := os.Getenv("PARVIS_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := seed.Run(ctx, srv.App, opt)
	if err != nil {
		return err
	}
	if err := srv.Store.OptimizeSearchIndex(ctx); err != nil {
		return err
	}
	if srv.Store.Engine() == store.Postgres {
		// Fresh statistics, or the planner guesses from empty tables until
		// autovacuum comes by (search took seconds instead of milliseconds).
		if _, err := srv.Store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	fmt.Fprintf(stdout, "organisation %s: %d publications (%d published), %d topics, %d neighbourhoods in %s (%.0f rows/s)\n",
		opt.Handle, res.Publications, res.Published, res.Topics, res.Neighbourhoods, res.Elapsed.Round(1e7),
		float64(res.Publications)/res.Elapsed.Seconds())
	if res.Events > 0 {
		fmt.Fprintf(stdout, "events: %d with %d occurrences\n", res.Events, res.Occurrences)
	}
	return nil
}
