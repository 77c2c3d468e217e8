package server

import (
	"sync"

	"github.com/mockinterview/mockinterview/store"
)

// tape is a session's audio on its way to disk. The connection's reader
// writes each frame to the session's recording as it takes it off the
// socket, so that a crash loses nothing the server has received even while
// the engine lags seconds behind. The recording is the whole stream, its
// samples numbered on the stream clock; the session, which hears the audio
// later, marks where each answer begins and ends on that clock and never
// touches the recording until it stops the tape.
//
// Until the session has opened the first recording, audio is held in
// memory: from the first frame when it comes before any Start (it begins
// a session), or from the moment the reader sees a Start. Audio held since
// a Start the session refuses is dropped, and so is audio that comes after
// a refused Start, until the next Start.
type tape struct {
	mu    sync.Mutex
	state tapeState
	held  [][]int16       // frames since a Start; nil where another Start came
	rec   store.Recording // the session's; nil if it could not be made
	err   error           // the first write that failed
}

type tapeState int

const (
	tapeIdle      tapeState = iota // no Start and no audio seen
	tapeHolding                    // a Start or audio seen, not yet taken
	tapeRefused                    // the Start was refused; no other seen
	tapeRecording                  // a session is recording
	tapeStopped                    // the session ended
)

// expectStart holds the audio that follows a Start the reader has just
// read, until the session takes or refuses it.
func (t *tape) expectStart() {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch t.state {
	case tapeIdle, tapeRefused:
		t.state = tapeHolding
	case tapeHolding: // in case the first is refused
		t.held = append(t.held, nil)
	}
}

// write puts a frame on the tape.
func (t *tape) write(samples []int16) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch t.state {
	case tapeIdle: // audio first begins a session
		t.state = tapeHolding
		t.held = append(t.held, samples)
	case tapeHolding:
		t.held = append(t.held, samples)
	case tapeRecording:
		t.record(samples)
	}
}

func (t *tape) record(samples []int16) {
	if t.rec == nil {
		return
	}
	if err := t.rec.Write(samples); err != nil && t.err == nil {
		t.err = err
	}
}

// begin starts recording into the session's recording (which may be nil
// if it could not be created), held audio first.
func (t *tape) begin(rec store.Recording) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.state, t.rec = tapeRecording, rec
	for _, samples := range t.held {
		t.record(samples) // nil for a later Start: nothing
	}
	t.held = nil
}

// refuse drops the audio held since the Start the session refused (or
// since the first frame, when that frame could not begin a session), up to
// the next Start the reader saw, if any.
func (t *tape) refuse() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != tapeHolding {
		return
	}
	for i, samples := range t.held {
		if samples == nil {
			t.held = t.held[i+1:]
			return
		}
	}
	t.state, t.held = tapeRefused, nil
}

// stop ends the tape at sample at of the stream, dropping anything
// received after it, and returns the recording for the caller to close.
func (t *tape) stop(at int64) (store.Recording, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec, recording := t.rec, t.state == tapeRecording
	t.state, t.rec, t.held = tapeStopped, nil, nil
	if rec == nil || !recording {
		return rec, nil
	}
	return rec, rec.Truncate(at)
}

// failure returns the first write that failed, once.
func (t *tape) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := t.err
	t.err = nil
	return err
}
