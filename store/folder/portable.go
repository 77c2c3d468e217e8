package folder

import (
	"time"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/sqlrows"
)

// Portable is the database as `mockinterview migrate` copies it, every
// row as stored: store.Portable.
func (d *Database) Portable() store.Portable { return d.Sessions.portable() }

// Portable is the folder's database as `mockinterview migrate` copies it.
func (f *Folder) Portable() store.Portable { return f.Sessions.portable() }

func (s *Sessions) portable() store.Portable {
	return sqlrows.Portable{DB: s.db, InTx: s.inTx, Dialect: sqlrows.Dialect{Time: storedTime}}
}

// storedTime is a time as the columns keep it: formatTime's text, or
// empty for a time not yet known.
func storedTime(t time.Time) any {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// Replicas is where the service processes sharing the database say they
// are alive: store.Replicas.
func (d *Database) Replicas() store.Replicas { return d.Sessions.replicas() }

func (s *Sessions) replicas() store.Replicas { return sqlrows.Replicas{DB: s.db, Write: s.w} }
