package storetest

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/mockinterview/mockinterview/store"
)

// Recordings is what the suite checks of a store's recordings.
type Recordings interface {
	store.Recordings
	store.Repairable
}

// RecordingsStore is a store's recordings, fresh and empty.
type RecordingsStore struct {
	Recordings Recordings
	// Crash stops Recordings as a process that dies would, leaving the
	// recordings it was writing unclosed, and returns the recordings as
	// a process started again on the same disk finds them.
	Crash func(t *testing.T) Recordings
}

// Chunk is the length, in samples, of the pieces an implementation that
// keeps a recording in pieces should use for the suite, so that the
// ranges it reads fall on and across their edges.
const Chunk = 1600

// RunRecordings runs every check of recordings as a subtest, each on
// fresh recordings that open makes (and cleans up after, through t).
func RunRecordings(t *testing.T, open func(t *testing.T) RecordingsStore) {
	for _, c := range recordingChecks {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

var recordingChecks = []struct {
	name string
	run  func(t *testing.T, s RecordingsStore)
}{
	{"write-close-read", checkWriteRead},
	{"ranges", checkRanges},
	{"partial-last-chunk", checkLastChunk},
	{"empty", checkEmptyRecording},
	{"read-while-writing", checkReadWhileWriting},
	{"truncate", checkTruncate},
	{"create-again", checkCreateAgain},
	{"list", checkListRecordings},
	{"delete", checkDeleteRecordings},
	{"not-found", checkRecordingNotFound},
	{"crash", checkCrash},
}

// ramp is n samples counting up from from, wrapping past 32767.
func ramp(from, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(from + i)
	}
	return out
}

// record writes samples to a new recording in frames of frame samples
// and closes it.
func record(t *testing.T, r store.Recordings, sessionID, name string, samples []int16, frame int) {
	t.Helper()
	rec, err := r.Create(t.Context(), sessionID, name)
	must(t, err)
	for len(samples) > 0 {
		n := min(frame, len(samples))
		must(t, rec.Write(samples[:n]))
		samples = samples[n:]
	}
	must(t, rec.Close())
}

// readAll reads a whole recording.
func readAll(t *testing.T, r store.Recordings, sessionID, name string) []int16 {
	t.Helper()
	got, err := r.Read(t.Context(), sessionID, name, 0, math.MaxInt64)
	must(t, err)
	return got
}

// checkWriteRead: frames of odd sizes, across chunk edges, read back
// whole.
func checkWriteRead(t *testing.T, s RecordingsStore) {
	all := ramp(0, 3*Chunk+123)
	record(t, s.Recordings, id(1), "session.wav", all, 333)
	if got := readAll(t, s.Recordings, id(1), "session.wav"); !slices.Equal(got, all) {
		t.Errorf("read back %d samples; want the %d written", len(got), len(all))
	}
}

// checkRanges: ranges inside a chunk, on and across its edges, past the
// end, before the start.
func checkRanges(t *testing.T, s RecordingsStore) {
	all := ramp(5000, 4*Chunk+700)
	record(t, s.Recordings, id(1), "session.wav", all, 320)
	end := int64(len(all))
	for _, c := range []struct {
		name    string
		from, n int64
		want    []int16
	}{
		{"all", 0, end, all},
		{"inside the first chunk", 10, 20, all[10:30]},
		{"up to a chunk's edge", Chunk - 5, 5, all[Chunk-5 : Chunk]},
		{"from a chunk's edge", Chunk, 5, all[Chunk : Chunk+5]},
		{"across an edge", Chunk - 3, 6, all[Chunk-3 : Chunk+3]},
		{"across three edges", Chunk - 1, 2*Chunk + 2, all[Chunk-1 : 3*Chunk+1]},
		{"a whole chunk", 2 * Chunk, Chunk, all[2*Chunk : 3*Chunk]},
		{"the last sample", end - 1, 1, all[end-1:]},
		{"past the end", end - 10, 100, all[end-10:]},
		{"to the end", 2500, math.MaxInt64, all[2500:]},
		{"after the end", end, 10, nil},
		{"far after the end", 1 << 40, 10, nil},
		{"before the start", -5, 10, all[:10]},
		{"nothing", 100, 0, nil},
	} {
		got, err := s.Recordings.Read(t.Context(), id(1), "session.wav", c.from, c.n)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: Read(%d, %d) = %d samples (%v); want %d", c.name, c.from, c.n, len(got), err, len(c.want))
		}
	}
}

