package server

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/transcribe"
)

// TestTape follows the audio of a session on its way to disk: nothing
// after a refused Start, what comes after Start held until the session
// takes it, then each answer cut at its place on the stream clock however
// far the reader has written ahead, and whatever came after the end
// dropped. Audio before any Start is held too: it begins a session.
func TestTape(t *testing.T) {
	data, err := folder.Attach(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	id := strings.Repeat("ab", 16)
	dir := filepath.Join(data.Dir(), "audio", id)
	create := func(name string) store.Recording {
		t.Helper()
		rec, err := data.Recordings.Create(t.Context(), id, name)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	frame := func(v int16, n int) []int16 {
		s := make([]int16, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	read := func(name string) []int16 {
		t.Helper()
		samples, _, err := transcribe.ReadWAV(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return samples
	}
	var first tape
	first.write(frame(1, 100)) // audio first: held for the session it begins
	first.expectStart()        // a Start after it changes nothing
	first.write(frame(2, 100))
	rec := create("first.wav")
	first.begin(rec)
	first.write(frame(3, 100))
	if got := read("first.wav"); len(got) != 300 || got[0] != 1 || got[100] != 2 || got[299] != 3 {
		t.Errorf("audio first: %d samples recorded; want all 300 from the first", len(got))
	}
	first.stop(300)
	rec.Close()

	var tp tape
	tp.expectStart()
	tp.refuse()             // a refused Start
	tp.write(frame(1, 100)) // after it: not recorded
	tp.write(frame(2, 100))
	tp.expectStart()
	tp.write(frame(9, 100)) // held, then dropped with the Start refused
	tp.expectStart()
	tp.refuse()
	tp.write(frame(3, 100)) // held until the session takes the second Start
	rec0 := create("answer-0.wav")
	tp.begin(rec0)
	tp.write(frame(4, 100))
	tp.write(frame(5, 100)) // the reader is ahead of the session
	if got := read("answer-0.wav"); len(got) != 300 || got[0] != 3 || got[299] != 5 {
		t.Fatalf("before the cut, answer 0 holds %d samples", len(got))
	}
	rec1 := create("answer-1.wav")
	prev, err := tp.cut(250, rec1) // a probe asked at sample 250
	if err != nil || prev != rec0 {
		t.Fatal(err)
	}
	rec0.Close()
	tp.write(frame(6, 100))
	if got := read("answer-0.wav"); len(got) != 250 || got[249] != 5 {
		t.Errorf("answer 0 holds %d samples, ending with %d; want 250 ending with 5", len(got), got[len(got)-1])
	}
	if got := read("answer-1.wav"); len(got) != 150 || got[0] != 5 || got[50] != 6 {
		t.Errorf("answer 1 holds %d samples; want the 50 past the cut, then 100 more", len(got))
	}
	last, err := tp.stop(330) // the session ended at sample 330
	if err != nil || last != rec1 {
		t.Fatal(err)
	}
	last.Close()
	tp.write(frame(7, 100))
	if got := read("answer-1.wav"); len(got) != 80 {
		t.Errorf("after the end, answer 1 holds %d samples; want 80", len(got))
	}
}
