package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// CreateSession adds a live session with the secret's hash.
func (s *Sessions) CreateSession(ctx context.Context, r store.SessionRecord, secret string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions
		(id, secret_hash, created_at, state, mode, level, question_id, principle, question, engine, replica)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.ID, store.HashSecret(secret), r.CreatedAt, store.StateLive, r.Mode, r.Level, r.QuestionID, r.Principle, r.Question, r.Engine, r.Replica)
	if err != nil {
		return fmt.Errorf("create session %s: %w", r.ID, err)
	}
	return nil
}

// AddAnswer records that a question or probe was asked.
func (s *Sessions) AddAnswer(ctx context.Context, sessionID string, a store.AnswerRecord) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO answers
		(session_id, n, probe_id, gap, asked, start_time, audio_file, first_sample) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		sessionID, a.N, a.ProbeID, a.Gap, a.Asked, a.Start, a.AudioFile, a.FirstSample)
	if err != nil {
		return fmt.Errorf("session %s: add answer %d: %w", sessionID, a.N, err)
	}
	return nil
}

// EndAnswer records where an answer ends and how long it is.
func (s *Sessions) EndAnswer(ctx context.Context, sessionID string, n int, end float64, samples int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE answers SET end_time = $1, samples = $2, audio_seconds = $3 WHERE session_id = $4 AND n = $5`,
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
	return s.inTx(ctx, func(tx *sql.Tx) error { return addUtterance(ctx, tx, sessionID, u, first, words) })
}

// addUtterance inserts the words in one statement, as columns of arrays,
// so that an utterance costs one round trip to the server and not one a
// word.
func addUtterance(ctx context.Context, tx *sql.Tx, sessionID string, u store.UtteranceRecord, first int, words []transcribe.Word) error {
	if len(words) > 0 {
		n := len(words)
		idx, text, punctuated := make([]int, n), make([]string, n), make([]string, n)
		start, end, confidence, low := make([]float64, n), make([]float64, n), make([]float64, n), make([]bool, n)
		for i, w := range words {
			idx[i], text[i], punctuated[i] = first+i, w.Text, w.Punctuated
			start[i], end[i], confidence[i], low[i] = w.Start, w.End, w.Confidence, w.LowConfidence
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO words
			(session_id, idx, answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence)
			SELECT $1, w.idx, $2, $3, w.text, w.punctuated, w.start_time, w.end_time, w.confidence, w.low_confidence
			FROM unnest($4::integer[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::float8[], $10::boolean[])
				AS w(idx, text, punctuated, start_time, end_time, confidence, low_confidence)`,
			sessionID, u.Answer, u.N, idx, text, punctuated, start, end, confidence, low); err != nil {
			return fmt.Errorf("session %s: add words: %w", sessionID, err)
		}
	}
	if u.Engine == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO utterances (session_id, n, answer, start_time, end_time, engine, fallback)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, sessionID, u.N, u.Answer, u.Start, u.End, u.Engine, u.Fallback); err != nil {
		return fmt.Errorf("session %s: add utterance %d: %w", sessionID, u.N, err)
	}
	return nil
}

// SaveReport stores the interview's report and what it says about the
// answers: each main-answer word's part (mainWords holds their indexes, in
// the report's order), the parts, the probes with their verdicts.
func (s *Sessions) SaveReport(ctx context.Context, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return saveReport(ctx, tx, sessionID, r, mainWords, now) })
}

