package e2e

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mockinterview/mockinterview/server"
)

// checkSentence is the sentence the microphone check asks to read aloud
// (SENTENCE in static/check.js); the tests make sure the page shows it.
const checkSentence = "Last year I led a project to make our checkout page much faster."

// checkLead is the room the fake microphone plays before the sentence:
// the check listens to the room for 3 s from its first frame, and the
// microphone starts a moment before that.
const checkLead = 4.0

// checkResult is what the check's result says.
type checkResult struct {
	Quality    string   `json:"quality"`
	Recognized string   `json:"recognized"`
	Heard      string   `json:"heard"`
	Advice     string   `json:"advice"`
	Figures    []string `json:"figures"`
}

func readCheckResult(t *testing.T, ctx context.Context) checkResult {
	t.Helper()
	return eval[checkResult](t, ctx, `(() => {
		const r = document.querySelector('#check-result');
		return {
			quality: (r.querySelector('[data-quality]') || { dataset: {} }).dataset.quality || '',
			recognized: r.querySelector('.check-heard').dataset.recognized,
			heard: r.querySelector('.check-words').textContent,
			advice: r.querySelector('.check-advice').textContent,
			figures: [...r.querySelectorAll('.tile .label')].map((l) => l.textContent),
		};
	})()`)
}

// openCheckFromStart opens the start page and presses Start with the
// keyboard, which leads a browser that never did the check to it.
func openCheckFromStart(t *testing.T, ctx context.Context, svc *service) {
	t.Helper()
	do(t, ctx, "open the start page",
		chromedp.Navigate(svc.URL+"/?processing=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	tabTo(t, ctx, "#start-button", 40)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the microphone check", `document.body.dataset.view === 'check'`, 10*time.Second)
	if got := text(t, ctx, "#check-sentence"); got != checkSentence {
		t.Fatalf("the check asks to read %q; the test's microphone says %q", got, checkSentence)
	}
}

// TestMicCheck runs the microphone check with the keyboard alone, the fake
// microphone playing a quiet room and then the sentence read by flite:
// Start leads to the check the first time, the check hears the sentence
// and measures the sound, axe-core finds nothing serious on the screen
// before and after (light and dark), and once done the check is not asked
// again: the start page tells how it went and Start goes straight to the
// session.
func TestMicCheck(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3})
	ctx := startBrowser(t, fakeMicrophone(t, speechWAV(t, checkLead, 3, []string{checkSentence}))...)
	installFakeSpeech(t, ctx, 0.5)

	openCheckFromStart(t, ctx, svc)
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "check-title" {
		t.Errorf("the check opens with the focus on %q, want its heading", got)
	}
	checkAxe(t, ctx, "check")
	tabTo(t, ctx, "#check-run", 10)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the check to listen to the room", `document.querySelector('#check-card').dataset.phase === 'quiet'`, 10*time.Second)
	screenshot(t, ctx, "1-check-room")
	waitFor(t, ctx, "the check to ask for the sentence", `document.querySelector('#check-card').dataset.phase === 'read'`, 10*time.Second)
	waitFor(t, ctx, "the check's result", `!document.querySelector('#check-result').hidden`, 40*time.Second)
	screenshot(t, ctx, "2-check-result")

	r := readCheckResult(t, ctx)
	t.Logf("check: %+v", r)
	if r.Recognized != "true" {
		t.Errorf("the check says the sentence was not heard: %q", r.Heard)
	}
	if r.Quality != "good" {
		t.Errorf("a clean recording in a silent room is %q, want good (advice %q)", r.Quality, r.Advice)
	}
	if strings.Join(r.Figures, ",") != "Speech level,Noise floor,Speech over noise" {
		t.Errorf("the check shows %v, want the speech level, the noise floor and the speech over the noise", r.Figures)
	}
	if !strings.Contains(strings.ToLower(r.Heard), "checkout page") {
		t.Errorf("the check shows %q as heard", r.Heard)
	}
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "check-result-title" {
		t.Errorf("after the check the focus is on %q, want the result's heading", got)
	}
	if got := eval[string](t, ctx, `JSON.parse(localStorage.getItem('mockinterview.micCheck')).state`); got != "done" {
		t.Errorf("the check is remembered as %q, want done", got)
	}
	checkAxe(t, ctx, "check result")

	// Tab from the result reaches Start first; the settings link goes back.
	press(t, ctx, kb.Tab)
	if got := eval[string](t, ctx, `document.activeElement.textContent`); got != "Start the session" {
		t.Errorf("Tab after the result reaches %q, want Start the session", got)
	}
	tabTo(t, ctx, `#check-card a[href="#/"]`, 5)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the start page", `document.body.dataset.view === 'start'`, 5*time.Second)
	if got := text(t, ctx, "#check-last"); !strings.Contains(got, "found good sound, and the sentence heard") {
		t.Errorf("the start page says %q about the last check", got)
	}
	tabTo(t, ctx, "#start-button", 40)
	press(t, ctx, kb.Enter)
	waitFor(t, ctx, "the session to begin", `document.querySelector('#view-live').dataset.sessionId`, 15*time.Second)
}

