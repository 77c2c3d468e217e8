package folder

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mockinterview/mockinterview/transcribe"
)

// wavHeaderSize is the size of the canonical 44-byte PCM WAV header.
const wavHeaderSize = 44

// wavRecording writes a recording to a 16 kHz mono 16-bit WAV file as it
// arrives: store.Recording. The header's sizes are patched after every
// write, so the file is a valid WAV of everything written so far even if
// the process dies; the file is synced to disk on Close, not on every
// frame (see the durability note in openSessions).
type wavRecording struct {
	f       *os.File
	path    string
	samples int64
	buf     []byte
}

func createWAV(path string) (*wavRecording, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	// EncodeWAV of no samples is exactly the header, sizes zero.
	if _, err := f.WriteAt(transcribe.EncodeWAV(nil), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	return &wavRecording{f: f, path: path}, nil
}

// Write appends samples and patches the header to cover them.
func (r *wavRecording) Write(samples []int16) error {
	if len(samples) == 0 {
		return nil
	}
	r.buf = transcribe.AppendPCM16(r.buf[:0], samples)
	if _, err := r.f.WriteAt(r.buf, wavHeaderSize+2*r.samples); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	r.samples += int64(len(samples))
	if err := writeSizes(r.f, r.samples); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	return nil
}

// Samples is how many samples have been written.
func (r *wavRecording) Samples() int64 { return r.samples }

// Truncate keeps the samples before at.
func (r *wavRecording) Truncate(at int64) error {
	at = max(at, 0)
	if at >= r.samples {
		return nil
	}
	err := r.f.Truncate(wavHeaderSize + 2*at)
	if err == nil {
		r.samples = at
		err = writeSizes(r.f, at)
	}
	if err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	return nil
}

// Close flushes the file to disk and closes it.
func (r *wavRecording) Close() error {
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

// readSamples reads n samples of a canonical WAV file from sample from
// on, fewer if the file ends before.
func readSamples(f *os.File, from, n int64) ([]int16, error) {
	b := make([]byte, 2*n)
	got, err := f.ReadAt(b, wavHeaderSize+2*from)
	if err != nil && got < len(b) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	out := make([]int16, got/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out, nil
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

// repairWAV makes a recording that a dead process never closed cover
// every whole sample in its file (the header may lag one frame behind the
// data), and returns how many samples that is. A missing file holds none.
func repairWAV(path string) (int64, error) {
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
