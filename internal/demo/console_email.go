package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// seedEmailedReply answers a request from the console, then files the
// resident's e-mailed answer to it as the built-in receiver would: the
// demo runs without the receiver, so the reply address is made here, and
// the message (a Gmail reply quoting the answer) goes through the same
// parsing and use case (docs/CONSOLE.md, "Réponses par courriel").
func seedEmailedReply(ctx context.Context, a *app.App, org model.Organisation, staff model.Account, it model.InboxItem, from string) error {
	err := a.Console.Reply(ctx, staff, org, it.ID, console.ReplyInput{Version: it.Version, Then: model.StateAnswered,
		Body: "Oui : un cheminement de 1,40 m restera ouvert côté impair, avec une rampe provisoire au carrefour de la rue du Moulin."})
	if err != nil {
		return err
	}
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	token := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	if err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateReplyToken(ctx, core.HashSecret(token), org.ID, it.ID, a.Now())
	}); err != nil {
		return err
	}
	raw := "From: Jeanne Dupont <" + from + ">\r\nTo: " + mail.ReplyAddress(token, "bellerive.example") + "\r\n" +
		"Message-ID: <demo-reponse-tanneurs@example.org>\r\nSubject: Re: Réponse de " + org.Name + "\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Merci beaucoup. La rampe sera-t-elle en place dès lundi ? Nous passons par là pour aller à l'école à 8 h 15.\r\n\r\n" +
		"Le lun. 7 déc. 2026 à 10:12, " + org.Name + " <\r\n" + mail.ReplyAddress(token, "bellerive.example") + "> a écrit :\r\n\r\n" +
		"> Oui : un cheminement de 1,40 m restera ouvert côté impair.\r\n"
	m, err := mail.ParseInbound([]byte(raw))
	if err != nil {
		return err
	}
	return a.Console.ReceiveReply(ctx, token, m)
}
