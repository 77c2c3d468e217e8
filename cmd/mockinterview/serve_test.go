package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// syncBuffer is a buffer that the server's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serving is `mockinterview serve` running inside the test.
type serving struct {
	url    string // http://127.0.0.1:port
	stop   func() // like SIGTERM: returns once run has returned
	stderr *syncBuffer
}

// startServe runs `mockinterview serve` through run on a free loopback
// port and waits for /healthz.
func startServe(t *testing.T, data string, flags ...string) *serving {
	t.Helper()
	return startServeEnv(t, nil, data, flags...)
}

// startServeEnv is startServe with environment variables.
func startServeEnv(t *testing.T, environ map[string]string, data string, flags ...string) *serving {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	args := append([]string{"mockinterview", "serve", "--addr", addr, "--data", data, "--pool-size", "2"}, flags...)
	getenv := func(name string) string { return environ[name] }
	ran := make(chan error, 1)
	go func() { ran <- run(ctx, args, getenv, strings.NewReader(""), stdout, stderr) }()
	s := &serving{url: "http://" + addr, stderr: stderr}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-ran; err != nil {
				t.Errorf("serve: %v\n%s", err, stderr)
			}
		})
	}
	t.Cleanup(s.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-ran:
			t.Fatalf("serve stopped at start: %v\n%s", err, stderr)
		default:
		}
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer /healthz\n%s", stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(stdout.String(), "serving "+s.url) {
		t.Errorf("serve printed %q; want the address", stdout.String())
	}
	return s
}

func (s *serving) listenURL() string { return "ws" + strings.TrimPrefix(s.url, "http") + "/v1/listen" }

// spokenWAV synthesizes sentences with pauses between them into a WAV file.
func spokenWAV(t *testing.T, sentences ...string) string {
	t.Helper()
	var samples []int16
	for _, s := range sentences {
		got, _, err := transcribe.ReadWAV(synthesize(t, s))
		if err != nil {
			t.Fatal(err)
		}
		samples = append(append(samples, got...), make([]int16, transcribe.SampleRate*7/10)...)
	}
	path := filepath.Join(t.TempDir(), "answer.wav")
	if err := os.WriteFile(path, transcribe.EncodeWAV(samples), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var sessionLine = regexp.MustCompile(`(?m)^session ([0-9a-f]{32}) secret ([0-9a-f]{32})$`)

// TestServeAndStream runs the service and the streaming client as a
// person would, then restarts the service on the same data folder.
func TestServeAndStream(t *testing.T) {
	needSpeech(t)
	data := t.TempDir()
	srv := startServe(t, data, "--max-probes", "1")
	answer := spokenWAV(t,
		"Last year our checkout service failed during the holiday sale.",
		"I owned the payment path and I had to fix it within one week.",
		"I rewrote the retry logic and I added alerts on the error rate.",
		"As a result the errors dropped by forty percent.")
	reply := spokenWAV(t, "I measured the error rate every hour and it fell from five percent to three percent.")

	out, _, err := runCLI(t, "stream", "--url", srv.listenURL(), "--speed", "0", "--question", "deliver-results-biggest-impact", answer, reply)
	if err != nil {
		t.Fatalf("stream: %v\n%s", err, out)
	}
	for _, want := range []string{"begin: session ", "question (Deliver Results): ", "final [", "star: ", "star, whole answer: ", "pacing: ", "probe 1 (", "report: ", "metadata: "} {
		if !strings.Contains(out, want) {
			t.Errorf("stream output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "percent") {
		t.Errorf("the transcript lacks \"percent\":\n%s", out)
	}
	m := sessionLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no session line in:\n%s", out)
	}
	id, secret := m[1], m[2]

	// --json prints the protocol itself.
	out, _, err = runCLI(t, "stream", "--url", srv.listenURL(), "--speed", "0", "--json", "--mode", "practice", reply)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("--json line %q is not JSON", l)
		}
	}
	if !strings.Contains(lines[0], `"type":"Begin"`) || !strings.Contains(lines[len(lines)-1], `"type":"Metadata"`) {
		t.Errorf("--json from %s to %s; want Begin to Metadata", lines[0], lines[len(lines)-1])
	}

	if status, body := httpGet(t, srv.url+"/v1/listen?encoding=linear16&sample_rate=22050&channels=1"); status != http.StatusBadRequest || !strings.Contains(body, "16000") {
		t.Errorf("wrong sample rate: %d %q", status, body)
	}
	srv.stop()

	// Logs: JSON, one event a line, the session id on the session's
	// lines, and no transcript at info level.
	logs := srv.stderr.String()
	sessionLines := 0
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Errorf("log line %q is not JSON", l)
			continue
		}
		if ev["session"] == id {
			sessionLines++
		}
	}
	if sessionLines < 3 || strings.Contains(logs, "percent") || strings.Contains(logs, secret) {
		t.Errorf("%d log lines with the session; transcript or secret in the logs:\n%s", sessionLines, logs)
	}

	// A new process on the same folder still has the session.
	srv = startServe(t, data)
	status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", srv.url, id, secret))
	if status != http.StatusOK {
		t.Fatalf("after restart: %d %s", status, body)
	}
	var got struct {
		State   string `json:"state"`
		Answers []struct {
			Audio string `json:"audio"`
		} `json:"answers"`
		Report *struct {
			Probes []json.RawMessage `json:"probes"`
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.State != "done" || len(got.Answers) != 2 || got.Report == nil || len(got.Report.Probes) != 1 {
		t.Errorf("after restart: %s", body)
	}
	if status, body := httpGet(t, srv.url+got.Answers[0].Audio+"?secret="+secret); status != http.StatusOK || !strings.HasPrefix(body, "RIFF") {
		t.Errorf("recording after restart: %d", status)
	}
	if status, _ := httpGet(t, fmt.Sprintf("%s/api/sessions/%s", srv.url, id)); status != http.StatusNotFound {
		t.Errorf("without the secret: %d; want 404", status)
	}
	if status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s/export.vtt?secret=%s", srv.url, id, secret)); status != http.StatusOK || !strings.HasPrefix(body, "WEBVTT\n") {
		t.Errorf("export.vtt after restart: %d %q", status, body)
	}
}

