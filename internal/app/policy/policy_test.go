package policy_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// cell is what docs/ARCHITECTURE.md says a role may do for an action.
type cell string

const (
	no      cell = ""
	yes     cell = "✓"
	service cell = "own services"
)

// documented reads the matrix of docs/ARCHITECTURE.md: the policy as
// people read it, written apart from the Go table so that each checks the
// other.
func documented(t *testing.T) (roles []model.Role, rows map[policy.Action][]cell) {
	t.Helper()
	f, err := os.Open("../../../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows = map[policy.Action][]cell{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "| Action |") {
			in = true
			for _, r := range split(line)[1:] {
				roles = append(roles, model.Role(r))
			}
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		fields := split(line)
		var cells []cell
		for _, c := range fields[1:] {
			cells = append(cells, cell(c))
		}
		rows[policy.Action(strings.Trim(fields[0], "`"))] = cells
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("no policy matrix found in docs/ARCHITECTURE.md")
	}
	return roles, rows
}

func split(line string) []string {
	parts := strings.Split(strings.Trim(line, "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// TestDocumentedTable: the matrix in docs/ARCHITECTURE.md and the table
// say the same, action by action, role by role.
func TestDocumentedTable(t *testing.T) {
	roles, rows := documented(t)
	if !slices.Equal(roles, model.Roles) {
		t.Fatalf("documented roles %v, model has %v", roles, model.Roles)
	}
	for _, a := range policy.Actions() {
		if _, ok := rows[a]; !ok {
			t.Errorf("action %s is missing from docs/ARCHITECTURE.md", a)
		}
	}
	for a, cells := range rows {
		rule, ok := policy.RuleOf(a)
		if !ok {
			t.Errorf("docs/ARCHITECTURE.md documents %s, which the table does not have", a)
			continue
		}
		for i, role := range roles {
			want := no
			if slices.Contains(rule.Roles, role) {
				want = yes
				if rule.Wide != nil && !slices.Contains(rule.Wide, role) {
					want = service
				}
			}
			if cells[i] != want {
				t.Errorf("%s for %s: documented %q, table says %q", a, role, cells[i], want)
			}
		}
	}
}

// TestEveryActionRoleOrganisation walks every action × every role × own
// or another organisation × an item of one's own service, of another
// service or of none, and an anonymous visitor, and checks the answer
// against the documented matrix.
func TestEveryActionRoleOrganisation(t *testing.T) {
	const own, other, mine, theirs = "org-own", "org-other", "svc-voirie", "svc-culture"
	roles, rows := documented(t)
	checked := 0
	for a, cells := range rows {
		// Anonymous, or a person who is not staff anywhere.
		if policy.Allows(nil, own, a) || policy.AllowsItem(nil, own, a, mine) {
			t.Errorf("%s: allowed without a membership", a)
		}
		for i, role := range roles {
			services := []string(nil)
			if role == model.RoleAgent {
				services = []string{mine}
			}
			for _, where := range []string{own, other} {
				m := &model.Membership{AccountID: "acct", OrgID: own, Role: role, ServiceIDs: services}
				inOwn := where == own
				check := func(name string, got, want bool) {
					t.Helper()
					checked++
					if got != want {
						t.Errorf("%s as %s in %s organisation (%s): got %t, want %t", a, role, map[bool]string{true: "own", false: "another"}[inOwn], name, got, want)
					}
				}
				c := cells[i]
				check("Allows", policy.Allows(m, where, a), inOwn && c != no)
				check("RoleMay", policy.RoleMay(role, a), c != no)
				check("item of own service", policy.AllowsItem(m, where, a, mine), inOwn && (c == yes || c == service && role == model.RoleAgent))
				check("item of another service", policy.AllowsItem(m, where, a, theirs), inOwn && c == yes)
				check("item of no service", policy.AllowsItem(m, where, a, ""), inOwn && c == yes)
				check("Wide", policy.Wide(*m, a), c == yes)
			}
		}
	}
	if want := len(policy.Actions()) * len(model.Roles) * 2 * 6; checked != want {
		t.Fatalf("checked %d answers, want %d", checked, want)
	}
	// An action nobody declared is refused to everyone, administrators too.
	if policy.Allows(&model.Membership{OrgID: own, Role: model.RoleAdmin}, own, "nothing.declared") {
		t.Error("an unknown action is allowed")
	}
	// An empty organisation id never matches a membership with an empty one.
	if policy.Allows(&model.Membership{Role: model.RoleAdmin}, "", policy.StaffManage) {
		t.Error("allowed with no organisation")
	}
}
