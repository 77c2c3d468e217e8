package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// checkList: newest first, ties by id; by secret hashes; none for no
// hashes, as an empty list.
func checkList(t *testing.T, s Store) {
	ctx := t.Context()
	// A whole second, then fractions whose text is shorter or longer:
	// times must sort as times, not as trimmed RFC 3339 text.
	times := map[int]time.Time{
		1: base,
		2: base.Add(100 * time.Millisecond),
		3: base.Add(120 * time.Millisecond),
		4: base.Add(time.Second),
		5: base.Add(time.Second), // a tie, after 4 by id
		6: base.Add(-time.Hour).Add(123456789),
	}
	for _, n := range []int{5, 2, 6, 1, 4, 3} {
		create(t, s, n, times[n])
	}
	list, err := s.Sessions.ListSessions(ctx, true, nil)
	must(t, err)
	var got []string
	for _, r := range list {
		got = append(got, r.ID)
	}
	if want := []string{id(4), id(5), id(3), id(2), id(1), id(6)}; !slices.Equal(got, want) {
		t.Errorf("all sessions in the order\n%v; want\n%v", got, want)
	}
	list, err = s.Sessions.ListSessions(ctx, false, []string{store.HashSecret("secret-6"), store.HashSecret("secret-2"), store.HashSecret("nobody's")})
	must(t, err)
	if len(list) != 2 || list[0].ID != id(2) || list[1].ID != id(6) {
		t.Errorf("sessions by secret: %+v; want 2 then 6", list)
	}
	for _, hashes := range [][]string{nil, {store.HashSecret("nobody's")}} {
		list, err = s.Sessions.ListSessions(ctx, false, hashes)
		if err != nil || list == nil || len(list) != 0 {
			t.Errorf("sessions by %v: %v %v; want an empty list", hashes, list, err)
		}
	}
}

// checkSessionRoundTrip: a session reads back as written; unknown ids are
// ErrNotFound; an id is taken once.
func checkSessionRoundTrip(t *testing.T, s Store) {
	ctx := t.Context()
	at := base.Add(123456789) // nanoseconds
	sid := create(t, s, 1, at)
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	want := store.SessionRecord{ID: sid, State: store.StateLive, Mode: "interview", Level: "sde2", QuestionID: "q" + sid[28:],
		Principle: "Ownership", Question: "Tell me about a time.", Engine: "pocketsphinx", AnswerCount: 1}
	got := d.SessionRecord
	if !sameTime(got.CreatedAt, at) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("created %v; want %v in UTC", got.CreatedAt, at)
	}
	got.CreatedAt = time.Time{}
	if got != want {
		t.Errorf("session\n%+v; want\n%+v", got, want)
	}
	if d.Report != nil || d.Words == nil || d.Utterances == nil || d.Parts == nil || d.Probes == nil || len(d.Answers) != 1 {
		t.Errorf("a new session: report %v, words %v, utterances %v, parts %v, probes %v, answers %v; want empty lists and no report",
			d.Report, d.Words, d.Utterances, d.Parts, d.Probes, d.Answers)
	}
	if h, err := s.Sessions.SecretHash(ctx, sid); err != nil || h != store.HashSecret("secret-1") {
		t.Errorf("SecretHash: %q %v", h, err)
	}
	if _, err := s.Sessions.Session(ctx, id(99)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session of an unknown id: %v", err)
	}
	if _, err := s.Sessions.SecretHash(ctx, id(99)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SecretHash of an unknown id: %v", err)
	}
	if err := s.Sessions.CreateSession(ctx, store.SessionRecord{ID: sid, CreatedAt: at}, "again"); err == nil {
		t.Error("a second session with the same id was taken")
	}
	if err := s.Sessions.AddAnswer(ctx, id(99), store.AnswerRecord{N: 0, AudioFile: "session.wav"}); err == nil {
		t.Error("an answer of no session was taken")
	}
	if err := s.Sessions.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// checkAnswers: in order of their number, open until ended, their range
