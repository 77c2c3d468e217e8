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
	var synchronous int
	s.db.QueryRow(`PRAGMA synchronous`).Scan(&synchronous)
	if synchronous != 1 {
		t.Errorf("synchronous %d; want 1 (NORMAL: see AttachStore)", synchronous)
	}
	rec := SessionRecord{ID: "s1", CreatedAt: time.Now(), Mode: "practice", Level: "sde2", QuestionID: "q", Principle: "P", Question: "Q?", Engine: "test"}
	if err := s.CreateSession(ctx, rec, "secret"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAnswer(ctx, "s1", AnswerRecord{N: 0, Asked: "Q?", AudioFile: "answer-0.wav"}); err != nil {
		t.Fatal(err)
	}
	words := []transcribe.Word{{Text: "hello", Start: 1, End: 1.5, Confidence: 0.9, Punctuated: "Hello,"}}
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
	if d.State != StateInterrupted || len(d.Words) != 1 || d.Words[0].Text != "hello" || d.Words[0].Punctuated != "Hello," || len(d.Answers) != 1 || d.Report != nil {
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

// TestCues: a cue per utterance, split where its words go from one STAR
// part to another, each labelled with the part of its words and timed
// by them.
func TestCues(t *testing.T) {
	d := &SessionDetail{
		Answers: []AnswerRecord{{N: 0, Start: 0}, {N: 1, Start: 10}},
		Words: []WordRecord{
			// One utterance that goes from the situation to the task and back.
			{Answer: 0, Utterance: 0, Text: "we", Start: 0.5, End: 0.7, Part: "situation"},
			{Answer: 0, Utterance: 0, Text: "had", Punctuated: "had,", Start: 0.7, End: 0.9, Part: "situation"},
			{Answer: 0, Utterance: 0, Text: "I", Start: 1.1, End: 1.2, Part: "task"},
			{Answer: 0, Utterance: 0, Text: "owned", Start: 1.2, End: 1.6, Part: "task"},
			{Answer: 0, Utterance: 0, Text: "it", Start: 1.6, End: 1.7, Part: "situation"},
			// Two utterances in one part stay two cues.
			{Answer: 0, Utterance: 1, Text: "done", Punctuated: "done.", Start: 2, End: 2, Part: "result"},
			{Answer: 0, Utterance: 2, Text: "so", Start: 2.5, End: 2.7, Part: "result"},
			{Answer: 0, Utterance: 2, Text: "next", Start: 2.8, End: 3.1, Part: "reflection"},
			{Answer: 1, Utterance: 3, Text: "five", Start: 11, End: 3725.5},
			{Answer: 1, Utterance: 3, Text: "percent", Start: 3725.5, End: 3726},
		},
	}
	for _, c := range []struct {
		name   string
		answer int
		render func([]Cue) string
		want   string
	}{
		{"WebVTT, the whole session", -1, WebVTT, "WEBVTT\n\n" +
			"1\n00:00:00.500 --> 00:00:00.900\n[Situation] we had,\n\n" +
			"2\n00:00:01.100 --> 00:00:01.600\n[Task] I owned\n\n" +
			"3\n00:00:01.600 --> 00:00:01.800\n[Situation] it\n\n" +
			"4\n00:00:02.000 --> 00:00:02.200\n[Result] done.\n\n" +
			"5\n00:00:02.500 --> 00:00:02.700\n[Result] so\n\n" +
			"6\n00:00:02.800 --> 00:00:03.100\n[Reflection] next\n\n" +
			"7\n00:00:11.000 --> 01:02:06.000\n[Probe 1] five percent\n"},
		{"SRT, answer 0", 0, SRT, "1\n00:00:00,500 --> 00:00:00,900\n[Situation] we had,\n\n" +
			"2\n00:00:01,100 --> 00:00:01,600\n[Task] I owned\n\n" +
			"3\n00:00:01,600 --> 00:00:01,800\n[Situation] it\n\n" +
			"4\n00:00:02,000 --> 00:00:02,200\n[Result] done.\n\n" +
			"5\n00:00:02,500 --> 00:00:02,700\n[Result] so\n\n" +
			"6\n00:00:02,800 --> 00:00:03,100\n[Reflection] next\n"},
		{"SRT, answer 1 from its recording's start", 1, SRT, "1\n00:00:01,000 --> 01:01:56,000\n[Probe 1] five percent\n"},
	} {
		got := c.render(Cues(d, c.answer))
		if got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
		if strings.HasPrefix(got, "WEBVTT") {
			if _, err := parseWebVTT(got); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
	md := Markdown(&SessionDetail{SessionRecord: SessionRecord{Principle: "Ownership", Question: "Q?"}, Report: &interviewer.InterviewReport{}})
	if !strings.HasPrefix(md, "# Mock interview: Ownership") {
		t.Errorf("markdown:\n%s", md)
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
	s, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Repeat("ab", 16)
	rec := SessionRecord{ID: id, CreatedAt: time.Now(), Mode: "practice", Level: "sde2", QuestionID: "q", Principle: "P", Question: "Q?", Engine: "test"}
	if err := s.CreateSession(ctx, rec, "secret"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAnswer(ctx, id, AnswerRecord{N: 0, Asked: "Q?", AudioFile: "answer-0.wav"}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(s.AudioDir(id), 0o755)
	r, err := createRecording(s.AudioPath(id, "answer-0.wav"))
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		r.Write(make([]int16, 1600))
	}
	// The last frame's data is written, its header patch is not.
	r.f.WriteAt(make([]byte, 3200), wavHeaderSize+2*r.samples)
	r.f.WriteAt([]byte{1}, wavHeaderSize+2*r.samples+3200) // and half a sample
	r.f.Close()
	s.Close()

	attached, err := AttachStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := attached.Session(ctx, id); d.State != StateLive {
		t.Errorf("attached: state %q; want it left live", d.State)
	}
	attached.Close()

	s, err = OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := s.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != StateInterrupted || d.Duration != 1.1 || d.Answers[0].AudioSeconds != 1.1 || d.Answers[0].End == nil || *d.Answers[0].End != 1.1 {
		t.Errorf("after the restart: state %s, duration %v, answer %+v", d.State, d.Duration, d.Answers[0])
	}
	samples, _, err := transcribe.ReadWAV(s.AudioPath(id, "answer-0.wav"))
	if err != nil || len(samples) != 11*1600 {
		t.Errorf("recording: %d samples, %v; want %d", len(samples), err, 11*1600)
	}
	// The half sample is gone, so audio appended later stays aligned.
	st, err := os.Stat(s.AudioPath(id, "answer-0.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(wavHeaderSize + 2*11*1600); st.Size() != want {
		t.Errorf("recording: %d bytes; want the header and %d whole samples, %d bytes", st.Size(), 11*1600, want)
	}
}

// TestTape follows the audio of a session on its way to disk: nothing
// after a refused Start, what comes after Start held until the session
// takes it, then each answer cut at its place on the stream clock however
// far the reader has written ahead, and whatever came after the end
// dropped. Audio before any Start is held too: it begins a session.
func TestTape(t *testing.T) {
	dir := t.TempDir()
	frame := func(v int16, n int) []int16 {
		s := make([]int16, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	read := func(name string) []int16 {
		t.Helper()
		samples, _, err := transcribe.ReadWAV(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return samples
	}
	var first tape
	first.write(frame(1, 100)) // audio first: held for the session it begins
	first.expectStart()        // a Start after it changes nothing
	first.write(frame(2, 100))
	rec, _ := createRecording(filepath.Join(dir, "first.wav"))
	first.begin(rec)
	first.write(frame(3, 100))
	if got := read("first.wav"); len(got) != 300 || got[0] != 1 || got[100] != 2 || got[299] != 3 {
		t.Errorf("audio first: %d samples recorded; want all 300 from the first", len(got))
	}
	first.stop(300)
	rec.Close()

	var tp tape
	tp.expectStart()
	tp.refuse()             // a refused Start
	tp.write(frame(1, 100)) // after it: not recorded
	tp.write(frame(2, 100))
	tp.expectStart()
	tp.write(frame(9, 100)) // held, then dropped with the Start refused
	tp.expectStart()
	tp.refuse()
	tp.write(frame(3, 100)) // held until the session takes the second Start
	rec0, _ := createRecording(filepath.Join(dir, "answer-0.wav"))
	tp.begin(rec0)
	tp.write(frame(4, 100))
	tp.write(frame(5, 100)) // the reader is ahead of the session
	if got := read("answer-0.wav"); len(got) != 300 || got[0] != 3 || got[299] != 5 {
		t.Fatalf("before the cut, answer 0 holds %d samples", len(got))
	}
	rec1, _ := createRecording(filepath.Join(dir, "answer-1.wav"))
	prev, err := tp.cut(250, rec1) // a probe asked at sample 250
	if err != nil || prev != rec0 {
		t.Fatal(err)
	}
	rec0.Close()
	tp.write(frame(6, 100))
	if got := read("answer-0.wav"); len(got) != 250 || got[249] != 5 {
		t.Errorf("answer 0 holds %d samples, ending with %d; want 250 ending with 5", len(got), got[len(got)-1])
	}
	if got := read("answer-1.wav"); len(got) != 150 || got[0] != 5 || got[50] != 6 {
		t.Errorf("answer 1 holds %d samples; want the 50 past the cut, then 100 more", len(got))
	}
	last, err := tp.stop(330) // the session ended at sample 330
	if err != nil || last != rec1 {
		t.Fatal(err)
	}
	last.Close()
	tp.write(frame(7, 100))
	if got := read("answer-1.wav"); len(got) != 80 {
		t.Errorf("after the end, answer 1 holds %d samples; want 80", len(got))
	}
}
