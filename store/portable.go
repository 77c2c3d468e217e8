package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
)

// Portable is what a database does to be copied whole into another
// (`mockinterview migrate`): every row of a session or of a journal, read
// and written as stored, secrets' hashes and times included, so that
// nothing is rebuilt on the way. Every database implementation has it;
// the server does not need it. Sessions are listed by Sessions'
// ListSessions.
type Portable interface {
	// ExportSession reads every row of a session; ErrNotFound if there
	// is no such session.
	ExportSession(ctx context.Context, id string) (*SessionRows, error)
	// ImportSession writes a session's rows in place of any the
	// database holds for it, all or nothing. The attempts that link its
	// answers to stories are the journals' and stay.
	ImportSession(ctx context.Context, r *SessionRows) error
	// JournalIDs returns the id of every journal, in byte order.
	JournalIDs(ctx context.Context) ([]string, error)
	// ExportJournal reads a journal with its stories and their attempts;
	// ErrNotFound if there is no such journal.
	ExportJournal(ctx context.Context, id string) (*JournalRows, error)
	// ImportJournal writes a journal, its stories and their attempts in
	// place of any the database holds for it, all or nothing. The
	// attempts' sessions must be there already.
	ImportJournal(ctx context.Context, r *JournalRows) error
}

// SessionRows is every row stored of one session.
type SessionRows struct {
	// Session is the session's own row; its AnswerCount is counted, not
	// stored.
	Session    SessionRecord `json:"session"`
	SecretHash string        `json:"secret_hash"`
	// Answers keep their range of the recording, which AnswerRecord's
	// JSON leaves out.
	Answers []AnswerRecord `json:"-"`
	Words   []WordRow      `json:"words"`
	// Utterances' Words are counted, not stored.
	Utterances []UtteranceRecord `json:"utterances"`
	Parts      []PartRow         `json:"parts"`
	Probes     []ProbeRow        `json:"probes"`
	// Report is nil until the session is reported.
	Report *ReportRow `json:"report"`
}

// WordRow is a word's row with its number in the session.
type WordRow struct {
	Index int `json:"index"`
	WordRecord
}

// PartRow is a STAR part's row with its number in the report.
type PartRow struct {
	Index int `json:"index"`
	interviewer.PartTiming
}

// ProbeRow is a probe's row: probe N (from 1) of the report, as asked and
// answered, with its verdict.
type ProbeRow struct {
	N       int    `json:"n"`
	ProbeID string `json:"probe_id"`
	Gap     string `json:"gap"`
	Probes  string `json:"probes"`
	Asked   string `json:"asked"`
	Reply   string `json:"reply"`
	Skipped bool   `json:"skipped"`
	Rating  string `json:"rating"`
	Reason  string `json:"reason"`
}

// ReportRow is a session's report as stored: when it was written and its
// JSON (an interviewer.InterviewReport).
type ReportRow struct {
	Created time.Time       `json:"created"`
	Body    json.RawMessage `json:"body"`
}

// JournalRows is a journal with its stories and their attempts.
type JournalRows struct {
	ID         string          `json:"id"`
	SecretHash string          `json:"secret_hash"`
	Created    time.Time       `json:"created"`
	Stories    []journal.Story `json:"stories"`
	Attempts   []AttemptRow    `json:"attempts"`
}

// AttemptRow links a session's answer to a story, with the figures of
// the session's report as stored (JSON of journal.Figures).
type AttemptRow struct {
	SessionID string          `json:"session_id"`
	Answer    int             `json:"answer"`
	StoryID   string          `json:"story_id"`
	Figures   json.RawMessage `json:"figures"`
}

// Checksum is the SHA-256 of the rows in a form every database gives
// alike, in hexadecimal: times in UTC to the microsecond (PostgreSQL
// keeps no more), JSON with its keys sorted and its numbers written one
// way (PostgreSQL's jsonb rewrites both). Two databases hold the same
// session when its rows' checksums agree.
func (r *SessionRows) Checksum() (string, error) {
	c := *r
	c.Session.CreatedAt, c.Session.EndedAt = micro(c.Session.CreatedAt), micro(c.Session.EndedAt)
	c.Session.RetranscribedAt = micro(c.Session.RetranscribedAt)
	if r.Report != nil {
		body, err := canonicalJSON(r.Report.Body)
		if err != nil {
			return "", fmt.Errorf("session %s: report: %w", r.Session.ID, err)
		}
		c.Report = &ReportRow{Created: micro(r.Report.Created), Body: body}
	}
	// The answers with their ranges of the recording.
	type answer struct {
		AnswerRecord
		AudioFile   string `json:"audio_file"`
		FirstSample int64  `json:"first_sample"`
		Samples     int64  `json:"samples"`
	}
	answers := make([]answer, len(r.Answers))
	for i, a := range r.Answers {
		answers[i] = answer{a, a.AudioFile, a.FirstSample, a.Samples}
	}
	return checksum(struct {
		SessionRows
		Answers []answer `json:"answers"`
	}{c, answers})
}

// Checksum is the SHA-256 of the rows in the form SessionRows.Checksum
// says.
func (r *JournalRows) Checksum() (string, error) {
	c := *r
	c.Created = micro(c.Created)
	c.Stories = make([]journal.Story, len(r.Stories))
	for i, s := range r.Stories {
		s.Created, s.Updated = micro(s.Created), micro(s.Updated)
		c.Stories[i] = s
	}
	c.Attempts = make([]AttemptRow, len(r.Attempts))
	for i, a := range r.Attempts {
		figures, err := canonicalJSON(a.Figures)
		if err != nil {
			return "", fmt.Errorf("journal %s: attempt %s/%d: %w", r.ID, a.SessionID, a.Answer, err)
		}
		a.Figures = figures
		c.Attempts[i] = a
	}
	return checksum(c)
}

// micro is a time as every database keeps it.
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// canonicalJSON writes a JSON value again through Go's own types: maps'
// keys sorted, numbers as float64 writes them.
func canonicalJSON(raw json.RawMessage) (json.RawMessage, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func checksum(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
