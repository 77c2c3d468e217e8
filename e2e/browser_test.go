package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

// partTime is how a live STAR part shows its time against its target,
// each written as every text of the product writes a length (see
// interviewer.FormatDuration): "42 s", "1 min 55 s", "3 min".
var partTime = regexp.MustCompile(`^([1-5]?\d s|\d+ min( [1-5]?\d s)?) / ([1-5]?\d s|\d+ min( [1-5]?\d s)?)$`)

// TestInterview answers a mock interview out loud at 16 kHz: the question
// is "spoken" (and the microphone muted meanwhile), the live transcript and
// STAR timers follow the answer, a probe comes, the report ends it, and the
// session page plays the recording in step with the transcript.
func TestInterview(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3, MaxProbes: 2})
	// 2.5 s of lead: the interviewer's 1.5 s question is muted, and the
	// answer must start after it.
	wav := answerWAV(t, 2.5, 1.5)
	ctx := startBrowser(t, fakeMicrophone(t, wav)...)
	installFakeSpeech(t, ctx, 1.5)

	do(t, ctx, "open the start page",
		chromedp.Navigate(svc.URL+"/?processing=0&check=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the question bank", `document.body.dataset.ready === 'true' && document.querySelectorAll('#principle option').length > 10`, 10*time.Second)
	eval[bool](t, ctx, `(() => {
		const p = document.querySelector('#principle');
		p.value = 'ownership';
		p.dispatchEvent(new Event('change'));
		const q = document.querySelector('#question');
		q.value = q.options[1].value;
		return q.value !== '';
	})()`)
	questionID := eval[string](t, ctx, `document.querySelector('#question').value`)
	screenshot(t, ctx, "1-start")

	// The story's names go to the recognizer in the Start message; too many
	// of them are refused before anything starts, saying what to do.
	eval[bool](t, ctx, `(() => {
		window.sentText = [];
		const send = WebSocket.prototype.send;
		WebSocket.prototype.send = function (data) {
			if (typeof data === 'string') window.sentText.push(data);
			return send.call(this, data);
		};
		document.querySelector('#vocabulary').value = Array.from({ length: 201 }, (_, i) => 'term ' + i).join(', ');
		return true;
	})()`)
	do(t, ctx, "start with too long a vocabulary", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the vocabulary error", `!document.querySelector('#start-error').hidden`, 5*time.Second)
	if msg := text(t, ctx, "#start-error"); !strings.Contains(msg, "201") || eval[string](t, ctx, `document.body.dataset.view`) != "start" {
		t.Errorf("201 vocabulary terms: %q, view %s", msg, eval[string](t, ctx, `document.body.dataset.view`))
	}
	eval[bool](t, ctx, `(document.querySelector('#vocabulary').value = 'runbook,  dead letter queue\n', true)`)

	do(t, ctx, "start the interview", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the session to begin", `document.querySelector('#view-live').dataset.sessionId`, 15*time.Second)
	sessionID := eval[string](t, ctx, `document.querySelector('#view-live').dataset.sessionId`)
	start := eval[string](t, ctx, `window.sentText.find((m) => JSON.parse(m).type === 'Start') || ''`)
	var startMsg struct {
		Type       string   `json:"type"`
		Vocabulary []string `json:"vocabulary"`
	}
	if err := json.Unmarshal([]byte(start), &startMsg); err != nil || !slices.Equal(startMsg.Vocabulary, []string{"runbook", "dead letter queue"}) {
		t.Errorf("the Start message %q does not carry the vocabulary (%v)", start, err)
	}
	waitFor(t, ctx, "the question", `document.querySelector('#conversation .turn.interviewer.question .said')`, 10*time.Second)
	question := text(t, ctx, "#conversation .turn.interviewer.question .said")
	if question == "" {
		t.Fatal("the question is not shown")
	}
	t.Logf("session %s, question %s: %q", sessionID, questionID, question)

	// While the interviewer speaks, the microphone is replaced by silence.
	waitFor(t, ctx, "the interviewer to speak", `window.mockinterview.live.stats.mutedFrames > 5`, 10*time.Second)
	waitFor(t, ctx, "the interviewer to finish", `document.querySelector('#live-status').dataset.state === 'listening'`, 10*time.Second)

	// Words still being recognized show greyed until they are final.
	waitFor(t, ctx, "a partial result", `document.querySelector('.turn.you[data-answer="0"] .partial').textContent.trim() !== ''`, 30*time.Second)
	if grey := eval[bool](t, ctx, `(() => {
		const t = document.querySelector('.turn.you[data-answer="0"] .transcript');
		return getComputedStyle(t.querySelector('.partial')).color !== getComputedStyle(t).color;
	})()`); !grey {
		t.Error("partial words look the same as final ones")
	}

	waitFor(t, ctx, "the live transcript and STAR timers",
		`document.querySelector('.turn.you[data-answer="0"] .final').textContent.split(' ').length > 25 && document.querySelectorAll('#star-parts .part').length > 0`,
		60*time.Second)
	screenshotViewport(t, ctx, "2-live")
	checkLiveParts(t, ctx)

	waitFor(t, ctx, "a probe", `document.querySelector('#conversation .turn.interviewer.probe')`, 60*time.Second)
	screenshotViewport(t, ctx, "3-probe")
	answer := text(t, ctx, `.turn.you[data-answer="0"] .final`)
	if heard := heardKeywords(answer); len(heard) < len(answerKeywords)/2 {
		t.Errorf("the live transcript %q holds only %v of %v", answer, heard, answerKeywords)
	}
	if got := text(t, ctx, "#pace-wpm"); got == "–" || got == "" {
		t.Errorf("no live pace is shown (%q)", got)
	}

	// The probe's reply is silence; skip it from the keyboard, then end.
	do(t, ctx, "skip the probe", chromedp.KeyEvent("s"))
	waitFor(t, ctx, "the next probe or the report",
		`document.querySelectorAll('#conversation .turn.interviewer.probe').length > 1 || document.body.dataset.view === 'report'`, 30*time.Second)
	if eval[string](t, ctx, `document.body.dataset.view`) != "report" {
		// E asks before it ends the session.
		do(t, ctx, "end the interview", chromedp.KeyEvent("e"))
		waitFor(t, ctx, "the question whether to end", `document.querySelector('#confirm-end').open`, 5*time.Second)
		do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-end-yes")))
	}
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#view-report .report')`, 30*time.Second)
	screenshot(t, ctx, "4-report")
	colorScheme(t, ctx, "dark")
	screenshot(t, ctx, "4-report-dark")
	colorScheme(t, ctx, "light")
	if got := text(t, ctx, "#view-report .verdict .decision"); got == "" {
		t.Error("the report shows no verdict")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#view-report .timing-chart g[data-label]').length`); n != 5 {
		t.Errorf("the timing chart has %d bars, want one per part (5)", n)
	}
	if got := text(t, ctx, "#view-report .probes"); !strings.Contains(got, text(t, ctx, "#conversation .turn.interviewer.probe .said")) {
		t.Errorf("the report's probes %q lack the probe asked", got)
	}

	reviewSession(t, ctx, svc, sessionID, 2)

	do(t, ctx, "open the sessions page", chromedp.Navigate(svc.URL+"/#/sessions"))
	waitFor(t, ctx, "the sessions list", fmt.Sprintf(`document.querySelector('table.sessions tr[data-session=%q]')`, sessionID), 10*time.Second)
	row := text(t, ctx, fmt.Sprintf(`table.sessions tr[data-session=%q]`, sessionID))
	for _, want := range []string{question, "SDE2"} {
		if !strings.Contains(row, want) {
			t.Errorf("the sessions list row %q lacks %q", row, want)
		}
	}
	screenshot(t, ctx, "7-sessions")
}

// TestPracticeNativeRate tells the story in pacing practice on a phone-sized
// screen, with audio at the device's rate resampled in the worklet (the path
// of browsers that refuse a 16 kHz context), and deletes the session.
func TestPracticeNativeRate(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3})
	wav := answerWAV(t, 1, 1.5)
	ctx := startBrowser(t, fakeMicrophone(t, wav)...)

	do(t, ctx, "open the start page on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(svc.URL+"/?processing=0&voice=0&forceNativeRate=1&check=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	do(t, ctx, "choose pacing practice at SDE1",
		chromedp.Click(chromedp.CSS(`input[name=mode][value=practice]`)),
		chromedp.Click(chromedp.CSS(`input[name=level][value=sde1]`)))
	screenshot(t, ctx, "1-start")

	do(t, ctx, "start", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the microphone", `document.querySelector('#view-live').dataset.captureRate`, 15*time.Second)
	if rate := eval[string](t, ctx, `document.querySelector('#view-live').dataset.captureRate`); rate == "16000" {
		t.Fatalf("forceNativeRate=1 still captured at %s Hz", rate)
	} else {
		t.Logf("captured at %s Hz, resampled in the worklet", rate)
	}
	waitFor(t, ctx, "the session to begin", `document.querySelector('#view-live').dataset.sessionId`, 15*time.Second)
	sessionID := eval[string](t, ctx, `document.querySelector('#view-live').dataset.sessionId`)
	waitFor(t, ctx, "the level meter to move", `parseFloat(document.querySelector('#mic-level').style.width) > 10`, 15*time.Second)

	waitFor(t, ctx, "the live transcript and STAR timers",
		`document.querySelector('.turn.you[data-answer="0"] .final').textContent.split(' ').length > 25 && document.querySelectorAll('#star-parts .part').length > 0`,
		60*time.Second)
	screenshotViewport(t, ctx, "2-live")
	checkLiveParts(t, ctx)

	// Practice has no probes: the silence after the story ends it.
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#view-report .report')`, 60*time.Second)
	screenshot(t, ctx, "4-report")
	if n := eval[int](t, ctx, `document.querySelectorAll('#conversation .turn.interviewer.probe').length`); n != 0 {
		t.Errorf("practice asked %d probes", n)
	}
	answer := text(t, ctx, `.turn.you[data-answer="0"] .final`)
	if heard := heardKeywords(answer); len(heard) < len(answerKeywords)/2 {
		t.Errorf("the transcript of the resampled audio %q holds only %v of %v", answer, heard, answerKeywords)
	}

	secret := reviewSession(t, ctx, svc, sessionID, 1)

	// What the server recorded is the file the microphone played, through
	// two resamplers (Chromium's to the device rate, the worklet's back).
	recorded := fetchAudio(t, svc, sessionID, 0, secret)
	played, _, err := transcribe.ReadWAV(wav)
	if err != nil {
		t.Fatal(err)
	}
	if c, lag := bestCorrelation(played, recorded); c < 0.8 {
		t.Errorf("the recording matches the played file with correlation %.2f (lag %d samples), want ≥ 0.8", c, lag)
	} else {
		t.Logf("the recording matches the played file with correlation %.2f, %.3f s from where the file started", c, 2-float64(lag)/transcribe.SampleRate)
	}

	do(t, ctx, "ask to delete", chromedp.Click(chromedp.CSS("#delete-session")))
	waitFor(t, ctx, "the confirmation", `document.querySelector('#confirm-delete').open`, 5*time.Second)
	screenshotViewport(t, ctx, "8-delete")
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-delete-yes")))
	waitFor(t, ctx, "the sessions page", `location.hash === '#/sessions' && document.querySelector('#sessions-body .empty')`, 10*time.Second)
	res, err := http.Get(fmt.Sprintf("%s/api/sessions/%s?secret=%s", svc.URL, sessionID, secret))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted session still answers %s", res.Status)
	}
}

// TestMicrophoneRefused checks what a person sees when the browser refuses
// the microphone: in the microphone check, a message saying how to allow
// it and check again; skipping the check, the start form again with such a
// message, and no session left half-open.
func TestMicrophoneRefused(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{})
	// A fake device, but no fake permission prompt: headless Chromium
	// answers the prompt with a refusal.
	ctx := startBrowser(t, chromedp.Flag("use-fake-device-for-media-stream", true))
	do(t, ctx, "open the start page",
		chromedp.Navigate(svc.URL+"/?voice=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	// A first visit holds the level the server holds a Start without one
	// at, as GET /api/questions names it: the page has none of its own.
	if got := eval[string](t, ctx, `(document.querySelector('input[name=level]:checked') || {}).value || ''`); got != interviewer.DefaultLevel {
		t.Errorf("a first visit's level is %q, want the server's default %q", got, interviewer.DefaultLevel)
	}
	do(t, ctx, "start", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the microphone check", `document.body.dataset.view === 'check'`, 10*time.Second)
	do(t, ctx, "check the microphone", chromedp.Click(chromedp.CSS("#check-run")))
	waitFor(t, ctx, "the refusal", `!document.querySelector('#check-error').hidden`, 20*time.Second)
	screenshot(t, ctx, "check-refused")
	if got := text(t, ctx, "#check-error"); !strings.Contains(got, "refused") || !strings.Contains(got, "press Check my microphone again") {
		t.Errorf("the check says %q, want a refusal and how to allow the microphone and check again", got)
	}
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "check-error" {
		t.Errorf("after the refusal the focus is on %q, want the message", got)
	}
	do(t, ctx, "skip the check", chromedp.Click(chromedp.CSS("#check-start")))
	if got := eval[string](t, ctx, `JSON.parse(localStorage.getItem('mockinterview.micCheck')).state`); got != "skipped" {
		t.Errorf("the skipped check is remembered as %q", got)
	}
	waitFor(t, ctx, "the refusal", `document.body.dataset.view === 'start' && !document.querySelector('#start-error').hidden`, 20*time.Second)
	screenshot(t, ctx, "refused")
	if got := text(t, ctx, "#start-error"); !strings.Contains(got, "refused") || !strings.Contains(got, "allow the microphone") {
		t.Errorf("the page says %q, want a refusal and how to allow the microphone", got)
	}
	if id := eval[string](t, ctx, `document.querySelector('#view-live').dataset.sessionId || ''`); id != "" {
		t.Errorf("a refused microphone still started session %s", id)
	}
}

// checkLiveParts compares the live STAR timers with the last Star message:
// a row per part, in STAR order, those told so far with their time against
// the target, and the part the speaker is in marked.
func checkLiveParts(t *testing.T, ctx context.Context) {
	t.Helper()
	type view struct {
		Labels  []string `json:"labels"`  // of the last Star message, in STAR order
		Current string   `json:"current"` // of the last Star message
		Rows    []string `json:"rows"`    // data-label of each row shown
		Times   []string `json:"times"`
		Marked  string   `json:"marked"` // the row marked current
	}
	v := eval[view](t, ctx, `(() => {
		const star = window.mockinterview.live.lastStar;
		const rows = [...document.querySelectorAll('#star-parts .part[data-told="true"]')];
		const marked = document.querySelector('#star-parts .part.current');
		const order = ['situation', 'task', 'action', 'result', 'reflection'];
		return {
			labels: order.filter((l) => star.parts.some((p) => p.label === l)),
			current: star.current || '',
			rows: rows.map((r) => r.dataset.label),
			times: rows.map((r) => r.querySelector('.time').textContent),
			marked: marked ? marked.dataset.label : '',
		};
	})()`)
	t.Logf("live parts %v, now in %s", v.Labels, v.Current)
	if strings.Join(v.Rows, ",") != strings.Join(v.Labels, ",") {
		t.Errorf("the live timers show parts %v, the server sent %v", v.Rows, v.Labels)
	}
	for _, tm := range v.Times {
		if !partTime.MatchString(tm) {
			t.Errorf("a live part shows %q, want its time against its target", tm)
		}
	}
	if v.Marked != v.Current {
		t.Errorf("the live timers mark %q as the current part, the server says %q", v.Marked, v.Current)
	}
}

// reviewSession follows the report's link to the session page and checks
// it: the answers with their recordings, the transcript coloured by part,
// playback that highlights the word being said, seeking by clicking a word
// and the export links. It returns the session's secret.
func reviewSession(t *testing.T, ctx context.Context, svc *service, sessionID string, minAnswers int) string {
	t.Helper()
	do(t, ctx, "open the session page", chromedp.Click(chromedp.CSS("#review-link")))
	waitFor(t, ctx, "the session page", fmt.Sprintf(`document.querySelector('#session[data-session=%q] .review-transcript .w')`, sessionID), 15*time.Second)
	if n := eval[int](t, ctx, `document.querySelectorAll('#session .answer audio').length`); n < minAnswers {
		t.Errorf("the session page has %d recordings, want at least %d", n, minAnswers)
	}
	words := eval[int](t, ctx, `document.querySelectorAll('#session .answer[data-answer="0"] .w').length`)
	coloured := eval[int](t, ctx, `document.querySelectorAll('#session .answer[data-answer="0"] .w[data-label]').length`)
	if words < 20 || coloured != words {
		t.Errorf("the transcript has %d words, %d of them coloured by part; want 20 or more, all coloured", words, coloured)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#session .timeline rect[data-label]').length`); n == 0 {
		t.Error("the timeline shows no part")
	}
	screenshot(t, ctx, "5-session")
	screenshotViewport(t, ctx, "5-session-top")

	// Play the main answer: time must advance and the highlight follow.
	eval[bool](t, ctx, `document.querySelector('#session .answer[data-answer="0"] audio').play().then(() => true)`)
	waitFor(t, ctx, "the recording to play",
		`(() => { const a = document.querySelector('#session .answer[data-answer="0"] audio'); return a.readyState >= 2 && a.currentTime > 3 && !a.paused; })()`,
		20*time.Second)
	waitFor(t, ctx, "the word being said to be highlighted", `document.querySelector('#session .w.playing')`, 10*time.Second)
	screenshot(t, ctx, "6-session-playing")

	// Clicking a word seeks to it.
	type seek struct {
		Want float64 `json:"want"`
		Got  float64 `json:"got"`
	}
	s := eval[seek](t, ctx, `(async () => {
		const card = document.querySelector('#session .answer[data-answer="0"]');
		const words = card.querySelectorAll('.w');
		const w = words[Math.floor(words.length * 2 / 3)];
		const a = card.querySelector('audio');
		a.pause();
		const seeked = new Promise((r) => a.addEventListener('seeked', r, { once: true }));
		w.click();
		await seeked;
		const want = parseFloat(w.dataset.start);
		const got = a.currentTime;
		a.pause();
		return { want, got };
	})()`)
	if math.Abs(s.Got-s.Want) > 1.5 {
		t.Errorf("clicking a word at %.1f s seeked to %.1f s", s.Want, s.Got)
	}

	secret := eval[string](t, ctx, fmt.Sprintf(`JSON.parse(localStorage.getItem('mockinterview.sessions')).find(s => s.id === %q).secret`, sessionID))
	for _, f := range []string{"json", "md", "vtt", "srt"} {
		href := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('.exports a[data-format=%q]').getAttribute('href')`, f))
		res, err := http.Get(svc.URL + href)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("export %s: %s, %d bytes", href, res.Status, len(body))
		}
		if f == "vtt" && !strings.HasPrefix(string(body), "WEBVTT") {
			t.Errorf("the WebVTT export starts %q", string(body[:min(20, len(body))]))
		}
	}
	return secret
}

// fetchAudio downloads an answer's recording as the browser does.
func fetchAudio(t *testing.T, svc *service, id string, n int, secret string) []int16 {
	t.Helper()
	res, err := http.Get(fmt.Sprintf("%s/api/sessions/%s/answers/%d/audio?secret=%s", svc.URL, id, n, secret))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("recording %d: %s", n, res.Status)
	}
	samples, _, err := transcribe.DecodeWAV(res.Body, "recording")
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

// bestCorrelation finds where the recording holds the played file and how
// alike they are there: four seconds of speech are found in the recording
// by normalized cross-correlation on sums of 4 samples, then each quarter
// second of them sample by sample within 100 ms of where the one before it
// sat, so that a few milliseconds of audio lost or doubled by a loaded
// machine cost only the quarter they fall in. It returns the median of the
// quarters' correlations and the lag of the first, where its first sample
// sits in the recording.
func bestCorrelation(played, recorded []int16) (float64, int) {
	const rate = transcribe.SampleRate
	start, length := 2*rate, 4*rate // past the lead silence, inside the answer
	piece := rate / 4
	if len(played) < start+length {
		return 0, 0
	}
	corr := func(stretch []int16, lag, block int) float64 {
		if lag < 0 || lag+len(stretch) > len(recorded) {
			return 0
		}
		var xy, xx, yy float64
		for i := 0; i+block <= len(stretch); i += block {
			var x, y float64
			for k := range block {
				x += float64(stretch[i+k])
				y += float64(recorded[lag+i+k])
			}
			xy += x * y
			xx += x * x
			yy += y * y
		}
		if xx == 0 || yy == 0 {
			return 0
		}
		return xy / math.Sqrt(xx*yy)
	}
	// The recording starts after the microphone did, so the stretch sits
	// up to a couple of seconds earlier in it than in the file.
	stretch := played[start : start+length]
	lag, best := 0, -1.0
	for l := 0; l <= start+rate/2; l += 4 {
		if c := corr(stretch, l, 4); c > best {
			lag, best = l, c
		}
	}
	first := -1
	var pieces []float64
	for at := 0; at < length; at += piece {
		from, fit, found := lag+at, -1.0, lag
		for l := from - rate/10; l <= from+rate/10; l++ {
			if c := corr(stretch[at:at+piece], l, 1); c > fit {
				found, fit = l-at, c
			}
		}
		if fit >= 0.5 { // a pause matches anywhere: keep the lag there
			lag = found
		}
		if first < 0 {
			first = lag
		}
		pieces = append(pieces, fit)
	}
	slices.Sort(pieces)
	return pieces[len(pieces)/2], first
}

// The recording check finds the played file through a few lost
// milliseconds, and does not find it in other audio.
func TestBestCorrelation(t *testing.T) {
	const rate = transcribe.SampleRate
	played := make([]int16, 8*rate)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range played {
		played[i] = int16(r.NormFloat64() * 3000)
	}
	// Started 0.3 s into the file, with 5 ms lost at 3.5 s and at 5.5 s
	// of the file.
	var glitched []int16
	for i := int(0.3 * rate); i < len(played); i++ {
		if i >= int(3.5*rate) && i < int(3.505*rate) || i >= int(5.5*rate) && i < int(5.505*rate) {
			continue
		}
		glitched = append(glitched, played[i])
	}
	if c, lag := bestCorrelation(played, glitched); c < 0.99 || lag != int(1.7*rate) {
		t.Errorf("glitched recording: correlation %.2f at lag %d, want ≥ 0.99 at %d", c, lag, int(1.7*rate))
	}
	other := make([]int16, len(played))
	for i := range other {
		other[i] = int16(r.NormFloat64() * 3000)
	}
	if c, _ := bestCorrelation(played, other); c > 0.2 {
		t.Errorf("other audio: correlation %.2f, want ≤ 0.2", c)
	}
}
