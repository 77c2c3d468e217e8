package folder

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// testID is a session id of the right form.
var testID = strings.Repeat("ab", 16)

func newSession(t *testing.T, f *Folder, id string) {
	t.Helper()
	ctx := t.Context()
	rec := store.SessionRecord{ID: id, CreatedAt: time.Now(), Mode: "practice", Level: "sde2", QuestionID: "q", Principle: "P", Question: "Q?", Engine: "test"}
	if err := f.Sessions.CreateSession(ctx, rec, "secret"); err != nil {
		t.Fatal(err)
	}
	if err := f.Sessions.AddAnswer(ctx, id, store.AnswerRecord{N: 0, Asked: "Q?", AudioFile: "answer-0.wav"}); err != nil {
		t.Fatal(err)
	}
}

// rawDB opens the data folder dir's database as the store does, for a
// test to look at it or change it behind the store's back.
func rawDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	read, write, err := openSQLite(filepath.Join(dir, "mockinterview.db"))
	if err != nil {
		t.Fatal(err)
	}
	write.Close()
	t.Cleanup(func() { read.Close() })
	return read
}

func TestFolderReopens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, dir)
	var mode string
	raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %q; want wal", mode)
	}
	var synchronous int
	raw.QueryRow(`PRAGMA synchronous`).Scan(&synchronous)
	if synchronous != 1 {
		t.Errorf("synchronous %d; want 1 (NORMAL: see openSessions)", synchronous)
	}
	newSession(t, f, testID)
	words := []transcribe.Word{{Text: "hello", Start: 1, End: 1.5, Confidence: 0.9, Punctuated: "Hello,"}}
	if err := f.Sessions.AddUtterance(ctx, testID, store.UtteranceRecord{N: 0, Answer: 0, Engine: "test"}, 0, words); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// A process that died left the session live; the next start says so.
	f, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list, _ := migrations()
	var version, recorded int
	raw.QueryRow(`PRAGMA user_version`).Scan(&version)
	raw.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&recorded)
	if version != len(list) || recorded != len(list) {
		t.Errorf("schema version %d, %d migrations recorded; want %d", version, recorded, len(list))
	}
	d, err := f.Sessions.Session(ctx, testID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != store.StateInterrupted || len(d.Words) != 1 || d.Words[0].Text != "hello" || d.Words[0].Punctuated != "Hello," ||
		len(d.Utterances) != 1 || d.Utterances[0].Words != 1 || len(d.Answers) != 1 || d.Report != nil {
		t.Errorf("after reopening: %+v", d)
	}
	h, err := f.Sessions.SecretHash(ctx, testID)
	if err != nil || h != store.HashSecret("secret") || strings.Contains(h, "secret") {
		t.Errorf("secret hash %q, %v", h, err)
	}
	if _, err := f.Sessions.Session(ctx, "nope"); err != store.ErrNotFound {
		t.Errorf("missing session: %v", err)
	}
}

// TestRefusesNewerSchema: a folder a newer release migrated further is
// refused, whether that release records its steps in schema_migrations or,
// like the releases before it, in user_version only.
func TestRefusesNewerSchema(t *testing.T) {
	for _, c := range []struct {
		name, sql string
	}{
		{"recorded", `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', '')`},
		{"counted", `DROP TABLE schema_migrations; PRAGMA user_version = 99`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			dir := t.TempDir()
			f, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			if _, err := rawDB(t, dir).Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer") {
				t.Errorf("opening a newer schema: %v", err)
			}
		})
	}
}

// TestRecordingSurvivesCrash reads a recording that was never closed, as a
// killed process would leave it.
func TestRecordingSurvivesCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "answer-0.wav")
	r, err := createWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []int16
	for i := range 5 {
		frame := make([]int16, 1600)
		for j := range frame {
			frame[j] = int16(i*1000 + j)
		}
		want = append(want, frame...)
		if err := r.Write(frame); err != nil {
			t.Fatal(err)
		}
		got, format, err := transcribe.ReadWAV(path)
		if err != nil {
			t.Fatalf("after %d frames: %v", i+1, err)
		}
		if format.SampleRate != 16000 || !slices.Equal(got, want) {
			t.Fatalf("after %d frames: %d samples at %d Hz; want %d", i+1, len(got), format.SampleRate, len(want))
		}
	}
	if r.Samples() != 8000 {
		t.Errorf("Samples %d; want 8000", r.Samples())
	}
	r.f.Close() // no Close: the header must already be right
	st, _ := os.Stat(path)
	if st.Size() != 44+2*int64(len(want)) {
		t.Errorf("file of %d bytes", st.Size())
	}
}