// checkLastChunk: a recording whose last chunk is partial, one of whole
// chunks, one shorter than a chunk.
func checkLastChunk(t *testing.T, s RecordingsStore) {
	for i, n := range []int{2*Chunk + 10, 2 * Chunk, Chunk - 1, 1} {
		all := ramp(i, n)
		record(t, s.Recordings, id(1), "r"+string(rune('a'+i))+".wav", all, Chunk/3)
		name := "r" + string(rune('a'+i)) + ".wav"
		if got := readAll(t, s.Recordings, id(1), name); !slices.Equal(got, all) {
			t.Errorf("%d samples: read back %d", n, len(got))
		}
		got, err := s.Recordings.Read(t.Context(), id(1), name, int64(n-7), 100)
		if want := all[max(n-7, 0):]; err != nil || !slices.Equal(got, want) {
			t.Errorf("%d samples: the last 7 read as %v (%v); want %v", n, got, err, want)
		}
	}
	list, err := s.Recordings.List(t.Context(), id(1))
	must(t, err)
	var got []int64
	for _, info := range list {
		got = append(got, info.Samples)
	}
	if want := []int64{2*Chunk + 10, 2 * Chunk, Chunk - 1, 1}; !slices.Equal(got, want) {
		t.Errorf("listed lengths %v; want %v", got, want)
	}
}

// checkEmptyRecording: a recording closed with nothing written is there,
// with no samples.
func checkEmptyRecording(t *testing.T, s RecordingsStore) {
	record(t, s.Recordings, id(1), "session.wav", nil, 1)
	got, err := s.Recordings.Read(t.Context(), id(1), "session.wav", 0, 10)
	if err != nil || len(got) != 0 {
		t.Errorf("Read of an empty recording: %v, %v; want no samples", got, err)
	}
	list, err := s.Recordings.List(t.Context(), id(1))
	if err != nil || len(list) != 1 || list[0].Name != "session.wav" || list[0].Samples != 0 {
		t.Errorf("List: %+v, %v; want session.wav with no samples", list, err)
	}
}

// checkReadWhileWriting: what was written can be read and is listed
// before Close.
func checkReadWhileWriting(t *testing.T, s RecordingsStore) {
	ctx := t.Context()
	rec, err := s.Recordings.Create(ctx, id(1), "session.wav")
	must(t, err)
	defer rec.Close()
	all := ramp(0, 2*Chunk+50)
	must(t, rec.Write(all[:Chunk+50]))
	must(t, rec.Write(all[Chunk+50:]))
	got, err := s.Recordings.Read(ctx, id(1), "session.wav", Chunk-10, 2*Chunk)
	if want := all[Chunk-10:]; err != nil || !slices.Equal(got, want) {
		t.Errorf("Read before Close: %d samples (%v); want %d", len(got), err, len(want))
	}
	list, err := s.Recordings.List(ctx, id(1))
	if err != nil || len(list) != 1 || list[0].Samples != int64(len(all)) || list[0].Modified.IsZero() {
		t.Errorf("List before Close: %+v, %v; want %d samples", list, err, len(all))
	}
	must(t, rec.Close())
	if got := readAll(t, s.Recordings, id(1), "session.wav"); !slices.Equal(got, all) {
		t.Errorf("after Close: %d samples; want %d", len(got), len(all))
	}
}

// checkTruncate: the samples from the cut on go, whether the cut is in
// the last chunk or chunks before it, and writing goes on from the cut.
func checkTruncate(t *testing.T, s RecordingsStore) {
	ctx := t.Context()
	rec, err := s.Recordings.Create(ctx, id(1), "session.wav")
	must(t, err)
	must(t, rec.Write(ramp(0, 3*Chunk+10)))
	must(t, rec.Truncate(4*Chunk)) // past the end: nothing goes
	must(t, rec.Truncate(3*Chunk+5))
	must(t, rec.Truncate(Chunk/2))
	must(t, rec.Write(ramp(-7, 3)))
	must(t, rec.Close())
	want := slices.Concat(ramp(0, Chunk/2), ramp(-7, 3))
	if got := readAll(t, s.Recordings, id(1), "session.wav"); !slices.Equal(got, want) {
		t.Errorf("after the cuts: %d samples; want %d", len(got), len(want))
	}
	list, err := s.Recordings.List(ctx, id(1))
	if err != nil || len(list) != 1 || list[0].Samples != int64(len(want)) {
		t.Errorf("List after the cuts: %+v, %v; want %d samples", list, err, len(want))
	}
}

// checkCreateAgain: a recording created again over a longer one keeps
// only the new samples.
func checkCreateAgain(t *testing.T, s RecordingsStore) {
	record(t, s.Recordings, id(1), "session.wav", ramp(0, 3*Chunk), Chunk)
	record(t, s.Recordings, id(1), "session.wav", ramp(100, Chunk+1), Chunk)
	if got := readAll(t, s.Recordings, id(1), "session.wav"); !slices.Equal(got, ramp(100, Chunk+1)) {
		t.Errorf("created again: %d samples; want the %d of the second", len(got), Chunk+1)
	}
}

