// Package demo seeds a living, fictional French commune so that a newcomer
// sees Parvis at work in the first minute. Seeding is idempotent: it does
// nothing when the demo commune already exists.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
)

// Handle is the demo commune's handle.
const Handle = "bellerive"

// Password is every demo account's password (printed at start-up).
const Password = "bellerive-demo-2026"

// Login is one demo account to print.
type Login struct {
	Email string
	Role  string
}

// person is one demo account.
type person struct {
	email, name string
	role        model.Role // "" for a resident
	services    []string   // service slugs, for agents
}

var staff = []person{
	{"maire@bellerive.example", "Hélène Marchand (maire)", model.RoleValidator, nil},
	{"admin@bellerive.example", "Karim Benali (DSI)", model.RoleAdmin, nil},
	{"communication@bellerive.example", "Sophie Lefèvre (chargée de communication)", model.RoleManager, nil},
	{"redaction@bellerive.example", "Lucas Moreau (rédacteur)", model.RoleEditor, nil},
	{"voirie@bellerive.example", "Patrick Girard (service Voirie)", model.RoleAgent, []string{"voirie"}},
	{"culture@bellerive.example", "Amélie Rousseau (service Culture)", model.RoleAgent, []string{"culture"}},
}

var residents = []person{
	{"jeanne.dupont@example.org", "Jeanne D.", "", nil},
	{"marc.petit@example.org", "Marc du quartier des Tanneurs", "", nil},
	{"fatou.diallo@example.org", "Fatou", "", nil},
}

var services = []struct{ slug, name string }{
	{"voirie", "Voirie"}, {"culture", "Culture"}, {"jeunesse", "Jeunesse"}, {"etat-civil", "État civil"},
	{"environnement", "Environnement et propreté"}, {"urbanisme", "Urbanisme"},
}

// Seed creates the demo commune and its people once, and returns the logins.
func Seed(ctx context.Context, a *app.App) ([]Login, error) {
	var logins []Login
	for _, p := range staff {
		logins = append(logins, Login{Email: p.email, Role: string(p.role)})
	}
	for _, p := range residents[:1] {
		logins = append(logins, Login{Email: p.email, Role: "resident"})
	}
	if _, err := a.Store.OrganisationByHandle(ctx, Handle); err == nil {
		return logins, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	org, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: Handle, Name: "Ville de Bellerive-sur-Loire", Kind: model.KindCommune})
	if err != nil {
		return nil, fmt.Errorf("demo commune: %w", err)
	}
	org.Description = "Bellerive-sur-Loire, 12 400 habitants, au bord de la Loire : son marché du samedi, ses bords de Loire et ses quartiers des Tanneurs, du Port et des Coteaux."
	org.ContactEmail = "contact@bellerive.example"
	org.ContactPhone = "02 47 00 00 00"
	org.Address = "Hôtel de ville, 1 place de la République, 37999 Bellerive-sur-Loire"
	org.Website = "https://www.bellerive.example"
	org.PublicationDirector = "Hélène Marchand, maire"
	org.Host = "Service informatique mutualisé de la communauté de communes Val de Loire, 3 rue des Ponts, 37999 Bellerive-sur-Loire"
	org.Population = 12400
	org.UpdatedAt = a.Now()
	if err := a.Store.UpdateOrganisationProfile(ctx, org); err != nil {
		return nil, err
	}
	serviceIDs := map[string]string{}
	for _, s := range services {
		id := core.NewID()
		if err := a.Store.CreateService(ctx, model.Service{ID: id, OrgID: org.ID, Name: s.name, Slug: s.slug, CreatedAt: a.Now()}); err != nil {
			return nil, err
		}
		serviceIDs[s.slug] = id
	}
	for _, p := range append(append([]person{}, staff...), residents...) {
		acct, err := a.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: p.email, DisplayName: p.name, Password: Password, Verified: true})
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", p.email, err)
		}
		if p.role == "" {
			continue
		}
		m := model.Membership{AccountID: acct.ID, OrgID: org.ID, Role: p.role, CreatedAt: a.Now()}
		for _, s := range p.services {
			m.ServiceIDs = append(m.ServiceIDs, serviceIDs[s])
		}
		if err := a.Store.PutMembership(ctx, m); err != nil {
			return nil, err
		}
	}
	if err := seedLogo(ctx, a, org); err != nil {
		return nil, fmt.Errorf("demo logo: %w", err)
	}
	if err := seedLook(ctx, a, org); err != nil { // banner.go
		return nil, fmt.Errorf("demo look: %w", err)
	}
	if err := seedStaff(ctx, a, org); err != nil {
		return nil, err
	}
	if err := seedAccessibility(ctx, a, org); err != nil { // accessibility.go
		return nil, fmt.Errorf("demo accessibility: %w", err)
	}
	if err := SeedPublishing(ctx, a, org); err != nil {
		return nil, err
	}
	if err := seedConsole(ctx, a, org); err != nil {
		return nil, fmt.Errorf("demo console: %w", err)
	}
	if err := scheduleDemo(ctx, a, org); err != nil {
		return nil, fmt.Errorf("demo scheduling: %w", err)
	}
	if err := seedDebate(ctx, a, org, serviceIDs); err != nil {
		return nil, fmt.Errorf("demo debate: %w", err)
	}
	if err := seedEvents(ctx, a, org); err != nil { // events.go
		return nil, fmt.Errorf("demo events: %w", err)
	}
	if err := seedSubscriptions(ctx, a, org); err != nil {
		return nil, err
	}
	if err := seedFederation(ctx, a, org); err != nil {
		return nil, fmt.Errorf("demo federation: %w", err)
	}
	if err := seedFollowerHistory(ctx, a, org); err != nil { // figures.go
		return nil, fmt.Errorf("demo follower history: %w", err)
	}
	// The data protection officer is shared with the other communes of the
	// community, as small communes do (its record and notice show it).
	admin, err := a.Store.AccountByEmail(ctx, "admin@bellerive.example")
	if err != nil {
		return nil, err
	}
	if err := a.SetDPOContact(ctx, admin.ID, org.ID, "Délégué à la protection des données mutualisé de la communauté de communes Val de Loire\n3 rue des Ponts, 37999 Bellerive-sur-Loire\ndpd@valdeloire.example"); err != nil {
		return nil, fmt.Errorf("demo DPO: %w", err)
	}
	return logins, nil
}

// seedLogo gives the commune its coat of arms, through the profile form's
// use case as its administrator: the header of its pages shows it.
func seedLogo(ctx context.Context, a *app.App, org model.Organisation) error {
	admin, err := a.Store.AccountByEmail(ctx, "admin@bellerive.example")
	if err != nil {
		return err
	}
	data, err := encodePNG(drawLogo())
	if err != nil {
		return err
	}
	_, err = a.Organisations.UpdateOrgProfile(ctx, admin.ID, org.ID, organisations.ProfileInput{
		Name: org.Name, Kind: string(org.Kind), Description: org.Description, ContactEmail: org.ContactEmail,
		ContactPhone: org.ContactPhone, Address: org.Address, Website: org.Website, Population: strconv.Itoa(org.Population),
		PublicationDirector: org.PublicationDirector, Host: org.Host,
	}, organisations.LogoChange{Data: data})
	return err
}
