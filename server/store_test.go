package server

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

func TestStoreReopens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %q; want wal", mode)
	}
	rec := SessionRecord{ID: "s1", CreatedAt: time.Now(), Mode: "practice", Level: "sde2", QuestionID: "q", Principle: "P", Question: "Q?", Engine: "test"}
	if err := s.CreateSession(ctx, rec, "secret"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAnswer(ctx, "s1", AnswerRecord{N: 0, Asked: "Q?", AudioFile: "answer-0.wav"}); err != nil {
		t.Fatal(err)
	}
	words := []transcribe.Word{{Text: "hello", Start: 1, End: 1.5, Confidence: 0.9}}
	if err := s.AddWords(ctx, "s1", 0, 0, 0, words); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A process that died left the session live; the next start says so.
	s, err = OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	s.db.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != len(migrations) {
		t.Errorf("schema version %d; want %d", version, len(migrations))
	}
	d, err := s.Session(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if d.State != StateInterrupted || len(d.Words) != 1 || d.Words[0].Text != "hello" || len(d.Answers) != 1 || d.Report != nil {
		t.Errorf("after reopening: %+v", d)
	}
	h, err := s.SecretHash(ctx, "s1")
	if err != nil || h != HashSecret("secret") || strings.Contains(h, "secret") {
		t.Errorf("secret hash %q, %v", h, err)
	}
	if _, err := s.Session(ctx, "nope"); err != ErrNotFound {
		t.Errorf("missing session: %v", err)
	}
}

func TestStoreRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Exec(`PRAGMA user_version = 99`)
	s.Close()
	if _, err := OpenStore(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("opening a newer schema: %v", err)
	}
}

// TestRecordingSurvivesCrash reads a recording that was never closed, as a
// killed process would leave it.
func TestRecordingSurvivesCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "answer-0.wav")
	r, err := createRecording(path)
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
	if r.Seconds() != 0.5 {
		t.Errorf("Seconds %.3f; want 0.5", r.Seconds())
	}
	r.f.Close() // no Close: the header must already be right
	st, _ := os.Stat(path)
	if st.Size() != 44+2*int64(len(want)) {
		t.Errorf("file of %d bytes", st.Size())
	}
}

func TestCues(t *testing.T) {
	d := &SessionDetail{
		Answers: []AnswerRecord{{N: 0, Start: 0}, {N: 1, Start: 10}},
		Words: []WordRecord{
			{Answer: 0, Utterance: 0, Text: "we", Start: 0.5, End: 0.7, Part: "situation"},
			{Answer: 0, Utterance: 0, Text: "had", Start: 0.7, End: 0.9, Part: "situation"},
			{Answer: 0, Utterance: 0, Text: "I", Start: 0.9, End: 1.0, Part: "task"},
			{Answer: 0, Utterance: 1, Text: "done", Start: 2, End: 2, Part: "result"},
			{Answer: 1, Utterance: 2, Text: "five", Start: 11, End: 3725.5},
		},
	}
	vtt := WebVTT(Cues(d, -1))
	want := "WEBVTT\n\n1\n00:00:00.500 --> 00:00:01.000\n[Situation] we had I\n\n2\n00:00:02.000 --> 00:00:02.200\n[Result] done\n\n" +
		"3\n00:00:11.000 --> 01:02:05.500\n[Probe 1] five\n"
	if vtt != want {
		t.Errorf("WebVTT:\n%s\nwant:\n%s", vtt, want)
	}
	if _, err := parseWebVTT(vtt); err != nil {
		t.Error(err)
	}
	srt := SRT(Cues(d, 1))
	if want := "1\n00:00:01,000 --> 01:01:55,500\n[Probe 1] five\n"; srt != want {
		t.Errorf("SRT of answer 1:\n%s\nwant:\n%s", srt, want)
	}
	md := Markdown(&SessionDetail{SessionRecord: SessionRecord{Principle: "Ownership", Question: "Q?"}, Report: &interviewer.InterviewReport{}})
	if !strings.HasPrefix(md, "# Mock interview: Ownership") {
		t.Errorf("markdown:\n%s", md)
	}
}
