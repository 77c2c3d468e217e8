package sqlrows

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/store"
)

// Replicas is store.Replicas for a database with our schema: the same
// plain SQL for SQLite and PostgreSQL, but for the dialect's parameters.
// Heartbeats are Unix milliseconds, which both compare alike.
type Replicas struct {
	// DB is where reads go, Write where writes go (the same for a
	// database that takes writes on any connection).
	DB, Write *sql.DB
	Dialect   Dialect
}

var _ store.Replicas = Replicas{}

func (r Replicas) q(query string) string {
	if r.Dialect.Bind == nil {
		return query
	}
	return r.Dialect.Bind(query)
}

// Heartbeat says replica is alive at at.
func (r Replicas) Heartbeat(ctx context.Context, replica, address string, at time.Time) error {
	_, err := r.Write.ExecContext(ctx, r.q(`INSERT INTO replicas (name, heartbeat_ms, address) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, address = excluded.address`), replica, at.UnixMilli(), address)
	if err != nil {
		return fmt.Errorf("replica %s: heartbeat: %w", replica, err)
	}
	return nil
}

// Orphaned lists the live sessions no living replica holds. A session
// that names no replica (made by a release before replicas, or by a
// process that named none) is orphaned only withSelf.
func (r Replicas) Orphaned(ctx context.Context, self string, staleBefore time.Time, withSelf bool) ([]string, error) {
	rows, err := r.DB.QueryContext(ctx, r.q(`SELECT s.id FROM sessions s LEFT JOIN replicas r ON r.name = s.replica
		WHERE s.state = ? AND ((s.replica <> '' AND (r.name IS NULL OR r.heartbeat_ms < ?)) OR (? AND s.replica IN (?, '')))
		ORDER BY s.id`), store.StateLive, staleBefore.UnixMilli(), withSelf, self)
	if err != nil {
		return nil, fmt.Errorf("orphaned sessions: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("orphaned sessions: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("orphaned sessions: %w", err)
	}
	return ids, nil
}

// Holder says which replica holds a session, where, and whether it is
// alive.
func (r Replicas) Holder(ctx context.Context, sessionID string, staleBefore time.Time) (store.Holder, error) {
	var h store.Holder
	var heartbeat sql.NullInt64
	var address sql.NullString
	err := r.DB.QueryRowContext(ctx, r.q(`SELECT s.replica, r.address, r.heartbeat_ms FROM sessions s
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
func (r Replicas) Claim(ctx context.Context, replica, sessionID string) (bool, error) {
	res, err := r.Write.ExecContext(ctx, r.q(`UPDATE sessions SET state = ?, replica = ? WHERE id = ? AND state = ?`),
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
func (r Replicas) Leave(ctx context.Context, replica string) error {
	if _, err := r.Write.ExecContext(ctx, r.q(`DELETE FROM replicas WHERE name = ?`), replica); err != nil {
		return fmt.Errorf("replica %s: leave: %w", replica, err)
	}
	return nil
}
