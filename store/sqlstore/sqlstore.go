// Package sqlstore keeps sessions and story journals in a SQL database
// with our schema, through database/sql: the one implementation of the
// store package's Sessions, Journals, Replicas and Portable for SQLite
// (store/folder) and PostgreSQL (store/postgres) alike, and the runner of
// their migrations. Each of those opens its database, keeps its schema's
// steps in its own dialect and gives a Dialect: how a query names its
// parameters, how a time is written, and the few words the two spell
// apart. The queries here are written once, with ? for parameters.
//
// It opens nothing and keeps no audio; it knows nothing of HTTP or the
// live session loop.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/store"
)

// Dialect is what differs between our SQL databases in the queries this
// package writes once for both.
type Dialect struct {
	// Bind rewrites a query written with ? for its parameters into the
	// driver's form; nil keeps it.
	Bind func(query string) string
	// Time is a time as a time column takes it; the zero time is one not
	// yet known.
	Time func(time.Time) any
	// Greatest names the function that returns the larger of two
	// numbers ("max", "greatest").
	Greatest string
	// ForUpdate ends a SELECT in a write transaction so that the rows it
	// reads stay locked until the transaction ends (" FOR UPDATE"), for a
	// database whose write transactions run side by side; empty for one
	// whose write transactions take turns.
	ForUpdate string
}

// Numbered is Dialect.Bind for PostgreSQL: ?, ?, ? become $1, $2, $3.
// The queries it rewrites hold no ? of their own.
func Numbered(query string) string {
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// DB is a database with our schema, as the store's interfaces take it.
type DB struct {
	Sessions *Sessions
	Journals *Journals
}

// New is the database read through read and written through write (the
// same for a database that takes writes on any connection), in dialect
// d. Its schema is brought up to date by Migrate.
func New(read, write *sql.DB, d Dialect) *DB {
	s := &Sessions{db: read, w: write, d: d}
	return &DB{Sessions: s, Journals: &Journals{s: s}}
}

// Close closes the connections.
func (db *DB) Close() error {
	s := db.Sessions
	if s.w == s.db {
		return s.db.Close()
	}
	return errors.Join(s.w.Close(), s.db.Close())
}

// Portable is the database as `mockinterview migrate` copies it, every
// row as stored: store.Portable.
func (db *DB) Portable() store.Portable { return portable{s: db.Sessions} }

// Replicas is where the service processes sharing the database say they
// are alive: store.Replicas.
func (db *DB) Replicas() store.Replicas { return replicas{s: db.Sessions} }

// Sessions keeps the sessions: store.Sessions, and store.Interrupted to
// recover those a dead process left live.
type Sessions struct {
	db *sql.DB // reads
	w  *sql.DB // writes
	d  Dialect
}

var (
	_ store.Sessions    = (*Sessions)(nil)
	_ store.Interrupted = (*Sessions)(nil)
)

// Ping checks that the database answers.
func (s *Sessions) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q is query in the dialect's form.
func (s *Sessions) q(query string) string {
	if s.d.Bind == nil {
		return query
	}
	return s.d.Bind(query)
}

// inTx runs fn in a write transaction, which it commits if fn returns nil
// and rolls back otherwise.
func (s *Sessions) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return tx.Commit()
}

// ignoreDone drops the error of rolling back a transaction that a
// cancelled context already ended.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
