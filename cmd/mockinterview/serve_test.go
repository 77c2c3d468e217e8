package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	args := append([]string{"mockinterview", "serve", "--addr", addr, "--data", data, "--pool-size", "2"}, flags...)
	getenv := func(string) string { return "" }
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
	for _, want := range []string{"begin: session ", "question (Deliver Results): ", "final [", "star: ", "pacing: ", "probe 1 (", "report: ", "metadata: "} {
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
}
