package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/static"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// answerSentences is the answer the fake microphone plays: one sentence or
// two per STAR part, with a breath between them as a speaker would leave.
var answerSentences = []string{
	"So at my last job, our checkout page kept timing out during big sales, and customers were leaving without paying.",
	"It was my service, so it was my job to find the cause and fix it before the holiday launch.",
	"I profiled the service and found a lock held across a database call. I moved the call out of the lock, and I added a load test to our pipeline.",
	"As a result, timeouts dropped from five percent to almost zero, and sales went up eight percent.",
	"What I learned is to measure first, and now I load test every risky fix.",
}

// answerKeywords are words of the answer that the recognizer reliably hears
// in the synthesized voice; the transcript must hold most of them.
var answerKeywords = []string{"service", "sales", "customers", "job", "database", "pipeline", "percent", "learned", "measure", "test"}

// logBuffer collects log lines from goroutines that may outlive a test; the
// test prints them only when it fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// failedSteps holds, for each test that stopped at a browser step, what
// the step was: the logs printed after the failure can run to hundreds of
// lines, and a CI summary shows only their end.
var failedSteps sync.Map // *testing.T → string

// stepFailed stops the test at a browser step that failed.
func stepFailed(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	failedSteps.Store(t, msg)
	t.Fatal(msg)
}

// repeatFailedStep says again, after every log, which step failed; the
// test registers it before anything that dumps logs, so it runs last.
func repeatFailedStep(t *testing.T) {
	t.Cleanup(func() {
		if msg, ok := failedSteps.LoadAndDelete(t); ok {
			t.Logf("the step that failed (said again after the logs): %s", msg)
		}
	})
}

// dumpOnFailure prints the buffer at the end of a failed test.
func dumpOnFailure(t *testing.T, name string, b *logBuffer) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s:\n%s", name, b.String())
		}
	})
}

// service is the real server on a loopback port.
type service struct {
	URL  string
	data *folder.Folder
}

// startServer runs the whole service in-process, as `mockinterview serve`
// wires it, with its own data folder.
func startServer(t *testing.T, cfg server.Config) *service {
	t.Helper()
	repeatFailedStep(t)
	logs := &logBuffer{}
	dumpOnFailure(t, "server log", logs)
	log := zerolog.New(logs).With().Timestamp().Logger()

	engine, err := pocketsphinx.New(pocketsphinx.Config{PoolSize: 1})
	if err != nil {
		t.Fatalf("PocketSphinx: %v", err)
	}
	bank, err := interviewer.LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	analyzer, err := interviewer.NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	data, err := folder.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sessions := server.NewSessions()
	srv := httptest.NewServer(server.NewServer(log, cfg, data.Store(), engine, bank, analyzer, sessions, static.Files))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := sessions.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
		data.Close()
		engine.Close()
	})
	res, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %s", res.Status)
	}
	return &service{URL: srv.URL, data: data}
}

// answerWAV synthesizes the answer and pads it with silence: lead seconds
// before (the fake microphone starts playing when getUserMedia opens it,
// before the page is ready) and tail after (with %noloop, Chromium repeats
// the file's last buffer forever).
func answerWAV(t *testing.T, lead, tail float64) string {
	t.Helper()
	return writeSpeech(t, filepath.Join(t.TempDir(), "answer.wav"), lead, tail, answerSentences)
}

