package demo

import (
	"context"
	"strconv"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
)

// seedAccessibility fills the commune's accessibility statement and its
// three-year plan through the administrator's forms: partially compliant
// after an audit made a month and a half ago, with the parts still not
// accessible, one derogation and the contact for accessibility.
func seedAccessibility(ctx context.Context, a *app.App, org model.Organisation) error {
	admin, err := a.Store.AccountByEmail(ctx, "admin@bellerive.example")
	if err != nil {
		return err
	}
	audited := a.Now().AddDate(0, 0, -45).Format("2006-01-02")
	err = a.Organisations.UpdateAccessibilityStatement(ctx, admin.ID, org.ID, organisations.StatementInput{
		Status:    string(model.A11yPartial),
		AuditDate: audited,
		Method: "Audit réalisé par la mission numérique de la communauté de communes Val de Loire sur l'échantillon de 15 pages du RGAA 4.1 " +
			"(accueil, actualités, agenda, un événement, la recherche, le formulaire de contact, l'inscription…), " +
			"avec Firefox et NVDA, Chrome et JAWS, Safari et VoiceOver sur iPhone. 83 % des critères applicables sont respectés.",
		NonAccessible: "Les documents PDF des délibérations antérieures à 2024 ne sont pas balisés (critère 13.3).\n" +
			"Certaines images envoyées par les associations ont un texte alternatif trop vague (critère 1.3).\n" +
			"La carte des bureaux de vote n'a pas d'équivalent textuel complet (critère 4.1).",
		Derogations: "Les numérisations des bulletins municipaux de 1980 à 2010 : leur transcription représenterait une charge disproportionnée " +
			"au regard de leur consultation ; une version texte est envoyée sur demande.",
		Contact: "Référente accessibilité : mission numérique, accessibilite@bellerive.example, 02 47 00 00 15.",
	})
	if err != nil {
		return err
	}
	year := a.Now().Year()
	rows := []organisations.PlanYearInput{
		{Year: strconv.Itoa(year), Actions: "Former les rédacteurs aux textes alternatifs et aux titres de liens.\nBaliser les délibérations publiées depuis 2024."},
		{Year: strconv.Itoa(year + 1), Actions: "Reprendre les PDF des délibérations de 2020 à 2023.\nDonner un équivalent textuel à la carte des bureaux de vote."},
		{Year: strconv.Itoa(year + 2), Actions: "Nouvel audit de conformité complet.\nTests avec des habitants utilisateurs de lecteurs d'écran."},
	}
	return a.Organisations.UpdateAccessibilityPlan(ctx, admin.ID, org.ID, rows)
}
