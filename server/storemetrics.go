package server

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// The store label's values: the rows (SQLite or PostgreSQL) and the audio
// (WAV files or S3).
const (
	storeDatabase   = "database"
	storeRecordings = "recordings"
)

// storeMetrics time every call the server makes to the database and to the
// recordings, by store and operation (the method's name in snake_case),
// and count those that failed.
type storeMetrics struct {
	seconds *prometheus.HistogramVec
	errors  *prometheus.CounterVec
	// The series of a recording's methods, looked up once: Write is called
	// for every audio frame of every session.
	write, truncate, close storeSeries
}

// storeSeries is one operation's pair of series.
type storeSeries struct {
	seconds prometheus.Observer
	errors  prometheus.Counter
}

func newStoreMetrics(reg prometheus.Registerer) *storeMetrics {
	labels := []string{"store", "op"}
	m := &storeMetrics{
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mockinterview_store_seconds",
			Help: "How long calls to the database and to the recordings took, failed or not, by store and operation.",
			// From a recording's Write (microseconds) to a PostgreSQL
			// query across a network, or an S3 request.
			Buckets: []float64{0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10},
		}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockinterview_store_errors_total",
			Help: "Calls to the database and to the recordings that failed, by store and operation; not found, conflict, full and a caller that went away are answers, not failures.",
		}, labels),
	}
	reg.MustRegister(m.seconds, m.errors)
	m.write = m.series(storeRecordings, "write")
	m.truncate = m.series(storeRecordings, "truncate")
	m.close = m.series(storeRecordings, "close")
	// The operations every session makes, and /readyz's, show up as 0
	// before their first use.
	for _, op := range []string{"create_session", "add_answer", "end_answer", "add_utterance", "save_report", "end_session",
		"session", "secret_hash", "list_sessions", "ping"} {
		m.series(storeDatabase, op)
	}
	for _, op := range []string{"create", "read"} {
		m.series(storeRecordings, op)
	}
	return m
}

func (m *storeMetrics) series(storeName, op string) storeSeries {
	return storeSeries{m.seconds.WithLabelValues(storeName, op), m.errors.WithLabelValues(storeName, op)}
}

// measure wraps the store's sessions, recordings and journals so that
// every call through them is measured. Replicas is left as it is: the
// heartbeat is the caller's, not the server's.
func (m *storeMetrics) measure(st store.Store) store.Store {
	if st.Sessions != nil {
		st.Sessions = measuredSessions{st.Sessions, m}
	}
	if st.Recordings != nil {
		st.Recordings = measuredRecordings{st.Recordings, m}
	}
	if st.Journals != nil {
		st.Journals = measuredJournals{st.Journals, m}
	}
	return st
}

// observe records a call that began at began and ended with *err; it is
// deferred, with time.Now() evaluated as the call begins.
func (s storeSeries) observe(began time.Time, err *error) {
	s.seconds.Observe(time.Since(began).Seconds())
	if failed(*err) {
		s.errors.Inc()
	}
}

// observe is storeSeries.observe for an operation looked up by name.
func (m *storeMetrics) observe(storeName, op string, began time.Time, err *error) {
	m.series(storeName, op).observe(began, err)
}

// failed tells a store's failure from its answers: what it does not hold,
// what it refuses, and a caller that stopped waiting.
func failed(err error) bool {
	return err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict) &&
		!errors.Is(err, store.ErrFull) && !errors.Is(err, context.Canceled)
}

// measuredSessions is store.Sessions, measured.
type measuredSessions struct {
	next store.Sessions
	m    *storeMetrics
}

func (s measuredSessions) CreateSession(ctx context.Context, r store.SessionRecord, secret string) (err error) {
	defer s.m.observe(storeDatabase, "create_session", time.Now(), &err)
	return s.next.CreateSession(ctx, r, secret)
}

func (s measuredSessions) AddAnswer(ctx context.Context, sessionID string, a store.AnswerRecord) (err error) {
	defer s.m.observe(storeDatabase, "add_answer", time.Now(), &err)
	return s.next.AddAnswer(ctx, sessionID, a)
}

func (s measuredSessions) EndAnswer(ctx context.Context, sessionID string, n int, end float64, samples int64) (err error) {
	defer s.m.observe(storeDatabase, "end_answer", time.Now(), &err)
	return s.next.EndAnswer(ctx, sessionID, n, end, samples)
}

