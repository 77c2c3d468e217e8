package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// playback is an answer's range of a stored recording as a WAV file a
// player can seek in: the canonical header, then the samples, read from
// the store only as far as they are asked for.
type playback struct {
	ctx           context.Context
	recordings    store.Recordings
	session, name string
	first         int64 // the recording's sample the answer starts at
	header        []byte
	size, off     int64 // in bytes
}

// openPlayback finds an answer's recording and returns the answer as a
// WAV file, with when the recording was last written. An answer still
// being recorded has what was written so far.
func openPlayback(ctx context.Context, recordings store.Recordings, session string, a store.AnswerRecord) (*playback, time.Time, error) {
	list, err := recordings.List(ctx, session)
	if err != nil {
		return nil, time.Time{}, err
	}
	for _, info := range list {
		if info.Name != a.AudioFile {
			continue
		}
		samples := min(a.Samples, info.Samples-a.FirstSample)
		if a.End == nil {
			samples = info.Samples - a.FirstSample
		}
		header := transcribe.EncodeWAV(nil)
		data := uint32(max(min(2*samples, 1<<32-1-int64(len(header))), 0))
		binary.LittleEndian.PutUint32(header[4:], uint32(len(header))-8+data)
		binary.LittleEndian.PutUint32(header[len(header)-4:], data)
		p := &playback{ctx: ctx, recordings: recordings, session: session, name: a.AudioFile, first: a.FirstSample,
			header: header, size: int64(len(header)) + int64(data)}
		return p, info.Modified, nil
	}
	return nil, time.Time{}, store.ErrNotFound
}

// Read reads the header, then the samples.
func (p *playback) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	if p.off < int64(len(p.header)) {
		n := copy(b, p.header[p.off:])
		p.off += int64(n)
		return n, nil
	}
	b = b[:min(int64(len(b)), p.size-p.off)]
	at := p.off - int64(len(p.header)) // a byte of the data, maybe inside a sample
	samples, err := p.recordings.Read(p.ctx, p.session, p.name, p.first+at/2, (at%2+int64(len(b))+1)/2)
	if err != nil {
		return 0, err
	}
	data := transcribe.AppendPCM16(nil, samples)
	n := copy(b, data[min(at%2, int64(len(data))):])
	if n == 0 {
		return 0, fmt.Errorf("recording %s of session %s: %w", p.name, p.session, io.ErrUnexpectedEOF)
	}
	p.off += int64(n)
	return n, nil
}

// Seek moves to a byte of the WAV file.
func (p *playback) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += p.off
	case io.SeekEnd:
		offset += p.size
	}
	if offset < 0 {
		return 0, errors.New("seek before the start of the recording")
	}
	p.off = offset
	return offset, nil
}
