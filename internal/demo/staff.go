package demo

import (
	"context"
	"fmt"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
)

// IntercoHandle is the demo intercommunalité's handle.
const IntercoHandle = "val-de-loire"

// seedStaff shows the staff features: a pending invitation in the commune,
// and a second organisation (the intercommunalité) whose staff includes the
// commune's administrator, so that the staff area lists two organisations.
func seedStaff(ctx context.Context, a *app.App, commune model.Organisation) error {
	admin, err := a.Store.AccountByEmail(ctx, "admin@bellerive.example")
	if err != nil {
		return fmt.Errorf("demo admin: %w", err)
	}
	services, err := a.Store.ServicesOf(ctx, commune.ID)
	if err != nil {
		return err
	}
	var jeunesse string
	for _, s := range services {
		if s.Slug == "jeunesse" {
			jeunesse = s.ID
		}
	}
	if _, err := a.Accounts.Invite(ctx, admin, commune.ID, accounts.NewInvitation{Email: "nadia.haddad@bellerive.example",
		Role: model.RoleAgent, ServiceIDs: []string{jeunesse}}, "fr"); err != nil {
		return fmt.Errorf("demo invitation: %w", err)
	}

	cc, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: IntercoHandle,
		Name: "Communauté de communes Val de Loire", Kind: model.KindIntercommunalite})
	if err != nil {
		return fmt.Errorf("demo intercommunalité: %w", err)
	}
	// The commune's IT lead runs the shared service, so he administers both.
	if err := a.Store.PutMembership(ctx, model.Membership{AccountID: admin.ID, OrgID: cc.ID, Role: model.RoleAdmin, CreatedAt: a.Now()}); err != nil {
		return err
	}
	_, err = a.Organisations.UpdateOrgProfile(ctx, admin.ID, cc.ID, organisations.ProfileInput{
		Name: cc.Name, Kind: string(cc.Kind),
		Description:  "Quatorze communes autour de Bellerive-sur-Loire : collecte des déchets, transports scolaires, piscine intercommunale et développement économique.",
		ContactEmail: "accueil@cc-valdeloire.example", ContactPhone: "02 47 00 10 10",
		Address:             "3 rue des Ponts, 37999 Bellerive-sur-Loire",
		Website:             "https://www.cc-valdeloire.example",
		Population:          "38500",
		PublicationDirector: "Bernard Lemoine, président",
		Host:                "Service informatique mutualisé de la communauté de communes Val de Loire, 3 rue des Ponts, 37999 Bellerive-sur-Loire",
	}, organisations.LogoChange{})
	if err != nil {
		return fmt.Errorf("demo intercommunalité profile: %w", err)
	}
	for _, name := range []string{"Déchets et collecte", "Mobilités et transports scolaires", "Piscine intercommunale"} {
		if _, err := a.Organisations.CreateService(ctx, admin.ID, cc.ID, name); err != nil {
			return fmt.Errorf("demo service %s: %w", name, err)
		}
	}
	mayor, err := a.Store.AccountByEmail(ctx, "maire@bellerive.example")
	if err != nil {
		return err
	}
	// The mayor is also vice-president of the intercommunalité.
	if err := a.Store.PutMembership(ctx, model.Membership{AccountID: mayor.ID, OrgID: cc.ID, Role: model.RoleValidator, CreatedAt: a.Now()}); err != nil {
		return err
	}
	_, err = a.Accounts.Invite(ctx, admin, cc.ID, accounts.NewInvitation{Email: "communication@cc-valdeloire.example", Role: model.RoleManager}, "fr")
	return err
}
