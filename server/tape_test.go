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
// takes it, then every frame as the reader takes it, however far ahead of
// the session, and whatever came after the end dropped. Audio before any
// Start is held too: it begins a session.
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
	rec = create("session.wav")
	tp.begin(rec)
	tp.write(frame(4, 100))
	tp.write(frame(5, 100)) // the reader is ahead of the session
	tp.write(frame(6, 100))
	if got := read("session.wav"); len(got) != 400 || got[0] != 3 || got[100] != 4 || got[399] != 6 {
		t.Fatalf("the recording holds %d samples; want the 400 from the second Start on", len(got))
	}
	last, err := tp.stop(330) // the session ended at sample 330
	if err != nil || last != rec {
		t.Fatal(err)
	}
	last.Close()
	tp.write(frame(7, 100))
	if got := read("session.wav"); len(got) != 330 || got[329] != 6 {
		t.Errorf("after the end, the recording holds %d samples; want the 330 the session heard", len(got))
	}
}
