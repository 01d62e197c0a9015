package web

import "testing"

// Issue 15 (9): a post-login redirect must stay on this site whatever
// browsers make of tabs, newlines and backslashes.
func TestSafeNextStaysOnSite(t *testing.T) {
	for _, evil := range []string{
		"", "evil.example", "https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\r//evil.example", "/x\\..\\/evil", "/\x00/evil", "/\x7f/evil", "/%2F/evil.example",
		"/\u0085/evil", "\t/account",
	} {
		if got := safeNext(evil); got != "/account" {
			t.Errorf("safeNext(%q) = %q, want /account", evil, got)
		}
	}
	for _, ok := range []string{"/account", "/admin/ville/inbox?page=2", "/p/ville/fête-de-l’été#commentaires"} {
		if got := safeNext(ok); got != ok {
			t.Errorf("safeNext(%q) = %q, want it kept", ok, got)
		}
	}
}