// of the recording kept.
func checkAnswers(t *testing.T, s Store) {
	ctx := t.Context()
	sid := create(t, s, 1, base)
	probe := store.AnswerRecord{N: 1, ProbeID: "p1", Gap: "metrics", Asked: "How much?", Start: 12.5, AudioFile: "session.wav", FirstSample: 200000}
	must(t, s.Sessions.AddAnswer(ctx, sid, probe))
	a, err := s.Sessions.Answer(ctx, sid, 1)
	must(t, err)
	if a != probe || a.End != nil {
		t.Errorf("open answer %+v; want %+v", a, probe)
	}
	must(t, s.Sessions.EndAnswer(ctx, sid, 0, 12.5, 200000))
	must(t, s.Sessions.EndAnswer(ctx, sid, 1, 20.25, 124000))
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	if len(d.Answers) != 2 || d.AnswerCount != 2 || d.Answers[0].N != 0 || d.Answers[1].N != 1 {
		t.Fatalf("answers %+v (count %d); want 0 then 1", d.Answers, d.AnswerCount)
	}
	first, second := d.Answers[0], d.Answers[1]
	if first.End == nil || *first.End != 12.5 || first.Samples != 200000 || first.AudioSeconds != 12.5 ||
		second.End == nil || *second.End != 20.25 || second.Samples != 124000 || second.AudioSeconds != 7.75 ||
		second.FirstSample != 200000 || second.ProbeID != "p1" || second.Gap != "metrics" || second.Asked != "How much?" {
		t.Errorf("ended answers %+v and %+v", first, second)
	}
	if _, err := s.Sessions.Answer(ctx, sid, 7); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an answer never asked: %v", err)
	}
	if _, err := s.Sessions.Answer(ctx, id(99), 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an answer of no session: %v", err)
	}
}

// checkWords: words in their order with their utterances; an utterance
// without an engine keeps only its words; one that fails keeps nothing.
func checkWords(t *testing.T, s Store) {
	ctx := t.Context()
	sid := create(t, s, 1, base)
	must(t, s.Sessions.AddAnswer(ctx, sid, store.AnswerRecord{N: 1, Asked: "How much?", Start: 3, AudioFile: "session.wav"}))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 0, Answer: 0, Start: 0.4, End: 1.6, Engine: "pocketsphinx"}, 0, []transcribe.Word{
		{Text: "we", Start: 0.5, End: 0.7, Confidence: 0.9, Punctuated: "We"},
		{Text: "fixed", Start: 1.2, End: 1.6, Confidence: 0.25, Punctuated: "fixed.", LowConfidence: true},
	}))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 1, Answer: 0}, 2, []transcribe.Word{{Text: "it", Start: 1.7, End: 1.8, Confidence: 1}}))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 2, Answer: 1, Start: 3.5, End: 4.5, Engine: "pocketsphinx", Fallback: true}, 3, nil))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 3, Answer: 1, Start: 5, End: 6, Engine: "openai"}, 3, []transcribe.Word{
		{Text: "forty", Start: 5.1, End: 5.5, Confidence: 0.8},
	}))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 4, Answer: 1, Start: 6, End: 7, Engine: "openai"}, 4, []transcribe.Word{
		{Text: "percent", Start: 6.1, End: 6.5}, {Text: "again", Start: 6.6, End: 6.9},
	}))
	// Word 5 is taken: none of this utterance is kept.
	if err := s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 5, Answer: 1, Start: 7, End: 8, Engine: "openai"}, 5, []transcribe.Word{
		{Text: "new", Start: 7.1, End: 7.5}, {Text: "clash", Start: 7.6, End: 7.9},
	}); err == nil {
		t.Error("an utterance whose first word's number was taken was stored")
	}
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	want := []store.WordRecord{
		{Answer: 0, Utterance: 0, Text: "we", Punctuated: "We", Start: 0.5, End: 0.7, Confidence: 0.9},
		{Answer: 0, Utterance: 0, Text: "fixed", Punctuated: "fixed.", Start: 1.2, End: 1.6, Confidence: 0.25, LowConfidence: true},
		{Answer: 0, Utterance: 1, Text: "it", Start: 1.7, End: 1.8, Confidence: 1},
		{Answer: 1, Utterance: 3, Text: "forty", Start: 5.1, End: 5.5, Confidence: 0.8},
		{Answer: 1, Utterance: 4, Text: "percent", Start: 6.1, End: 6.5},
		{Answer: 1, Utterance: 4, Text: "again", Start: 6.6, End: 6.9},
	}
	if !slices.Equal(d.Words, want) {
		t.Errorf("words\n%+v; want\n%+v", d.Words, want)
	}
	wantUtterances := []store.UtteranceRecord{
		{N: 0, Answer: 0, Start: 0.4, End: 1.6, Engine: "pocketsphinx", Words: 2},
		{N: 2, Answer: 1, Start: 3.5, End: 4.5, Engine: "pocketsphinx", Fallback: true, Words: 0},
		{N: 3, Answer: 1, Start: 5, End: 6, Engine: "openai", Words: 1},
		{N: 4, Answer: 1, Start: 6, End: 7, Engine: "openai", Words: 2},
	}
	if !slices.Equal(d.Utterances, wantUtterances) {
		t.Errorf("utterances\n%+v; want\n%+v", d.Utterances, wantUtterances)
	}
}

