// Package config turns flags and PARVIS_* environment variables into a
// validated Config. It holds no globals: main builds one Config and passes it on.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/reqinfo"
	"github.com/parvis/parvis/internal/secondopinion"
)

// Config is everything a parvis process needs to start.
type Config struct {
	Addr         string        // listen address
	DataDir      string        // SQLite file, media, outbox
	Database     string        // "" = SQLite in DataDir; postgres://… selects PostgreSQL
	BaseURL      string        // public URL used in links and e-mails
	SMTP         string        // smtp://user:pass@host:port; "" writes .eml files to DataDir/outbox
	MailFrom     string        // From: address
	MetricsToken string        // bearer token for /metrics from non-loopback clients
	LogLevel     string        // debug, info, warn, error
	LogFormat    string        // text or json
	JobPoll      time.Duration // how often idle job workers poll (SQLite has no LISTEN)

	// Mass mail (docs/EMAIL.md).
	BounceDomain   string // VERP return addresses bounce+token@BounceDomain
	BounceSMTPAddr string // listen address of the built-in bounce receiver ("" = off)
	MailConns      int    // SMTP connections per mailing
	// DBMaxConns caps the database pool (0: 20 on PostgreSQL, 8 on
	// SQLite); see docs/OPERATIONS.md for sizing against max_connections.
	DBMaxConns int
	// FederationInsecure lets federation use http:// and loopback/private
	// addresses: tests on one machine and local development only.
	FederationInsecure bool
	// FederationBlocks are domains refused for the whole instance, comma-separated.
	FederationBlocks string
	// TrustedProxies are the reverse proxies (CIDRs or addresses,
	// comma-separated) whose Forwarded / X-Forwarded-For headers give the
	// client's address (docs/OPERATIONS.md).
	TrustedProxies string

	// Second opinion on uncertain comments from the collectivité's own
	// language model server (docs/MODERATION.md): off while LLMURL is empty.
	LLMURL     string        // base URL of an OpenAI-compatible server (llama.cpp, vLLM, Ollama)
	LLMModel   string        // model name sent with each request
	LLMAPIKey  string        // bearer token, when the server asks for one
	LLMTimeout time.Duration // per request
}

// Register declares the data flags every subcommand that touches data shares
// (--data, --database), and the server flags when server is true.
func Register(fs *flag.FlagSet, c *Config, server bool) {
	fs.StringVar(&c.DataDir, "data", "./parvis-data", "data directory (SQLite database, media, outbox) [PARVIS_DATA]")
	fs.StringVar(&c.Database, "database", "", "database: empty for SQLite in the data directory, or postgres://… [PARVIS_DATABASE]")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", 0, "database pool size; 0 picks 20 on PostgreSQL, 8 on SQLite (see docs/OPERATIONS.md) [PARVIS_DB_MAX_CONNS]")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL used in links, e.g. https://parvis.ville.fr (default http://ADDR) [PARVIS_BASE_URL]")
	fs.StringVar(&c.SMTP, "smtp", "", "SMTP relay smtp://user:pass@host:port (STARTTLS when offered); empty writes .eml files to DATA/outbox [PARVIS_SMTP]")
	fs.StringVar(&c.MailFrom, "mail-from", "Parvis <no-reply@localhost>", "From: address of outgoing e-mail [PARVIS_MAIL_FROM]")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error [PARVIS_LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json [PARVIS_LOG_FORMAT]")
	if server {
		fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address [PARVIS_ADDR]")
		fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "reverse proxies whose Forwarded/X-Forwarded-For headers give the client address: CIDRs or addresses, comma-separated, e.g. 127.0.0.1/32,::1/128 (empty: none, the peer is the client) [PARVIS_TRUSTED_PROXIES]")
		fs.StringVar(&c.MetricsToken, "metrics-token", "", "bearer token allowing /metrics from other hosts than loopback [PARVIS_METRICS_TOKEN]")
		fs.StringVar(&c.BounceDomain, "bounce-domain", "", "domain of VERP return addresses (bounce+token@DOMAIN) for asynchronous bounces; empty uses the From address [PARVIS_BOUNCE_DOMAIN]")
		fs.StringVar(&c.BounceSMTPAddr, "bounce-smtp-addr", "", "listen address of the built-in SMTP receiver of bounce reports and residents' replies to requests, e.g. :2525 (off when empty) [PARVIS_BOUNCE_SMTP_ADDR]")
		fs.IntVar(&c.MailConns, "mail-conns", 6, "SMTP connections used by each mass mailing [PARVIS_MAIL_CONNS]")
		fs.DurationVar(&c.JobPoll, "job-poll", 200*time.Millisecond, "how often idle job workers look for work [PARVIS_JOB_POLL]")
		fs.BoolVar(&c.FederationInsecure, "federation-insecure", false, "federation over http:// and to loopback/private addresses: TESTS AND LOCAL DEVELOPMENT ONLY [PARVIS_FEDERATION_INSECURE]")
		fs.StringVar(&c.FederationBlocks, "federation-block", "", "domains refused by federation for the whole instance, comma-separated [PARVIS_FEDERATION_BLOCK]")
		fs.StringVar(&c.LLMURL, "llm-url", "", "base URL of YOUR OWN OpenAI-compatible language model server (llama.cpp, vLLM, Ollama), e.g. http://127.0.0.1:8081, for a second opinion on uncertain comments; comments are sent to it, so it must run on the collectivité's servers (off when empty) [PARVIS_LLM_URL]")
		fs.StringVar(&c.LLMModel, "llm-model", "", "model name sent to --llm-url, e.g. mistral-7b-instruct [PARVIS_LLM_MODEL]")
		fs.StringVar(&c.LLMAPIKey, "llm-api-key", "", "bearer token for --llm-url, when the server asks for one [PARVIS_LLM_API_KEY]")
		fs.DurationVar(&c.LLMTimeout, "llm-timeout", 20*time.Second, "time limit of one request to --llm-url [PARVIS_LLM_TIMEOUT]")
	}
}

