package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/rs/zerolog"
)

// lockedBuffer collects log lines written from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// scrape reads /metrics into a map from "name{labels}" to value.
func scrape(t *testing.T, ts *testServer) map[string]float64 {
	t.Helper()
	status, body, _ := get(t, ts.url+"/metrics", nil)
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d", status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// TestObservability streams a session to a server logging at info level:
// its log lines carry the session id and none of the words spoken, and the
// metrics count what happened.
func TestObservability(t *testing.T) {
	logs := &lockedBuffer{}
	ts := startServerLogging(t, Config{}, zerolog.New(logs).Level(zerolog.InfoLevel))
	m := scrape(t, ts)
	for _, name := range []string{"mockinterview_sessions_active", "mockinterview_connections_active", "mockinterview_audio_received_seconds_total",
		"mockinterview_final_result_latency_seconds_count", `mockinterview_errors_total{code="bad_audio"}`,
		`mockinterview_dropped_frames_total{reason="bad_audio"}`, "mockinterview_engine_busy_seconds_total", "mockinterview_word_times_repaired_total"} {
		if v, ok := m[name]; !ok || v != 0 {
			t.Errorf("%s = %v, %v before any session; want 0", name, v, ok)
		}
	}
	if m["process_resident_memory_bytes"] < 1<<20 {
		t.Errorf("process_resident_memory_bytes = %v", m["process_resident_memory_bytes"])
	}

	// While a session is live, it is counted; its mistakes are too.
	c := dialWS(t, ts.listenURL()+"?"+protocol.ListenQuery().Encode(), nil, nil)
	c.start(protocol.ClientMessage{Mode: "practice"})
	c.binary(make([]byte, 3))
	c.expectError(protocol.CodeBadAudio, "16-bit PCM: odd length of 3 bytes; send whole 2-byte samples; the frame was dropped")
	m = scrape(t, ts)
	if m["mockinterview_sessions_active"] != 1 || m["mockinterview_connections_active"] != 1 ||
		m[`mockinterview_errors_total{code="bad_audio"}`] != 1 || m[`mockinterview_dropped_frames_total{reason="bad_audio"}`] != 1 {
		t.Errorf("during a session: %v active, %v connected, %v bad_audio errors, %v dropped",
			m["mockinterview_sessions_active"], m["mockinterview_connections_active"],
			m[`mockinterview_errors_total{code="bad_audio"}`], m[`mockinterview_dropped_frames_total{reason="bad_audio"}`])
	}
	c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	c.expectClose(protocol.CloseNormal, "CloseStream", protocol.TypeReport, protocol.TypeMetadata)

	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "practice"}, speech(t, mainAnswer...))
	m = scrape(t, ts)
	if got := m["mockinterview_audio_received_seconds_total"]; got < res.Sent-0.01 || got > res.Sent+0.11 {
		t.Errorf("audio received %.2f s; %.2f s were sent", got, res.Sent)
	}
	if m["mockinterview_sessions_active"] != 0 || m["mockinterview_sessions_started_total"] != 2 ||
		m["mockinterview_final_result_latency_seconds_count"] != float64(len(res.Finals())) ||
		m["mockinterview_session_realtime_factor_count"] != 1 || m["mockinterview_engine_busy_seconds_total"] <= 0 ||
		m[`mockinterview_sessions_ended_total{reason="closed"}`] != 2 ||
		m["mockinterview_word_times_repaired_total"] != 0 {
		t.Errorf("after the sessions: %v", m)
	}
	if _, ok := m["mockinterview_endpoint_breaker_state"]; ok {
		t.Error("the embedded engine has no endpoint, yet its breaker is in the metrics")
	}

	// The logs.
	spoken := regexp.MustCompile(`\b(checkout|holiday|payment|rewrote|alerts|forty|percent|owned|learned|measure)\b`)
	said := map[string]bool{}
	for _, w := range spoken.FindAllString(heard(res), -1) {
		said[w] = true
	}
	if len(said) < 3 {
		t.Fatalf("heard too few of the test's words to check the logs: %s", heard(res))
	}
	text := strings.ToLower(logs.String())
	for w := range said {
		if strings.Contains(text, w) {
			t.Errorf("the spoken word %q is in the info logs", w)
		}
	}
	lines := 0
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Errorf("log line %q is not JSON", l)
		}
		if ev["session"] == res.SessionID {
			lines++
		}
	}
	if lines < 3 || strings.Contains(text, res.Secret) {
		t.Errorf("%d log lines name the session (want 3 or more); secret in the logs: %v\n%s", lines, strings.Contains(text, res.Secret), logs)
	}
}

// TestSecurityHeaders checks what every page and answer is sent with.
func TestSecurityHeaders(t *testing.T) {
	ts := startServer(t, Config{})
	host := strings.TrimPrefix(ts.url, "http://")
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
			"img-src 'self' data:; media-src 'self' blob:; connect-src 'self' ws://" + host + " wss://" + host +
			"; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	}
	for _, path := range []string{"/", "/index.html", "/api/questions", "/api/sessions/" + strings.Repeat("0", 32), "/healthz", "/nope.js"} {
		_, _, h := get(t, ts.url+path, nil)
		for k, v := range want {
			if h.Get(k) != v {
				t.Errorf("GET %s: %s: %q\nwant %q", path, k, h.Get(k), v)
			}
		}
	}
}

// TestSessionIDs checks that session ids and secrets are 128 random bits.
func TestSessionIDs(t *testing.T) {
	ts := startServer(t, Config{})
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 5 {
		c := dialWS(t, ts.listenURL()+"?"+protocol.ListenQuery().Encode(), nil, nil)
		begin := c.start(protocol.ClientMessage{Mode: "practice"})
		c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
		c.expectClose(protocol.CloseNormal, "CloseStream", protocol.TypeReport, protocol.TypeMetadata)
		for _, v := range []string{begin["session_id"].(string), begin["secret"].(string)} {
			if !hex32.MatchString(v) || seen[v] || !store.ValidSessionID(v) {
				t.Errorf("id or secret %q: not 32 hex digits, or seen before", v)
			}
			seen[v] = true
		}
	}
}