func (s measuredSessions) AddUtterance(ctx context.Context, sessionID string, u store.UtteranceRecord, first int, words []transcribe.Word) (err error) {
	defer s.m.observe(storeDatabase, "add_utterance", time.Now(), &err)
	return s.next.AddUtterance(ctx, sessionID, u, first, words)
}

func (s measuredSessions) SaveReport(ctx context.Context, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) (err error) {
	defer s.m.observe(storeDatabase, "save_report", time.Now(), &err)
	return s.next.SaveReport(ctx, sessionID, r, mainWords, now)
}

func (s measuredSessions) ReplaceTranscript(ctx context.Context, sessionID string, t store.Transcript, r *interviewer.InterviewReport, mainWords []int, now time.Time) (err error) {
	defer s.m.observe(storeDatabase, "replace_transcript", time.Now(), &err)
	return s.next.ReplaceTranscript(ctx, sessionID, t, r, mainWords, now)
}

func (s measuredSessions) EndSession(ctx context.Context, sessionID, state string, duration float64, now time.Time) (err error) {
	defer s.m.observe(storeDatabase, "end_session", time.Now(), &err)
	return s.next.EndSession(ctx, sessionID, state, duration, now)
}

func (s measuredSessions) DeleteSession(ctx context.Context, id string) (err error) {
	defer s.m.observe(storeDatabase, "delete_session", time.Now(), &err)
	return s.next.DeleteSession(ctx, id)
}

func (s measuredSessions) SecretHash(ctx context.Context, sessionID string) (_ string, err error) {
	defer s.m.observe(storeDatabase, "secret_hash", time.Now(), &err)
	return s.next.SecretHash(ctx, sessionID)
}

func (s measuredSessions) ListSessions(ctx context.Context, all bool, secretHashes []string) (_ []store.SessionRecord, err error) {
	defer s.m.observe(storeDatabase, "list_sessions", time.Now(), &err)
	return s.next.ListSessions(ctx, all, secretHashes)
}

func (s measuredSessions) Session(ctx context.Context, id string) (_ *store.SessionDetail, err error) {
	defer s.m.observe(storeDatabase, "session", time.Now(), &err)
	return s.next.Session(ctx, id)
}

func (s measuredSessions) Answer(ctx context.Context, sessionID string, n int) (_ store.AnswerRecord, err error) {
	defer s.m.observe(storeDatabase, "answer", time.Now(), &err)
	return s.next.Answer(ctx, sessionID, n)
}

func (s measuredSessions) Ping(ctx context.Context) (err error) {
	defer s.m.observe(storeDatabase, "ping", time.Now(), &err)
	return s.next.Ping(ctx)
}

// measuredRecordings is store.Recordings, measured, and so are the
// recordings it creates.
type measuredRecordings struct {
	next store.Recordings
	m    *storeMetrics
}

func (r measuredRecordings) Create(ctx context.Context, sessionID, name string) (_ store.Recording, err error) {
	defer r.m.observe(storeRecordings, "create", time.Now(), &err)
	rec, err := r.next.Create(ctx, sessionID, name)
	if err != nil {
		return nil, err // nil, not a measured nil: callers test for it
	}
	return &measuredRecording{rec, r.m}, nil
}

func (r measuredRecordings) Read(ctx context.Context, sessionID, name string, from, n int64) (_ []int16, err error) {
	defer r.m.observe(storeRecordings, "read", time.Now(), &err)
	return r.next.Read(ctx, sessionID, name, from, n)
}

func (r measuredRecordings) List(ctx context.Context, sessionID string) (_ []store.RecordingInfo, err error) {
	defer r.m.observe(storeRecordings, "list", time.Now(), &err)
	return r.next.List(ctx, sessionID)
}

func (r measuredRecordings) Delete(ctx context.Context, sessionID string) (err error) {
	defer r.m.observe(storeRecordings, "delete", time.Now(), &err)
	return r.next.Delete(ctx, sessionID)
}

// measuredRecording is a store.Recording, measured with series looked up
// beforehand: Write, called ten times a second per session, allocates
// nothing of its own.
type measuredRecording struct {
	next store.Recording
	m    *storeMetrics
}

func (r *measuredRecording) Write(samples []int16) (err error) {
	defer r.m.write.observe(time.Now(), &err)
	return r.next.Write(samples)
}

func (r *measuredRecording) Truncate(at int64) (err error) {
	defer r.m.truncate.observe(time.Now(), &err)
	return r.next.Truncate(at)
}

