package openai

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

// fakeClock is the breaker's clock in tests: it moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func withFakeClock(e *Engine) *fakeClock {
	c := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	for _, ep := range e.pool.endpoints {
		ep.breaker.now = c.now
	}
	return c
}

func openStream(t *testing.T, e transcribe.Engine) transcribe.Stream {
	t.Helper()
	s, err := e.NewStream(context.Background(), transcribe.StreamOptions{Vocabulary: testVocabulary})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// say speaks one short utterance into s, in 100 ms pieces, and returns the
// results and the first error.
func say(s transcribe.Stream, tk *talker) ([]transcribe.Result, error) {
	return sayAudio(s, shortUtterance(tk))
}

// shortUtterance is 0.4 s of speech between pauses.
func shortUtterance(tk *talker) []int16 {
	return concat(tk.pause(0.3), tk.speak(0.4), tk.pause(0.6))
}

// sayAudio speaks samples into s, in 100 ms pieces, and returns the
// results and the first error.
func sayAudio(s transcribe.Stream, samples []int16) ([]transcribe.Result, error) {
	var results []transcribe.Result
	var first error
	for i := 0; i < len(samples); i += transcribe.SampleRate / 10 {
		rs, err := s.Accept(context.Background(), samples[i:min(i+transcribe.SampleRate/10, len(samples))])
		results = append(results, rs...)
		if first == nil {
			first = err
		}
	}
	return results, first
}

// A hung endpoint costs an utterance its budget and no more, and only
// three times: then the breaker, shared by every stream of the engine,
// opens, and the fallback hears new utterances without the endpoint
// being asked. After the cool-down one utterance probes the endpoint
// beside the fallback; its answer closes the breaker for every stream.
func TestOpenAIBreaker(t *testing.T) {
	server := newTranscriptionServer(t, serverAnswer{hang: true})
	e := testOpenAI(t, Config{BaseURL: server.URL(), Budget: 20 * time.Millisecond,
		Fallback: fixedEngine{name: "pocketsphinx", words: fallbackWords}})
	clock := withFakeClock(e)
	a, b := openStream(t, e), openStream(t, e)
	tk := newTalker()
	sayOne := func(s transcribe.Stream) transcribe.Result {
		t.Helper()
		results, err := say(s, tk)
		if err != nil || len(results) != 1 {
			t.Fatalf("results %+v, error %v; want one result", results, err)
		}
		return results[0]
	}

	for i, s := range []transcribe.Stream{a, b, a, b, a} {
		r := sayOne(s)
		if r.Engine != "pocketsphinx" || transcribe.JoinWords(r.Words) != "led migration" {
			t.Errorf("utterance %d heard by %s as %q; want the fallback's words", i, r.Engine, r.Text())
		}
		if got, want := server.requests(), min(i+1, 3); got != want {
			t.Errorf("after utterance %d the endpoint was asked %d times, want %d: once for each of the first three, then not at all", i, got, want)
		}
	}
	st := e.Endpoint()
	if st.Breaker != transcribe.BreakerOpen || st.Opened != 1 || st.Failures != 3 || st.BudgetTimeouts != 3 ||
		st.Fallback != "pocketsphinx" || st.URL != server.URL() || !strings.Contains(st.LastError, "budget") {
		t.Errorf("endpoint %+v; want the breaker open after three budgets ran out", st)
	}

	// The endpoint is back; the cool-down is not over yet.
	server.answerFromNowOn(serverAnswer{status: 200, body: readAnswer(t, "openai_verbose.json")})
	clock.advance(e.cfg.BreakerCooldown - time.Second)
	if r := sayOne(b); r.Engine != "pocketsphinx" || server.requests() != 3 {
		t.Errorf("during the cool-down: heard by %s, %d requests; want the fallback and no request", r.Engine, server.requests())
	}
	// After it, the next utterance is heard by the fallback and probes the
	// endpoint in the background.
	clock.advance(time.Second)
	if r := sayOne(a); r.Engine != "pocketsphinx" {
		t.Errorf("the probing utterance was heard by %s; want the fallback, at once", r.Engine)
	}
	e.probes.Wait()
	if st := e.Endpoint(); st.Breaker != transcribe.BreakerClosed || st.Failures != 0 || st.LastError != "" || server.requests() != 4 {
		t.Errorf("after the probe: %+v, %d requests; want the breaker closed by the one probe", st, server.requests())
	}
	if r := sayOne(b); r.Engine != "openai" || server.requests() != 5 {
		t.Errorf("after recovery: heard by %s, %d requests; want the endpoint", r.Engine, server.requests())
	}
}

// A probe that fails opens the breaker again for another cool-down.
func TestOpenAIBreakerProbeFails(t *testing.T) {
	server := newTranscriptionServer(t, serverAnswer{status: 500, body: openAIError500})
	e := testOpenAI(t, Config{BaseURL: server.URL(), MaxRetries: -1, BreakerFailures: 2,
		Fallback: fixedEngine{name: "pocketsphinx", words: fallbackWords}})
	clock := withFakeClock(e)
	s := openStream(t, e)
	tk := newTalker()
	for range 3 {
		say(s, tk)
	}
	if n := server.requests(); n != 2 || e.Endpoint().Breaker != transcribe.BreakerOpen {
		t.Fatalf("%d requests, breaker %s; want it open after 2", n, e.Endpoint().Breaker)
	}
	clock.advance(e.cfg.BreakerCooldown)
	say(s, tk)
	e.probes.Wait()
	if st := e.Endpoint(); st.Breaker != transcribe.BreakerOpen || st.Opened != 2 || server.requests() != 3 {
		t.Errorf("after a failed probe: %+v, %d requests; want the breaker open again", st, server.requests())
	}
	say(s, tk)
	if n := server.requests(); n != 3 {
		t.Errorf("%d requests; want none in the new cool-down", n)
	}
}

// Without a fallback, an open breaker fails utterances at once and keeps
// their audio; after the cool-down the next one to end probes the
// endpoint itself, and its answer lets every utterance kept be sent.
func TestOpenAIBreakerWithoutFallback(t *testing.T) {
	server := newTranscriptionServer(t, serverAnswer{status: 500, body: openAIError500})
	e := testOpenAI(t, Config{BaseURL: server.URL(), MaxRetries: -1, BreakerFailures: 2})
	clock := withFakeClock(e)
	s := openStream(t, e)
	tk := newTalker()
	for i := range 3 {
		results, err := say(s, tk)
		if len(results) != 0 || err == nil {
			t.Fatalf("utterance %d: results %+v, error %v; want an error", i, results, err)
		}
		if i == 2 && (!errors.Is(err, errBreakerOpen) || !strings.Contains(err.Error(), "2 utterances in a row")) {
			t.Errorf("with the breaker open: %v; want it to say the endpoint is not asked", err)
		}
	}
	// The first utterance failed, then failed again when the second
	// ended; the third was not sent.
	if n := server.requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	server.answerFromNowOn(serverAnswer{status: 200, body: readAnswer(t, "openai_verbose.json")})
	clock.advance(e.cfg.BreakerCooldown)
	results, err := say(s, tk)
	if err != nil || len(results) != 4 {
		t.Fatalf("after the cool-down: %d results, %v; want the 4 utterances", len(results), err)
	}
	for i, r := range results {
		if r.Engine != "openai" || (i > 0 && r.Start < results[i-1].End) {
			t.Errorf("result %d: %s at %.2f-%.2f", i, r.Engine, r.Start, r.End)
		}
	}
	if st := e.Endpoint(); st.Breaker != transcribe.BreakerClosed || server.requests() != 6 {
		t.Errorf("%+v after %d requests; want the breaker closed", st, server.requests())
	}
}

// The budget covers the retries and the waits between them: an endpoint
// that answers 500 and asks for a wait longer than the budget left is not
// asked again, and the fallback hears the utterance.
func TestOpenAIBudgetCoversRetries(t *testing.T) {
	server := newTranscriptionServer(t, serverAnswer{status: 500, retryAfter: "3", body: openAIError500})
	e := testOpenAI(t, Config{BaseURL: server.URL(), Budget: 10 * time.Millisecond,
		Fallback: fixedEngine{name: "pocketsphinx", words: fallbackWords}})
	results, err := feed(t, e, oneUtterance())
	if err != nil || len(results) != 1 || results[0].Engine != "pocketsphinx" {
		t.Fatalf("results %+v, %v; want the fallback's", results, err)
	}
	if n, st := server.requests(), e.Endpoint(); n != 1 || st.BudgetTimeouts != 1 || !strings.Contains(st.LastError, "no time left to try again") {
		t.Errorf("%d requests, %+v; want one, and the budget counted as run out", n, st)
	}
}
