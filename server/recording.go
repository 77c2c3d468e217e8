package server

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/mockinterview/mockinterview/transcribe"
)

// wavHeaderSize is the size of the canonical 44-byte PCM WAV header.
const wavHeaderSize = 44

// recording writes an answer's audio to a 16 kHz mono 16-bit WAV file as it
// arrives. The header's sizes are patched after every write, so the file is
// a valid WAV of everything written so far even if the process dies.
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
	data := uint32(min(2*r.samples, 1<<32-1-wavHeaderSize))
	var size [4]byte
	binary.LittleEndian.PutUint32(size[:], wavHeaderSize-8+data)
	if _, err := r.f.WriteAt(size[:], 4); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	binary.LittleEndian.PutUint32(size[:], data)
	if _, err := r.f.WriteAt(size[:], wavHeaderSize-4); err != nil {
		return fmt.Errorf("recording %s: %w", r.path, err)
	}
	return nil
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
