package cluster

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// BenchmarkClusterLoad is the load figure of docs/BENCHMARKS.md ("Two
// replicas behind nginx"): `mockinterview loadtest` with the instant
// engine, the same number of sessions first against one replica directly
// and then against nginx in front of both, while a reader asks the other
// replica (b) every 50 ms for a session replica a recorded. Run it once:
//
//	MOCKINTERVIEW_LOAD_SESSIONS=200 MOCKINTERVIEW_LOAD_DURATION=30s \
//	    go test ./e2e/cluster -run '^$' -bench ClusterLoad -benchtime 1x -timeout 20m -v
//
// It reports the p95 final-result latency and the p95 read of each run.
func BenchmarkClusterLoad(b *testing.B) {
	sessions := 200
	if v, err := strconv.Atoi(os.Getenv("MOCKINTERVIEW_LOAD_SESSIONS")); err == nil && v > 0 {
		sessions = v
	}
	duration := 30 * time.Second
	if v, err := time.ParseDuration(os.Getenv("MOCKINTERVIEW_LOAD_DURATION")); err == nil && v > 0 {
		duration = v
	}
	answer, wav := storyWAV(b)
	bin := buildBinary(b)
	c := startCluster(b, bin, "--max-sessions", strconv.Itoa(sessions+50))
	seed := seedSession(b, c.a, answer)

	for range b.N {
		for _, run := range []struct{ name, url string }{
			{"one", "ws://" + c.a.addr + "/v1/listen"},
			{"two", c.listenURL()},
		} {
			cpuBefore := metric(b, c.a, "process_cpu_seconds_total") + metric(b, c.b, "process_cpu_seconds_total")
			startedA, startedB := metric(b, c.a, "mockinterview_sessions_started_total"), metric(b, c.b, "mockinterview_sessions_started_total")
			reads := readEvery(b, c.b.url("/api/sessions/"+seed.SessionID), seed.Secret, 50*time.Millisecond)
			r := loadtest(b, bin, run.url, sessions, duration, wav)
			read := reads()
			cpu := metric(b, c.a, "process_cpu_seconds_total") + metric(b, c.b, "process_cpu_seconds_total") - cpuBefore
			startedA, startedB = metric(b, c.a, "mockinterview_sessions_started_total")-startedA, metric(b, c.b, "mockinterview_sessions_started_total")-startedB
			b.Logf("%s: %d sessions × %s: %d connected, %d completed, %.0f s sent, %.0f s received, %d frames dropped, %d late (worst %.0f ms); "+
				"%d finals, latency median %.0f / p95 %.0f / max %.0f ms; errors %v; sessions on a %.0f, on b %.0f; replicas' CPU %.1f s; "+
				"reads through b: %d, median %.1f / p95 %.1f / max %.1f ms, %d failed",
				run.name, sessions, duration, r.Connected, r.Completed, r.AudioSent, r.AudioReceived, r.Dropped, r.Late, r.WorstLate,
				r.Finals, r.FinalLatency.Median, r.FinalLatency.P95, r.FinalLatency.Max, r.Errors, startedA, startedB, cpu,
				read.count, read.median, read.p95, read.max, read.failed)
			b.ReportMetric(r.FinalLatency.P95, run.name+"-p95-final-ms")
			b.ReportMetric(read.p95, run.name+"-p95-read-ms")
		}
	}
}

// storyWAV is the five sentences of story, spoken, and a WAV file of them
// for loadtest to play.
func storyWAV(b *testing.B) ([]int16, string) {
	answer := speech(b, story...)
	wav := filepath.Join(b.TempDir(), "answer.wav")
	if err := os.WriteFile(wav, transcribe.EncodeWAV(answer), 0o644); err != nil {
		b.Fatal(err)
	}
	return answer, wav
}

// seedSession streams the first 5 s of answer to replica r as one whole
// session: the session a reader then asks the other replica for.
func seedSession(b *testing.B, r *replica, answer []int16) *protocol.StreamResult {
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	seed, err := protocol.Stream(ctx, protocol.StreamConfig{URL: "ws://" + r.addr + "/v1/listen", Start: protocol.ClientMessage{Mode: "practice"}},
		[][]int16{answer[:5*transcribe.SampleRate]}, nil)
	if err != nil || seed.Report == nil {
		b.Fatalf("the session to read, on replica %s: %v", r.name, err)
	}
	return seed
}

// loadReport is the part of `loadtest --json` the benchmark reads.
type loadReport struct {
	Connected     int     `json:"connected"`
	Completed     int     `json:"completed"`
	AudioSent     float64 `json:"audio_sent"`
	AudioReceived float64 `json:"audio_received"`
	Dropped       int     `json:"dropped_frames"`
	Late          int     `json:"late_frames"`
	WorstLate     float64 `json:"worst_late_ms"`
	Finals        int     `json:"finals"`
	FinalLatency  struct {
		Median float64 `json:"median"`
		P95    float64 `json:"p95"`
		Max    float64 `json:"max"`
	} `json:"final_latency_ms"`
	Errors map[string]int `json:"errors"`
	// ClientCPU is the CPU seconds the loadtest process itself spent.
	ClientCPU float64 `json:"-"`
}

// loadtest runs the binary's loadtest against url.
func loadtest(b *testing.B, bin, url string, sessions int, duration time.Duration, wav string) loadReport {
	b.Helper()
	cmd := exec.Command(bin, "loadtest", "--json", "--sessions", strconv.Itoa(sessions), "--duration", duration.String(), "--url", url, wav)
	out, err := cmd.Output()
	var r loadReport
	if err != nil || json.Unmarshal(out, &r) != nil {
		b.Fatalf("loadtest --url %s: %v\n%s", url, err, out)
	}
	r.ClientCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	return r
}

// readStats summarizes the reads of one run, in milliseconds.
type readStats struct {
	count, failed    int
	median, p95, max float64
}

// readEvery GETs url with the secret every period until the returned
// function is called, which returns the reads' latencies.
func readEvery(b *testing.B, url, secret string, period time.Duration) func() readStats {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var ms []float64
	failed := 0
	wg.Go(func() {
		client := http.Client{Timeout: 10 * time.Second}
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
			req.Header.Set("X-Session-Secret", secret)
			began := time.Now()
			resp, err := client.Do(req)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if err != nil || resp.StatusCode != http.StatusOK {
				failed++
				continue
			}
			ms = append(ms, float64(time.Since(began).Microseconds())/1000)
		}
	})
	return func() readStats {
		close(done)
		wg.Wait()
		s := readStats{count: len(ms), failed: failed}
		if len(ms) > 0 {
			slices.Sort(ms)
			rank := func(q float64) float64 { return ms[max(0, int(math.Ceil(q*float64(len(ms))))-1)] }
			s.median, s.p95, s.max = rank(0.5), rank(0.95), ms[len(ms)-1]
		}
		return s
	}
}