// TestMicCheckNoisy runs the check in a noisy room, pink noise 5 dB below
// the speech: the check says the sound is not good and what to do about
// it, and its Start button starts the session.
func TestMicCheckNoisy(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3})
	ctx := startBrowser(t, fakeMicrophone(t, noisySpeechWAV(t, checkLead, 8, 5, []string{checkSentence}))...)
	installFakeSpeech(t, ctx, 0.5)

	openCheckFromStart(t, ctx, svc)
	do(t, ctx, "check the microphone", chromedp.Click(chromedp.CSS("#check-run")))
	waitFor(t, ctx, "the check's result", `!document.querySelector('#check-result').hidden`, 40*time.Second)
	screenshot(t, ctx, "check-noisy")
	r := readCheckResult(t, ctx)
	t.Logf("check: %+v", r)
	if r.Quality == "good" || r.Quality == "" {
		t.Errorf("speech 5 dB over pink noise is %q", r.Quality)
	}
	if r.Advice == "" || strings.HasPrefix(r.Advice, "Nothing to change") {
		t.Errorf("the noisy check advises %q", r.Advice)
	}
	do(t, ctx, "start", chromedp.Click(chromedp.CSS("#check-start")))
	waitFor(t, ctx, "the session to begin", `document.querySelector('#view-live').dataset.sessionId`, 15*time.Second)
}

// TestNoisyAnswer answers in a noisy room, pink noise 10 dB below the
// speech: while the answer goes on, the page shows the server's noisy
// warning above the controls without moving the page; the report and the
// session page show how the answer sounded (its quality and what to do),
// with the caveat at the top when it was poor; and on the session page,
// the words the recognizer was unsure of are dimmed and still readable in
// both colour schemes (axe-core).
func TestNoisyAnswer(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3})
	ctx := startBrowser(t, fakeMicrophone(t, noisySpeechWAV(t, 2, 4, 10, answerSentences[:3]))...)
	do(t, ctx, "open the start page",
		chromedp.Navigate(svc.URL+"/?processing=0&check=0&voice=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	do(t, ctx, "start pacing practice",
		chromedp.Click(chromedp.CSS(`input[name="mode"][value="practice"]`)),
		chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the question", `document.querySelector('#live-status').dataset.state === 'listening'`, 20*time.Second)
	before := rect(t, ctx, "#view-live .live-grid")

	waitFor(t, ctx, "the noisy warning", `!document.querySelector('#audio-warning').hidden && document.querySelector('#audio-warning').dataset.code === 'noisy'`, 30*time.Second)
	if after := rect(t, ctx, "#view-live .live-grid"); math.Abs(after.Top-before.Top) > 1 { // a banner would move it by its height; layout rounding by less than a pixel
		t.Errorf("the noisy warning moved the page from %.1f to %.1f px", before.Top, after.Top)
	}
	if dock, w := rect(t, ctx, "#view-live .controls"), rect(t, ctx, "#audio-warning"); w.Bottom > dock.Top || !w.inView() {
		t.Errorf("the noisy warning (%.0f–%.0f px) is not on screen above the controls (%.0f px)", w.Top, w.Bottom, dock.Top)
	}
	t.Logf("warning: %s", text(t, ctx, "#audio-warning"))
	screenshotViewport(t, ctx, "1-noisy-warning")

	waitFor(t, ctx, "the answer's words", `document.querySelector('.turn.you[data-answer="0"] .final').textContent.split(' ').length > 8`, 40*time.Second)
	// In this noise the recognizer is unsure of several words.
	waitFor(t, ctx, "a word dimmed as unsure", `document.querySelector('.turn.you[data-answer="0"] .final .unsure[title="the recognizer was unsure of this word"]')`, 20*time.Second)
	do(t, ctx, "end", chromedp.Click(chromedp.CSS("#btn-end")))
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#view-report .report')`, 30*time.Second)
	quality := eval[string](t, ctx, `(document.querySelector('#view-report .card.audio') || { dataset: {} }).dataset.quality || ''`)
	if quality != "poor" && quality != "fair" {
		t.Errorf("the report says the noisy answer's audio is %q", quality)
	}
	if advice := text(t, ctx, "#view-report .card.audio .audio-verdict"); !strings.Contains(advice, " ") || strings.Contains(advice, "Clear enough") {
		t.Errorf("the report's audio card says %q, want advice", advice)
	}
	caveat := text(t, ctx, "#view-report .report-head .audio-caveat")
	if (quality == "poor") != (caveat != "") {
		t.Errorf("audio %q, caveat %q: want the caveat exactly when the audio is poor", quality, caveat)
	}
	screenshot(t, ctx, "2-noisy-report")

	do(t, ctx, "open the session page", chromedp.Click(chromedp.CSS("#review-link")))
	waitFor(t, ctx, "the session page", `document.querySelector('#session .review-transcript .w')`, 15*time.Second)
	if got := eval[string](t, ctx, `(document.querySelector('#session .card.audio') || { dataset: {} }).dataset.quality || ''`); got != quality {
		t.Errorf("the session page says the audio is %q, the report %q", got, quality)
	}
	if got := text(t, ctx, "#session .report-head .audio-caveat"); got != caveat {
		t.Errorf("the session page's caveat is %q, the report's %q", got, caveat)
	}
	unsure := eval[int](t, ctx, `document.querySelectorAll('#session .w.unsure[aria-describedby="unsure-word"]').length`)
	words := eval[int](t, ctx, `document.querySelectorAll('#session .w').length`)
	t.Logf("%d of %d words dimmed as unsure", unsure, words)
	if unsure == 0 {
		t.Error("the session page dims no word, though the live view did")
	}
	if got := text(t, ctx, "#session .answer .legend"); !strings.Contains(got, "the recognizer was unsure") {
		t.Errorf("the legend reads %q, without the dimmed words", got)
	}
	screenshot(t, ctx, "3-noisy-session")
	checkAxe(t, ctx, "noisy session")
}
