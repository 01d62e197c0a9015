package mail

import (
	"strings"
	"testing"
)

// The formats below are those of the mail clients residents use, in
// French, as they quote a message from the town hall.
func TestStripQuoted(t *testing.T) {
	const want = "Merci, mais le trottoir est toujours fermé.\nPouvez-vous passer ?"
	cases := map[string]string{
		"gmail":           want + "\n\nLe lun. 7 déc. 2026 à 10:12, Mairie de Bourg-sur-Loire <\nreply+abc@parvis.test> a écrit :\n\n> Bonjour,\n> Le trottoir sera rouvert lundi.\n",
		"gmail one line":  want + "\n\nLe lun. 7 déc. 2026 à 10:12, Mairie <reply+abc@parvis.test> a écrit :\n> Bonjour\n",
		"outlook":         want + "\n\n________________________________\nDe : Mairie de Bourg-sur-Loire <no-reply@parvis.test>\nEnvoyé : lundi 7 décembre 2026 10:12\nÀ : Camille <camille@example.fr>\nObjet : Votre demande\n\nBonjour,\nLe trottoir sera rouvert lundi.\n",
		"outlook no rule": want + "\n\nDe\u00a0: Mairie <no-reply@parvis.test>\nEnvoyé\u00a0: lundi 7 décembre 2026 10:12\nObjet\u00a0: Votre demande\nBonjour,\n",
		"outlook origine": want + "\n-----Message d'origine-----\nDe : Mairie\nEnvoyé : lundi\n",
		"apple mail":      want + "\n\nEnvoyé de mon iPhone\n\n> Le 7 déc. 2026 à 10:12, Mairie de Bourg-sur-Loire <reply+abc@parvis.test> a écrit :\n>\n> Bonjour,\n",
		"thunderbird":     want + "\n\nLe 07/12/2026 à 10:12, Mairie de Bourg-sur-Loire a écrit :\n> Bonjour,\n> Le trottoir sera rouvert lundi.\n",
		"thunderbird old": want + "\n\n-------- Message original --------\nSujet : Votre demande\nDate : 07/12/2026 10:12\n",
		"samsung":         want + "\n\n\nEnvoyé depuis mon smartphone Samsung Galaxy.\n-------- Message d'origine --------\nDe : Mairie\n",
		"outlook mobile":  want + "\n\nObtenir Outlook pour Android\n________________________________\nFrom: Mairie\nSent: Monday\n",
		"signature":       want + "\n-- \nCamille Martin\n06 12 34 56 78\n",
		"english":         want + "\n\nOn Mon, Dec 7, 2026 at 10:12 AM Town Hall <reply+abc@parvis.test> wrote:\n> Hello\n",
		"crlf":            strings.ReplaceAll(want+"\n\nLe 7 déc. 2026 à 10:12, Mairie a écrit :\n> Bonjour\n", "\n", "\r\n"),
	}
	for name, in := range cases {
		if got := StripQuoted(in); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

func TestStripQuotedKeepsOrdinaryText(t *testing.T) {
	// Lines that look a little like history markers but are not.
	in := "Le trottoir de la rue Pasteur est fermé.\nDe : quelle date à quelle date ?\nMerci -- Camille"
	if got := StripQuoted(in); got != in {
		t.Errorf("got %q", got)
	}
	if got := StripQuoted("> tout est cité\n> rien de neuf"); got != "" {
		t.Errorf("only quotes: got %q", got)
	}
}

func TestHTMLToText(t *testing.T) {
	in := `<html><head><style>p{color:red}</style></head><body><div dir="ltr">Merci pour la réponse&nbsp;!<br>Le trottoir est toujours fermé.</div>` +
		`<div class="gmail_quote"><div class="gmail_attr">Le lun. 7 déc. 2026, Mairie a écrit&nbsp;:</div><blockquote>Bonjour</blockquote></div></body></html>`
	want := "Merci pour la réponse !\nLe trottoir est toujours fermé."
	if got := StripQuoted(HTMLToText(in)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Outlook (web and desktop) puts the history after a rule, in a div
	// that starts with its "De : … Envoyé : …" block.
	in = `<div>Merci pour la réponse&nbsp;!</div><div>Le trottoir est toujours fermé.</div><div id="appendonsend"></div><hr style="display:inline-block">` +
		`<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>De&nbsp;:</b> Mairie &lt;no-reply@parvis.test&gt;<br><b>Envoyé&nbsp;:</b> lundi 7 décembre 2026 10:12<br>` +
		`<b>Objet&nbsp;:</b> Votre demande</font><div>&nbsp;</div></div><div>Bonjour,</div>`
	if got := StripQuoted(HTMLToText(in)); got != want {
		t.Errorf("outlook html: got %q, want %q", got, want)
	}
	in = `<p>Oui, c'est bien ça.</p><blockquote type="cite"><p>Votre demande</p></blockquote>`
	if got := StripQuoted(HTMLToText(in)); got != "Oui, c'est bien ça." {
		t.Errorf("blockquote: got %q", got)
	}
}