// checkLongAnswer: an utterance of more words than one statement writes
// is kept whole and in order, and a report marks each main-answer word,
// given out of order, with its part and filler flag.
func checkLongAnswer(t *testing.T, s Store) {
	ctx := t.Context()
	sid := create(t, s, 1, base)
	const n = 451
	words := make([]transcribe.Word, n)
	r := report("")
	r.Words = make([]interviewer.ReportWord, n)
	mainWords := make([]int, n)
	for i := range n {
		words[i] = transcribe.Word{Text: fmt.Sprintf("w%d", i), Start: float64(i), End: float64(i) + 0.5, Confidence: 0.5, LowConfidence: i%5 == 0}
		k := n - 1 - i
		mainWords[i] = k
		r.Words[i] = interviewer.ReportWord{Text: words[k].Text, Part: star.Label([]string{"situation", "task", "action"}[k%3]), Filler: k%7 == 0}
	}
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 0, Answer: 0, Start: 0, End: n, Engine: "e"}, 0, words))
	must(t, s.Sessions.SaveReport(ctx, sid, r, mainWords, base))
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	if len(d.Words) != n || d.Utterances[0].Words != n {
		t.Fatalf("%d words, the utterance counts %d; want %d", len(d.Words), d.Utterances[0].Words, n)
	}
	for i, w := range d.Words {
		want := store.WordRecord{Text: words[i].Text, Start: words[i].Start, End: words[i].End, Confidence: 0.5, LowConfidence: i%5 == 0,
			Part: []string{"situation", "task", "action"}[i%3], Filler: i%7 == 0}
		if w != want {
			t.Fatalf("word %d: %+v; want %+v", i, w, want)
		}
	}
}

// addWords gives session sid three main-answer words (0 to 2) and a
// probe reply's (3).
func addWords(t *testing.T, s Store, sid string) {
	t.Helper()
	ctx := t.Context()
	must(t, s.Sessions.AddAnswer(ctx, sid, store.AnswerRecord{N: 1, Asked: "How much?", Start: 3, AudioFile: "session.wav"}))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 0, Answer: 0, Start: 0.4, End: 1.6, Engine: "e"}, 0, []transcribe.Word{
		{Text: "we", Start: 0.5, End: 0.7}, {Text: "um", Start: 0.8, End: 1.0}, {Text: "fixed", Start: 1.2, End: 1.6},
	}))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 1, Answer: 1, Start: 3.2, End: 4, Engine: "e"}, 3, []transcribe.Word{
		{Text: "forty", Start: 3.3, End: 3.8, Confidence: 0.7, Punctuated: "Forty"},
	}))
}

