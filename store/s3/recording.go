package s3

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/mockinterview/mockinterview/transcribe"
)

// recording is one recording being written: store.Recording. Write puts
// the samples in the spool file and returns; a goroutine of its own
// uploads each chunk as it fills, so that a slow or unreachable server
// never holds up the audio. Close uploads what is left, removes chunks
// beyond the end (from a Truncate, or a recording of that name before)
// and then the spool file; if the server cannot be reached, the spool
// stays for UploadSpooled.
type recording struct {
	r             *Recordings
	ctx           context.Context // for uploads, not cancelled with the session
	session, name string
	f             *os.File // the spool: raw samples

	mu       sync.Mutex
	samples  int64 // in the spool
	modified time.Time
	uploaded int64 // chunks 0 to uploaded-1 are up as they are in the spool
	cuts     int   // Truncates so far, so that an upload that raced one does not count
	closing  bool
	closed   bool
	err      error // the last upload that failed
	buf      []byte

	wake chan struct{} // there may be a full chunk, or Close was called
	done chan struct{} // the uploader has stopped
}

// Write appends samples to the spool and wakes the uploader when a chunk
// is full.
func (rec *recording) Write(samples []int16) error {
	if len(samples) == 0 {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closed {
		return fmt.Errorf("recording %s of %s: write after close", rec.name, rec.session)
	}
	rec.buf = transcribe.AppendPCM16(rec.buf[:0], samples)
	if _, err := rec.f.WriteAt(rec.buf, 2*rec.samples); err != nil {
		return fmt.Errorf("recording %s: %w", rec.f.Name(), err)
	}
	rec.samples += int64(len(samples))
	rec.modified = time.Now()
	if rec.samples/rec.r.chunk > rec.uploaded {
		rec.signal()
	}
	return nil
}

// Truncate drops the samples from at on; chunks already up beyond it go
// on Close.
func (rec *recording) Truncate(at int64) error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	at = max(at, 0)
	if at >= rec.samples {
		return nil
	}
	if err := rec.f.Truncate(2 * at); err != nil {
		return fmt.Errorf("recording %s: %w", rec.f.Name(), err)
	}
	rec.samples, rec.modified = at, time.Now()
	rec.uploaded = min(rec.uploaded, at/rec.r.chunk)
	rec.cuts++
	return nil
}

// Close uploads the rest of the recording and removes its spool file.
func (rec *recording) Close() error {
	rec.mu.Lock()
	if rec.closed {
		rec.mu.Unlock()
		return nil
	}
	rec.closing = true
	rec.signal()
	rec.mu.Unlock()
	<-rec.done

	rec.mu.Lock()
	rec.closed = true
	err, uploaded, samples := rec.err, rec.uploaded, rec.samples
	rec.mu.Unlock()
	if err == nil {
		var up int64
		up, err = rec.r.uploadSpool(rec.ctx, rec.session, rec.name, rec.f, uploaded)
		if err == nil && up != samples {
			err = fmt.Errorf("%d samples uploaded of %d", up, samples)
		}
	}
	rec.r.mu.Lock()
	delete(rec.r.open, rec.session+"/"+rec.name)
	rec.r.mu.Unlock()
	rec.mu.Lock()
	f := rec.f
	rec.f = nil // a Read that found it open reads the bucket instead
	rec.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("recording %s of session %s: %w; its audio stays in %s and goes up when the service starts again",
			rec.name, rec.session, err, f.Name())
		return errors.Join(err, f.Sync(), f.Close())
	}
	f.Close()
	return rec.r.removeSpool(rec.session, rec.name)
}

// signal wakes the uploader; rec.mu is held.
func (rec *recording) signal() {
	select {
	case rec.wake <- struct{}{}:
	default:
	}
}

// upload puts each full chunk in the bucket as it fills, until Close.
// An upload that fails is tried again, less and less often; once Close
// has been called, a failure ends it.
func (rec *recording) upload() {
	defer close(rec.done)
	wait := time.Second
	for {
		rec.mu.Lock()
		n, full, cuts, closing := rec.uploaded, rec.samples/rec.r.chunk, rec.cuts, rec.closing
		var data []byte
		var err error
		if n < full {
			data, err = spoolBytes(rec.f, n*rec.r.chunk, rec.r.chunk)
		}
		rec.mu.Unlock()
		if n >= full {
			if closing {
				return
			}
			<-rec.wake
			continue
		}
		if err == nil {
			err = rec.r.put(rec.ctx, rec.r.chunkKey(rec.session, rec.name, n), data)
		}
		rec.mu.Lock()
		rec.err = err
		if err == nil && rec.cuts == cuts {
			rec.uploaded = n + 1
		}
		closing = rec.closing
		rec.mu.Unlock()
		if err == nil {
			wait = time.Second
			continue
		}
		if closing {
			return
		}
		select {
		case <-rec.wake:
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// errClosed is read's error once the recording is closed, its spool
// file gone.
var errClosed = errors.New("recording closed")

// read returns up to n samples of the spool from sample from on.
func (rec *recording) read(from, n int64) ([]int16, error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.f == nil {
		return nil, errClosed
	}
	from = max(from, 0)
	n = max(min(n, rec.samples-from), 0)
	b, err := spoolBytes(rec.f, from, n)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", rec.f.Name(), err)
	}
	return decode(b), nil
}

// state is how many samples have been written, and when last.
func (rec *recording) state() (int64, time.Time) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.samples, rec.modified
}

// put uploads one chunk.
func (r *Recordings) put(ctx context.Context, key string, data []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	_, err := r.client.PutObject(ctx, r.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}

// spoolBytes reads n samples of a spool file from sample from on, fewer
// if it ends before.
func spoolBytes(f *os.File, from, n int64) ([]byte, error) {
	b := make([]byte, 2*n)
	got, err := f.ReadAt(b, 2*from)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:got&^1], nil
}

// decode turns little-endian 16-bit samples into samples.
func decode(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

// readFull reads r to its end or until b is full, and returns how much
// it read.
func readFull(r io.Reader, b []byte) (int, error) {
	n, err := io.ReadFull(r, b)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}