// ApplyEnv fills every flag not given on the command line from its PARVIS_*
// environment variable (--base-url ← PARVIS_BASE_URL).
func ApplyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		env := "PARVIS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

// Validate checks values and fills derived defaults.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return errors.New("--data must not be empty")
	}
	if c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		return fmt.Errorf("--database must be empty (SQLite) or a postgres:// URL, got %q", c.Database)
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("--addr %q: %w", c.Addr, err)
		}
	}
	if c.BaseURL == "" {
		host := c.Addr
		if host == "" {
			host = "127.0.0.1:8080"
		}
		if h, p, err := net.SplitHostPort(host); err == nil && (h == "" || h == "0.0.0.0" || h == "::") {
			host = net.JoinHostPort("localhost", p)
		}
		c.BaseURL = "http://" + host
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url must be an http(s) URL, got %q", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.SMTP != "" && !strings.HasPrefix(c.SMTP, "smtp://") && !strings.HasPrefix(c.SMTP, "smtps://") {
		return errors.New("--smtp must be an smtp:// or smtps:// URL")
	}
	if c.BounceSMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.BounceSMTPAddr); err != nil {
			return fmt.Errorf("--bounce-smtp-addr %q: %w", c.BounceSMTPAddr, err)
		}
	}
	if c.DBMaxConns < 0 || c.DBMaxConns > 500 {
		return fmt.Errorf("--db-max-conns must be between 1 and 500, got %d", c.DBMaxConns)
	}
	if c.MailConns < 0 || c.MailConns > 64 {
		return fmt.Errorf("--mail-conns must be between 1 and 64, got %d", c.MailConns)
	}
	if _, err := reqinfo.ParseProxies(c.TrustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if c.LLMURL != "" {
		if _, err := secondopinion.Endpoint(c.LLMURL); err != nil {
			return err
		}
		if strings.TrimSpace(c.LLMModel) == "" {
			return errors.New("--llm-model is required with --llm-url")
		}
		if c.LLMTimeout <= 0 || c.LLMTimeout > 10*time.Minute {
			return fmt.Errorf("--llm-timeout must be between 1s and 10m, got %s", c.LLMTimeout)
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("--log-format must be text or json, got %q", c.LogFormat)
	}
	return nil
}

// DatabaseURL is the database to open: the PostgreSQL URL, or the SQLite file
// in the data directory.
func (c *Config) DatabaseURL() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "parvis.db")
}

// OutboxDir is where messages go without SMTP.
func (c *Config) OutboxDir() string { return filepath.Join(c.DataDir, "outbox") }

// MediaDir holds uploaded files.
func (c *Config) MediaDir() string { return filepath.Join(c.DataDir, "media") }

// BlockedDomains lists --federation-block's domains.
func (c *Config) BlockedDomains() []string {
	var out []string
	for _, d := range strings.Split(c.FederationBlocks, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// Proxies are the parsed --trusted-proxies (checked by Validate).
func (c *Config) Proxies() reqinfo.Proxies {
	p, _ := reqinfo.ParseProxies(c.TrustedProxies)
	return p
}

// Secure reports whether the public URL is https (Secure cookies).
func (c *Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }
