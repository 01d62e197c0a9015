package main

import (
	"context"
	"flag"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/screen/screencli"
	"github.com/parvis/parvis/internal/server"
)

// runScreen is `parvis screen`. The database is opened only for --org, so
// screening a file needs no data directory.
func runScreen(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	// Split our data flags (--data, --database) from the screen flags.
	var dataArgs, screenArgs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(strings.SplitN(a, "=", 2)[0], "-")
		if slices.Contains([]string{"data", "database"}, name) && strings.HasPrefix(a, "-") {
			dataArgs = append(dataArgs, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				i++
				dataArgs = append(dataArgs, args[i])
			}
			continue
		}
		screenArgs = append(screenArgs, a)
	}
	loader := func(ctx context.Context, handle string) (screen.WordLists, error) {
		var cfg config.Config
		fs := flag.NewFlagSet("parvis screen", flag.ContinueOnError)
		fs.SetOutput(stderr)
		config.Register(fs, &cfg, false)
		if err := fs.Parse(dataArgs); err != nil {
			return screen.WordLists{}, err
		}
		if err := config.ApplyEnv(fs, os.Getenv); err != nil {
			return screen.WordLists{}, err
		}
		if err := cfg.Validate(); err != nil {
			return screen.WordLists{}, err
		}
		srv, err := server.Open(ctx, cfg, server.Options{Logger: newLogger(cfg, stderr), NoWorkers: true})
		if err != nil {
			return screen.WordLists{}, err
		}
		defer srv.Close()
		return srv.App.Debate.ScreenWordListsByHandle(ctx, handle)
	}
	return screencli.Run(ctx, screenArgs, stdin, stdout, stderr, loader)
}
