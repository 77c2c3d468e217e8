package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/server"
)

// axePath is axe-core as `make test` installs it (npm ci in e2e/axe).
const axePath = "axe/node_modules/axe-core/axe.min.js"

// violation is one rule axe-core found broken, with a few of the elements.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core on the page as it is, in the light and the dark
// colour scheme, and fails the test on every serious or critical
// violation. It leaves the page in the light scheme.
func checkAxe(t *testing.T, ctx context.Context, screen string) {
	t.Helper()
	source, err := os.ReadFile(axePath)
	if err != nil {
		testenv.Missing(t, "axe-core is not installed: run `npm ci --prefix e2e/axe` or make test (%v)", err)
	}
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"light", "dark"} {
		colorScheme(t, ctx, scheme)
		time.Sleep(400 * time.Millisecond) // for colour transitions to end
		if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(source))); err != nil {
				t.Fatalf("inject axe-core: %v", err)
			}
		}
		found := eval[[]violation](t, ctx, `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ')) })))`)
		for _, v := range found {
			t.Errorf("%s, %s: axe %s (%s): %s\n\t%s", screen, scheme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
		if len(found) > 0 {
			screenshotViewport(t, ctx, "axe-"+screen+"-"+scheme)
		}
	}
	colorScheme(t, ctx, "light")
}

// press sends one key to the focused element, as a person would type it.
func press(t *testing.T, ctx context.Context, key string) {
	t.Helper()
	do(t, ctx, "press "+key, chromedp.KeyEvent(key))
}

