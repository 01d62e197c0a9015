package screencli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/screen"
)

type out struct {
	Verdict string   `json:"verdict"`
	Score   *float64 `json:"score"`
	Reasons []string `json:"reasons"`
}

func run(t *testing.T, in string, loader OrgWordListLoader, args ...string) ([]out, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), args, strings.NewReader(in), &stdout, &stderr, loader)
	var res []out
	for _, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var o out
		if e := json.Unmarshal([]byte(line), &o); e != nil {
			t.Fatalf("bad output line %q: %v", line, e)
		}
		if o.Reasons == nil || o.Score == nil {
			t.Fatalf("output line %q lacks reasons or score", line)
		}
		res = append(res, o)
	}
	return res, err
}

func TestRunOneLinePerInputInOrder(t *testing.T) {
	in := `{"text": "Cette décision du maire est scandaleuse", "id": 7}
{"text": "T'es un c0nn4rd"}
{"text": "Appelez le 06 12 34 56 78"}
not json
{"text": ""}
{"text": "Sale négro, retourne dans ton pays espèce de connard"}`
	res, err := run(t, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"allow", "hold", "hold", "hold", "allow", "reject"}
	if len(res) != len(want) {
		t.Fatalf("%d outputs, want %d: %+v", len(res), len(want), res)
	}
	for i, w := range want {
		if res[i].Verdict != w {
			t.Errorf("line %d: %s %q, want %s", i+1, res[i].Verdict, res[i].Reasons, w)
		}
	}
	if !strings.Contains(strings.Join(res[1].Reasons, " "), "→ connard") {
		t.Errorf("reasons %q do not name the insult", res[1].Reasons)
	}
}

func TestRunWordListFlags(t *testing.T) {
	res, err := run(t, `{"text":"Encore une éolienne"}`+"\n"+`{"text":"Durand escroc"}`, nil,
		"--watched", "eolienne", "--blocked", "escroc")
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Verdict != "hold" || res[1].Verdict != "reject" {
		t.Errorf("got %+v", res)
	}
}

func TestRunOrgNeedsLoader(t *testing.T) {
	_, err := run(t, `{"text":"x"}`, nil, "--org", "ville-x")
	if err == nil || !strings.Contains(err.Error(), "--database") {
		t.Fatalf("err = %v, want a message about --database", err)
	}
	loader := func(_ context.Context, h string) (screen.WordLists, error) {
		if h != "ville-x" {
			return screen.WordLists{}, errors.New("unknown")
		}
		return screen.WordLists{Blocked: []string{"escroc"}}, nil
	}
	res, err := run(t, `{"text":"Quel escroc"}`, loader, "--org", "ville-x")
	if err != nil || len(res) != 1 || res[0].Verdict != "reject" {
		t.Fatalf("res %+v err %v", res, err)
	}
	if _, err := run(t, `{"text":"x"}`, loader, "--org", "other"); err == nil {
		t.Fatal("want loader error")
	}
}

func TestRunBadFlag(t *testing.T) {
	if _, err := run(t, "", nil, "--nope"); err == nil {
		t.Fatal("want error for unknown flag")
	}
}

func TestRunHugeLine(t *testing.T) {
	in := `{"text":"` + strings.Repeat("a", maxLine+10) + `"}` + "\n" + `{"text":"bonjour"}`
	res, err := run(t, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Verdict != "hold" || res[1].Verdict != "allow" {
		t.Fatalf("got %+v", res)
	}
}
