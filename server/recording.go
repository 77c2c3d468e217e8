package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/mockinterview/mockinterview/transcribe"
)

// wavHeaderSize is the size of the canonical 44-byte PCM WAV header.
const wavHeaderSize = 44

// recording writes an answer's audio to a 16 kHz mono 16-bit WAV file as it
// arrives. The header's sizes are patched after every write, so the file is
// a valid WAV of everything written so far even if the process dies; the
// file is synced to disk when the answer ends, not on every frame (see the
// durability note in AttachStore).
type recording struct {
	f       *os.File
	path    string
	samples int64
	buf     []byte
}

func createRecording(path string) (*recording, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	r := &recording{f: f, path: path}
	// EncodeWAV of no samples is exactly the header, sizes zero.
	if _, err := f.WriteAt(transcribe.EncodeWAV(nil), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	return r, nil
}

// Write appends samples and patches the header to cover them.
func (r *recording) Write(samples []int16) error {
	if len(samples) == 0 {
		return nil
	}
	r.buf = r.buf[:0]
	for _, s := range samples {
		r.buf = binary.LittleEndian.AppendUint16(r.buf, uint16(s))
	}
	if _, err := r.f.WriteAt(r.buf, wavHeaderSize+2*r.samples); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	r.samples += int64(len(samples))
	if err := writeSizes(r.f, r.samples); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	return nil
}

// writeSizes patches the RIFF and data sizes of a canonical header to
// cover samples.
func writeSizes(f *os.File, samples int64) error {
	data := uint32(min(2*samples, 1<<32-1-wavHeaderSize))
	var size [4]byte
	binary.LittleEndian.PutUint32(size[:], wavHeaderSize-8+data)
	if _, err := f.WriteAt(size[:], 4); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(size[:], data)
	_, err := f.WriteAt(size[:], wavHeaderSize-4)
	return err
}

// repairRecording makes a recording that a dead process never closed
// cover every whole sample in its file (the header may lag one frame
// behind the data), and returns how many samples that is. A missing file
// holds none.
func repairRecording(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("recording: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("recording: %w", err)
	}
	samples := max(st.Size()-wavHeaderSize, 0) / 2
	err = f.Truncate(wavHeaderSize + 2*samples) // a half sample, or a header cut short
	if err == nil {
		_, err = f.WriteAt(transcribe.EncodeWAV(nil), 0)
	}
	if err == nil {
		err = writeSizes(f, samples)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return 0, fmt.Errorf("recording %s: %w", path, err)
	}
	return samples, nil
}

// Seconds is how much audio has been written.
func (r *recording) Seconds() float64 { return float64(r.samples) / transcribe.SampleRate }

// Close flushes the file to disk and closes it.
func (r *recording) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Sync()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	r.f = nil
	return err
}

// tail returns the samples written from sample from on.
func (r *recording) tail(from int64) ([]int16, error) {
	n := r.samples - from
	if n <= 0 {
		return nil, nil
	}
	b := make([]byte, 2*n)
	if _, err := r.f.ReadAt(b, wavHeaderSize+2*from); err != nil {
		return nil, fmt.Errorf("recording %s: %w", r.path, err)
	}
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out, nil
}

// truncate keeps the first samples and drops the rest.
func (r *recording) truncate(samples int64) error {
	if samples >= r.samples {
		return nil
	}
	samples = max(samples, 0)
	if err := r.f.Truncate(wavHeaderSize + 2*samples); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	r.samples = samples
	if err := writeSizes(r.f, samples); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	return nil
}

// tape is a session's audio on its way to disk. The connection's reader
// writes each frame to the current answer's recording as it takes it off
// the socket, so that a crash loses nothing the server has received even
// while the engine lags seconds behind; the session, which hears the audio
// later, cuts the tape where each answer begins and ends on its own clock.
//
// Until the session has opened the first recording, audio is held in
// memory: from the first frame when it comes before any Start (it begins
// a session), or from the moment the reader sees a Start. Audio held since
// a Start the session refuses is dropped, and so is audio that comes after
// a refused Start, until the next Start.
type tape struct {
	mu      sync.Mutex
	state   tapeState
	held    [][]int16  // frames since a Start; nil where another Start came
	rec     *recording // the current answer's; nil if it could not be made
	start   int64      // the stream sample rec begins at
	written int64      // samples on the tape since Start
	err     error      // the first write that failed
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
	t.written += int64(len(samples))
	if t.rec == nil {
		return
	}
	if err := t.rec.Write(samples); err != nil && t.err == nil {
		t.err = err
	}
}

// begin starts recording into the first answer's recording (which may be
// nil if it could not be created), held audio first.
func (t *tape) begin(rec *recording) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.state, t.rec, t.start, t.written = tapeRecording, rec, 0, 0
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

// cut ends the current recording at sample at of the stream and goes on
// in next: audio already on the tape past that point moves there. It
// returns the finished recording for the caller to close.
func (t *tape) cut(at int64, next *recording) (*recording, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev, err := t.cutLocked(at)
	if next != nil && len(prev.moved) > 0 {
		if werr := next.Write(prev.moved); werr != nil && err == nil {
			err = werr
		}
	}
	t.rec, t.start = next, at
	return prev.rec, err
}

// stop ends the tape at sample at of the stream, dropping anything
// received after it, and returns the last recording for the caller to
// close.
func (t *tape) stop(at int64) (*recording, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev, err := t.cutLocked(at)
	t.state, t.rec, t.held = tapeStopped, nil, nil
	return prev.rec, err
}

type cutRecording struct {
	rec   *recording
	moved []int16
}

func (t *tape) cutLocked(at int64) (cutRecording, error) {
	out := cutRecording{rec: t.rec}
	if t.rec == nil || t.state != tapeRecording {
		return out, nil
	}
	moved, err := t.rec.tail(at - t.start)
	if err == nil {
		err = t.rec.truncate(at - t.start)
	}
	out.moved = moved
	return out, err
}

// failure returns the first write that failed, once.
func (t *tape) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := t.err
	t.err = nil
	return err
}