// checkReport: the report and what it says of the words, parts and
// probes; saved again, it replaces them.
func checkReport(t *testing.T, s Store) {
	ctx := t.Context()
	sid := create(t, s, 1, base)
	addWords(t, s, sid)
	r := report("Leaning Hire")
	must(t, s.Sessions.SaveReport(ctx, sid, r, []int{0, 1, 2}, base.Add(time.Minute)))
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	var parts []string
	var fillers []bool
	for _, w := range d.Words {
		parts, fillers = append(parts, w.Part), append(fillers, w.Filler)
	}
	if !slices.Equal(parts, []string{"situation", "situation", "action", ""}) || !slices.Equal(fillers, []bool{false, true, false, false}) {
		t.Errorf("words' parts %q and fillers %v", parts, fillers)
	}
	if !slices.Equal(d.Parts, r.Parts) {
		t.Errorf("parts\n%+v; want\n%+v", d.Parts, r.Parts)
	}
	if len(d.Probes) != 1 {
		t.Fatalf("probes %+v; want one", d.Probes)
	}
	p := d.Probes[0]
	if p.ID != "p1" || p.Gap != "metrics" || p.Probes != "numbers" || p.Asked != "How much?" || p.Answer != "forty percent" || p.Skipped ||
		p.Verdict == nil || *p.Verdict != *r.Probes[0].Verdict || p.Audio == nil || *p.Audio != *r.Probes[0].Audio ||
		len(p.Words) != 1 || p.Words[0] != (transcribe.Word{Text: "forty", Start: 3.3, End: 3.8, Confidence: 0.7, Punctuated: "Forty"}) {
		t.Errorf("probe %+v", p)
	}
	if d.Decision != "Leaning Hire" || d.Report == nil || d.Report.Verdict == nil || d.Report.Verdict.Decision != "Leaning Hire" ||
		d.Report.Budget != r.Budget || len(d.Report.Words) != 3 || d.Report.Principle != "Ownership" {
		t.Errorf("decision %q, report %+v", d.Decision, d.Report)
	}

	// Saved again: fewer parts, a skipped probe without a verdict, no
	// decision; a report with no budget length gets it from its words.
	r = report("")
	r.Parts = r.Parts[:1]
	r.Probes[0].Verdict, r.Probes[0].Skipped = nil, true
	r.Budget.Length = 0
	must(t, s.Sessions.SaveReport(ctx, sid, r, []int{0, 1, 2}, base.Add(2*time.Minute)))
	d, err = s.Sessions.Session(ctx, sid)
	must(t, err)
	if len(d.Parts) != 1 || len(d.Probes) != 1 || d.Probes[0].Verdict != nil || !d.Probes[0].Skipped || d.Decision != "" ||
		d.Report.Verdict != nil || d.Report.Budget.Length != 1.1 {
		t.Errorf("saved again: parts %+v, probes %+v, decision %q, report %+v", d.Parts, d.Probes, d.Decision, d.Report)
	}
}

