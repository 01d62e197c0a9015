package config

import (
	"flag"
	"strings"
	"testing"
	"time"
)

// parse reads serve's flags and environment as `parvis serve` does.
func parse(args []string, env map[string]string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	Register(fs, &c, true)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := ApplyEnv(fs, func(k string) string { return env[k] }); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// The second opinion's flags: off without a URL; a URL needs a model and a
// sane time limit; the environment fills them like every other flag.
func TestLLMFlags(t *testing.T) {
	c, err := parse(nil, nil)
	if err != nil || c.LLMURL != "" || c.LLMTimeout != 20*time.Second {
		t.Fatalf("default: %+v %v", c, err)
	}
	c, err = parse([]string{"--llm-url", "http://127.0.0.1:8081"}, map[string]string{"PARVIS_LLM_MODEL": "mistral", "PARVIS_LLM_API_KEY": "k",
		"PARVIS_LLM_TIMEOUT": "45s"})
	if err != nil || c.LLMModel != "mistral" || c.LLMAPIKey != "k" || c.LLMTimeout != 45*time.Second {
		t.Fatalf("flags and environment: %+v %v", c, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--llm-url", "http://127.0.0.1:8081"}, "--llm-model is required"},
		{[]string{"--llm-url", "ftp://ia.mairie.lan", "--llm-model", "m"}, "--llm-url must be an http(s) URL"},
		{[]string{"--llm-url", "http://u:p@ia.mairie.lan", "--llm-model", "m"}, "without credentials"},
		{[]string{"--llm-url", "http://ia.mairie.lan", "--llm-model", "m", "--llm-timeout", "0s"}, "--llm-timeout must be between"},
	} {
		if _, err := parse(tc.args, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

// --trusted-proxies comes from the flag or PARVIS_TRUSTED_PROXIES and must
// be CIDRs or addresses (docs/OPERATIONS.md).
func TestTrustedProxiesFlag(t *testing.T) {
	c, err := parse(nil, map[string]string{"PARVIS_TRUSTED_PROXIES": "10.0.0.0/24, ::1"})
	if err != nil || len(c.Proxies()) != 2 {
		t.Fatalf("environment: %+v %v", c.Proxies(), err)
	}
	if _, err := parse([]string{"--trusted-proxies", "proxy.mairie.lan"}, nil); err == nil || !strings.Contains(err.Error(), "--trusted-proxies") {
		t.Fatalf("a host name: err = %v", err)
	}
}
