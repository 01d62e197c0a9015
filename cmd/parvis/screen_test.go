package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store/storetest"
)

// TestScreenCommandAppliesOrganisationWordLists runs `parvis screen --org`
// against a real database on both engines.
func TestScreenCommandAppliesOrganisationWordLists(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			dataArgs := []string{"--data", data}
			if engine == "postgres" {
				dataArgs = append(dataArgs, "--database", storetest.PostgresDSN(t))
			}
			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"org", "create", "--handle", "ville-test", "--name", "Ville de Test"}, dataArgs...), nil, &out, &errOut); err != nil {
				t.Fatalf("org create: %v %s", err, errOut.String())
			}
			// Store the lists the way the staff area does.
			srv, err := openTool(ctx, "test", dataArgs, &errOut, nil)
			if err != nil {
				t.Fatal(err)
			}
			org, err := srv.Store.OrganisationByHandle(ctx, "ville-test")
			if err != nil {
				t.Fatal(err)
			}
			// An administrator sets them: the use case asks the policy.
			admin, err := srv.App.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: "dsi@ville-test.fr", DisplayName: "DSI",
				Password: "une phrase de passe longue", Verified: true, OrgHandle: "ville-test", Role: model.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.App.Debate.SetScreenWordLists(ctx, admin.ID, org.ID, "parking sauvage", "motinterdit", ""); err != nil {
				t.Fatal(err)
			}
			srv.Close()

			in := strings.NewReader(`{"text":"Encore du parking sauvage devant l'école"}` + "\n" +
				`{"text":"ceci contient motinterdit", "id": 7}` + "\n" +
				`{"text":"Merci pour le marché de Noël"}` + "\n")
			out.Reset()
			if err := run(ctx, append([]string{"screen", "--org", "ville-test"}, dataArgs...), in, &out, &errOut); err != nil {
				t.Fatalf("screen: %v %s", err, errOut.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 3 {
				t.Fatalf("want 3 lines, got %q", out.String())
			}
			want := []string{"hold", "reject", "allow"}
			for i, l := range lines {
				var v struct {
					Verdict string   `json:"verdict"`
					Score   float64  `json:"score"`
					Reasons []string `json:"reasons"`
				}
				if err := json.Unmarshal([]byte(l), &v); err != nil {
					t.Fatalf("line %d %q: %v", i, l, err)
				}
				if v.Verdict != want[i] {
					t.Errorf("line %d verdict = %s (%v), want %s", i, v.Verdict, v.Reasons, want[i])
				}
				if v.Score < 0 || v.Score > 1 || v.Reasons == nil {
					t.Errorf("line %d: score %v reasons %v", i, v.Score, v.Reasons)
				}
			}
			// Unknown organisation: a clear error, non-zero exit.
			if err := run(ctx, append([]string{"screen", "--org", "nulle-part"}, dataArgs...), strings.NewReader(""), &out, &errOut); err == nil {
				t.Fatal("unknown organisation accepted")
			}
		})
	}
}