// checkReplaceTranscript: words, utterances, answers' ranges and report
// swapped at once, or not at all.
func checkReplaceTranscript(t *testing.T, s Store) {
	ctx := t.Context()
	sid := create(t, s, 1, base)
	addWords(t, s, sid)
	must(t, s.Sessions.EndAnswer(ctx, sid, 0, 3, 48000))
	now := base.Add(time.Hour).Add(987654321)
	tr := store.Transcript{
		Utterances: []store.UtteranceRecord{
			{N: 0, Answer: 0, Start: 0.3, End: 2, Engine: "openai"},
			{N: 1, Answer: 1, Start: 3.1, End: 5, Engine: "pocketsphinx", Fallback: true},
		},
		Words: [][]transcribe.Word{
			{{Text: "we", Start: 0.4, End: 0.6}, {Text: "fixed", Start: 1, End: 1.5}},
			{{Text: "forty", Start: 3.2, End: 3.6}, {Text: "percent", Start: 3.7, End: 4.1}},
		},
		Answers: map[int]float64{0: 3.25, 1: 4.5},
	}
	r := report("Hire")
	r.Words = r.Words[:2]
	must(t, s.Sessions.ReplaceTranscript(ctx, sid, tr, r, []int{0, 1}, now))
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	var texts []string
	for _, w := range d.Words {
		texts = append(texts, w.Text)
	}
	if !slices.Equal(texts, []string{"we", "fixed", "forty", "percent"}) || d.Words[3].Answer != 1 || d.Words[3].Utterance != 1 || d.Words[1].Part != "situation" {
		t.Errorf("words %+v", d.Words)
	}
	if len(d.Utterances) != 2 || d.Utterances[1].Words != 2 || !d.Utterances[1].Fallback || d.Utterances[0].Engine != "openai" {
		t.Errorf("utterances %+v", d.Utterances)
	}
	a0, a1 := d.Answers[0], d.Answers[1]
	if *a0.End != 3.25 || a0.Samples != 52000 || a0.AudioSeconds != 3.25 || *a1.End != 7.5 || a1.Samples != 72000 || a1.AudioSeconds != 4.5 {
		t.Errorf("answers %+v %+v", a0, a1)
	}
	if d.Duration != 7.5 || !sameTime(d.RetranscribedAt, now) || d.Decision != "Hire" {
		t.Errorf("duration %v, retranscribed %v, decision %q; want 7.5, %v, Hire", d.Duration, d.RetranscribedAt, d.Decision, now)
	}
	// The session's own duration stays when it is longer.
	must(t, s.Sessions.EndSession(ctx, sid, store.StateDone, 30, now))
	must(t, s.Sessions.ReplaceTranscript(ctx, sid, tr, r, []int{0, 1}, now))
	if d, _ := s.Sessions.Session(ctx, sid); d.Duration != 30 {
		t.Errorf("duration after a second rebuild %v; want 30 kept", d.Duration)
	}
	// An answer the session does not have: nothing changes.
	bad := tr
	bad.Utterances, bad.Words = tr.Utterances[:1], tr.Words[:1]
	bad.Answers = map[int]float64{7: 1}
	if err := s.Sessions.ReplaceTranscript(ctx, sid, bad, report("No Hire"), nil, now.Add(time.Hour)); err == nil {
		t.Error("a transcript for answer 7 of a session with two was taken")
	}
	if d, _ := s.Sessions.Session(ctx, sid); len(d.Words) != 4 || len(d.Utterances) != 2 || d.Decision != "Hire" || !sameTime(d.RetranscribedAt, now) {
		t.Errorf("after a failed rebuild: %d words, %d utterances, decision %q, retranscribed %v; want it unchanged",
			len(d.Words), len(d.Utterances), d.Decision, d.RetranscribedAt)
	}
}

