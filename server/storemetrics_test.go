package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
)

// failingSessions answers Ping with err; it is the one method called.
type failingSessions struct {
	store.Sessions
	err error
}

func (s failingSessions) Ping(context.Context) error { return s.err }

// failingRecordings creates recordings whose writes fail with err, or
// fails to create them with createErr.
type failingRecordings struct {
	store.Recordings
	err, createErr error
}

func (r failingRecordings) Create(context.Context, string, string) (store.Recording, error) {
	if r.createErr != nil {
		return nil, r.createErr
	}
	return failingRecording{r.err}, nil
}

type failingRecording struct{ err error }

func (r failingRecording) Write([]int16) error  { return r.err }
func (r failingRecording) Truncate(int64) error { return r.err }
func (r failingRecording) Close() error         { return r.err }

// storeFigures reads a store operation's call count and failures from
// the registry.
func storeFigures(t *testing.T, reg *prometheus.Registry, storeName, op string) (calls, failures float64) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["store"] != storeName || labels["op"] != op {
				continue
			}
			switch f.GetName() {
			case "mockinterview_store_seconds":
				calls = float64(m.GetHistogram().GetSampleCount())
			case "mockinterview_store_errors_total":
				failures = m.GetCounter().GetValue()
			}
		}
	}
	return calls, failures
}

// TestStoreMetricsCountFailures checks that every call is timed and that
// only failures count as errors: what the store does not hold, refuses or
// has no room for is an answer, and so is a caller that went away.
func TestStoreMetricsCountFailures(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		failures float64
	}{
		{"success", nil, 0},
		{"not found", fmt.Errorf("session abc: %w", store.ErrNotFound), 0},
		{"conflict", store.ErrConflict, 0},
		{"full", store.ErrFull, 0},
		{"caller gone", fmt.Errorf("ping: %w", context.Canceled), 0},
		{"failure", errors.New("database is locked"), 1},
		{"deadline", context.DeadlineExceeded, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			st := newStoreMetrics(reg).measure(store.Store{
				Sessions: failingSessions{err: c.err}, Recordings: failingRecordings{err: c.err}})

			if err := st.Sessions.Ping(t.Context()); err != c.err {
				t.Errorf("Ping returned %v; the store said %v", err, c.err)
			}
			if calls, failures := storeFigures(t, reg, storeDatabase, "ping"); calls != 1 || failures != c.failures {
				t.Errorf("ping: %v calls, %v errors; want 1, %v", calls, failures, c.failures)
			}

			rec, err := st.Recordings.Create(t.Context(), "s", sessionRecording)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if err := rec.Write(make([]int16, 160)); err != c.err {
					t.Errorf("Write returned %v; the recording said %v", err, c.err)
				}
			}
			if calls, failures := storeFigures(t, reg, storeRecordings, "write"); calls != 3 || failures != 3*c.failures {
				t.Errorf("write: %v calls, %v errors; want 3, %v", calls, failures, 3*c.failures)
			}
			if calls, failures := storeFigures(t, reg, storeRecordings, "create"); calls != 1 || failures != 0 {
				t.Errorf("create: %v calls, %v errors; want 1, 0", calls, failures)
			}
		})
	}
}

// TestStoreMetricsCreateFails checks that a recording that could not be
// made comes back as nil, which the session tests for, and is counted.
func TestStoreMetricsCreateFails(t *testing.T) {
	reg := prometheus.NewRegistry()
	st := newStoreMetrics(reg).measure(store.Store{Recordings: failingRecordings{createErr: errors.New("disk full")}})
	rec, err := st.Recordings.Create(t.Context(), "s", sessionRecording)
	if err == nil || rec != nil {
		t.Errorf("Create gave %v, %v; want nil and the error", rec, err)
	}
	if calls, failures := storeFigures(t, reg, storeRecordings, "create"); calls != 1 || failures != 1 {
		t.Errorf("create: %v calls, %v errors; want 1, 1", calls, failures)
	}
}

// TestStoreMetricsSession runs a session through the whole service: the
// store's operations show as 0 before it, its utterances and audio frames
// are timed, and nothing failed.
func TestStoreMetricsSession(t *testing.T) {
	ts := startServer(t, Config{})
	const (
		utterances = `mockinterview_store_seconds_count{op="add_utterance",store="database"}`
		writes     = `mockinterview_store_seconds_count{op="write",store="recordings"}`
	)
	m := scrape(t, ts)
	for _, name := range []string{utterances, writes, `mockinterview_store_errors_total{op="add_utterance",store="database"}`,
		`mockinterview_store_errors_total{op="write",store="recordings"}`} {
		if v, ok := m[name]; !ok || v != 0 {
			t.Errorf("%s = %v, %v before any session; want 0", name, v, ok)
		}
	}

	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "practice"}, speech(t, mainAnswer...))
	m = scrape(t, ts)
	if got, finals := m[utterances], len(res.Finals()); got < float64(finals) || finals == 0 {
		t.Errorf("%s = %v after %d final results", utterances, got, finals)
	}
	// The client sends 100 ms frames.
	if got := m[writes]; got < res.Sent*10*0.9 {
		t.Errorf("%s = %v after %.1f s of audio", writes, got, res.Sent)
	}
	for _, op := range []string{"create_session", "save_report", "end_session"} {
		if name := fmt.Sprintf(`mockinterview_store_seconds_count{op=%q,store="database"}`, op); m[name] == 0 {
			t.Errorf("%s = 0 after a session", name)
		}
	}
	for name, v := range m {
		if strings.HasPrefix(name, "mockinterview_store_errors_total{") && v != 0 {
			t.Errorf("%s = %v", name, v)
		}
	}
}

// BenchmarkStoreMetricsWrite compares a recording's Write, measured, with
// the bare one, for a 100 ms frame: on a recording that keeps nothing (the
// wrapper's own cost) and on a WAV file in a temporary folder, emptied
// every 1000 frames.
func BenchmarkStoreMetricsWrite(b *testing.B) {
	recordings, err := folder.OpenRecordings(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	m := newStoreMetrics(prometheus.NewRegistry())
	frame := make([]int16, 1600)
	for _, c := range []struct {
		name   string
		create func() store.Recording
	}{
		{"discard/bare", func() store.Recording { return failingRecording{} }},
		{"discard/measured", func() store.Recording { return &measuredRecording{failingRecording{}, m} }},
		{"wav/bare", func() store.Recording { return benchRecording(b, recordings, "bare.wav") }},
		{"wav/measured", func() store.Recording { return &measuredRecording{benchRecording(b, recordings, "measured.wav"), m} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			rec := c.create()
			defer rec.Close()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := rec.Write(frame); err != nil {
					b.Fatal(err)
				}
				if i%1000 == 999 { // keep the file at 100 s of audio
					if err := rec.Truncate(0); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func benchRecording(b *testing.B, recordings store.Recordings, name string) store.Recording {
	rec, err := recordings.Create(b.Context(), strings.Repeat("ab", 16), name)
	if err != nil {
		b.Fatal(err)
	}
	return rec
}
