package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// SecretHash returns the hash of a session's secret.
func (s *Sessions) SecretHash(ctx context.Context, sessionID string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT secret_hash FROM sessions WHERE id = ?`), sessionID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	return h, err
}

const sessionColumns = `s.id, s.created_at, s.ended_at, s.state, s.mode, s.level, s.question_id, s.principle, s.question,
	s.engine, s.duration, s.decision, (SELECT count(*) FROM answers a WHERE a.session_id = s.id), s.retranscribed_at`

func scanSession(sc interface{ Scan(...any) error }) (store.SessionRecord, error) {
	var r store.SessionRecord
	err := sc.Scan(&r.ID, asTime(&r.CreatedAt), asTime(&r.EndedAt), &r.State, &r.Mode, &r.Level, &r.QuestionID, &r.Principle, &r.Question,
		&r.Engine, &r.Duration, &r.Decision, &r.AnswerCount, asTime(&r.RetranscribedAt))
	return r, err
}

// ListSessions returns sessions, newest first: all of them when all is
// set, else those whose secrets hash to one of secretHashes.
func (s *Sessions) ListSessions(ctx context.Context, all bool, secretHashes []string) ([]store.SessionRecord, error) {
	query := `SELECT ` + sessionColumns + ` FROM sessions s`
	var args []any
	if !all {
		if len(secretHashes) == 0 {
			return []store.SessionRecord{}, nil
		}
		query += ` WHERE s.secret_hash IN (?` + strings.Repeat(`, ?`, len(secretHashes)-1) + `)`
		for _, h := range secretHashes {
			args = append(args, h)
		}
	}
	query += ` ORDER BY s.created_at DESC, s.id`
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	out := []store.SessionRecord{}
	for rows.Next() {
		r, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Session reads everything about one session.
func (s *Sessions) Session(ctx context.Context, id string) (*store.SessionDetail, error) {
	rec, err := scanSession(s.db.QueryRowContext(ctx, s.q(`SELECT `+sessionColumns+` FROM sessions s WHERE s.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	d := &store.SessionDetail{SessionRecord: rec}
	for _, read := range []func(context.Context, *store.SessionDetail) error{
		s.readAnswers, s.readWords, s.readUtterances, s.readParts, s.readProbes, s.readReport,
	} {
		if err := read(ctx, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (s *Sessions) readAnswers(ctx context.Context, d *store.SessionDetail) error {
	var err error
	d.Answers, err = s.answers(ctx, d.ID)
	return err
}

func (s *Sessions) readWords(ctx context.Context, d *store.SessionDetail) error {
	return scanAll(ctx, s.db, s.q(`SELECT answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence, part, filler
		FROM words WHERE session_id = ? ORDER BY idx`), d.ID, &d.Words, func(rows *sql.Rows, w *store.WordRecord) error {
		return rows.Scan(&w.Answer, &w.Utterance, &w.Text, &w.Punctuated, &w.Start, &w.End, &w.Confidence, &w.LowConfidence, &w.Part, &w.Filler)
	})
}

func (s *Sessions) readUtterances(ctx context.Context, d *store.SessionDetail) error {
	var err error
	d.Utterances, err = s.utterances(ctx, d.ID)
	return err
}

func (s *Sessions) utterances(ctx context.Context, id string) ([]store.UtteranceRecord, error) {
	var out []store.UtteranceRecord
	err := scanAll(ctx, s.db, s.q(`SELECT u.n, u.answer, u.start_time, u.end_time, u.engine, u.fallback,
		(SELECT count(*) FROM words w WHERE w.session_id = u.session_id AND w.utterance = u.n)
		FROM utterances u WHERE u.session_id = ? ORDER BY u.n`), id, &out, func(rows *sql.Rows, u *store.UtteranceRecord) error {
		return rows.Scan(&u.N, &u.Answer, &u.Start, &u.End, &u.Engine, &u.Fallback, &u.Words)
	})
	return out, err
}

func (s *Sessions) readParts(ctx context.Context, d *store.SessionDetail) error {
	return scanAll(ctx, s.db, s.q(`SELECT label, start_time, end_time, duration, speaking, target, status, words, wpm, text
		FROM parts WHERE session_id = ? ORDER BY idx`), d.ID, &d.Parts, func(rows *sql.Rows, p *interviewer.PartTiming) error {
		return rows.Scan(&p.Label, &p.Start, &p.End, &p.Duration, &p.Speaking, &p.Target, &p.Status, &p.Words, &p.WPM, &p.Text)
	})
}

// readProbes reads the probes after the words: the probes table keeps no
// words, a reply's words being the session's words of its answer, probe
// k's being answer k's.
func (s *Sessions) readProbes(ctx context.Context, d *store.SessionDetail) error {
	err := scanAll(ctx, s.db, s.q(`SELECT probe_id, gap, probes, asked, reply, skipped, rating, reason
		FROM probes WHERE session_id = ? ORDER BY n`), d.ID, &d.Probes, func(rows *sql.Rows, p *interviewer.ProbeExchange) error {
		var v interviewer.Verdict
		err := rows.Scan(&p.ID, &p.Gap, &p.Probes, &p.Asked, &p.Answer, &p.Skipped, &v.Rating, &v.Reason)
		if v.Rating != "" {
			p.Verdict = &v
		}
		return err
	})
	for k := range d.Probes {
		d.Probes[k].Words = []transcribe.Word{}
		for _, w := range d.Words {
			if w.Answer == k+1 {
				d.Probes[k].Words = append(d.Probes[k].Words, transcribe.Word{Text: w.Text, Start: w.Start, End: w.End, Confidence: w.Confidence,
					Punctuated: w.Punctuated, LowConfidence: w.LowConfidence})
			}
		}
	}
	return err
}

// readReport reads the report after the probes, which take their audio
// from it.
func (s *Sessions) readReport(ctx context.Context, d *store.SessionDetail) error {
	report, err := s.report(ctx, s.db, d.ID)
	if err != nil || report == nil {
		return err
	}
	d.Report = report
	// The probes table keeps no audio either: the report's probes do.
	for k := range min(len(d.Probes), len(d.Report.Probes)) {
		d.Probes[k].Audio = d.Report.Probes[k].Audio
	}
	return nil
}

// report reads a session's report, nil if it has none yet.
func (s *Sessions) report(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (*interviewer.InterviewReport, error) {
	var body []byte
	err := q.QueryRowContext(ctx, s.q(`SELECT report FROM reports WHERE session_id = ?`), id).Scan(&body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("session %s: report: %w", id, err)
	}
	r := new(interviewer.InterviewReport)
	if err := json.Unmarshal(body, r); err != nil {
		return nil, fmt.Errorf("session %s: report: %w", id, err)
	}
	// A report written before budget.length existed gets it from its
	// words.
	if w := r.Words; r.Budget.Length == 0 && len(w) > 0 {
		r.Budget.Length = w[len(w)-1].End - w[0].Start
	}
	return r, nil
}

func (s *Sessions) answers(ctx context.Context, id string) ([]store.AnswerRecord, error) {
	var out []store.AnswerRecord
	err := scanAll(ctx, s.db, s.q(`SELECT n, probe_id, gap, asked, start_time, end_time, audio_file, first_sample, samples, audio_seconds
		FROM answers WHERE session_id = ? ORDER BY n`), id, &out, func(rows *sql.Rows, a *store.AnswerRecord) error {
		var end sql.NullFloat64
		err := rows.Scan(&a.N, &a.ProbeID, &a.Gap, &a.Asked, &a.Start, &end, &a.AudioFile, &a.FirstSample, &a.Samples, &a.AudioSeconds)
		if end.Valid {
			a.End = &end.Float64
		}
		return err
	})
	return out, err
}

// Answer reads one answer's row.
func (s *Sessions) Answer(ctx context.Context, sessionID string, n int) (store.AnswerRecord, error) {
	all, err := s.answers(ctx, sessionID)
	if err != nil {
		return store.AnswerRecord{}, err
	}
	for _, a := range all {
		if a.N == n {
			return a, nil
		}
	}
	return store.AnswerRecord{}, store.ErrNotFound
}
