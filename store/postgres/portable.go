package postgres

import (
	"time"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/sqlrows"
)

// Portable is the database as `mockinterview migrate` copies it, every
// row as stored: store.Portable.
func (d *DB) Portable() store.Portable {
	s := d.Sessions
	return sqlrows.Portable{DB: s.db, InTx: s.inTx, Dialect: sqlrows.Dialect{Bind: sqlrows.Numbered, Time: storedTime}}
}

// storedTime is a time as the columns keep it: NULL for one not yet
// known, and cut to the microsecond here rather than rounded by the
// server, so that a copy from SQLite keeps the microsecond it had.
func storedTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Replicas is where the service processes sharing the database say they
// are alive: store.Replicas.
func (d *DB) Replicas() store.Replicas {
	return sqlrows.Replicas{DB: d.Sessions.db, Write: d.Sessions.db, Dialect: sqlrows.Dialect{Bind: sqlrows.Numbered}}
}
