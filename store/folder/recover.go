package folder

import (
	"context"

	"github.com/mockinterview/mockinterview/store"
)

var (
	_ store.Interrupted = (*Sessions)(nil)
	_ store.Repairable  = (*Recordings)(nil)
)

// OpenAnswers lists the answers of live sessions (only the one with id,
// if given) that have no end.
func (s *Sessions) OpenAnswers(ctx context.Context, id string) ([]store.OpenAnswer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.session_id, a.n, a.start_time, a.audio_file, a.first_sample FROM answers a
		JOIN sessions s ON s.id = a.session_id WHERE s.state = ? AND a.end_time IS NULL AND (? = '' OR s.id = ?)
		ORDER BY a.session_id, a.n`, store.StateLive, id, id)
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
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET state = ?,
		duration = coalesce((SELECT max(end_time) FROM answers a WHERE a.session_id = sessions.id), 0)
		WHERE state = ? AND (? = '' OR id = ?)`, store.StateInterrupted, store.StateLive, id, id)
	return err
}

// Repair makes a recording a dead process left whole (see repairWAV) and
// returns its samples; a name that cannot be a recording holds none.
func (r *Recordings) Repair(ctx context.Context, sessionID, name string) (int64, error) {
	path, err := r.path(sessionID, name)
	if err != nil {
		return 0, nil
	}
	return repairWAV(path)
}