// checkEndAndDelete: a session ends with its state and length; deleted,
// nothing of it stays.
func checkEndAndDelete(t *testing.T, s Store) {
	ctx := t.Context()
	sid := create(t, s, 1, base)
	other := create(t, s, 2, base)
	addWords(t, s, sid)
	must(t, s.Sessions.SaveReport(ctx, sid, report("Hire"), []int{0, 1, 2}, base))
	ended := base.Add(5 * time.Minute).Add(555)
	must(t, s.Sessions.EndSession(ctx, sid, store.StateDone, 42.5, ended))
	d, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	if d.State != store.StateDone || d.Duration != 42.5 || !sameTime(d.EndedAt, ended) || !d.RetranscribedAt.IsZero() {
		t.Errorf("ended: %s, %v s, at %v, retranscribed %v", d.State, d.Duration, d.EndedAt, d.RetranscribedAt)
	}
	must(t, s.Sessions.DeleteSession(ctx, sid))
	if _, err := s.Sessions.Session(ctx, sid); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted session: %v", err)
	}
	if err := s.Sessions.DeleteSession(ctx, sid); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if list, _ := s.Sessions.ListSessions(ctx, true, nil); len(list) != 1 || list[0].ID != other {
		t.Errorf("listed after the delete: %+v", list)
	}
	// The same id again starts empty: no answer, word or report outlived it.
	must(t, s.Sessions.CreateSession(ctx, store.SessionRecord{ID: sid, CreatedAt: base}, "new"))
	d, err = s.Sessions.Session(ctx, sid)
	must(t, err)
	if len(d.Answers) != 0 || len(d.Words) != 0 || len(d.Utterances) != 0 || len(d.Parts) != 0 || len(d.Probes) != 0 || d.Report != nil || d.Decision != "" {
		t.Errorf("a session made again with a deleted one's id has %+v", d)
	}
}

// checkInterrupted: what a dead process left live is found, ended at its
// recordings' end and marked, one session or all; others are left alone.
func checkInterrupted(t *testing.T, s Store) {
	ctx := t.Context()
	a, b, c := create(t, s, 1, base), create(t, s, 2, base), create(t, s, 3, base)
	must(t, s.Sessions.EndAnswer(ctx, a, 0, 2, 32000))
	must(t, s.Sessions.AddAnswer(ctx, a, store.AnswerRecord{N: 1, Asked: "How much?", Start: 2, AudioFile: "session.wav", FirstSample: 32000}))
	must(t, s.Sessions.EndSession(ctx, c, store.StateDone, 9, base)) // its answer stays open, but it is not live
	open, err := s.Sessions.OpenAnswers(ctx, "")
	must(t, err)
	want := []store.OpenAnswer{
		{SessionID: a, N: 1, Start: 2, AudioFile: "session.wav", FirstSample: 32000},
		{SessionID: b, N: 0, AudioFile: "session.wav"},
	}
	if !slices.Equal(open, want) {
		t.Errorf("open answers\n%+v; want\n%+v", open, want)
	}
	if open, _ := s.Sessions.OpenAnswers(ctx, b); !slices.Equal(open, want[1:]) {
		t.Errorf("open answers of %s: %+v", b, open)
	}
	// Session a's recording holds 1.5 s past its answer 1's start.
	recorded := repairs{a + "/session.wav": 56000}
	must(t, store.RecoverInterrupted(ctx, s.Sessions, recorded, a))
	d, err := s.Sessions.Session(ctx, a)
	must(t, err)
	if d.State != store.StateInterrupted || d.Duration != 3.5 || d.Answers[1].End == nil || *d.Answers[1].End != 3.5 || d.Answers[1].Samples != 24000 {
		t.Errorf("recovered: %s, %v s, answer %+v", d.State, d.Duration, d.Answers[1])
	}
	if d, _ := s.Sessions.Session(ctx, b); d.State != store.StateLive {
		t.Errorf("session %s: %s; want it left live", b, d.State)
	}
	must(t, store.RecoverInterrupted(ctx, s.Sessions, recorded, ""))
	for sid, want := range map[string]string{b: store.StateInterrupted, c: store.StateDone} {
		if d, _ := s.Sessions.Session(ctx, sid); d.State != want || (sid == b && (d.Duration != 0 || *d.Answers[0].End != 0)) {
			t.Errorf("session %s: %s, %v s; want %s", sid, d.State, d.Duration, want)
		}
	}
}

// repairs is recordings that hold so many samples, by session/name.
type repairs map[string]int64

func (r repairs) Repair(_ context.Context, sessionID, name string) (int64, error) {
	return r[sessionID+"/"+name], nil
}