// TestServeShutdownReports stops the service (as SIGTERM does) while an
// answer streams in real time: the client still gets the report, then
// close code 1001.
func TestServeShutdownReports(t *testing.T) {
	needSpeech(t)
	srv := startServe(t, t.TempDir())
	answer := spokenWAV(t,
		"Our team missed every release date last spring.",
		"I took over the planning and I cut the scope in half.",
		"We shipped the next three releases on time.")
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"mockinterview", "stream", "--url", srv.listenURL(), "--speed", "2", "--mode", "practice", answer},
			func(string) string { return "" }, strings.NewReader(""), out, io.Discard)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "final [") {
		if time.Now().After(deadline) {
			t.Fatalf("no words heard:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.stop()
	if err := <-done; err != nil {
		t.Fatalf("stream: %v\n%s", err, out)
	}
	for _, want := range []string{"report: ", "metadata: ", "the server shut down (1001)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stream output lacks %q:\n%s", want, out)
		}
	}
}

func TestStreamUsage(t *testing.T) {
	for _, args := range [][]string{
		{"stream"},
		{"stream", "--speed", "-1", "a.wav"},
		{"serve", "extra"},
		{"serve", "--log-level", "loud"},
	} {
		if _, _, err := runCLI(t, args...); exitCode(err) != 2 {
			t.Errorf("%v: %v; want a usage error", args, err)
		}
	}
	if _, _, err := runCLI(t, "stream", "--url", "ws://127.0.0.1:1/v1/listen", filepath.Join(t.TempDir(), "missing.wav")); err == nil {
		t.Error("a missing file streamed")
	}

	// No server at the address: say how to start one.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ws://" + l.Addr().String() + "/v1/listen"
	l.Close()
	wav := filepath.Join(t.TempDir(), "silence.wav")
	os.WriteFile(wav, transcribe.EncodeWAV(make([]int16, 16000)), 0o644)
	if _, _, err := runCLI(t, "stream", "--url", closed, wav); err == nil || !strings.Contains(err.Error(), "mockinterview serve") {
		t.Errorf("streaming to %s with no server: %v; want it to say to start mockinterview serve", closed, err)
	}
}

