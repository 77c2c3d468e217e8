package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// CreateSession adds a live session with the secret's hash.
func (s *Sessions) CreateSession(ctx context.Context, r store.SessionRecord, secret string) error {
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO sessions
		(id, secret_hash, created_at, state, mode, level, question_id, principle, question, engine, replica)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ID, store.HashSecret(secret), s.d.Time(r.CreatedAt), store.StateLive, r.Mode, r.Level, r.QuestionID, r.Principle, r.Question, r.Engine, r.Replica)
	if err != nil {
		return fmt.Errorf("create session %s: %w", r.ID, err)
	}
	return nil
}

// AddAnswer records that a question or probe was asked.
func (s *Sessions) AddAnswer(ctx context.Context, sessionID string, a store.AnswerRecord) error {
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO answers
		(session_id, n, probe_id, gap, asked, start_time, audio_file, first_sample) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		sessionID, a.N, a.ProbeID, a.Gap, a.Asked, a.Start, a.AudioFile, a.FirstSample)
	if err != nil {
		return fmt.Errorf("session %s: add answer %d: %w", sessionID, a.N, err)
	}
	return nil
}

// EndAnswer records where an answer ends and how long it is.
func (s *Sessions) EndAnswer(ctx context.Context, sessionID string, n int, end float64, samples int64) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE answers SET end_time = ?, samples = ?, audio_seconds = ? WHERE session_id = ? AND n = ?`),
		end, samples, float64(samples)/transcribe.SampleRate, sessionID, n)
	if err != nil {
		return fmt.Errorf("session %s: end answer %d: %w", sessionID, n, err)
	}
	return nil
}

// AddUtterance stores a final result: its words, numbered from first, and
// which engine heard it (nothing of it if Engine is empty), in one
// transaction.
func (s *Sessions) AddUtterance(ctx context.Context, sessionID string, u store.UtteranceRecord, first int, words []transcribe.Word) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.addUtterance(ctx, tx, sessionID, u, first, words) })
}

// batchRows is how many rows one statement writes at most, so that an
// utterance costs one round trip to the server and not one a word, and
// a statement's parameters stay far below what SQLite and PostgreSQL
// allow.
const batchRows = 200

// values is the VALUES list of n rows, each written as row.
func values(n int, row string) string { return row + strings.Repeat(", "+row, n-1) }

func (s *Sessions) addUtterance(ctx context.Context, tx *sql.Tx, sessionID string, u store.UtteranceRecord, first int, words []transcribe.Word) error {
	for lo := 0; lo < len(words); lo += batchRows {
		batch := words[lo:min(lo+batchRows, len(words))]
		args := make([]any, 0, 10*len(batch))
		for i, w := range batch {
			args = append(args, sessionID, first+lo+i, u.Answer, u.N, w.Text, w.Punctuated, w.Start, w.End, w.Confidence, w.LowConfidence)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO words
			(session_id, idx, answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence)
			VALUES `+values(len(batch), `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)), args...); err != nil {
			return fmt.Errorf("session %s: add words: %w", sessionID, err)
		}
	}
	if u.Engine == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO utterances (session_id, n, answer, start_time, end_time, engine, fallback)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), sessionID, u.N, u.Answer, u.Start, u.End, u.Engine, u.Fallback); err != nil {
		return fmt.Errorf("session %s: add utterance %d: %w", sessionID, u.N, err)
	}
	return nil
}

// SaveReport stores the interview's report and what it says about the
// answers: each main-answer word's part (mainWords holds their indexes, in
// the report's order), the parts, the probes with their verdicts.
func (s *Sessions) SaveReport(ctx context.Context, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.saveReport(ctx, tx, sessionID, r, mainWords, now) })
}

func (s *Sessions) saveReport(ctx context.Context, tx *sql.Tx, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	exec := func(query string, args ...any) {
		if err == nil {
			_, err = tx.ExecContext(ctx, s.q(query), args...)
		}
	}
	// The casts are PostgreSQL's, which takes a parameter in VALUES for
	// text; its columns are column1, column2… in both databases.
	n := min(len(r.Words), len(mainWords))
	for lo := 0; lo < n; lo += batchRows {
		hi := min(lo+batchRows, n)
		args := make([]any, 0, 3*(hi-lo)+1)
		for i := lo; i < hi; i++ {
			args = append(args, mainWords[i], string(r.Words[i].Part), r.Words[i].Filler)
		}
		exec(`UPDATE words SET part = v.column2, filler = v.column3
			FROM (VALUES `+values(hi-lo, `(CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS BOOLEAN))`)+`) AS v
			WHERE words.session_id = ? AND words.idx = v.column1`, append(args, sessionID)...)
	}
	exec(`DELETE FROM parts WHERE session_id = ?`, sessionID)
	for i, p := range r.Parts {
		exec(`INSERT INTO parts (session_id, idx, label, start_time, end_time, duration, speaking, target, status, words, wpm, text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sessionID, i, string(p.Label), p.Start, p.End, p.Duration, p.Speaking, p.Target, string(p.Status), p.Words, p.WPM, p.Text)
	}
	exec(`DELETE FROM probes WHERE session_id = ?`, sessionID)
	for i, p := range r.Probes {
		rating, reason := "", ""
		if p.Verdict != nil {
			rating, reason = p.Verdict.Rating, p.Verdict.Reason
		}
		exec(`INSERT INTO probes (session_id, n, probe_id, gap, probes, asked, reply, skipped, rating, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sessionID, i+1, p.ID, string(p.Gap), p.Probes, p.Asked, p.Answer, p.Skipped, rating, reason)
	}
	decision := ""
	if r.Verdict != nil {
		decision = r.Verdict.Decision
	}
	exec(`INSERT INTO reports (session_id, created_at, report) VALUES (?, ?, ?)
		ON CONFLICT (session_id) DO UPDATE SET created_at = excluded.created_at, report = excluded.report`,
		sessionID, s.d.Time(now), string(body))
	exec(`UPDATE sessions SET decision = ? WHERE id = ?`, decision, sessionID)
	if err == nil {
		err = s.measureAttempts(ctx, tx, sessionID, r)
	}
	if err != nil {
		return fmt.Errorf("session %s: save report: %w", sessionID, err)
	}
	return nil
}

// ReplaceTranscript swaps a session's words, utterances and report for
// those made again from its recordings, in one transaction. mainWords are
// the word numbers of the main answer, as SaveReport takes them.
func (s *Sessions) ReplaceTranscript(ctx context.Context, sessionID string, t store.Transcript, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.replaceWords(ctx, tx, sessionID, t); err != nil {
			return err
		}
		duration := 0.0
		for n, seconds := range t.Answers {
			var start float64
			if err := tx.QueryRowContext(ctx, s.q(`UPDATE answers SET audio_seconds = ?, end_time = start_time + ?, samples = ?
				WHERE session_id = ? AND n = ? RETURNING start_time`), seconds, seconds, int64(math.Round(seconds*transcribe.SampleRate)), sessionID, n).Scan(&start); err != nil {
				return fmt.Errorf("session %s: answer %d: %w", sessionID, n, err)
			}
			duration = max(duration, start+seconds)
		}
		if err := s.saveReport(ctx, tx, sessionID, r, mainWords, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET retranscribed_at = ?, duration = `+s.d.Greatest+`(duration, ?) WHERE id = ?`),
			s.d.Time(now), duration, sessionID); err != nil {
			return fmt.Errorf("session %s: %w", sessionID, err)
		}
		return nil
	})
}

// replaceWords swaps a session's words and utterances for t's.
func (s *Sessions) replaceWords(ctx context.Context, tx *sql.Tx, sessionID string, t store.Transcript) error {
	for _, table := range []string{"words", "utterances"} {
		// table is one of our own names.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM `+table+` WHERE session_id = ?`), sessionID); err != nil {
			return fmt.Errorf("session %s: clear %s: %w", sessionID, table, err)
		}
	}
	first := 0
	for i, u := range t.Utterances {
		if err := s.addUtterance(ctx, tx, sessionID, u, first, t.Words[i]); err != nil {
			return err
		}
		first += len(t.Words[i])
	}
	return nil
}

// EndSession records how a session ended and how much audio it had.
func (s *Sessions) EndSession(ctx context.Context, sessionID, state string, duration float64, now time.Time) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE sessions SET state = ?, duration = ?, ended_at = ? WHERE id = ?`),
		state, duration, s.d.Time(now), sessionID)
	if err != nil {
		return fmt.Errorf("session %s: end: %w", sessionID, err)
	}
	return nil
}

// DeleteSession removes a session's rows; its recordings are Recordings'.
func (s *Sessions) DeleteSession(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}