// checkListRecordings: by name, with their lengths; a session with none
// has an empty list.
func checkListRecordings(t *testing.T, s RecordingsStore) {
	ctx := t.Context()
	if list, err := s.Recordings.List(ctx, id(1)); err != nil || list == nil || len(list) != 0 {
		t.Errorf("before any recording: %v, %v; want an empty list", list, err)
	}
	for _, r := range []struct {
		name string
		n    int
	}{{"session.wav", 2*Chunk + 1}, {"answer-0.wav", 320}, {"answer-1.wav", 0}} {
		record(t, s.Recordings, id(1), r.name, ramp(0, r.n), 160)
	}
	record(t, s.Recordings, id(2), "session.wav", ramp(0, 10), 160)
	list, err := s.Recordings.List(ctx, id(1))
	must(t, err)
	var names []string
	var lengths []int64
	for _, info := range list {
		names, lengths = append(names, info.Name), append(lengths, info.Samples)
		if info.Modified.IsZero() {
			t.Errorf("%s: no time modified", info.Name)
		}
	}
	if !slices.Equal(names, []string{"answer-0.wav", "answer-1.wav", "session.wav"}) || !slices.Equal(lengths, []int64{320, 0, 2*Chunk + 1}) {
		t.Errorf("List: %v %v; want answer-0.wav, answer-1.wav, session.wav with 320, 0, %d samples", names, lengths, 2*Chunk+1)
	}
}

// checkDeleteRecordings: a session's recordings all go, another
// session's stay.
func checkDeleteRecordings(t *testing.T, s RecordingsStore) {
	ctx := t.Context()
	record(t, s.Recordings, id(1), "session.wav", ramp(0, 2*Chunk), 500)
	record(t, s.Recordings, id(1), "answer-0.wav", ramp(0, 10), 500)
	record(t, s.Recordings, id(2), "session.wav", ramp(0, 10), 500)
	must(t, s.Recordings.Delete(ctx, id(1)))
	if list, err := s.Recordings.List(ctx, id(1)); err != nil || len(list) != 0 {
		t.Errorf("after Delete: %v, %v", list, err)
	}
	if _, err := s.Recordings.Read(ctx, id(1), "session.wav", 0, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read after Delete: %v; want ErrNotFound", err)
	}
	if got := readAll(t, s.Recordings, id(2), "session.wav"); len(got) != 10 {
		t.Errorf("another session's recording after Delete: %d samples; want 10", len(got))
	}
	must(t, s.Recordings.Delete(ctx, id(3))) // none: nothing to do
	if err := s.Recordings.Delete(ctx, ".."); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete(..): %v; want ErrNotFound", err)
	}
}

// checkRecordingNotFound: no such recording, no such session, not a
// session id; a name with a path is read by its base name.
func checkRecordingNotFound(t *testing.T, s RecordingsStore) {
	ctx := t.Context()
	record(t, s.Recordings, id(1), "session.wav", ramp(0, 10), 10)
	for _, c := range []struct{ name, id, file string }{
		{"no such recording", id(1), "answer-9.wav"},
		{"no such session", id(2), "session.wav"},
		{"not a session id", "../" + id(1)[3:], "session.wav"},
		{"not a name", id(1), ".."},
	} {
		if _, err := s.Recordings.Read(ctx, c.id, c.file, 0, 10); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v; want ErrNotFound", c.name, err)
		}
	}
	if got, err := s.Recordings.Read(ctx, id(1), "../../session.wav", 0, 5); err != nil || !slices.Equal(got, ramp(0, 5)) {
		t.Errorf("a name with a path: %v, %v; want the recording's first 5 samples", got, err)
	}
	if _, err := s.Recordings.Create(ctx, "not-an-id", "session.wav"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Create in a session that cannot be: %v; want ErrNotFound", err)
	}
	if _, err := s.Recordings.List(ctx, "not-an-id"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("List of a session that cannot be: %v; want ErrNotFound", err)
	}
}

// checkCrash: what a process wrote before it died without closing is
// there after Repair, to the last whole sample; Repair measures a closed
// recording and one that does not exist too.
func checkCrash(t *testing.T, s RecordingsStore) {
	ctx := t.Context()
	record(t, s.Recordings, id(2), "session.wav", ramp(9, 2*Chunk+3), 700)
	rec, err := s.Recordings.Create(ctx, id(1), "session.wav")
	must(t, err)
	all := ramp(0, 2*Chunk+Chunk/2)
	for i := 0; i < len(all); i += 400 {
		must(t, rec.Write(all[i:min(i+400, len(all))]))
	}
	again := s.Crash(t)
	for _, c := range []struct {
		name     string
		id, file string
		want     int64
	}{
		{"the recording being written", id(1), "session.wav", int64(len(all))},
		{"a closed recording", id(2), "session.wav", 2*Chunk + 3},
		{"no such recording", id(3), "session.wav", 0},
		{"not a name", id(1), "..", 0},
	} {
		if n, err := again.Repair(ctx, c.id, c.file); err != nil || n != c.want {
			t.Errorf("Repair of %s: %d samples (%v); want %d", c.name, n, err, c.want)
		}
	}
	if got := readAll(t, again, id(1), "session.wav"); !slices.Equal(got, all) {
		t.Errorf("after the crash: %d samples; want the %d written", len(got), len(all))
	}
	list, err := again.List(ctx, id(1))
	if err != nil || len(list) != 1 || list[0].Samples != int64(len(all)) {
		t.Errorf("List after the crash: %+v, %v; want %d samples", list, err, len(all))
	}
	if n, err := again.Repair(ctx, id(1), "session.wav"); err != nil || n != int64(len(all)) {
		t.Errorf("Repair again: %d samples (%v); want %d", n, err, len(all))
	}
}