// checkReplicas: the live sessions of a replica that stopped saying it
// is alive are orphans, those of a living one are not, nor ended ones;
// a replica starting again finds its own, and those that name none.
func checkReplicas(t *testing.T, s Store) {
	ctx := t.Context()
	now := time.Now()
	hold := func(n int, replica string) string {
		sid := id(n)
		must(t, s.Sessions.CreateSession(ctx, store.SessionRecord{ID: sid, CreatedAt: base, Mode: "interview", Level: "sde2",
			QuestionID: "q", Principle: "Ownership", Question: "Tell me.", Engine: "instant", Replica: replica}, "secret"))
		return sid
	}
	alive, dead, gone, legacy, mine, ended := hold(1, "a:8080"), hold(2, "b:8080"), hold(3, "c:8080"), hold(4, ""), hold(5, "me:8080"), hold(6, "b:8080")
	must(t, s.Sessions.EndSession(ctx, ended, store.StateDone, 1, base))
	must(t, s.Replicas.Heartbeat(ctx, "a:8080", "http://10.0.0.1:8080", now.Add(-time.Second)))
	must(t, s.Replicas.Heartbeat(ctx, "b:8080", "http://10.0.0.2:8080", now.Add(-time.Minute)))
	must(t, s.Replicas.Heartbeat(ctx, "me:8080", "", now))
	must(t, s.Replicas.Heartbeat(ctx, "b:8080", "http://10.0.0.3:8080", now.Add(-2*time.Minute))) // an upsert, not a second row
	stale := now.Add(-15 * time.Second)
	orphans, err := s.Replicas.Orphaned(ctx, "me:8080", stale, false)
	must(t, err)
	if want := []string{dead, gone}; !slices.Equal(orphans, want) {
		t.Errorf("orphans: %v; want %v (b's heartbeat is old, c has none)", orphans, want)
	}
	orphans, err = s.Replicas.Orphaned(ctx, "me:8080", stale, true)
	must(t, err)
	if want := []string{dead, gone, legacy, mine}; !slices.Equal(orphans, want) {
		t.Errorf("orphans of a replica starting again: %v; want %v", orphans, want)
	}
	for sid, want := range map[string]store.Holder{
		alive: {Replica: "a:8080", Address: "http://10.0.0.1:8080", Alive: true},
		dead:  {Replica: "b:8080", Address: "http://10.0.0.3:8080"},
		gone:  {Replica: "c:8080"},
	} {
		if got, err := s.Replicas.Holder(ctx, sid, stale); err != nil || got != want {
			t.Errorf("holder of %s: %+v, %v; want %+v", sid, got, err, want)
		}
	}
	if _, err := s.Replicas.Holder(ctx, id(99), stale); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("holder of no session: %v", err)
	}
	must(t, s.Replicas.Leave(ctx, "a:8080"))
	orphans, err = s.Replicas.Orphaned(ctx, "me:8080", stale, false)
	must(t, err)
	if want := []string{alive, dead, gone}; !slices.Equal(orphans, want) {
		t.Errorf("orphans once a:8080 left: %v; want %v", orphans, want)
	}
	// A session taken over: only an interrupted one, and only once.
	must(t, store.RecoverInterrupted(ctx, s.Sessions, repairs{}, dead))
	for i, want := range []bool{true, false} {
		if got, err := s.Replicas.Claim(ctx, "me:8080", dead); err != nil || got != want {
			t.Errorf("claim %d of the interrupted session: %v, %v; want %v", i+1, got, err, want)
		}
	}
	if got, _ := s.Replicas.Claim(ctx, "me:8080", ended); got {
		t.Error("claimed a session that ended")
	}
	d, err := s.Sessions.Session(ctx, dead)
	must(t, err)
	if d.State != store.StateLive {
		t.Errorf("claimed session: %s, want live", d.State)
	}
	if orphans, _ := s.Replicas.Orphaned(ctx, "x", stale, false); slices.Contains(orphans, dead) {
		t.Error("a session claimed by a living replica is still an orphan")
	}
}
