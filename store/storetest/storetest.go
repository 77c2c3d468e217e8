// Package storetest is the checks that every implementation of the
// store's interfaces must pass alike, in two suites. Run checks the rows
// (store.Sessions with store.Interrupted, store.Journals, and
// store.Portable, which copies them whole):
// store/folder's SQLite and store/postgres run it from their tests.
// RunRecordings checks the audio (store.Recordings with
// store.Repairable): store/folder's WAV files and store/s3 run it. A
// check names what a caller relies on: the order of lists, ErrNotFound,
// ErrConflict and ErrFull, what goes with a deleted row, the attempts'
// figures rewritten with a report, times that round-trip and sort,
// ranges of a recording read on and across the edges of its pieces, and
// audio that outlives a crash.
//
// It is for tests only.
package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
)

// Sessions is what the suite checks of a store's sessions.
type Sessions interface {
	store.Sessions
	store.Interrupted
}

// Store is a store's rows, fresh and empty.
type Store struct {
	Sessions Sessions
	Journals store.Journals
	// Portable is the same database's rows as a copy reads and writes
	// them.
	Portable store.Portable
	// Replicas is the same database's list of replicas.
	Replicas store.Replicas
}

// check is one behaviour, checked on a fresh store.
type check struct {
	name string
	run  func(t *testing.T, s Store)
}

// Run runs every check as a subtest, each on a fresh store that open
// makes (and cleans up after, through t).
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

var checks = []check{
	{"sessions-listed-newest-first", checkList},
	{"session-round-trip", checkSessionRoundTrip},
	{"answers", checkAnswers},
	{"utterances-and-words", checkWords},
	{"long-answer", checkLongAnswer},
	{"report", checkReport},
	{"replace-transcript", checkReplaceTranscript},
	{"end-and-delete", checkEndAndDelete},
	{"journals-and-stories", checkStories},
	{"attempts", checkAttempts},
	{"journal-full", checkFull},
	{"interrupted", checkInterrupted},
	{"portable", checkPortable},
	{"replicas", checkReplicas},
}

// id is the n-th id of the form store.ValidSessionID takes.
func id(n int) string { return fmt.Sprintf("%032x", n) }

// base is a time with nanoseconds, which a store may keep to the
// microsecond only.
var base = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// sameTime reports whether a stored time came back as the one written,
// to the microsecond at least (PostgreSQL keeps microseconds).
func sameTime(got, want time.Time) bool {
	return got.Equal(want) || got.Equal(want.Truncate(time.Microsecond))
}

// create adds a live session created at, with secret "secret-N" and a
// main answer (0) in session.wav from sample 0.
func create(t *testing.T, s Store, n int, at time.Time) string {
	t.Helper()
	sid := id(n)
	rec := store.SessionRecord{ID: sid, CreatedAt: at, Mode: "interview", Level: "sde2", QuestionID: "q" + sid[28:],
		Principle: "Ownership", Question: "Tell me about a time.", Engine: "pocketsphinx"}
	must(t, s.Sessions.CreateSession(t.Context(), rec, fmt.Sprintf("secret-%d", n)))
	must(t, s.Sessions.AddAnswer(t.Context(), sid, store.AnswerRecord{N: 0, Asked: "Tell me about a time.", AudioFile: "session.wav"}))
	return sid
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// report is an interview's report with its words labelled, two parts,
// one probe and a verdict.
func report(decision string, findings ...string) *interviewer.InterviewReport {
	r := &interviewer.InterviewReport{Mode: interviewer.Mode("interview"), QuestionID: "q", Principle: "Ownership"}
	r.Level = "sde2"
	r.Words = []interviewer.ReportWord{
		{Text: "we", Start: 0.5, End: 0.7, Part: "situation"},
		{Text: "um", Start: 0.8, End: 1.0, Part: "situation", Filler: true},
		{Text: "fixed", Start: 1.2, End: 1.6, Part: "action"},
	}
	r.Parts = []interviewer.PartTiming{
		{Label: "situation", Start: 0.5, End: 1.0, Duration: 0.5, Speaking: 0.4, Target: 30, Status: "ok", Words: 2, WPM: 240, Text: "we um"},
		{Label: "action", Start: 1.2, End: 1.6, Duration: 0.4, Speaking: 0.4, Target: 90, Status: "short", Words: 1, WPM: 150, Text: "fixed"},
	}
	r.Budget = interviewer.Budget{Min: 150, Max: 195, Status: "short", Length: 1.1}
	for _, f := range findings {
		r.Feedback = append(r.Feedback, interviewer.Finding{Code: f})
	}
	r.Probes = []interviewer.ProbeExchange{{ID: "p1", Gap: "metrics", Probes: "numbers", Asked: "How much?", Answer: "forty percent",
		Verdict: &interviewer.Verdict{Rating: interviewer.RatingStrong, Reason: "a number"}, Audio: &interviewer.Audio{LevelDBFS: -20, Quality: "good"}}}
	if decision != "" {
		r.Verdict = &interviewer.HiringVerdict{Decision: decision}
	}
	return r
}