// TestServeOpenAIFallback points --engine openai at an endpoint that fails
// every request as the OpenAI API does when it is down: each utterance is
// still transcribed, by the embedded engine, the client is told once, the
// results and the report say so, the endpoint is no longer asked once it
// failed three utterances, and every sample of audio is recorded.
func TestServeOpenAIFallback(t *testing.T) {
	needSpeech(t)
	var mu sync.Mutex
	requests := 0
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" || r.Header.Get("Authorization") != "Bearer test-key" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		requests++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After-Ms", "1")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`)
	}))
	defer failing.Close()
	srv := startServe(t, t.TempDir(), "--engine", "openai", "--openai-url", failing.URL+"/v1", "--openai-key", "test-key")
	answer := spokenWAV(t,
		"Our team missed every release date last spring.",
		"I took over the planning and I cut the scope in half.",
		"We shipped the next three releases on time.")
	out, _, err := runCLI(t, "stream", "--url", srv.listenURL(), "--speed", "0", "--json", "--mode", "practice", answer)
	if err != nil {
		t.Fatalf("stream: %v\n%s", err, out)
	}
	var begin protocol.BeginMessage
	var report protocol.ReportMessage
	var meta protocol.MetadataMessage
	var finals []protocol.ResultsMessage
	warnings := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev protocol.ResultsMessage
		json.Unmarshal([]byte(line), &ev)
		switch ev.Type {
		case protocol.TypeWarning:
			var w protocol.WarningMessage
			if json.Unmarshal([]byte(line), &w); w.Code == protocol.CodeFallback {
				warnings++
			}
		case protocol.TypeBegin:
			json.Unmarshal([]byte(line), &begin)
		case protocol.TypeResults:
			if ev.IsFinal {
				finals = append(finals, ev)
			}
		case protocol.TypeReport:
			json.Unmarshal([]byte(line), &report)
		case protocol.TypeMetadata:
			json.Unmarshal([]byte(line), &meta)
		case protocol.TypeError:
			t.Errorf("error: %s", line)
		}
	}
	if begin.Engine != "openai" || len(finals) < 2 {
		t.Fatalf("engine %q, %d final results:\n%s", begin.Engine, len(finals), out)
	}
	text := ""
	for _, f := range finals {
		if f.Engine != "pocketsphinx" || !f.Fallback {
			t.Errorf("final result %q heard by %q, fallback %v; want pocketsphinx, true", f.Channel.Alternatives[0].Transcript, f.Engine, f.Fallback)
		}
		text += f.Channel.Alternatives[0].Transcript + " "
	}
	if !strings.Contains(text, "release") || !strings.Contains(text, "scope") {
		t.Errorf("the fallback heard %q", text)
	}
	if report.Report == nil || len(report.Utterances) != len(finals) {
		t.Fatalf("report with %d utterances for %d final results", len(report.Utterances), len(finals))
	}
	for _, u := range report.Utterances {
		if u.Engine != "pocketsphinx" || !u.Fallback || u.Words == 0 {
			t.Errorf("report utterance %+v; want it marked as the fallback's", u)
		}
	}
	mu.Lock()
	if requests < 4*min(len(finals), 3) || requests > 4*3 {
		t.Errorf("%d requests for %d utterances; want each of the first three tried 4 times (3 retries), then none: the breaker opens", requests, len(finals))
	}
	mu.Unlock()
	if warnings != 1 {
		t.Errorf("%d fallback warnings; want one for the session", warnings)
	}

	// Nothing of the audio was dropped, and the stored session says which
	// engine heard what.
	sent, _, _ := transcribe.ReadWAV(answer)
	status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", srv.url, begin.SessionID, begin.Secret))
	var view struct {
		Answers []struct {
			AudioSeconds float64 `json:"audio_seconds"`
			Audio        string  `json:"audio"`
		} `json:"answers"`
		Utterances []store.UtteranceRecord `json:"utterances"`
	}
	if err := json.Unmarshal([]byte(body), &view); status != http.StatusOK || err != nil || len(view.Answers) != 1 {
		t.Fatalf("GET session: %d %s", status, body)
	}
	_, wav := httpGet(t, srv.url+view.Answers[0].Audio+"?secret="+begin.Secret)
	recorded, _, err := transcribe.DecodeWAV(strings.NewReader(wav), "answer-0.wav")
	if err != nil || len(recorded) != int(meta.Duration*transcribe.SampleRate+0.5) || len(recorded) < len(sent) {
		t.Errorf("recorded %d samples (%v); the server received %.2f s, the file holds %d", len(recorded), err, meta.Duration, len(sent))
	}
	if len(view.Utterances) != len(finals) || !view.Utterances[0].Fallback {
		t.Errorf("stored utterances %+v", view.Utterances)
	}
	if _, md := httpGet(t, fmt.Sprintf("%s/api/sessions/%s/export.md?secret=%s", srv.url, begin.SessionID, begin.Secret)); !strings.Contains(md, "heard by the fallback, pocketsphinx") {
		t.Errorf("the Markdown export does not mention the fallback:\n%s", md)
	}
}

// TestServeLimitFlags checks that the limits reach the server and that
// bad ones are refused with what to do.
func TestServeLimitFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--max-frame", "1"},
		{"serve", "--max-session", "0s"},
		{"serve", "--max-sessions", "0"},
		{"serve", "--connect-rate", "-1"},
		{"serve", "--allowed-origins", "coach.example"},
		{"serve", "--trusted-proxies", "10.0.0.0/33"},
		{"serve", "--trusted-proxies", "nginx"},
		{"serve", "--advertise", "ftp://10.0.0.5:8080"},
		{"serve", "--drain", "40s"},
		{"serve", "--resume-grace", "-1s"},
		{"serve", "--engine", "whisper"},
		{"serve", "--engine", "openai", "--openai-url", "http://127.0.0.1:1/v1", "--openai-budget", "0s"},
		{"serve", "--engine", "openai", "--openai-url", "http://127.0.0.1:1/v1", "--openai-budget", "1h"},
	} {
		if _, _, err := runCLI(t, args...); exitCode(err) != 2 {
			t.Errorf("%v: %v; want a usage error", args, err)
		}
	}
	// Without a fallback, an endpoint that does not answer makes the
	// service not ready.
	down := startServe(t, t.TempDir(), "--engine", "openai", "--fallback=false", "--openai-url", "http://127.0.0.1:1/v1")
	if status, body := httpGet(t, down.url+"/readyz"); status != http.StatusServiceUnavailable || !strings.HasPrefix(body, "engine openai: http://127.0.0.1:1/v1 does not answer") {
		t.Errorf("readyz with the endpoint down: %d %q", status, body)
	}
	srv := startServe(t, t.TempDir(), "--engine", "instant", "--max-sessions", "1", "--allowed-origins", "https://coach.example",
		"--idle-timeout", "1s", "--max-frame", "1000")
	status, body := httpGet(t, srv.url+"/readyz")
	if status != http.StatusOK || !strings.Contains(body, "engine instant ok") {
		t.Errorf("readyz: %d %q", status, body)
	}
	resp, err := http.Get(srv.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("the client is served with CSP %q", csp)
	}
	d := protocol.Dialer{Header: http.Header{"Origin": {"https://coach.example"}}}
	conn, err := d.Dial(context.Background(), srv.listenURL())
	if err != nil {
		t.Fatalf("allowed origin: %v", err)
	}
	defer conn.Close()
	conn.SendAudio(make([]int16, 501))
	for {
		if _, err = conn.Next(); err != nil {
			break
		}
	}
	if code, _, _ := protocol.Closed(err); code != protocol.CloseTooBig {
		t.Errorf("a 1002-byte frame with --max-frame 1000: %v", err)
	}
}