func (r *measuredRecording) Close() (err error) {
	defer r.m.close.observe(time.Now(), &err)
	return r.next.Close()
}

// measuredJournals is store.Journals, measured.
type measuredJournals struct {
	next store.Journals
	m    *storeMetrics
}

func (j measuredJournals) CreateJournal(ctx context.Context, id, secret string, now time.Time) (err error) {
	defer j.m.observe(storeDatabase, "create_journal", time.Now(), &err)
	return j.next.CreateJournal(ctx, id, secret, now)
}

func (j measuredJournals) Journal(ctx context.Context, id string) (_ time.Time, _ string, err error) {
	defer j.m.observe(storeDatabase, "journal", time.Now(), &err)
	return j.next.Journal(ctx, id)
}

func (j measuredJournals) DeleteJournal(ctx context.Context, id string) (_ []string, err error) {
	defer j.m.observe(storeDatabase, "delete_journal", time.Now(), &err)
	return j.next.DeleteJournal(ctx, id)
}

func (j measuredJournals) AddStory(ctx context.Context, journalID string, s journal.Story) (err error) {
	defer j.m.observe(storeDatabase, "add_story", time.Now(), &err)
	return j.next.AddStory(ctx, journalID, s)
}

func (j measuredJournals) UpdateStory(ctx context.Context, journalID string, s journal.Story) (err error) {
	defer j.m.observe(storeDatabase, "update_story", time.Now(), &err)
	return j.next.UpdateStory(ctx, journalID, s)
}

func (j measuredJournals) DeleteStory(ctx context.Context, journalID, storyID string) (err error) {
	defer j.m.observe(storeDatabase, "delete_story", time.Now(), &err)
	return j.next.DeleteStory(ctx, journalID, storyID)
}

func (j measuredJournals) Stories(ctx context.Context, journalID string) (_ []journal.Entry, err error) {
	defer j.m.observe(storeDatabase, "stories", time.Now(), &err)
	return j.next.Stories(ctx, journalID)
}

func (j measuredJournals) Story(ctx context.Context, journalID, storyID string) (_ journal.Entry, err error) {
	defer j.m.observe(storeDatabase, "story", time.Now(), &err)
	return j.next.Story(ctx, journalID, storyID)
}

func (j measuredJournals) LinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) (_ journal.Attempt, err error) {
	defer j.m.observe(storeDatabase, "link_attempt", time.Now(), &err)
	return j.next.LinkAttempt(ctx, journalID, storyID, sessionID, answer)
}

func (j measuredJournals) UnlinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) (err error) {
	defer j.m.observe(storeDatabase, "unlink_attempt", time.Now(), &err)
	return j.next.UnlinkAttempt(ctx, journalID, storyID, sessionID, answer)
}

func (j measuredJournals) SessionStory(ctx context.Context, sessionID string, answer int) (_, _ string, err error) {
	defer j.m.observe(storeDatabase, "session_story", time.Now(), &err)
	return j.next.SessionStory(ctx, sessionID, answer)
}

// errCannotRecover is a store without store.Interrupted or
// store.Repairable asked to recover a session.
var errCannotRecover = errors.New("this store cannot recover sessions")

// The recovery a takeover runs (store.Interrupted, store.Repairable)
// passes through, measured, to a store that has it.

func (s measuredSessions) OpenAnswers(ctx context.Context, sessionID string) (_ []store.OpenAnswer, err error) {
	defer s.m.observe(storeDatabase, "open_answers", time.Now(), &err)
	in, ok := s.next.(store.Interrupted)
	if !ok {
		return nil, errCannotRecover
	}
	return in.OpenAnswers(ctx, sessionID)
}

func (s measuredSessions) MarkInterrupted(ctx context.Context, sessionID string) (err error) {
	defer s.m.observe(storeDatabase, "mark_interrupted", time.Now(), &err)
	in, ok := s.next.(store.Interrupted)
	if !ok {
		return errCannotRecover
	}
	return in.MarkInterrupted(ctx, sessionID)
}

func (r measuredRecordings) Repair(ctx context.Context, sessionID, name string) (_ int64, err error) {
	defer r.m.observe(storeRecordings, "repair", time.Now(), &err)
	rep, ok := r.next.(store.Repairable)
	if !ok {
		return 0, errCannotRecover
	}
	return rep.Repair(ctx, sessionID, name)
}
