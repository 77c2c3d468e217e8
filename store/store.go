// Package store is where sessions and their audio are kept, as two small
// interfaces: Sessions (the rows: sessions, answers, words, reports) and
// Recordings (the audio, written as it arrives). The server depends on
// these and on the records below, never on how they are kept; the
// implementations sit below this package (store/folder: SQLite and WAV
// files in a data folder; store/postgres: the rows in PostgreSQL), and
// store/storetest checks that they behave alike.
//
// It must not import database drivers, the file system or the server: a
// program that only reads the types links nothing else.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/transcribe"
)

// ErrNotFound is returned for a session, answer, recording, journal or
// story the store does not hold.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned for a link the store refuses: an answer that is
// already an attempt of another story, or a session that belongs to
// another journal.
var ErrConflict = errors.New("conflict")

// ErrFull is returned when a journal already holds journal.MaxStories
// stories.
var ErrFull = errors.New("full")

// Session states.
const (
	StateLive        = "live"        // a client is connected
	StateDone        = "done"        // ended and reported
	StateInterrupted = "interrupted" // the server stopped before the session ended
)

// Store is one implementation's three parts, which the server takes
// together.
type Store struct {
	Sessions   Sessions
	Recordings Recordings
	Journals   Journals
	// Replicas, when set, is where the service says it is alive, for the
	// other replicas sharing the database.
	Replicas Replicas
}

// Sessions keeps what is known of each session: its own row, its answers
// (one per question or probe asked), the words heard, the utterances
// they came in and the report. A session's writes come from one
// goroutine, in the order the session makes them; reads may come from
// anywhere at any time.
type Sessions interface {
	// CreateSession adds a live session, keeping only the secret's hash.
	CreateSession(ctx context.Context, r SessionRecord, secret string) error
	// AddAnswer records that a question or probe was asked.
	AddAnswer(ctx context.Context, sessionID string, a AnswerRecord) error
	// EndAnswer records where an answer ends, on the stream clock, and
	// how many samples of its recording it covers.
	EndAnswer(ctx context.Context, sessionID string, n int, end float64, samples int64) error
	// AddUtterance stores a final result: its words, numbered from
	// first, and which engine heard it, all or nothing.
	AddUtterance(ctx context.Context, sessionID string, u UtteranceRecord, first int, words []transcribe.Word) error
	// SaveReport stores the interview's report and what it says about
	// the answers: each main-answer word's part (mainWords holds their
	// numbers, in the report's order), the parts, the probes.
	SaveReport(ctx context.Context, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error
	// ReplaceTranscript swaps a session's words, utterances and report
	// for those made again from its recordings, all or nothing.
	ReplaceTranscript(ctx context.Context, sessionID string, t Transcript, r *interviewer.InterviewReport, mainWords []int, now time.Time) error
	// EndSession records how a session ended and how much audio it had.
	EndSession(ctx context.Context, sessionID, state string, duration float64, now time.Time) error
	// DeleteSession removes a session and everything stored with it,
	// except its recordings.
	DeleteSession(ctx context.Context, id string) error

	// SecretHash returns the hash of a session's secret (see HashSecret).
	SecretHash(ctx context.Context, sessionID string) (string, error)
	// ListSessions returns sessions, newest first: all of them when all
	// is set, else those whose secrets hash to one of secretHashes.
	ListSessions(ctx context.Context, all bool, secretHashes []string) ([]SessionRecord, error)
	// Session reads everything about one session.
	Session(ctx context.Context, id string) (*SessionDetail, error)
	// Answer reads one answer's row.
	Answer(ctx context.Context, sessionID string, n int) (AnswerRecord, error)
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
}

// Recordings keeps the audio of sessions: 16 kHz mono 16-bit samples, in
// recordings named within their session. A session has one recording, the
// whole stream, and each answer is a range of it (AnswerRecord.AudioFile,
// FirstSample, Samples); sessions of releases before that have one
// recording per answer.
type Recordings interface {
	// Create starts a recording, to be written as the audio arrives.
	// What was written is kept even if the process dies before Close.
	Create(ctx context.Context, sessionID, name string) (Recording, error)
	// Read returns up to n samples of a recording from sample from on:
	// fewer where it ends (n may be math.MaxInt64), ErrNotFound if there
	// is no such recording.
	Read(ctx context.Context, sessionID, name string, from, n int64) ([]int16, error)
	// List returns a session's recordings, by name.
	List(ctx context.Context, sessionID string) ([]RecordingInfo, error)
	// Delete removes all of a session's recordings.
	Delete(ctx context.Context, sessionID string) error
}

// Recording is one recording being written, by one goroutine at a time.
type Recording interface {
	// Write appends samples.
	Write(samples []int16) error
	// Truncate drops the samples from sample at on.
	Truncate(at int64) error
	// Close makes what was written durable.
	Close() error
}

// RecordingInfo describes a stored recording.
type RecordingInfo struct {
	Name    string
	Samples int64
	// Modified is when it was last written.
	Modified time.Time
}

// Journals keeps people's story journals: each journal's stories, and
// which sessions' answers are attempts at which story, with the figures
// of their reports (kept up to date as reports are saved or rebuilt).
type Journals interface {
	// CreateJournal adds an empty journal, keeping only the secret's hash.
	CreateJournal(ctx context.Context, id, secret string, now time.Time) error
	// Journal returns when a journal was created and its secret's hash.
	Journal(ctx context.Context, id string) (created time.Time, secretHash string, err error)
	// DeleteJournal removes a journal and its stories, and returns the
	// sessions that had attempts in it (the sessions themselves stay).
	DeleteJournal(ctx context.Context, id string) (sessions []string, err error)

	// AddStory adds a story (ErrFull past journal.MaxStories).
	AddStory(ctx context.Context, journalID string, s journal.Story) error
	// UpdateStory replaces a story's title, principles, notes and
	// vocabulary.
	UpdateStory(ctx context.Context, journalID string, s journal.Story) error
	// DeleteStory removes a story and unlinks its attempts.
	DeleteStory(ctx context.Context, journalID, storyID string) error
	// Stories returns every story of a journal, oldest first, each with
	// its attempts, oldest first.
	Stories(ctx context.Context, journalID string) ([]journal.Entry, error)
	// Story returns one story with its attempts.
	Story(ctx context.Context, journalID, storyID string) (journal.Entry, error)

	// LinkAttempt makes a session's answer an attempt of a story, its
	// figures taken from the session's report if it has one yet.
	// ErrConflict if the answer is an attempt of another story already,
	// or the session has attempts in another journal.
	LinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) (journal.Attempt, error)
	// UnlinkAttempt removes an attempt; the session stays.
	UnlinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) error
	// SessionStory names the story a session's answer is an attempt of,
	// ErrNotFound if none.
	SessionStory(ctx context.Context, sessionID string, answer int) (journalID, storyID string, err error)
}
