// Command parvis runs the Parvis platform: `parvis serve` for production,
// `parvis demo` for a living demo on SQLite, and tools for operators.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // Europe/Paris must resolve on minimal servers without zoneinfo

	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/server"
)

const usage = `Parvis — the town square, online, owned by the town.

Usage:
  parvis serve     [flags]   run the server
  parvis demo      [flags]   run the server with a demo collectivité (seeded once)
  parvis migrate   [flags]   bring the database schema up to date
  parvis org create --handle H --name N [--kind commune]
  parvis user create --email E --name N --password-stdin [--org H --role R]
  parvis screen [--org H] < comments.jsonl   screen French comments (JSON lines)
  parvis seed      --publications 100000 --topics 50 --neighbourhoods 20 [--org HANDLE]
                            generate a large organisation for performance measurements
  parvis archive export --org H --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.zip
  parvis archive verify --org H    check the tamper-evident history (exit 1 when broken)
  parvis archive backfill --org H  link rows stored before the history existed
  parvis a11y-audit --org H [--base-url URL] [--axe PATH]
                            check one page of every page type with axe-core in
                            headless Chromium; results go in the accessibility statement
  parvis version

Every command that touches data accepts --data DIR and --database URL
(or PARVIS_DATA, PARVIS_DATABASE). Run "parvis COMMAND -h" for its flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "parvis:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		// "parvis COMMAND -h": the flag package has printed the flags; asking
		// for help is not a failure.
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr, false)
	case "demo":
		return runServe(ctx, rest, stdout, stderr, true)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "org":
		return runOrg(ctx, rest, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdin, stdout, stderr)
	case "screen":
		return runScreen(ctx, rest, stdin, stdout, stderr)
	case "seed":
		return runSeed(ctx, rest, stdout, stderr)
	case "archive":
		return runArchive(ctx, rest, stdout, stderr)
	case "a11y-audit":
		return runA11yAudit(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "parvis", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// buildVersion is a release's version, set by the release build:
//
//	go build -ldflags "-X main.buildVersion=v1.4.0" ./cmd/parvis
//
// Left empty, the module version Go stamps is shown instead: a
// pseudo-version naming the commit when built from a git checkout
// (v0.0.0-20261207033316-116ee61abcde, "+dirty" with uncommitted changes),
// "(devel)" under go run or with -buildvcs=false. Go stamps the commit only
// when the module sits in a plain git clone (a .git directory; not a git
// worktree, whose .git is a file), with git on the PATH.
var buildVersion string

// version says which code is running: the version, the commit and whether
// the working tree had uncommitted changes, and the Go toolchain.
func version() string {
	info, ok := debug.ReadBuildInfo()
	return describeBuild(buildVersion, info, ok)
}

func describeBuild(release string, info *debug.BuildInfo, ok bool) string {
	v, goVersion := release, runtime.Version()
	var rev string
	var modified bool
	if ok {
		if v == "" {
			v = info.Main.Version
		}
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	commit := "commit unknown: built without VCS information (go run, -buildvcs=false, or not from a plain git clone)"
	if rev != "" {
		commit = "commit " + rev
		if modified {
			commit += ", dirty: uncommitted changes"
		}
	}
	return fmt.Sprintf("%s (%s) %s", v, commit, goVersion)
}

// parseConfig parses the shared flags plus PARVIS_* environment variables.
func parseConfig(name string, args []string, stderr io.Writer, server bool, extra func(fs *flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	var cfg config.Config
	fs := flag.NewFlagSet("parvis "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	config.Register(fs, &cfg, server)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, fs, err
	}
	if err := config.ApplyEnv(fs, os.Getenv); err != nil {
		return cfg, fs, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fs, err
	}
	return cfg, fs, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, withDemo bool) error {
	name := "serve"
	if withDemo {
		name = "demo"
	}
	cfg, _, err := parseConfig(name, args, stderr, true, nil)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	srv, err := server.Open(ctx, cfg, server.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer srv.Close()
	if cfg.SMTP == "" {
		logger.Info("no --smtp configured: outgoing e-mail is written as .eml files", "dir", cfg.OutboxDir())
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if withDemo {
		logins, err := demo.Seed(ctx, srv.App)
		if err != nil {
			ln.Close()
			return fmt.Errorf("demo data: %w", err)
		}
		fmt.Fprintf(stdout, "\nParvis demo is running at %s\n\n", cfg.BaseURL)
		fmt.Fprintln(stdout, "Demo logins (password for all: "+demo.Password+"):")
		for _, l := range logins {
			fmt.Fprintf(stdout, "  %-34s %s\n", l.Email, l.Role)
		}
		fmt.Fprintf(stdout, "\nE-mails are written to %s. Stop with Ctrl-C.\n\n", cfg.OutboxDir())
	}
	logger.Info("parvis listening", "addr", ln.Addr().String(), "url", cfg.BaseURL, "database", srv.Store.Engine())
	return srv.Serve(ctx, ln)
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("migrate", args, stderr, false, nil)
	if err != nil {
		return err
	}
	srv, err := server.Open(ctx, cfg, server.Options{Logger: newLogger(cfg, stderr), NoWorkers: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}
