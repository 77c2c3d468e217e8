package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/openai"
)

// transcriptionEndpoint stands in for an OpenAI-compatible transcription
// endpoint, which cannot run here. It takes the real upload (a multipart
// form with a WAV file) and answers as answer says; a hung one answers
// nothing until the test ends, whatever the client does.
type transcriptionEndpoint struct {
	*httptest.Server
	t        *testing.T
	answer   func(seconds float64) string // a verbose_json body for an upload of that length
	hang     bool
	released chan struct{}

	mu       sync.Mutex
	requests int
}

func newTranscriptionEndpoint(t *testing.T, hang bool, answer func(seconds float64) string) *transcriptionEndpoint {
	e := &transcriptionEndpoint{t: t, answer: answer, hang: hang, released: make(chan struct{})}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.Close)
	t.Cleanup(func() { close(e.released) }) // before Close, which waits for the handlers
	return e
}

func (e *transcriptionEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
		e.t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		e.t.Errorf("not a multipart upload: %v", err)
		return
	}
	f, header, err := r.FormFile("file")
	if err != nil {
		e.t.Errorf("no file: %v", err)
		return
	}
	defer f.Close()
	samples, _, err := transcribe.DecodeWAV(f, header.Filename)
	if err != nil || r.FormValue("response_format") != "verbose_json" {
		e.t.Errorf("upload %s as %s: %v", header.Filename, r.FormValue("response_format"), err)
	}
	e.mu.Lock()
	e.requests++
	e.mu.Unlock()
	if e.hang {
		<-e.released
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, e.answer(float64(len(samples))/transcribe.SampleRate))
}

func (e *transcriptionEndpoint) asked() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests
}

// startServerEngine runs the whole service on a loopback port, as
// startServer does, with engine instead of the shared PocketSphinx.
func startServerEngine(t *testing.T, cfg Config, engine transcribe.Engine) *testServer {
	t.Helper()
	return startServerWith(t, cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel), engine)
}

func openAIEngine(t *testing.T, cfg openai.Config) *openai.Engine {
	t.Helper()
	e, err := openai.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// wordsInOrder reports the first word whose time is not finite, ends
// before it starts, lies outside 0..limit or comes before the word
// before it.
func wordsInOrder(starts, ends []float64, limit float64) error {
	for i := range starts {
		s, e := starts[i], ends[i]
		switch {
		case math.IsNaN(s) || math.IsNaN(e) || math.IsInf(s, 0) || math.IsInf(e, 0):
			return fmt.Errorf("word %d at %v-%v is not finite", i, s, e)
		case s > e:
			return fmt.Errorf("word %d ends at %.3f, before it starts at %.3f", i, e, s)
		case s < 0 || e > limit:
			return fmt.Errorf("word %d at %.3f-%.3f lies outside the %.3f s of audio", i, s, e, limit)
		case i > 0 && (s < starts[i-1] || e < ends[i-1]):
			return fmt.Errorf("word %d at %.3f-%.3f comes before word %d at %.3f-%.3f", i, s, e, i-1, starts[i-1], ends[i-1])
		}
	}
	return nil
}

// An endpoint that answers with word times that are absurd (start 5.0 end
// 4.0, negative, out of order, 1e308): none of it reaches the live
// results, the stored words or the subtitles, which keep the words in
// order inside the audio; the repairs are counted.
func TestBrokenWordTimesNeverReachTheSession(t *testing.T) {
	endpoint := newTranscriptionEndpoint(t, false, func(seconds float64) string {
		return fmt.Sprintf(`{"task":"transcribe","language":"english","duration":%.2f,"text":"We shipped it, honestly, on time.",`+
			`"words":[{"word":"We","start":5.0,"end":4.0},{"word":"shipped","start":-2.0,"end":-1.5},`+
			`{"word":"it","start":%.2f,"end":%.2f},{"word":"honestly","start":0.1,"end":0.3},`+
			`{"word":"on","start":1e308,"end":1e308},{"word":"time","start":0.2,"end":1e308}]}`, seconds, seconds/2, seconds/2+0.1)
	})
	engine := openAIEngine(t, openai.Config{BaseURL: endpoint.URL + "/v1", APIKey: "sk-test", Backoff: time.Millisecond})
	ts := startServerEngine(t, Config{}, engine)
	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "practice"}, speech(t, mainAnswer[:3]...))

	finals := res.Finals()
	if len(finals) < 2 {
		t.Fatalf("%d final results, want one per sentence or more", len(finals))
	}
	var starts, ends []float64
	for _, f := range finals {
		for _, w := range f.Channel.Alternatives[0].Words {
			starts, ends = append(starts, w.Start), append(ends, w.End)
		}
		if f.Start < 0 || f.Duration < 0 || f.Start+f.Duration > res.Sent {
			t.Errorf("final result at %.3f for %.3f s, outside the %.3f s sent", f.Start, f.Duration, res.Sent)
		}
	}
	if len(starts) != 6*len(finals) {
		t.Errorf("%d words in %d results; want all six of each answer kept", len(starts), len(finals))
	}
	if err := wordsInOrder(starts, ends, res.Sent); err != nil {
		t.Errorf("live Results: %v", err)
	}

	_, body, _ := get(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", ts.url, res.SessionID, res.Secret), nil)
	var d store.SessionDetail
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	starts, ends = starts[:0], ends[:0]
	for _, w := range d.Words {
		starts, ends = append(starts, w.Start), append(ends, w.End)
	}
	if err := wordsInOrder(starts, ends, res.Sent); err != nil || len(d.Words) != 6*len(finals) {
		t.Errorf("stored words (%d): %v", len(d.Words), err)
	}

	_, vtt, _ := get(t, fmt.Sprintf("%s/api/sessions/%s/export.vtt?secret=%s", ts.url, res.SessionID, res.Secret), nil)
	cues, err := parseWebVTT(string(vtt))
	if err != nil || len(cues) < len(finals) {
		t.Fatalf("subtitles (%d cues): %v\n%s", len(cues), err, vtt)
	}
	for i, c := range cues {
		if c.end > res.Sent+0.001 || (i > 0 && c.start < cues[i-1].end) {
			t.Errorf("cue %d at %.3f-%.3f overlaps the one before or runs past the audio", i, c.start, c.end)
		}
	}
	if got := scrape(t, ts)["mockinterview_word_times_repaired_total"]; got != float64(len(finals)) {
		t.Errorf("mockinterview_word_times_repaired_total = %v, want %d: every result was repaired", got, len(finals))
	}
}

