package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// piece is how many samples a copy reads and writes at once: about a
// minute of audio, 2 MB.
const piece = 1 << 20

// fingerprint is a recording's length and the SHA-256 of its samples as
// 16-bit little-endian PCM.
type fingerprint struct {
	samples int64
	sum     [sha256.Size]byte
}

func (f fingerprint) String() string {
	return fmt.Sprintf("%d samples, SHA-256 %s…", f.samples, hex.EncodeToString(f.sum[:6]))
}

// fingerprintOf reads a recording, up to limit samples, and returns its
// fingerprint.
func fingerprintOf(ctx context.Context, r store.Recordings, sessionID, name string, limit int64) (fingerprint, error) {
	h := sha256.New()
	var f fingerprint
	var buf []byte
	for f.samples < limit {
		want := min(piece, limit-f.samples)
		samples, err := r.Read(ctx, sessionID, name, f.samples, want)
		if err != nil {
			return fingerprint{}, err
		}
		buf = transcribe.AppendPCM16(buf[:0], samples)
		h.Write(buf)
		f.samples += int64(len(samples))
		if int64(len(samples)) < want {
			break
		}
	}
	h.Sum(f.sum[:0])
	return f, nil
}

// recordings copies a session's recordings that the destination does not
// hold alike, and reads each copy back to check it.
func (c *copier) recordings(ctx context.Context, sessionID string) error {
	list, err := c.from.Recordings.List(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("source: recordings of session %s: %w", sessionID, err)
	}
	held, err := c.to.Recordings.List(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("destination: recordings of session %s: %w", sessionID, err)
	}
	there := map[string]bool{}
	for _, info := range held {
		there[info.Name] = true
	}
	for _, info := range list {
		if err := c.recording(ctx, sessionID, info.Name, there[info.Name]); err != nil {
			return err
		}
	}
	return nil
}

// recording copies one recording unless the destination holds it alike.
// A recording still being written is copied as far as it went when its
// fingerprint was taken.
func (c *copier) recording(ctx context.Context, sessionID, name string, there bool) error {
	what := fmt.Sprintf("recording %s of session %s", name, sessionID)
	want, err := fingerprintOf(ctx, c.from.Recordings, sessionID, name, math.MaxInt64)
	if err != nil {
		return fmt.Errorf("source: %s: %w", what, err)
	}
	c.sum.count("recordings", source, 1)
	c.sum.Samples += want.samples
	tally := &c.sum.Recordings
	if there {
		got, err := fingerprintOf(ctx, c.to.Recordings, sessionID, name, math.MaxInt64)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("destination: %s: %w", what, err)
		}
		switch {
		case err != nil: // gone since it was listed
			there = false
		case got == want:
			tally.Same++
			c.sum.count("recordings", destination, 1)
			return nil
		case !c.opt.Replace:
			tally.Conflicts++
			c.sum.count("recordings", destination, 1)
			c.problem("%s: the destination holds other audio (%v; the source's %v); left as it is", what, got, want)
			return nil
		}
	}
	if err := c.copyAudio(ctx, sessionID, name, want.samples); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	got, err := fingerprintOf(ctx, c.to.Recordings, sessionID, name, math.MaxInt64)
	if err != nil {
		return fmt.Errorf("destination: read back %s: %w", what, err)
	}
	c.sum.count("recordings", destination, 1)
	if got != want {
		c.problem("%s: copied, but read back from the destination it differs (%v; the source's %v)", what, got, want)
	}
	if there {
		tally.Replaced++
	} else {
		tally.Copied++
	}
	return nil
}

// copyAudio writes the first n samples of a source recording as the
// destination's recording of that name, in pieces.
func (c *copier) copyAudio(ctx context.Context, sessionID, name string, n int64) error {
	rec, err := c.to.Recordings.Create(ctx, sessionID, name)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	for from := int64(0); from < n; {
		samples, err := c.from.Recordings.Read(ctx, sessionID, name, from, min(piece, n-from))
		if err == nil && len(samples) == 0 {
			err = fmt.Errorf("it ends at sample %d, before the %d it had", from, n)
		}
		if err != nil {
			return errors.Join(fmt.Errorf("source: %w", err), rec.Close())
		}
		if err := rec.Write(samples); err != nil {
			return errors.Join(fmt.Errorf("destination: %w", err), rec.Close())
		}
		from += int64(len(samples))
	}
	if err := rec.Close(); err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	return nil
}
