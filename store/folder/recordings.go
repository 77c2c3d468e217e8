package folder

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mockinterview/mockinterview/store"
)

// Recordings keeps each session's recordings as WAV files in a folder of
// its own: store.Recordings.
type Recordings struct {
	dir string
}

var _ store.Recordings = (*Recordings)(nil)

// Create starts a recording, making the session's folder if needed.
func (r *Recordings) Create(ctx context.Context, sessionID, name string) (store.Recording, error) {
	path, err := r.path(sessionID, name)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	rec, err := createWAV(path)
	if err != nil {
		return nil, err // not a nil *wavRecording in a Recording
	}
	return rec, nil
}

// Read returns up to n samples of a recording from sample from on.
func (r *Recordings) Read(ctx context.Context, sessionID, name string, from, n int64) ([]int16, error) {
	path, err := r.path(sessionID, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	from = max(from, 0)
	n = max(min(n, (st.Size()-wavHeaderSize)/2-from), 0)
	samples, err := readSamples(f, from, n)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	return samples, nil
}

// List returns a session's recordings, by name; none for a session that
// has none.
func (r *Recordings) List(ctx context.Context, sessionID string) ([]store.RecordingInfo, error) {
	dir, err := r.sessionDir(sessionID)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []store.RecordingInfo{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recordings: %w", err)
	}
	out := []store.RecordingInfo{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".wav") || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("recordings: %w", err)
		}
		out = append(out, store.RecordingInfo{Name: e.Name(), Samples: max(info.Size()-wavHeaderSize, 0) / 2, Modified: info.ModTime()})
	}
	return out, nil
}

// Delete removes a session's folder of recordings.
func (r *Recordings) Delete(ctx context.Context, sessionID string) error {
	dir, err := r.sessionDir(sessionID)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("delete recordings of %s: %w", sessionID, err)
	}
	return nil
}

// sessionDir is the folder of a session's recordings. An id that is not
// one is not found, so that no path outside the audio folder is ever
// touched.
func (r *Recordings) sessionDir(sessionID string) (string, error) {
	if !store.ValidSessionID(sessionID) {
		return "", store.ErrNotFound
	}
	return filepath.Join(r.dir, sessionID), nil
}

// path is where a recording lives; only its base name counts.
func (r *Recordings) path(sessionID, name string) (string, error) {
	dir, err := r.sessionDir(sessionID)
	if err != nil {
		return "", err
	}
	base := filepath.Base(name)
	if base == "." || base == string(filepath.Separator) || base == ".." {
		return "", store.ErrNotFound
	}
	return filepath.Join(dir, base), nil
}
