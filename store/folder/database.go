package folder

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/mockinterview/mockinterview/store/sqlstore"
)

// OpenDatabase opens (creating if needed) the SQLite database at path
// alone, its sessions and journals, for an installation whose recordings
// are kept by something else or whose database lies outside the data
// folder, and brings it up to date. It recovers nothing: see
// store.RecoverInterrupted.
func OpenDatabase(ctx context.Context, path string) (*sqlstore.DB, error) {
	read, write, err := openSQLite(path)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, read, write, dialect, schema)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return db, nil
}

// openSQLite opens the database at path twice: a pool for reads and one
// connection for writes.
func openSQLite(path string) (read, write *sql.DB, err error) {
	// Durability: WAL, so that readers never wait for the session that
	// writes, and synchronous=NORMAL. In WAL mode NORMAL writes every
	// commit to the log before the commit returns and syncs the log at
	// checkpoints: a killed process (SIGKILL, OOM, a panic) loses no
	// committed word, and the database is never corrupted. Only an OS crash
	// or a power cut may roll back the last commits, and then the
	// recordings, written as the audio arrives without a sync per frame,
	// lose the same last moments: FULL would sync the log on every final
	// result of every session for no better outcome.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	//
	// Writes go through one connection of their own, so that the
	// sessions' commits queue in Go, in turn, rather than retrying on
	// SQLITE_BUSY with the busy handler's growing sleeps; reads have a pool
	// that WAL never makes wait for the writer.
	read, err = sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	write, err = sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("open %s: %w", path, err), read.Close())
	}
	write.SetMaxOpenConns(1)
	return read, write, nil
}

// dialect is SQLite's: times as text, and no row locks, its write
// transactions (begun IMMEDIATE, on the one write connection) taking
// turns.
var dialect = sqlstore.Dialect{Time: storedTime, Greatest: "max"}

// timeLayout writes every time with nine digits of fraction, so that
// times sort as text: RFC3339Nano drops trailing zeros, and "05Z" sorts
// after "05.1Z" although it is earlier. Releases before it wrote RFC 3339
// with as few digits as the fraction needed, which read the same.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// storedTime is a time as the columns keep it: timeLayout's text, or
// empty for a time not yet known.
func storedTime(t time.Time) any {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