// A hung endpoint: the first utterance waits out its budget, the breaker
// opens (after one failure here), and the fallback hears every utterance
// of that session and of the next without the endpoint being asked again.
// Each session is told once; /readyz and /metrics show the open breaker.
func TestHungEndpointFallsBackOnce(t *testing.T) {
	fallback, _, _ := deps(t)
	endpoint := newTranscriptionEndpoint(t, true, nil)
	engine := openAIEngine(t, openai.Config{BaseURL: endpoint.URL + "/v1", APIKey: "sk-test",
		Budget: 50 * time.Millisecond, BreakerFailures: 1, BreakerCooldown: time.Hour, Fallback: fallback})
	ts := startServerEngine(t, Config{}, engine)
	if status, body, _ := get(t, ts.url+"/readyz", nil); status != http.StatusOK || !strings.Contains(string(body), "breaker closed") {
		t.Errorf("readyz before: %d %s", status, body)
	}

	for i, answer := range [][]string{mainAnswer[:3], mainAnswer[3:]} {
		res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "practice"}, speech(t, answer...))
		warned, firstWarning, firstFinal := 0, -1, -1
		for j, ev := range res.Events {
			var m protocol.WarningMessage
			if ev.Type == protocol.TypeWarning && ev.Decode(&m) == nil && m.Code == protocol.CodeFallback {
				warned++
				if firstWarning < 0 {
					firstWarning = j
				}
				if !strings.Contains(m.Message, "embedded recognizer (pocketsphinx)") {
					t.Errorf("the warning says %q", m.Message)
				}
			}
			if ev.Type == protocol.TypeResults && firstFinal < 0 && strings.Contains(string(ev.Raw), `"is_final":true`) {
				firstFinal = j
			}
		}
		finals := res.Finals()
		if warned != 1 || firstWarning > firstFinal || len(finals) < 2 {
			t.Errorf("session %d: %d fallback warnings (the first at message %d, the first final at %d) for %d final results; want one, before the words",
				i, warned, firstWarning, firstFinal, len(finals))
		}
		for _, f := range finals {
			if f.Engine != "pocketsphinx" || !f.Fallback {
				t.Errorf("session %d: a final result heard by %s, fallback %v", i, f.Engine, f.Fallback)
			}
		}
		if !strings.Contains(heard(res), "year") && !strings.Contains(heard(res), "percent") {
			t.Errorf("session %d: the fallback heard %q", i, heard(res))
		}
		if n := endpoint.asked(); n != 1 {
			t.Errorf("after session %d the endpoint was asked %d times, want once: the breaker opened after the first utterance", i, n)
		}
	}

	status, body, _ := get(t, ts.url+"/readyz", nil)
	if status != http.StatusOK || !strings.Contains(string(body), "breaker open since") || !strings.Contains(string(body), "the fallback pocketsphinx hears the utterances") {
		t.Errorf("readyz with the breaker open: %d %s", status, body)
	}
	m := scrape(t, ts)
	label := `{endpoint="` + strings.TrimPrefix(endpoint.URL, "http://") + `"}`
	if m["mockinterview_endpoint_breaker_state"+label] != 2 || m["mockinterview_endpoint_budget_timeouts_total"+label] != 1 ||
		m["mockinterview_endpoint_breaker_opened_total"+label] != 1 || m["mockinterview_fallback_utterances_total"] < 4 {
		t.Errorf("metrics: breaker %v, budget timeouts %v, opened %v, fallback utterances %v",
			m["mockinterview_endpoint_breaker_state"+label], m["mockinterview_endpoint_budget_timeouts_total"+label],
			m["mockinterview_endpoint_breaker_opened_total"+label], m["mockinterview_fallback_utterances_total"])
	}
}

