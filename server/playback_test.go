package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/transcribe"
)

// TestPlayback serves an answer, a range of a stored recording, as a WAV
// file and asks for ranges of it, in the header, across its end, inside a
// sample and at the end: each must be those bytes of the file the
// answer's samples make.
func TestPlayback(t *testing.T) {
	data, err := folder.Attach(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	id := strings.Repeat("ab", 16)
	rec, err := data.Recordings.Create(t.Context(), id, "session.wav")
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]int16, 50000)
	for i := range samples {
		samples[i] = int16(i*7 - 20000)
	}
	rec.Write(samples)
	rec.Close()
	// The answer, more than one read of http.ServeContent.
	answer := store.AnswerRecord{AudioFile: "session.wav", FirstSample: 7001, Samples: 40000, End: new(float64)}
	want := transcribe.EncodeWAV(samples[7001:47001])

	p, modified, err := openPlayback(t.Context(), data.Recordings, id, answer)
	if err != nil || time.Since(modified) > time.Minute {
		t.Fatalf("openPlayback: %v, modified %v", err, modified)
	}
	for _, c := range []struct {
		rangeHeader string
		from, to    int // of want, to exclusive
	}{
		{"", 0, len(want)},
		{"bytes=0-43", 0, 44},
		{"bytes=40-50", 40, 51},
		{"bytes=45-45", 45, 46},
		{"bytes=1001-5002", 1001, 5003},
		{"bytes=-3", len(want) - 3, len(want)},
		{"bytes=79990-", 79990, len(want)},
	} {
		if _, err := p.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "/audio", nil)
		if c.rangeHeader != "" {
			req.Header.Set("Range", c.rangeHeader)
		}
		w := httptest.NewRecorder()
		http.ServeContent(w, req, "answer-0.wav", modified, p)
		if got := w.Body.Bytes(); !bytes.Equal(got, want[c.from:c.to]) {
			t.Errorf("range %q: status %d, %d bytes; want bytes %d to %d of the WAV file", c.rangeHeader, w.Code, len(got), c.from, c.to)
		}
	}
	// An answer still being recorded has what was written so far.
	p, _, err = openPlayback(t.Context(), data.Recordings, id, store.AnswerRecord{AudioFile: "session.wav", FirstSample: 47001})
	if got, _ := io.ReadAll(p); err != nil || !bytes.Equal(got, transcribe.EncodeWAV(samples[47001:])) {
		t.Errorf("the open answer: %d bytes (%v); want the header and %d samples", len(got), err, len(samples)-47001)
	}
	if _, _, err := openPlayback(t.Context(), data.Recordings, id, store.AnswerRecord{AudioFile: "answer-9.wav"}); err == nil {
		t.Error("a recording that does not exist opened")
	}
}