// TestRecoverInterrupted leaves a session as a killed process would: live,
// its answer open, its recording's header one frame behind its data and a
// stray half sample after it. The next start marks it interrupted, closes
// the answer at the end of the audio and cuts the half sample; a command
// attached beside a running service changes nothing.
func TestRecoverInterrupted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	newSession(t, f, testID)
	rec, err := f.Recordings.Create(ctx, testID, "answer-0.wav")
	if err != nil {
		t.Fatal(err)
	}
	r := rec.(*wavRecording)
	for range 10 {
		r.Write(make([]int16, 1600))
	}
	// The last frame's data is written, its header patch is not.
	r.f.WriteAt(make([]byte, 3200), wavHeaderSize+2*r.samples)
	r.f.WriteAt([]byte{1}, wavHeaderSize+2*r.samples+3200) // and half a sample
	r.f.Close()
	f.Close()

	attached, err := Attach(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := attached.Sessions.Session(ctx, testID); d.State != store.StateLive {
		t.Errorf("attached: state %q; want it left live", d.State)
	}
	attached.Close()

	f, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.Sessions.Session(ctx, testID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != store.StateInterrupted || d.Duration != 1.1 || d.Answers[0].AudioSeconds != 1.1 || d.Answers[0].End == nil || *d.Answers[0].End != 1.1 {
		t.Errorf("after the restart: state %s, duration %v, answer %+v", d.State, d.Duration, d.Answers[0])
	}
	path := filepath.Join(dir, "audio", testID, "answer-0.wav")
	samples, _, err := transcribe.ReadWAV(path)
	if err != nil || len(samples) != 11*1600 {
		t.Errorf("recording: %d samples, %v; want %d", len(samples), err, 11*1600)
	}
	// The half sample is gone, so audio appended later stays aligned.
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(wavHeaderSize + 2*11*1600); st.Size() != want {
		t.Errorf("recording: %d bytes; want the header and %d whole samples, %d bytes", st.Size(), 11*1600, want)
	}
}

// TestMarkInterrupted recovers one session and leaves the others live.
func TestMarkInterrupted(t *testing.T) {
	ctx := t.Context()
	f, err := Attach(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	other := strings.Repeat("cd", 16)
	newSession(t, f, testID)
	newSession(t, f, other)
	if err := f.MarkInterrupted(ctx, testID); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{testID: store.StateInterrupted, other: store.StateLive} {
		if d, err := f.Sessions.Session(ctx, id); err != nil || d.State != want {
			t.Errorf("session %s: %v; want state %s", id, err, want)
		}
	}
	if err := f.MarkInterrupted(ctx, "../x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkInterrupted of a bad id: %v", err)
	}
}

// TestRecoverSessionRecording: when the session has one recording, the
// open answer is closed at its end, counted from where the answer began in
// it; the answers before it keep their ranges.
func TestRecoverSessionRecording(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	f, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := store.SessionRecord{ID: testID, CreatedAt: time.Now(), Mode: "interview", Level: "sde2", QuestionID: "q", Principle: "P", Question: "Q?", Engine: "test"}
	if err := f.Sessions.CreateSession(ctx, rec, "secret"); err != nil {
		t.Fatal(err)
	}
	recording, err := f.Recordings.Create(ctx, testID, "session.wav")
	if err != nil {
		t.Fatal(err)
	}
	recording.Write(ramp(0, 4800))
	for _, a := range []store.AnswerRecord{
		{N: 0, Asked: "Q?", AudioFile: "session.wav"},
		{N: 1, Asked: "P?", Start: 0.3, AudioFile: "session.wav", FirstSample: 4800},
	} {
		if err := f.Sessions.AddAnswer(ctx, testID, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Sessions.EndAnswer(ctx, testID, 0, 0.3, 4800); err != nil {
		t.Fatal(err)
	}
	recording.Write(ramp(4800, 3200)) // then the process dies
	f.Close()

	f, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.Sessions.Session(ctx, testID)
	if err != nil {
		t.Fatal(err)
	}
	first, second := d.Answers[0], d.Answers[1]
	if first.FirstSample != 0 || first.Samples != 4800 || *first.End != 0.3 ||
		second.FirstSample != 4800 || second.Samples != 3200 || second.End == nil || *second.End != 0.5 || second.AudioSeconds != 0.2 ||
		d.Duration != 0.5 || d.State != store.StateInterrupted {
		t.Errorf("after the restart: %s, %v s, answers %+v and %+v", d.State, d.Duration, first, second)
	}
	got, err := f.Recordings.Read(ctx, testID, second.AudioFile, second.FirstSample, second.Samples)
	if err != nil || !slices.Equal(got, ramp(4800, 3200)) {
		t.Errorf("answer 1 reads %d samples (%v); want the 3200 after answer 0", len(got), err)
	}
}
