package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mockinterview/mockinterview/server"
)

// longAnswerSentences are a two-minute answer told in STAR order, for
// looking at the live view as a real answer fills it.
var longAnswerSentences = []string{
	"Last spring I was the engineer on call for our payments team, in the week before the biggest sale of the year.",
	"Our checkout service had started to time out for about one customer in twenty, and nobody knew why.",
	"The timeouts came in bursts of a few minutes, a few times a day, and each burst cost us real orders.",
	"Support was getting angry messages, and the sales team was worried about the launch.",
	"My manager asked me to own the problem and to have it fixed before the sale started on Friday.",
	"That gave me four days, and I also had to keep the team informed so that nobody shipped risky changes meanwhile.",
	"First I pulled the traces for every slow request from the last two weeks and lined them up by time.",
	"I noticed that every burst started right after our nightly cache refresh job, or after a deploy.",
	"So I profiled the service under a copy of production traffic in our staging environment.",
	"The profile showed a lock that was held across a call to the database while the cache was being rebuilt.",
	"Every other request then waited on that lock, and under load the queue grew until the requests timed out.",
	"I moved the database call out of the lock, and I made the cache rebuild swap in a new copy at the end instead of changing the old one in place.",
	"Then I wrote a load test that replays the refresh job during peak traffic, and I added it to our pipeline so the problem cannot come back quietly.",
	"I walked the team through the change in a short review, and we shipped it behind a flag on Wednesday morning.",
	"As a result, the timeouts dropped from five percent to almost zero, and they stayed there through the whole sale.",
	"Checkout conversion went up by about eight percent compared with the same sale the year before.",
	"The load test has since caught two other changes that would have brought the problem back.",
	"What I learned is to measure before I guess, and to turn every incident into a test.",
	"Now, whenever I touch code that holds a lock, I check what it calls while it holds it.",
}

// TestLiveScreenshots plays a two-minute answer through the fake microphone
// in real time and saves what the live view looks like 20, 60 and 100
// seconds into it, at 1280×900, in the folder $MOCKINTERVIEW_SCREENSHOTS.
// It is for looking at the live view, and is skipped unless that is set:
//
//	MOCKINTERVIEW_SCREENSHOTS=/tmp/live go test ./e2e -run TestLiveScreenshots -v
func TestLiveScreenshots(t *testing.T) {
	dir := screenshotsDir(t)
	svc := startServer(t, server.Config{EndSilence: 4, MaxProbes: 1})
	wav := speechWAV(t, 3, 8, longAnswerSentences)
	ctx := startBrowser(t, fakeMicrophone(t, wav)...)
	installFakeSpeech(t, ctx, 2)

	do(t, ctx, "open the start page",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(svc.URL+"/?processing=0&check=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	do(t, ctx, "start", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the interviewer to finish the question", `document.querySelector('#live-status').dataset.state === 'listening'`, 20*time.Second)
	began := time.Now()
	for _, at := range []time.Duration{20 * time.Second, 60 * time.Second, 100 * time.Second} {
		time.Sleep(time.Until(began.Add(at)))
		saveTo(t, ctx, dir, "live-"+at.String(), chromedp.CaptureScreenshot())
	}
}

// TestNoisyScreenshots saves what a person in a noisy room sees, in the
// folder $MOCKINTERVIEW_SCREENSHOTS: the microphone check (listening to
// the room, asking for the sentence, its verdict in the light and the dark
// scheme) with pink noise 10 dB below the speech, then, with the same
// noise, the live view 15 and 45 seconds into the two-minute answer and
// the report. It is skipped unless that folder is set:
//
//	MOCKINTERVIEW_SCREENSHOTS=/tmp/noisy go test ./e2e -run TestNoisyScreenshots -v
func TestNoisyScreenshots(t *testing.T) {
	dir := screenshotsDir(t)
	svc := startServer(t, server.Config{EndSilence: 4})

	check := startBrowser(t, fakeMicrophone(t, noisySpeechWAV(t, checkLead, 8, 10, []string{checkSentence}))...)
	do(t, check, "open the microphone check",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(svc.URL+"/?processing=0#/check"),
		chromedp.WaitVisible(chromedp.CSS("#check-run")))
	saveTo(t, check, dir, "check-0-ready", chromedp.CaptureScreenshot())
	do(t, check, "check the microphone", chromedp.Click(chromedp.CSS("#check-run")))
	waitFor(t, check, "the check to listen to the room", `document.querySelector('#check-card').dataset.phase === 'quiet'`, 10*time.Second)
	time.Sleep(time.Second)
	saveTo(t, check, dir, "check-1-room", chromedp.CaptureScreenshot())
	waitFor(t, check, "the check to ask for the sentence", `document.querySelector('#check-card').dataset.phase === 'read'`, 10*time.Second)
	time.Sleep(1500 * time.Millisecond)
	saveTo(t, check, dir, "check-2-read", chromedp.CaptureScreenshot())
	waitFor(t, check, "the check's result", `!document.querySelector('#check-result').hidden`, 40*time.Second)
	saveTo(t, check, dir, "check-3-result", chromedp.CaptureScreenshot())
	colorScheme(t, check, "dark")
	saveTo(t, check, dir, "check-3-result-dark", chromedp.CaptureScreenshot())

	ctx := startBrowser(t, fakeMicrophone(t, noisySpeechWAV(t, 3, 8, 10, longAnswerSentences))...)
	do(t, ctx, "open the start page",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(svc.URL+"/?processing=0&check=0&voice=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	do(t, ctx, "start pacing practice",
		chromedp.Click(chromedp.CSS(`input[name="mode"][value="practice"]`)),
		chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the question", `document.querySelector('#live-status').dataset.state === 'listening'`, 20*time.Second)
	began := time.Now()
	for _, at := range []time.Duration{15 * time.Second, 45 * time.Second} {
		time.Sleep(time.Until(began.Add(at)))
		saveTo(t, ctx, dir, "noisy-live-"+at.String(), chromedp.CaptureScreenshot())
	}
	do(t, ctx, "end", chromedp.Click(chromedp.CSS("#btn-end")))
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#view-report .report')`, 60*time.Second)
	saveTo(t, ctx, dir, "noisy-report", chromedp.FullScreenshot(100))
	do(t, ctx, "open the session page", chromedp.Click(chromedp.CSS("#review-link")))
	waitFor(t, ctx, "the session page", `document.querySelector('#session .review-transcript .w')`, 15*time.Second)
	saveTo(t, ctx, dir, "noisy-session", chromedp.FullScreenshot(100))
}

// screenshotsDir is $MOCKINTERVIEW_SCREENSHOTS, made if need be; the test
// is skipped when it is not set.
func screenshotsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MOCKINTERVIEW_SCREENSHOTS")
	if dir == "" {
		t.Skip("set MOCKINTERVIEW_SCREENSHOTS to a folder to take these screenshots")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// saveTo saves a screenshot as dir/name.png.
func saveTo(t *testing.T, ctx context.Context, dir, name string, capture chromedp.Action[[]byte]) {
	t.Helper()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
