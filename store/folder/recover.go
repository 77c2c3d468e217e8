package folder

import (
	"context"
	"fmt"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// openAnswer is an answer a dead process left open.
type openAnswer struct {
	session, file string
	n             int
	start         float64
	first         int64
}

// recoverInterrupted marks the sessions a dead process left live (only
// the one with id, if given) as interrupted, and closes their open
// answers at the end of what was recorded, their recordings made whole.
func (f *Folder) recoverInterrupted(ctx context.Context, id string) error {
	s := f.Sessions
	answers, err := s.openAnswers(ctx, id)
	if err != nil {
		return err
	}
	for _, a := range answers {
		var recorded int64
		if path, err := f.Recordings.path(a.session, a.file); err == nil { // else no file can be its
			if recorded, err = repairWAV(path); err != nil {
				return fmt.Errorf("session %s: %w", a.session, err)
			}
		}
		samples := max(recorded-a.first, 0)
		seconds := float64(samples) / transcribe.SampleRate
		if err := s.EndAnswer(ctx, a.session, a.n, a.start+seconds, samples); err != nil {
			return err
		}
	}
	_, err = s.w.ExecContext(ctx, `UPDATE sessions SET state = ?,
		duration = coalesce((SELECT max(end_time) FROM answers a WHERE a.session_id = sessions.id), 0)
		WHERE state = ? AND (? = '' OR id = ?)`, store.StateInterrupted, store.StateLive, id, id)
	return err
}

// openAnswers lists the answers of live sessions (only the one with id,
// if given) that have no end.
func (s *Sessions) openAnswers(ctx context.Context, id string) ([]openAnswer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.session_id, a.n, a.start_time, a.audio_file, a.first_sample FROM answers a
		JOIN sessions s ON s.id = a.session_id WHERE s.state = ? AND a.end_time IS NULL AND (? = '' OR s.id = ?)`, store.StateLive, id, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []openAnswer
	for rows.Next() {
		var a openAnswer
		if err := rows.Scan(&a.session, &a.n, &a.start, &a.file, &a.first); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