// writeSpeech synthesizes sentences with flite's slt voice into one WAV
// at out, with lead seconds of silence before, a breath of 0.7 s between
// sentences and tail seconds after, and returns out.
func writeSpeech(t *testing.T, out string, lead, tail float64, sentences []string) string {
	t.Helper()
	if !flite.Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	silence := func(seconds float64) []int16 { return make([]int16, int(seconds*transcribe.SampleRate)) }
	samples := silence(lead)
	for i, text := range sentences {
		path, err := flite.Synthesize(t.Context(), flite.CacheDir(), "slt", text)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := transcribe.ReadWAV(path)
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, s...)
		if i < len(sentences)-1 {
			samples = append(samples, silence(0.7)...)
		}
	}
	samples = append(samples, silence(tail)...)
	if err := os.WriteFile(out, transcribe.EncodeWAV(samples), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// noisySpeechWAV is writeSpeech's recording with seeded pink noise mixed
// into all of it, lead and tail included, the speech standing snrDB above
// the noise as internal/noisemix measures it: a person in a noisy room.
func noisySpeechWAV(t *testing.T, lead, tail, snrDB float64, sentences []string) string {
	t.Helper()
	dir := t.TempDir()
	clean, _, err := transcribe.ReadWAV(writeSpeech(t, filepath.Join(dir, "clean.wav"), lead, tail, sentences))
	if err != nil {
		t.Fatal(err)
	}
	noisy := noisemix.Mix(clean, noisemix.Pink(len(clean), 27), snrDB)
	out := filepath.Join(dir, "noisy.wav")
	if err := os.WriteFile(out, transcribe.EncodeWAV(noisy), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// fakeMicrophone makes Chromium grant the microphone without asking and
// play wav through it once. A fake microphone reads its file for the life
// of the process, so each recording needs a browser of its own.
func fakeMicrophone(t *testing.T, wav string) []chromedp.ExecAllocatorOption {
	t.Helper()
	if strings.Contains(wav, "%") {
		t.Fatalf("Chromium splits --use-file-for-fake-audio-capture on %%: %s", wav)
	}
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-audio-capture", wav+"%noloop"),
	}
}

// startBrowser starts a headless Chromium with a fresh profile and the
// extra options (fakeMicrophone's, usually).
func startBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	chromium := testenv.LookPath(t, "apt-get install chromium", "chromium", "chromium-browser", "google-chrome")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first action starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}

	console := &logBuffer{}
	dumpOnFailure(t, "browser console", console)
	calls := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range calls {
			if err != nil {
				return
			}
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			fmt.Fprintf(console, "console.%s: %s\n", ev.Type, strings.Join(parts, " "))
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			desc := d.Text
			if d.Exception != nil {
				desc += " " + d.Exception.Description
			}
			fmt.Fprintf(console, "exception at %s:%d: %s\n", d.URL, d.LineNumber+1, desc)
		}
	}()
	// An uncaught exception in the page fails the test even when the
	// screens came out right.
	t.Cleanup(func() {
		if s := console.String(); strings.Contains(s, "exception at ") {
			t.Errorf("the page threw:\n%s", s)
		}
	})
	return ctx
}

// fakeSpeech stands in for speech synthesis, which has no voice in
// headless Chromium here (every utterance fails at once): each line
// "speaks" for speakSeconds, with the events a real voice fires.
const fakeSpeech = `(() => {
  const seconds = %g;
  const synth = {
    speaking: false, pending: false, paused: false, spoken: [], current: null, timer: 0,
    getVoices() { return []; },
    speak(u) {
      this.spoken.push(u.text);
      setTimeout(() => {
        this.current = u; this.speaking = true;
        if (u.onstart) u.onstart({});
        this.timer = setTimeout(() => {
          this.current = null; this.speaking = false;
          if (u.onend) u.onend({});
        }, seconds * 1000);
      }, 20);
    },
    cancel() {
      clearTimeout(this.timer);
      const u = this.current;
      this.current = null; this.speaking = false;
      if (u && u.onerror) u.onerror({ error: 'canceled' });
    },
    pause() {}, resume() {}, addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();`

// installFakeSpeech makes every page of ctx use fakeSpeech.
func installFakeSpeech(t *testing.T, ctx context.Context, speakSeconds float64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: fmt.Sprintf(fakeSpeech, speakSeconds)}); err != nil {
		t.Fatal(err)
	}
}

// colorScheme makes the page see the system's light or dark preference.
func colorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatal(err)
	}
}

// artifactsDir is where screenshots go: $MOCKINTERVIEW_ARTIFACTS, or
// e2e/artifacts.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MOCKINTERVIEW_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
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

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// screenshot saves the whole page as a PNG named after the test and the
// screen.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	saveScreenshot(t, ctx, name, chromedp.FullScreenshot(100))
}

// screenshotViewport saves what is on screen: the live page keeps its
// controls at the bottom of the window, where a whole-page capture would
// lay them over the middle of the conversation.
func screenshotViewport(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	saveScreenshot(t, ctx, name, chromedp.CaptureScreenshot())
}

func saveScreenshot(t *testing.T, ctx context.Context, name string, capture chromedp.Action[[]byte]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, capture)
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(artifactsDir(t), unsafeName.ReplaceAllString(t.Name()+"-"+name, "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// do runs actions, failing the test with a screenshot of the page when one
// fails.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		screenshot(t, ctx, "failed")
		stepFailed(t, "%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		screenshot(t, ctx, "failed")
		stepFailed(t, "evaluate %s: %v", expression, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds, failing the test
// with a screenshot when it does not within timeout.
func waitFor(t *testing.T, ctx context.Context, what, condition string, timeout time.Duration) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(wctx, chromedp.Poll[chromedp.Void](condition,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		screenshot(t, ctx, "failed")
		stepFailed(t, "waiting for %s: %v", what, err)
	}
}

// text returns the text content of the first element matching a CSS
// selector, or "" when there is none.
func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, selector))
}

// heardKeywords counts the answer's keywords found in a transcript.
func heardKeywords(transcript string) (found []string) {
	lower := strings.ToLower(transcript)
	for _, k := range answerKeywords {
		if strings.Contains(lower, k) {
			found = append(found, k)
		}
	}
	return found
}
