package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestConsoleKeyboardInBrowser drives the inbox with its keyboard
// shortcuts (static/console.js) and checks what each one did: j/k move the
// current row and the focus, x ticks a row for the bulk action, o opens, a
// and r open an item on its assignment or reply form with the field
// focused, c closes the item. Then, with JavaScript off, the same work is
// done with links and buttons.
func TestConsoleKeyboardInBrowser(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		bg := context.Background()
		town := newConsoleTown(t, engine)
		ts, org := town.ts, town.org
		var ids []string
		for i, body := range []string{"Le quai sera-t-il fermé samedi ?", "Où déposer les encombrants ?",
			"Un nid-de-poule rue des Tanneurs, qui prévenir ?", "La fête du quartier aura-t-elle lieu ?"} {
			ts.Clock.Advance(time.Minute)
			asked, err := ts.App.Console.AskQuestion(bg, console.NewRequest{Org: org, Name: fmt.Sprintf("Habitant %d", i+1),
				Email: fmt.Sprintf("h%d@example.test", i+1), Body: body})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, asked.Item.ID)
		}
		state := func(id string) model.InboxState {
			t.Helper()
			it, err := ts.Store.InboxItemByID(bg, org.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return it.State
		}
		ctx := browser.New(t)
		browserSignIn(t, ctx, ts, "cm@bellerive.test")
		list := "/admin/bellerive/inbox?sort=oldest"
		key := func(k string) { t.Helper(); browser.Do(t, ctx, chromedp.KeyEvent(k)) }
		eval := func(js string) string { t.Helper(); return browser.Get(t, ctx, chromedp.Evaluate[string](js)) }
		// current is the item of the highlighted row and of the focused
		// element's row ("-" when none).
		current := func() (row, focus string) {
			t.Helper()
			row = eval(`(function(){var r=document.querySelector(".inbox-row.current");return r?r.getAttribute("data-href"):"-"})()`)
			focus = eval(`(function(){var r=document.activeElement&&document.activeElement.closest(".inbox-row");return r?r.getAttribute("data-href"):"-"})()`)
			return row, focus
		}
		wantCurrent := func(step, id string) {
			t.Helper()
			row, focus := current()
			if !strings.HasSuffix(row, "/"+id) || !strings.HasSuffix(focus, "/"+id) {
				t.Fatalf("after %s: current row %s, focus in %s; want item %s", step, row, focus, id)
			}
		}
		waitPath := func(step, suffix string) {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				loc := browser.Get(t, ctx, chromedp.Location())
				if strings.HasSuffix(loc, suffix) && browser.Get(t, ctx, chromedp.Evaluate[string]("document.readyState")) == "complete" {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("after %s: at %s, want …%s", step, loc, suffix)
				}
			}
		}
		focused := func() string { t.Helper(); return eval(`document.activeElement ? document.activeElement.id : ""`) }
		// waitFocus waits for the field a page just opened focuses once loaded.
		waitFocus := func(step, id string) {
			t.Helper()
			for deadline := time.Now().Add(5 * time.Second); focused() != id; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: focus on %q, want %s", step, focused(), id)
				}
			}
		}

		browserVisit(t, ctx, ts, list, "Boîte de réception")
		if row, _ := current(); row != "-" {
			t.Fatalf("a row is current before any key: %s", row)
		}
		key("j")
		wantCurrent("j", ids[0])
		key("j")
		key("j")
		wantCurrent("j j j", ids[2])
		key("k")
		wantCurrent("k", ids[1])
		// Keys typed in a field are text, not shortcuts.
		browser.Do(t, ctx, chromedp.Focus(chromedp.CSS("#q")), chromedp.KeyEvent("j"))
		if v := browser.Get(t, ctx, chromedp.Value(chromedp.CSS("#q"))); v != "j" {
			t.Fatalf("typing j in the search box gave %q", v)
		}
		if row, _ := current(); !strings.HasSuffix(row, "/"+ids[1]) {
			t.Fatalf("typing in the search box moved the current row to %s", row)
		}

		// x ticks the current row; the bulk action closes what is ticked.
		browserVisit(t, ctx, ts, list, "Boîte de réception")
		key("j")
		key("x")
		key("j")
		key("j")
		key("x")
		key("k")
		key("x") // ticks, then unticks, the second row
		key("x")
		ticked := eval(`Array.prototype.map.call(document.querySelectorAll(".inbox-row input[type=checkbox]:checked"), function(b){return b.value}).join(",")`)
		if ticked != ids[0]+","+ids[2] {
			t.Fatalf("ticked with x: %q, want %s,%s", ticked, ids[0], ids[2])
		}
		browser.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#action"), "close"),
			chromedp.Click(chromedp.CSS(`#bulk fieldset button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("p.notice, .flash")))
		if state(ids[0]) != model.StateClosed || state(ids[2]) != model.StateClosed || state(ids[1]) == model.StateClosed {
			t.Fatalf("bulk close of the ticked rows: %s %s %s", state(ids[0]), state(ids[1]), state(ids[2]))
		}

		// o opens the current item; a and r focus its forms; c closes it.
		browserVisit(t, ctx, ts, list, "Boîte de réception")
		key("j")
		wantCurrent("j", ids[1])
		key("o")
		waitPath("o", "/inbox/"+ids[1])
		browser.Axe(t, ctx)
		key("a")
		if f := focused(); f != "f-service" {
			t.Fatalf("a on an item focused %q, want the service field", f)
		}
		browser.Do(t, ctx, chromedp.Blur(chromedp.CSS("#f-service")))
		key("r")
		if f := focused(); f != "f-body" {
			t.Fatalf("r on an item focused %q, want the reply field", f)
		}
		key("c") // typed in the reply: text, the item stays open
		if state(ids[1]) == model.StateClosed {
			t.Fatal("c typed in the reply field closed the item")
		}
		browser.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("f-body").value=""`), chromedp.Blur(chromedp.CSS("#f-body")))
		key("c")
		browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("p.notice, .flash")))
		for deadline := time.Now().Add(10 * time.Second); state(ids[1]) != model.StateClosed; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("c did not close the item: %s", state(ids[1]))
			}
		}

		// From the list, r and a open the item on its reply or assignment form.
		browserVisit(t, ctx, ts, list, "Boîte de réception")
		key("j")
		wantCurrent("j", ids[3])
		key("r")
		waitPath("r", "/inbox/"+ids[3]+"#reply")
		waitFocus("r from the list", "f-body")
		browserVisit(t, ctx, ts, list, "Boîte de réception")
		key("j")
		key("a")
		waitPath("a", "/inbox/"+ids[3]+"#assign-form")
		waitFocus("a from the list", "f-service")

		// Without JavaScript: keys do nothing, links and buttons do it all.
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+list), chromedp.WaitVisible(chromedp.CSS(".inbox-row")))
		key("j")
		if n := browser.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".inbox-row.current").length`)); n != 0 {
			t.Fatal("shortcuts ran with JavaScript disabled")
		}
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS(".inbox-link")))
		waitPath("following the link", "/inbox/"+ids[3])
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`#close-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("p.notice, .flash")))
		for deadline := time.Now().Add(10 * time.Second); state(ids[3]) != model.StateClosed; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the close button without JavaScript: %s", state(ids[3]))
			}
		}
	})
}