func saveReport(ctx context.Context, tx *sql.Tx, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	exec := func(query string, args ...any) {
		if err == nil {
			_, err = tx.ExecContext(ctx, query, args...)
		}
	}
	if n := min(len(r.Words), len(mainWords)); n > 0 {
		parts, fillers := make([]string, n), make([]bool, n)
		for i, w := range r.Words[:n] {
			parts[i], fillers[i] = string(w.Part), w.Filler
		}
		exec(`UPDATE words w SET part = u.part, filler = u.filler
			FROM unnest($2::integer[], $3::text[], $4::boolean[]) AS u(idx, part, filler)
			WHERE w.session_id = $1 AND w.idx = u.idx`, sessionID, mainWords[:n], parts, fillers)
	}
	exec(`DELETE FROM parts WHERE session_id = $1`, sessionID)
	for i, p := range r.Parts {
		exec(`INSERT INTO parts (session_id, idx, label, start_time, end_time, duration, speaking, target, status, words, wpm, text)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			sessionID, i, string(p.Label), p.Start, p.End, p.Duration, p.Speaking, p.Target, string(p.Status), p.Words, p.WPM, p.Text)
	}
	exec(`DELETE FROM probes WHERE session_id = $1`, sessionID)
	for i, p := range r.Probes {
		rating, reason := "", ""
		if p.Verdict != nil {
			rating, reason = p.Verdict.Rating, p.Verdict.Reason
		}
		exec(`INSERT INTO probes (session_id, n, probe_id, gap, probes, asked, reply, skipped, rating, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			sessionID, i+1, p.ID, string(p.Gap), p.Probes, p.Asked, p.Answer, p.Skipped, rating, reason)
	}
	decision := ""
	if r.Verdict != nil {
		decision = r.Verdict.Decision
	}
	exec(`INSERT INTO reports (session_id, created_at, report) VALUES ($1, $2, $3)
		ON CONFLICT (session_id) DO UPDATE SET created_at = excluded.created_at, report = excluded.report`,
		sessionID, now, string(body))
	exec(`UPDATE sessions SET decision = $1 WHERE id = $2`, decision, sessionID)
	if err == nil {
		err = measureAttempts(ctx, tx, sessionID, r)
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
		if err := replaceWords(ctx, tx, sessionID, t); err != nil {
			return err
		}
		duration := 0.0
		for n, seconds := range t.Answers {
			var start float64
			if err := tx.QueryRowContext(ctx, `UPDATE answers SET audio_seconds = $1, end_time = start_time + $1, samples = $2
				WHERE session_id = $3 AND n = $4 RETURNING start_time`, seconds, int64(math.Round(seconds*transcribe.SampleRate)), sessionID, n).Scan(&start); err != nil {
				return fmt.Errorf("session %s: answer %d: %w", sessionID, n, err)
			}
			duration = max(duration, start+seconds)
		}
		if err := saveReport(ctx, tx, sessionID, r, mainWords, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET retranscribed_at = $1, duration = greatest(duration, $2) WHERE id = $3`,
			now, duration, sessionID); err != nil {
			return fmt.Errorf("session %s: %w", sessionID, err)
		}
		return nil
	})
}

// replaceWords swaps a session's words and utterances for t's.
func replaceWords(ctx context.Context, tx *sql.Tx, sessionID string, t store.Transcript) error {
	for _, table := range []string{"words", "utterances"} {
		// table is one of our own names.
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE session_id = $1`, sessionID); err != nil {
			return fmt.Errorf("session %s: clear %s: %w", sessionID, table, err)
		}
	}
	first := 0
	for i, u := range t.Utterances {
		if err := addUtterance(ctx, tx, sessionID, u, first, t.Words[i]); err != nil {
			return err
		}
		first += len(t.Words[i])
	}
	return nil
}

// EndSession records how a session ended and how much audio it had.
func (s *Sessions) EndSession(ctx context.Context, sessionID, state string, duration float64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET state = $1, duration = $2, ended_at = $3 WHERE id = $4`,
		state, duration, nullTime(now), sessionID)
	if err != nil {
		return fmt.Errorf("session %s: end: %w", sessionID, err)
	}
	return nil
}

// DeleteSession removes a session's rows; its recordings are Recordings'.
func (s *Sessions) DeleteSession(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// OpenAnswers lists the answers of live sessions (only the one with id,
// if given) that have no end.
func (s *Sessions) OpenAnswers(ctx context.Context, id string) ([]store.OpenAnswer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.session_id, a.n, a.start_time, a.audio_file, a.first_sample FROM answers a
		JOIN sessions s ON s.id = a.session_id WHERE s.state = $1 AND a.end_time IS NULL AND ($2 = '' OR s.id = $2)
		ORDER BY a.session_id, a.n`, store.StateLive, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OpenAnswer
	for rows.Next() {
		var a store.OpenAnswer
		if err := rows.Scan(&a.SessionID, &a.N, &a.Start, &a.AudioFile, &a.FirstSample); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkInterrupted sets the live sessions (only the one with id, if
// given) interrupted, with the audio their answers cover.
func (s *Sessions) MarkInterrupted(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET state = $1,
		duration = coalesce((SELECT max(end_time) FROM answers a WHERE a.session_id = sessions.id), 0)
		WHERE state = $2 AND ($3 = '' OR id = $3)`, store.StateInterrupted, store.StateLive, id)
	return err
}
