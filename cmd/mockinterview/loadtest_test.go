package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// loadtestJSON runs `mockinterview loadtest --json` and decodes its report.
func loadtestJSON(t *testing.T, args ...string) *loadReport {
	t.Helper()
	out, stderr, err := runCLI(t, append([]string{"loadtest", "--json", "--settle", "300ms"}, args...)...)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s%s", err, out, stderr)
	}
	var r loadReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("loadtest printed %q: %v", out, err)
	}
	return &r
}

// TestLoadtestEmbedded is the short version of the documented load test:
// three real-time streams of speech through the embedded engine.
func TestLoadtestEmbedded(t *testing.T) {
	needSpeech(t)
	srv := startServe(t, t.TempDir(), "--pool-size", "3")
	answer := spokenWAV(t,
		"Our team missed every release date last spring.",
		"I took over the planning and I cut the scope in half.")
	r := loadtestJSON(t, "--sessions", "3", "--duration", "5s", "--url", srv.listenURL(), answer)
	if r.Connected != 3 || r.Completed != 3 || len(r.Errors) != 0 {
		t.Fatalf("%d of 3 connected, %d completed, errors %v", r.Connected, r.Completed, r.Errors)
	}
	if r.Frames != 150 || r.Dropped != 0 || r.AudioReceived != r.AudioSent || r.AudioSent != 15 {
		t.Errorf("%d frames, %.1f s sent, %.1f s received, %d dropped; want 150, 15, 15, 0", r.Frames, r.AudioSent, r.AudioReceived, r.Dropped)
	}
	if r.Finals < 3 || r.FinalLatency.Count == 0 || r.FinalLatency.Max < r.FinalLatency.Median || r.PartialInterval.Count == 0 {
		t.Errorf("%d finals, latency %+v, partial intervals %+v", r.Finals, r.FinalLatency, r.PartialInterval)
	}
	if r.Memory.Baseline <= 0 || r.Memory.Idle <= 0 || r.Memory.Streaming <= 0 || r.ServerCPU <= 0 {
		t.Errorf("memory %+v, CPU %.1f s; want them read from /metrics", r.Memory, r.ServerCPU)
	}
	out, _, err := runCLI(t, "loadtest", "--sessions", "1", "--duration", "1s", "--settle", "0s", "--url", srv.listenURL(), answer)
	for _, want := range []string{"connections: 1 of 1 opened, 1 closed normally", "0 frames dropped", "final results: ", "server memory (resident): "} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("loadtest output lacks %q (%v):\n%s", want, err, out)
		}
	}
}

// TestLoadtestInstant streams 50 connections at once through the test
// engine that answers at once, and checks the per-address limit from the
// load tester's side.
func TestLoadtestInstant(t *testing.T) {
	needSpeech(t)
	answer := spokenWAV(t, "Our team missed every release date last spring.")
	srv := startServe(t, t.TempDir(), "--engine", "instant", "--connect-rate", "0")
	r := loadtestJSON(t, "--sessions", "50", "--duration", "3s", "--url", srv.listenURL(), answer)
	if r.Connected != 50 || r.Completed != 50 || len(r.Errors) != 0 || r.Dropped != 0 || r.Frames != 1500 {
		t.Fatalf("%d of 50 connected, %d completed, %d of %d frames dropped, errors %v", r.Connected, r.Completed, r.Dropped, r.Frames, r.Errors)
	}
	if r.Finals < 50 || r.FinalLatency.Count == 0 || r.Memory.Idle <= 0 {
		t.Errorf("%d finals, latency %+v, memory %+v", r.Finals, r.FinalLatency, r.Memory)
	}

	limited := startServe(t, t.TempDir(), "--engine", "instant", "--connect-burst", "5", "--connect-rate", "0.01")
	r = loadtestJSON(t, "--sessions", "8", "--duration", "500ms", "--url", limited.listenURL(), answer)
	if r.Connected != 5 || r.Errors["connect: 429 Too Many Requests"] != 3 {
		t.Errorf("past the per-address burst: %d connected, errors %v; want 5 and three 429s", r.Connected, r.Errors)
	}
}

// TestScrapeMetric reads a metric with or without labels (serve labels
// every metric with its replica) and not one that only begins the same.
func TestScrapeMetric(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"+
			"process_resident_memory_bytes_total 7\n"+
			"process_resident_memory_bytes{replica=\"host a:8080\"} 5.5e+07\n"+
			"process_cpu_seconds_total 12.5\n")
	}))
	defer srv.Close()
	for name, want := range map[string]float64{"process_resident_memory_bytes": 5.5e7, "process_cpu_seconds_total": 12.5, "process_open_fds": 0} {
		if got := scrapeMetric(t.Context(), srv.URL, name); got != want {
			t.Errorf("%s: %v; want %v", name, got, want)
		}
	}
}
