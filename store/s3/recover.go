package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mockinterview/mockinterview/store"
)

// Repair uploads what a dead process left in the spool of a recording
// and returns how many samples the recording holds; one that does not
// exist holds none.
func (r *Recordings) Repair(ctx context.Context, sessionID, name string) (int64, error) {
	name, err := recordingName(sessionID, name)
	if err != nil {
		return 0, nil
	}
	f, err := os.OpenFile(r.spoolPath(sessionID, name), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		chunks, err := r.chunks(ctx, sessionID, name)
		if err != nil {
			return 0, err
		}
		var samples int64
		for _, c := range contiguous(chunks) {
			samples += c.size / 2
		}
		return samples, nil
	}
	if err != nil {
		return 0, fmt.Errorf("recording: %w", err)
	}
	defer f.Close()
	samples, err := r.uploadSpool(ctx, sessionID, name, f, 0)
	if err != nil {
		return 0, fmt.Errorf("recording %s: %w", f.Name(), err)
	}
	return samples, r.removeSpool(sessionID, name)
}

// UploadSpooled uploads every recording a dead process left in the spool
// and returns how many there were. Run it only where no running service
// writes to this spool, as a service starts. A session for which
// elsewhere says true has gone on in another process (a replica took it
// over, its audio written there from the bucket and the client): its
// spool is dropped, not uploaded over what that process wrote.
func (r *Recordings) UploadSpooled(ctx context.Context, elsewhere func(ctx context.Context, sessionID string) bool) (int, error) {
	sessions, err := os.ReadDir(r.spool)
	if err != nil {
		return 0, fmt.Errorf("s3 spool: %w", err)
	}
	n := 0
	for _, s := range sessions {
		if !s.IsDir() || !store.ValidSessionID(s.Name()) {
			continue
		}
		if elsewhere != nil && elsewhere(ctx, s.Name()) {
			if err := os.RemoveAll(filepath.Join(r.spool, s.Name())); err != nil {
				return n, fmt.Errorf("s3 spool: %w", err)
			}
			continue
		}
		files, err := os.ReadDir(filepath.Join(r.spool, s.Name()))
		if err != nil {
			return n, fmt.Errorf("s3 spool: %w", err)
		}
		for _, f := range files {
			name, ok := strings.CutSuffix(f.Name(), ".pcm")
			if !ok || !f.Type().IsRegular() || r.writing(s.Name(), name) != nil {
				continue
			}
			if _, err := r.Repair(ctx, s.Name(), name); err != nil {
				return n, err
			}
			n++
		}
		os.Remove(filepath.Join(r.spool, s.Name())) // if empty
	}
	return n, nil
}

// uploadSpool makes a recording in the bucket what its spool file holds
// and returns how many samples that is: its chunks from number skip on
// are uploaded unless the bucket has them already (same size and MD5),
// and any beyond its end are removed. The bucket must already have the
// first skip chunks as they are in the spool.
func (r *Recordings) uploadSpool(ctx context.Context, sessionID, name string, f *os.File, skip int64) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	samples := st.Size() / 2 // a half sample, from a write cut short, goes
	count := max((samples+r.chunk-1)/r.chunk, 1)
	chunks, err := r.chunks(ctx, sessionID, name)
	if err != nil {
		return 0, err
	}
	there := map[int]chunk{}
	for _, c := range chunks {
		there[c.n] = c
	}
	for n := skip; n < count; n++ {
		data, err := spoolBytes(f, n*r.chunk, min(r.chunk, samples-n*r.chunk))
		if err != nil {
			return 0, err
		}
		sum := md5.Sum(data)
		if c, ok := there[int(n)]; ok && c.size == int64(len(data)) && c.etag == hex.EncodeToString(sum[:]) {
			continue
		}
		if err := r.put(ctx, r.chunkKey(sessionID, name, n), data); err != nil {
			return 0, err
		}
	}
	for _, c := range chunks {
		if int64(c.n) >= count {
			if err := r.remove(ctx, sessionID, name, int(count)); err != nil {
				return 0, err
			}
			break
		}
	}
	return samples, nil
}

// removeSpool removes a recording's spool file, and its session's
// folder once empty.
func (r *Recordings) removeSpool(sessionID, name string) error {
	if err := os.Remove(r.spoolPath(sessionID, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("recording: %w", err)
	}
	os.Remove(filepath.Join(r.spool, sessionID)) // fails while others are there
	return nil
}
