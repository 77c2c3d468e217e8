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

	"github.com/chromedp/chromedp"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

// silentWAV is a second of silence for the fake microphone, which repeats
// its last buffer once the file is over: a session that hears nothing, for
// tests that drive the live view with messages of their own.
func silentWAV(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "silence.wav")
	if err := os.WriteFile(out, transcribe.EncodeWAV(make([]int16, transcribe.SampleRate)), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// startSilentSession opens the start page of a fresh server in a browser
// whose microphone hears silence, checks the Start button is on screen,
// and starts a mock interview: the live view then shows the question and
// waits for an answer that never comes, so the test can drive it with
// server messages of its own through handleMessage.
func startSilentSession(t *testing.T, width, height int) (context.Context, *service) {
	t.Helper()
	svc := startServer(t, server.Config{EndSilence: 3, MaxProbes: 2})
	ctx := startBrowser(t, fakeMicrophone(t, silentWAV(t))...)
	installFakeSpeech(t, ctx, 0.3)
	do(t, ctx, "open the start page",
		chromedp.EmulateViewport(int64(width), int64(height)),
		chromedp.Navigate(svc.URL+"/?processing=0&check=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	return ctx, svc
}

// handleMessage gives the live session a server message as if it had come
// over the WebSocket.
func handleMessage(t *testing.T, ctx context.Context, msg string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(window.mockinterview.live.handle(%s), true)`, msg))
}

// box is where an element sits in the window, in CSS pixels.
type box struct {
	Top, Bottom, Left, Right float64
	ViewHeight, ViewWidth    float64
}

func (b box) inView() bool {
	return b.Top >= 0 && b.Left >= 0 && b.Bottom <= b.ViewHeight && b.Right <= b.ViewWidth && b.Bottom > b.Top
}

func rect(t *testing.T, ctx context.Context, selector string) box {
	t.Helper()
	return eval[box](t, ctx, fmt.Sprintf(`(() => {
		const r = document.querySelector(%q).getBoundingClientRect();
		return { Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right, ViewHeight: innerHeight, ViewWidth: innerWidth };
	})()`, selector))
}

// promptClear says whether the interviewer's newest line is on screen and
// clear of the controls docked at the bottom.
func promptClear(t *testing.T, ctx context.Context) (bool, box) {
	t.Helper()
	p, dock := rect(t, ctx, "#live-prompt"), rect(t, ctx, "#view-live .dock")
	return p.inView() && p.Bottom <= dock.Top, p
}

// longAnswer is a final result of many words, enough to fill the
// conversation past the bottom of the window.
func longAnswer(answer int) string {
	var words []string
	at := 1.0
	for i := range 120 {
		words = append(words, fmt.Sprintf(`{"word":"word%d","start":%.2f,"end":%.2f,"confidence":0.9}`, i, at, at+0.3))
		at += 0.4
	}
	return fmt.Sprintf(`{"type":"Results","is_final":true,"speech_final":true,"answer":%d,"channel":{"alternatives":[{"transcript":"","words":[%s]}]}}`,
		answer, strings.Join(words, ","))
}

// TestLiveView drives the live view with the server's messages: the STAR
// panel keeps its five rows and names every part still to come, marks the
// current one, tells a screen reader once when a part nears or passes its
// target, shows the recent pace; at 1280×900 the Start button and then the
// interviewer's newest line are on screen without scrolling, a warning does
// not move the page, and on a phone the follow-up question is on screen
// above the STAR card.
func TestLiveView(t *testing.T) {
	t.Parallel()
	ctx, _ := startSilentSession(t, 1280, 900)

	screenshotViewport(t, ctx, "start")
	if b := rect(t, ctx, "#start-button"); !b.inView() {
		t.Errorf("at 1280×900 the Start button is at %.0f–%.0f px, outside the window of %.0f px", b.Top, b.Bottom, b.ViewHeight)
	}
	// The levels state the answer's length target as its band, the same
	// band the server's analysis uses.
	for _, level := range []string{"sde1", "sde2", "senior"} {
		p, err := interviewer.LookupProfile(level)
		if err != nil {
			t.Fatal(err)
		}
		want := interviewer.FormatBand(p.BudgetMin, p.BudgetMax)
		if got := text(t, ctx, fmt.Sprintf(`small[data-band=%q]`, level)); got != want {
			t.Errorf("level %s says %q, the server's band is %q", level, got, want)
		}
	}

	checkAxe(t, ctx, "start")

	// The single-key shortcuts can be turned off, and stay off.
	eval[bool](t, ctx, `(document.querySelector('#shortcuts').click(), true)`)
	if on := eval[bool](t, ctx, `JSON.parse(localStorage.getItem('mockinterview.settings')).shortcuts`); on {
		t.Error("turning the shortcuts off was not saved")
	}

	do(t, ctx, "start", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the question", `!document.querySelector('#live-prompt').hidden && document.querySelector('#live-status').dataset.state === 'listening'`, 20*time.Second)
	if ok, b := promptClear(t, ctx); !ok {
		t.Errorf("the question is at %.0f–%.0f px, not in the window", b.Top, b.Bottom)
	}
	screenshotViewport(t, ctx, "desktop-question")
	do(t, ctx, "press E with the shortcuts off", chromedp.KeyEvent("e"))
	time.Sleep(200 * time.Millisecond)
	if eval[bool](t, ctx, `document.querySelector('#confirm-end').open || document.body.dataset.view !== 'live'`) {
		t.Error("E still works with the shortcuts turned off")
	}
	if eval[bool](t, ctx, `!!document.querySelector('#btn-end[aria-keyshortcuts]') || !document.querySelector('#btn-end kbd').hidden`) {
		t.Error("the End button still shows its shortcut with the shortcuts turned off")
	}
	if got := text(t, ctx, "#answer-budget"); got != "target 2 min 30 s to 3 min 15 s" {
		t.Errorf("the answer's target reads %q", got)
	}

	// An answer that opens with its result still has every other part to
	// come, in STAR order.
	handleMessage(t, ctx, `{"type":"Star","parts":[{"label":"result","elapsed":6,"target":20,"status":"ok"}],"current":"result","elapsed":6,"budget":175,"now":7}`)
	if got := text(t, ctx, "#star-next"); got != "Still to come: Situation · Task · Action · Reflection" {
		t.Errorf("opening with the result, the panel says %q", got)
	}
	// The server's own list wins when it sends one.
	handleMessage(t, ctx, `{"type":"Star","parts":[{"label":"result","elapsed":7,"target":20,"status":"ok"},{"label":"situation","elapsed":3,"target":30,"status":"ok"}],"current":"situation","elapsed":10,"budget":175,"now":11,"to_come":["task","action"]}`)
	if got := text(t, ctx, "#star-next"); got != "Still to come: Task · Action" {
		t.Errorf("with to_come [task action], the panel says %q", got)
	}
	type rows struct {
		Labels  []string `json:"labels"`
		Told    []string `json:"told"`
		Current []string `json:"current"`
	}
	r := eval[rows](t, ctx, `(() => {
		const all = [...document.querySelectorAll('#star-parts .part')];
		return {
			labels: all.map((li) => li.dataset.label),
			told: all.filter((li) => li.dataset.told === 'true').map((li) => li.dataset.label),
			current: all.filter((li) => li.classList.contains('current') && li.getAttribute('aria-current') === 'step').map((li) => li.dataset.label),
		};
	})()`)
	if strings.Join(r.Labels, ",") != "situation,task,action,result,reflection" || strings.Join(r.Told, ",") != "situation,result" || strings.Join(r.Current, ",") != "situation" {
		t.Errorf("rows %v, told %v, current %v; want the five parts in STAR order, situation and result told, situation current", r.Labels, r.Told, r.Current)
	}

	// Thresholds are announced once each, and only near or past the
	// target as the server rates it.
	eval[bool](t, ctx, `(() => {
		window.starAlerts = [];
		new MutationObserver(() => window.starAlerts.push(document.querySelector('#star-alerts').textContent))
			.observe(document.querySelector('#star-alerts'), { childList: true, characterData: true, subtree: true });
		return true;
	})()`)
	for _, s := range []struct {
		elapsed float64
		status  string
	}{{20, "ok"}, {25, "near"}, {26, "near"}, {27, "near"}, {32, "over"}, {33, "over"}, {28, "near"}, {34, "over"}} {
		handleMessage(t, ctx, fmt.Sprintf(`{"type":"Star","parts":[{"label":"situation","elapsed":%g,"target":30,"status":%q}],"current":"situation","elapsed":%g,"budget":175,"now":%g}`, s.elapsed, s.status, s.elapsed, s.elapsed+1))
		if got := eval[string](t, ctx, `document.querySelector('#star-parts .part[data-label="situation"]').dataset.status`); got != s.status {
			t.Errorf("situation at %g s shows %q, the server said %q", s.elapsed, got, s.status)
		}
	}
	time.Sleep(100 * time.Millisecond)
	alerts := eval[[]string](t, ctx, `window.starAlerts`)
	if strings.Join(alerts, "|") != "Situation: near its 30 s target.|Situation: 2 s over its 30 s target." {
		t.Errorf("screen readers were told %q, want the near and the over crossing once each", alerts)
	}
	handleMessage(t, ctx, `{"type":"Pacing","wpm":165.2,"fillers":2,"fillers_per_minute":1.1,"elapsed":40,"recent_wpm":190.4,"recent_window":30}`)
	if got, recent := text(t, ctx, "#pace-wpm")+" "+text(t, ctx, "#pace-band"), text(t, ctx, "#pace-recent"); got != "165 wpm · brisk" || recent != "last 30 s: 190" {
		t.Errorf("the pace reads %q and %q, want 165 wpm · brisk and last 30 s: 190", got, recent)
	}

	// A long answer, then a follow-up: at 1280×900 the follow-up is on
	// screen, above the controls.
	handleMessage(t, ctx, longAnswer(0))
	handleMessage(t, ctx, `{"type":"Probe","answer":1,"id":"p","gap":"outcome","probes":"x","text":"What did that mean for the business, in numbers?","start":60}`)
	if ok, b := promptClear(t, ctx); !ok {
		t.Errorf("the follow-up is at %.0f–%.0f px, not in the 900 px window clear of the controls", b.Top, b.Bottom)
	}
	if got := text(t, ctx, "#prompt-said"); got != "What did that mean for the business, in numbers?" {
		t.Errorf("the prompt says %q, want the follow-up", got)
	}
	screenshotViewport(t, ctx, "desktop-probe")
	eval[bool](t, ctx, `(window.scrollTo(0, document.documentElement.scrollHeight), true)`)
	if ok, b := promptClear(t, ctx); !ok {
		t.Errorf("scrolled down, the follow-up is at %.0f–%.0f px", b.Top, b.Bottom)
	}

	// Words the recognizer was unsure of are dimmed, and say so.
	handleMessage(t, ctx, `{"type":"Results","is_final":true,"speech_final":true,"answer":1,"channel":{"alternatives":[{"transcript":"","words":[`+
		`{"word":"revenue","start":61,"end":61.4,"confidence":0.9},{"word":"grew","start":61.4,"end":61.7,"confidence":0.31,"low_confidence":true},`+
		`{"word":"twelve","start":61.7,"end":62.1,"confidence":0.28,"low_confidence":true},{"word":"percent","start":62.1,"end":62.5,"confidence":0.85}]}]}}`)
	unsure := eval[[]string](t, ctx, `[...document.querySelectorAll('.turn.you[data-answer="1"] .final .unsure')].map((w) =>
		w.textContent + '|' + w.title + '|' + document.getElementById(w.getAttribute('aria-describedby')).textContent)`)
	if strings.Join(unsure, ",") != "grew|the recognizer was unsure of this word|The recognizer was unsure of this word.,twelve|the recognizer was unsure of this word|The recognizer was unsure of this word." {
		t.Errorf("the unsure words of the reply show as %q", unsure)
	}
	if got := text(t, ctx, `.turn.you[data-answer="1"] .final`); got != "revenue grew twelve percent" {
		t.Errorf("the reply reads %q", got)
	}

	// Warnings float: nothing on the page moves. One on the audio and one
	// on the engine can show at once, above the warning that the
	// transcription is behind.
	before := rect(t, ctx, "#view-live .live-grid")
	handleMessage(t, ctx, `{"type":"Warning","code":"behind","message":"behind","backlog":3.4}`)
	waitFor(t, ctx, "the warning", `!document.querySelector('#live-warning').hidden`, 5*time.Second)
	noisy := `{"type":"Warning","code":"noisy","message":"The room is noisy: the recognizer may miss words.",` +
		`"audio":{"level_dbfs":-24.3,"noise_dbfs":-31.0,"snr_db":6.7,"clipped":0,"quality":"poor","advice":"Move away from the fan or use a headset."}}`
	handleMessage(t, ctx, noisy)
	handleMessage(t, ctx, `{"type":"Warning","code":"fallback","message":"the transcription service (openai) is failing, so the embedded recognizer (pocketsphinx) hears your words now; they may be less accurate"}`)
	if after := rect(t, ctx, "#view-live .live-grid"); math.Abs(after.Top-before.Top) > 1 { // a banner would move it by its height; layout rounding by less than a pixel
		t.Errorf("the warnings moved the page from %.1f to %.1f px", before.Top, after.Top)
	}
	if got := text(t, ctx, "#audio-warning"); got != "Noisy room. The room is noisy: the recognizer may miss words. Move away from the fan or use a headset. (speech −24 dBFS, noise −31 dBFS)" {
		t.Errorf("the noisy warning reads %q", got)
	}
	if got := text(t, ctx, "#engine-warning"); got != "Backup recognizer. The transcription service (openai) is failing, so the embedded recognizer (pocketsphinx) hears your words now; they may be less accurate." {
		t.Errorf("the fallback warning reads %q", got)
	}
	for _, pair := range [][2]string{{"#audio-warning", "#engine-warning"}, {"#engine-warning", "#live-warning"}, {"#audio-warning", "#live-warning"}} {
		a, b := rect(t, ctx, pair[0]), rect(t, ctx, pair[1])
		if a.Bottom > b.Top && b.Bottom > a.Top {
			t.Errorf("%s (%.0f–%.0f px) overlaps %s (%.0f–%.0f px)", pair[0], a.Top, a.Bottom, pair[1], b.Top, b.Bottom)
		}
	}
	if dock, w := rect(t, ctx, "#view-live .controls"), rect(t, ctx, "#audio-warning"); w.Bottom > dock.Top || !w.inView() {
		t.Errorf("the noisy warning (%.0f–%.0f px) is not on screen above the controls (%.0f px)", w.Top, w.Bottom, dock.Top)
	}
	screenshotViewport(t, ctx, "desktop-warning")
	checkAxe(t, ctx, "live")

	// Screen readers hear an audio warning when it starts, not at every
	// repeat; a repeat keeps it on screen, and without one it goes.
	if got := text(t, ctx, "#announcer"); !strings.HasPrefix(got, "Backup recognizer.") {
		t.Errorf("the last announcement is %q, want the fallback", got)
	}
	eval[bool](t, ctx, `(document.querySelector('#announcer').textContent = '', true)`)
	handleMessage(t, ctx, noisy)
	time.Sleep(200 * time.Millisecond)
	if got := text(t, ctx, "#announcer"); got != "" {
		t.Errorf("a repeated noisy warning was announced again: %q", got)
	}
	handleMessage(t, ctx, strings.Replace(noisy, `"code":"noisy"`, `"code":"quiet"`, 1))
	waitFor(t, ctx, "the quiet warning to be announced", `document.querySelector('#announcer').textContent.startsWith('Too quiet.')`, 2*time.Second)

	// The fallback's notice stays while the fallback hears the words, and
	// goes with the first final result the session's own engine heard.
	final := func(fallback bool) string {
		return fmt.Sprintf(`{"type":"Results","is_final":true,"speech_final":true,"answer":1,"engine":"x","fallback":%t,"channel":{"alternatives":[{"transcript":"","words":[{"word":"and","start":63,"end":63.3,"confidence":0.9}]}]}}`, fallback)
	}
	handleMessage(t, ctx, final(true))
	if eval[bool](t, ctx, `document.querySelector('#engine-warning').hidden`) {
		t.Error("the fallback's notice went while the fallback still hears the words")
	}
	handleMessage(t, ctx, final(false))
	if eval[bool](t, ctx, `!document.querySelector('#engine-warning').hidden`) {
		t.Error("the fallback is still told after a result from the session's own engine")
	}
	waitFor(t, ctx, "the audio warning to go, 8 s after the last", `document.querySelector('#audio-warning').hidden`, 12*time.Second)

	// On a phone the newest line is on screen before the STAR card.
	do(t, ctx, "a phone-sized window", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	eval[bool](t, ctx, `(window.scrollTo(0, 0), true)`)
	if ok, b := promptClear(t, ctx); !ok {
		t.Errorf("on a phone the follow-up is at %.0f–%.0f px of 844", b.Top, b.Bottom)
	}
	if p, coach := rect(t, ctx, "#live-prompt"), rect(t, ctx, "#view-live .coach"); p.Bottom > coach.Top {
		t.Errorf("on a phone the follow-up (%.0f px) is below the top of the STAR card (%.0f px)", p.Bottom, coach.Top)
	}
	screenshotViewport(t, ctx, "phone-probe")
}