// Without a fallback, an open breaker makes the service not ready.
func TestReadyzWithoutFallback(t *testing.T) {
	endpoint := newTranscriptionEndpoint(t, true, nil)
	engine := openAIEngine(t, openai.Config{BaseURL: endpoint.URL + "/v1", APIKey: "sk-test",
		Budget: 10 * time.Millisecond, BreakerFailures: 1, BreakerCooldown: time.Hour})
	ts := startServerEngine(t, Config{}, engine)
	s, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Accept(context.Background(), speech(t, "We shipped it on time."))
	if _, err := s.Flush(context.Background()); err == nil {
		t.Fatal("a hung endpoint without a fallback gave no error")
	}
	status, body, _ := get(t, ts.url+"/readyz", nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(string(body), "breaker open") || !strings.Contains(string(body), "no fallback") {
		t.Errorf("readyz: %d %s", status, body)
	}
}

// With a pool of two endpoints, /metrics gives each one's figures under
// its host:port: the one that answers with an error is ejected after its
// first failure and the other hears every utterance, its own included.
func TestEndpointPoolMetrics(t *testing.T) {
	good := newTranscriptionEndpoint(t, false, func(seconds float64) string {
		return fmt.Sprintf(`{"task":"transcribe","language":"english","duration":%.2f,"text":"We shipped it.",`+
			`"words":[{"word":"We","start":0.1,"end":0.3},{"word":"shipped","start":0.3,"end":0.7},{"word":"it","start":0.7,"end":0.9}]}`, seconds)
	})
	bad := newTranscriptionEndpoint(t, false, func(float64) string { return `{"error":"failed to read WAV file"}` })
	engine := openAIEngine(t, openai.Config{BaseURLs: []string{bad.URL + "/v1", good.URL + "/v1"}, APIKey: "sk-test-secret",
		Backoff: time.Millisecond, BreakerFailures: 1, BreakerCooldown: time.Hour})
	ts := startServerEngine(t, Config{}, engine)
	s, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	results, err := s.Accept(context.Background(), speech(t, mainAnswer[:3]...))
	rest, flushErr := s.Flush(context.Background())
	if results = append(results, rest...); err != nil || flushErr != nil || len(results) < 2 {
		t.Fatalf("%d results, %v, %v; want one per sentence from the good endpoint", len(results), err, flushErr)
	}

	m := scrape(t, ts)
	metric := func(name string, ep *transcriptionEndpoint) float64 {
		t.Helper()
		key := name + `{endpoint="` + strings.TrimPrefix(ep.URL, "http://") + `"}`
		v, ok := m[key]
		if !ok {
			t.Errorf("/metrics has no %s", key)
		}
		return v
	}
	tests := []struct {
		name      string
		good, bad float64
	}{
		{"mockinterview_endpoint_breaker_state", 0, 2},
		{"mockinterview_endpoint_breaker_opened_total", 0, 1},
		{"mockinterview_endpoint_requests_total", float64(len(results)), 1},
		{"mockinterview_endpoint_errors_total", 0, 1},
		{"mockinterview_endpoint_in_flight", 0, 0},
		{"mockinterview_endpoint_request_duration_seconds_count", float64(len(results)), 1},
	}
	for _, tt := range tests {
		if g, b := metric(tt.name, good), metric(tt.name, bad); g != tt.good || b != tt.bad {
			t.Errorf("%s: %v for the good endpoint and %v for the bad; want %v and %v", tt.name, g, b, tt.good, tt.bad)
		}
	}
	if n := good.asked(); n != len(results) || bad.asked() != 1 {
		t.Errorf("the good endpoint was asked %d times, the bad %d; want %d and 1", n, bad.asked(), len(results))
	}
	for key := range m {
		if strings.Contains(key, "sk-test") {
			t.Errorf("a metric holds the API key: %s", key)
		}
	}
}
