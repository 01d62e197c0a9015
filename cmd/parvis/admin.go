package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/server"
)

// openTool opens the database for a command-line tool: insert-only jobs, so
// it can run beside a server without taking its work.
func openTool(ctx context.Context, name string, args []string, stderr io.Writer, extra func(fs *flag.FlagSet)) (*server.Server, error) {
	cfg, _, err := parseConfig(name, args, stderr, false, extra)
	if err != nil {
		return nil, err
	}
	return server.Open(ctx, cfg, server.Options{Logger: newLogger(cfg, stderr), NoWorkers: true})
}

// explain turns validation errors into readable lines in the operator's
// language (LANG=fr… gives French).
func explain(srv *server.Server, err error) error {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	lang := "en"
	if strings.HasPrefix(os.Getenv("LANG"), "fr") {
		lang = i18n.Default
	}
	var lines []string
	for _, f := range ve.Fields {
		lines = append(lines, fmt.Sprintf("--%s: %s", strings.ReplaceAll(f.Field, "_", "-"), srv.App.Cat.T(lang, f.Code)))
	}
	return errors.New(strings.Join(lines, "\n"))
}

// isHelp is a request for help in place of a subcommand ("parvis org -h").
func isHelp(args []string) bool {
	return len(args) > 0 && slices.Contains([]string{"-h", "-help", "--help", "help"}, args[0])
}

func runOrg(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: parvis org create --handle H --name N [--kind commune|intercommunalite|departement|region|other]"
	if isHelp(args) {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(usage)
	}
	var handle, name, kind string
	srv, err := openTool(ctx, "org create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&handle, "handle", "", "unique handle: 3–30 of a-z, 0-9 and -")
		fs.StringVar(&name, "name", "", "display name, e.g. \"Ville de Bellerive\"")
		fs.StringVar(&kind, "kind", "commune", "commune, intercommunalite, departement, region or other")
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	o, err := srv.App.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: handle, Name: name, Kind: model.OrgKind(kind)})
	if err != nil {
		return explain(srv, err)
	}
	fmt.Fprintf(stdout, "created organisation %s (%s) at %s/%s/\n", o.Handle, o.Name, srv.Config.BaseURL, o.Handle)
	return nil
}

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: parvis user create --email E --name N --password-stdin [--org H --role admin|manager|editor|validator|agent] [--operator]"
	if isHelp(args) {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(usage)
	}
	var (
		email, name, org, role string
		fromStdin, operator    bool
	)
	srv, err := openTool(ctx, "user create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address (used to log in)")
		fs.StringVar(&name, "name", "", "display name")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
		fs.StringVar(&org, "org", "", "make the person staff of this organisation (handle)")
		fs.StringVar(&role, "role", "", "staff role with --org: admin, manager, editor, validator, agent")
		fs.BoolVar(&operator, "operator", false, "grant instance operator rights (create organisations from the web)")
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	if !fromStdin {
		return errors.New("--password-stdin is required: passwords are never taken from the command line, where other users could read them")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if org != "" && role == "" {
		role = string(model.RoleAdmin)
	}
	acct, err := srv.App.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: email, DisplayName: name, Password: password,
		Verified: true, Operator: operator, OrgHandle: org, Role: model.Role(role)})
	if err != nil {
		return explain(srv, err)
	}
	if org != "" {
		fmt.Fprintf(stdout, "created account %s, %s of %s\n", acct.Email, role, org)
	} else {
		fmt.Fprintf(stdout, "created account %s\n", acct.Email)
	}
	return nil
}
