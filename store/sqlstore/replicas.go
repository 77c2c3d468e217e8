package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/store"
)

// replicas is store.Replicas: the same plain SQL for SQLite and
// PostgreSQL. Heartbeats are Unix milliseconds, which both compare alike.
type replicas struct {
	s *Sessions
}

var _ store.Replicas = replicas{}

// Heartbeat says replica is alive at at.
func (r replicas) Heartbeat(ctx context.Context, replica, address string, at time.Time) error {
	_, err := r.s.w.ExecContext(ctx, r.s.q(`INSERT INTO replicas (name, heartbeat_ms, address) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, address = excluded.address`), replica, at.UnixMilli(), address)
	if err != nil {
		return fmt.Errorf("replica %s: heartbeat: %w", replica, err)
	}
	return nil
}

// Orphaned lists the live sessions no living replica holds. A session
// that names no replica (made by a release before replicas, or by a
// process that named none) is orphaned only withSelf.
func (r replicas) Orphaned(ctx context.Context, self string, staleBefore time.Time, withSelf bool) ([]string, error) {
	ids, err := scanStrings(r.s.db.QueryContext(ctx, r.s.q(`SELECT s.id FROM sessions s LEFT JOIN replicas r ON r.name = s.replica
		WHERE s.state = ? AND ((s.replica <> '' AND (r.name IS NULL OR r.heartbeat_ms < ?)) OR (? AND s.replica IN (?, '')))
		ORDER BY s.id`), store.StateLive, staleBefore.UnixMilli(), withSelf, self))
	if err != nil {
		return nil, fmt.Errorf("orphaned sessions: %w", err)
	}
	return ids, nil
}

// Holder says which replica holds a session, where, and whether it is
// alive.
func (r replicas) Holder(ctx context.Context, sessionID string, staleBefore time.Time) (store.Holder, error) {
	var h store.Holder
	var heartbeat sql.NullInt64
	var address sql.NullString
	err := r.s.db.QueryRowContext(ctx, r.s.q(`SELECT s.replica, r.address, r.heartbeat_ms FROM sessions s
		LEFT JOIN replicas r ON r.name = s.replica WHERE s.id = ?`), sessionID).Scan(&h.Replica, &address, &heartbeat)
	if errors.Is(err, sql.ErrNoRows) {
		return h, store.ErrNotFound
	}
	if err != nil {
		return h, fmt.Errorf("session %s: holder: %w", sessionID, err)
	}
	h.Address = address.String
	h.Alive = heartbeat.Valid && heartbeat.Int64 >= staleBefore.UnixMilli()
	return h, nil
}

// Claim makes an interrupted session live again, held by replica.
func (r replicas) Claim(ctx context.Context, replica, sessionID string) (bool, error) {
	res, err := r.s.w.ExecContext(ctx, r.s.q(`UPDATE sessions SET state = ?, replica = ? WHERE id = ? AND state = ?`),
		store.StateLive, replica, sessionID, store.StateInterrupted)
	if err != nil {
		return false, fmt.Errorf("session %s: claim for replica %s: %w", sessionID, replica, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("session %s: claim for replica %s: %w", sessionID, replica, err)
	}
	return n == 1, nil
}

// Leave forgets replica.
func (r replicas) Leave(ctx context.Context, replica string) error {
	if _, err := r.s.w.ExecContext(ctx, r.s.q(`DELETE FROM replicas WHERE name = ?`), replica); err != nil {
		return fmt.Errorf("replica %s: leave: %w", replica, err)
	}
	return nil
}
