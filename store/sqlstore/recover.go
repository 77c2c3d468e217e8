package sqlstore

import (
	"context"

	"github.com/mockinterview/mockinterview/store"
)

// The database's side of store.RecoverInterrupted; the recordings' side
// is each recording store's.

// OpenAnswers lists the answers of live sessions (only the one with id,
// if given) that have no end.
func (s *Sessions) OpenAnswers(ctx context.Context, id string) ([]store.OpenAnswer, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT a.session_id, a.n, a.start_time, a.audio_file, a.first_sample FROM answers a
		JOIN sessions s ON s.id = a.session_id WHERE s.state = ? AND a.end_time IS NULL AND (? = '' OR s.id = ?)
		ORDER BY a.session_id, a.n`), store.StateLive, id, id)
	if err != nil {
		return nil, err
	}
	var out []store.OpenAnswer
	err = eachRow(rows, func() error {
		var a store.OpenAnswer
		err := rows.Scan(&a.SessionID, &a.N, &a.Start, &a.AudioFile, &a.FirstSample)
		out = append(out, a)
		return err
	})
	return out, err
}

// MarkInterrupted sets the live sessions (only the one with id, if
// given) interrupted, with the audio their answers cover.
func (s *Sessions) MarkInterrupted(ctx context.Context, id string) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE sessions SET state = ?,
		duration = coalesce((SELECT max(end_time) FROM answers a WHERE a.session_id = sessions.id), 0)
		WHERE state = ? AND (? = '' OR id = ?)`), store.StateInterrupted, store.StateLive, id, id)
	return err
}