// tabTo presses Tab until the focused element matches selector, failing
// after max presses.
func tabTo(t *testing.T, ctx context.Context, selector string, max int) {
	t.Helper()
	for range max {
		if eval[bool](t, ctx, fmt.Sprintf(`!!(document.activeElement && document.activeElement.matches(%q))`, selector)) {
			return
		}
		press(t, ctx, kb.Tab)
	}
	screenshotViewport(t, ctx, "tab-failed")
	t.Fatalf("%d presses of Tab never reached %s (focus is on %s)", max, selector,
		eval[string](t, ctx, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : 'nothing'`))
}

// TestKeyboard goes through a mock interview with the keyboard alone, as
// someone who cannot use a mouse would: Tab to Start and press Enter,
// answer, D when done, E to end (which asks first: Escape keeps the
// session, Enter on "End now" ends it), then from the report to the
// session page, where Enter on a word and the arrow keys on the timeline
// play the recording from there. axe-core checks the report, the session
// page and the sessions list in the light and the dark scheme on the way.
func TestKeyboard(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3, MaxProbes: 2})
	wav := speechWAV(t, 2, 1.5, answerSentences[:3])
	ctx := startBrowser(t, fakeMicrophone(t, wav)...)
	installFakeSpeech(t, ctx, 1)

	do(t, ctx, "open the start page",
		chromedp.Navigate(svc.URL+"/?processing=0&check=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	tabTo(t, ctx, "#start-button", 40)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the session to begin", `document.querySelector('#view-live').dataset.sessionId`, 15*time.Second)
	sessionID := eval[string](t, ctx, `document.querySelector('#view-live').dataset.sessionId`)
	waitFor(t, ctx, "the answer's words", `document.querySelector('.turn.you[data-answer="0"] .final').textContent.split(' ').length > 12`, 60*time.Second)

	press(t, ctx, "d")
	waitFor(t, ctx, "a probe", `document.querySelector('#live-prompt').dataset.kind === 'probe'`, 30*time.Second)

	// E asks first; Escape keeps the session going.
	press(t, ctx, "e")
	waitFor(t, ctx, "the question whether to end", `document.querySelector('#confirm-end').open`, 5*time.Second)
	if got := eval[string](t, ctx, `document.activeElement.textContent`); got != "Keep answering" {
		t.Errorf("the confirmation opens with %q focused, want Keep answering", got)
	}
	press(t, ctx, kb.Escape)
	waitFor(t, ctx, "the question to close", `!document.querySelector('#confirm-end').open`, 5*time.Second)
	if view := eval[string](t, ctx, `document.body.dataset.view`); view != "live" {
		t.Fatalf("Escape at the question ended the session (view %s)", view)
	}
	press(t, ctx, "e")
	// Each key waits for the focus it moves: on a loaded machine a Tab
	// pressed before the dialog took the focus went elsewhere, and the
	// Enter then kept the session going.
	waitFor(t, ctx, "the question whether to end, Keep answering focused",
		`document.querySelector('#confirm-end').open && document.activeElement.textContent === 'Keep answering'`, 5*time.Second)
	press(t, ctx, kb.Tab)
	waitFor(t, ctx, "End now focused", `document.activeElement.id === 'confirm-end-yes'`, 5*time.Second)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#view-report .report')`, 30*time.Second)
	checkAxe(t, ctx, "report")

	tabTo(t, ctx, "#review-link", 10)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the session page", fmt.Sprintf(`document.querySelector('#session[data-session=%q] .review-transcript .w')`, sessionID), 15*time.Second)
	eval[bool](t, ctx, `new Promise((r) => {
		const a = document.querySelector('#session .answer[data-answer="0"] audio');
		if (a.readyState >= 1) r(true); else a.addEventListener('loadedmetadata', () => r(true), { once: true });
	})`)
	checkAxe(t, ctx, "session")

	// The timeline is a slider: End, Home and the arrows seek.
	tabTo(t, ctx, "#session .timeline[role=slider]", 30)
	seekAt := func() float64 {
		return eval[float64](t, ctx, `document.querySelector('#session .answer[data-answer="0"] audio').currentTime`)
	}
	press(t, ctx, kb.End)
	waitFor(t, ctx, "End to seek to the end", `document.querySelector('#session .answer[data-answer="0"] audio').currentTime > 5`, 5*time.Second)
	press(t, ctx, kb.Home)
	press(t, ctx, kb.ArrowRight)
	press(t, ctx, kb.ArrowRight)
	time.Sleep(300 * time.Millisecond)
	if at := seekAt(); at < 9 || at > 12 {
		t.Errorf("Home then two right arrows played from %.1f s, want about 10 s", at)
	}
	if now := eval[string](t, ctx, `document.querySelector('#session .timeline').getAttribute('aria-valuenow')`); now == "" {
		t.Error("the timeline slider has no value")
	}

	// The words: Tab reaches the first, the arrows move, Enter plays.
	tabTo(t, ctx, "#session .answer[data-answer=\"0\"] .w", 20)
	for range 8 {
		press(t, ctx, kb.ArrowRight)
	}
	want := eval[float64](t, ctx, `parseFloat(document.activeElement.dataset.start)`)
	if i := eval[string](t, ctx, `document.activeElement.dataset.i`); i != "8" {
		t.Errorf("eight right arrows from the first word reached word %s", i)
	}
	eval[bool](t, ctx, `(document.querySelector('#session .answer[data-answer="0"] audio').pause(), true)`)
	press(t, ctx, kb.Enter)
	time.Sleep(300 * time.Millisecond)
	if at := seekAt(); math.Abs(at-want) > 1.5 {
		t.Errorf("Enter on a word at %.1f s played from %.1f s", want, at)
	}
	eval[bool](t, ctx, `(document.querySelector('#session .answer[data-answer="0"] audio').pause(), true)`)

	do(t, ctx, "open the sessions page", chromedp.Navigate(svc.URL+"/#/sessions"))
	waitFor(t, ctx, "the sessions list", `document.querySelector('table.sessions')`, 10*time.Second)
	checkAxe(t, ctx, "sessions")
}

// TestAskStaleClose is the end question's answer when the close event of
// its previous opening arrives after the next opening began, as it did on a
// loaded machine (the browser runs input before that event's task): End now
// must still end, and Escape must still say no.
func TestAskStaleClose(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{})
	ctx := startBrowser(t)
	do(t, ctx, "open the start page",
		chromedp.Navigate(svc.URL+"/#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	got := eval[[]string](t, ctx, `(async () => {
		const { ask } = await import('/dom.js');
		const dialog = document.querySelector('#confirm-end');
		const settle = () => new Promise((r) => setTimeout(r, 100));
		const answers = [];
		// Closed without a button: its close event is only queued when the
		// next opening begins.
		ask(dialog);
		dialog.close();
		const yes = ask(dialog);
		await settle();
		document.querySelector('#confirm-end-yes').click();
		answers.push(await yes);
		dialog.close();
		const no = ask(dialog);
		await settle();
		dialog.dispatchEvent(new Event('cancel'));
		dialog.close();
		answers.push(await no);
		return answers;
	})()`)
	if len(got) != 2 || got[0] != "end" || got[1] != "" {
		t.Errorf("End now then Escape answered %q, want [end \"\"]", got)
	}
}

// speechWAV synthesizes sentences as one recording, with lead seconds of
// silence before, a breath between sentences and tail seconds after.
func speechWAV(t *testing.T, lead, tail float64, sentences []string) string {
	t.Helper()
	return writeSpeech(t, filepath.Join(t.TempDir(), "speech.wav"), lead, tail, sentences)
}
