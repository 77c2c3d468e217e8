package folder

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// ramp is n samples counting up from from.
func ramp(from, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(from + i)
	}
	return out
}

// TestRecordingsRead writes a recording in frames and reads ranges of it
// back, inside, across and past its end.
func TestRecordingsRead(t *testing.T) {
	ctx := t.Context()
	f, err := Attach(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := f.Recordings.Create(ctx, testID, "answer-0.wav")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		rec.Write(ramp(1000*i, 1000))
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(ramp(0, 1000), ramp(1000, 1000), ramp(2000, 1000))
	for _, c := range []struct {
		name     string
		from, n  int64
		from2, m int // the samples of all wanted
	}{
		{"all", 0, 3000, 0, 3000},
		{"a range across frames", 990, 20, 990, 20},
		{"the last sample", 2999, 1, 2999, 1},
		{"past the end", 2990, 100, 2990, 10},
		{"to the end", 2500, math.MaxInt64, 2500, 500},
		{"after the end", 3000, 10, 0, 0},
		{"far after the end", 1 << 40, 10, 0, 0},
		{"before the start", -5, 10, 0, 10},
		{"nothing", 100, 0, 0, 0},
	} {
		got, err := f.Recordings.Read(ctx, testID, "answer-0.wav", c.from, c.n)
		if want := all[c.from2 : c.from2+c.m]; err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %d samples (%v); want %d from %d", c.name, len(got), err, c.m, c.from2)
		}
	}
	for _, c := range []struct{ name, id, file string }{
		{"no such recording", testID, "answer-9.wav"},
		{"no such session", "cd" + testID[2:], "answer-0.wav"},
		{"not a session id", "../" + testID[3:], "answer-0.wav"},
	} {
		if _, err := f.Recordings.Read(ctx, c.id, c.file, 0, 10); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v; want ErrNotFound", c.name, err)
		}
	}
	// A name with a path reads the file by its base name only.
	if got, err := f.Recordings.Read(ctx, testID, "../../answer-0.wav", 0, 5); err != nil || !slices.Equal(got, all[:5]) {
		t.Errorf("a name with a path: %v, %v", got, err)
	}
}

// TestRecordingTruncate: the samples from the cut on go, and writing goes
// on from the cut.
func TestRecordingTruncate(t *testing.T) {
	ctx := t.Context()
	f, err := Attach(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	created, _ := f.Recordings.Create(ctx, testID, "a.wav")
	rec := created.(*wavRecording)
	rec.Write(ramp(0, 500))
	for _, c := range []struct {
		at   int64
		want int64
	}{
		{600, 500}, // past the end: nothing goes
		{400, 400},
		{-1, 0}, // before the start: everything
	} {
		if err := rec.Truncate(c.at); err != nil || rec.Samples() != c.want {
			t.Errorf("Truncate(%d): %d samples left (%v); want %d", c.at, rec.Samples(), err, c.want)
		}
	}
	rec.Write(ramp(7, 3))
	rec.Close()
	samples, _, err := transcribe.ReadWAV(f.Dir() + "/audio/" + testID + "/a.wav")
	if err != nil || !slices.Equal(samples, ramp(7, 3)) || rec.Samples() != 3 {
		t.Errorf("after the cuts: %v (%v), Samples %d; want [7 8 9]", samples, err, rec.Samples())
	}
}

// TestRecordingsListDelete lists a session's recordings with their
// lengths, and deletes them all.
func TestRecordingsListDelete(t *testing.T) {
	ctx := t.Context()
	f, err := Attach(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if list, err := f.Recordings.List(ctx, testID); err != nil || len(list) != 0 {
		t.Errorf("before any recording: %v, %v", list, err)
	}
	for i, n := range []int{1600, 0, 320} {
		rec, _ := f.Recordings.Create(ctx, testID, "answer-"+string(rune('0'+i))+".wav")
		rec.Write(ramp(0, n))
		rec.Close()
	}
	list, err := f.Recordings.List(ctx, testID)
	var got []int64
	for _, info := range list {
		got = append(got, info.Samples)
	}
	if err != nil || !slices.Equal(got, []int64{1600, 0, 320}) || list[0].Name != "answer-0.wav" || list[0].Modified.IsZero() {
		t.Errorf("List: %+v, %v", list, err)
	}
	if err := f.Recordings.Delete(ctx, testID); err != nil {
		t.Fatal(err)
	}
	if list, err := f.Recordings.List(ctx, testID); err != nil || len(list) != 0 {
		t.Errorf("after Delete: %v, %v", list, err)
	}
	if err := f.Recordings.Delete(ctx, ".."); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete(..): %v; want ErrNotFound, and nothing removed", err)
	}
}
