// Package postgres keeps sessions and story journals in a PostgreSQL
// database, for an installation that outgrows one SQLite file: the
// store package's Sessions and Journals, with the same semantics as
// store/folder's SQLite ones, through pgx's database/sql driver. Its
// schema is migrations/, numbered as the SQLite ones and applied at
// start-up under an advisory lock, so that replicas starting together
// apply each step once.
//
// It keeps no audio (pair it with store/folder's recordings) and knows
// nothing of HTTP or the live session loop.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mockinterview/mockinterview/store"
)

// URLForm is the form of a database URL this package takes, for errors
// that say what to give.
const URLForm = "postgres://user:password@host:5432/database?sslmode=disable"

// DB is an open PostgreSQL database.
type DB struct {
	Sessions *Sessions
	Journals *Journals
}

// Open connects to the database at rawURL (postgres:// or postgresql://,
// with pgx's parameters such as sslmode) and brings its schema up to date.
// It recovers nothing: see store.RecoverInterrupted.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	cfg, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	name := redacted(rawURL)
	db := stdlib.OpenDB(*cfg)
	// A session writes a few rows a second and reads are short: a small
	// pool per process leaves room on the server for several replicas
	// (PostgreSQL allows 100 connections by default).
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w (is PostgreSQL running there, and do the user, password and database exist?)", name, err)
	}
	s := &Sessions{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return &DB{Sessions: s, Journals: &Journals{s: s}}, nil
}

// Close closes the connections.
func (d *DB) Close() error { return d.Sessions.db.Close() }

// CheckURL says whether rawURL can be a database for Open, without
// connecting: its error says what form to give and never quotes a
// password.
func CheckURL(rawURL string) error {
	_, err := parseURL(rawURL)
	return err
}

// parseURL checks that rawURL is a PostgreSQL URL and reads it. Its
// errors never quote a password.
func parseURL(rawURL string) (*pgx.ConnConfig, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return nil, fmt.Errorf("the database is not a URL this program can read: give one such as %s", URLForm)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("database %s is not a PostgreSQL URL: give one such as %s", redacted(rawURL), URLForm)
	}
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		// pgx's message may quote the URL, password and all.
		return nil, fmt.Errorf("database %s: cannot read the URL: give one such as %s", redacted(rawURL), URLForm)
	}
	return cfg, nil
}

// Redacted is a database URL fit for a log or an error: no password, no
// parameters (which may hold one).
func Redacted(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unreadable URL)"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.Redacted()
}

func redacted(rawURL string) string { return fmt.Sprintf("%q", Redacted(rawURL)) }

// Sessions keeps the sessions in PostgreSQL: store.Sessions.
type Sessions struct {
	db *sql.DB
}

var (
	_ store.Sessions    = (*Sessions)(nil)
	_ store.Interrupted = (*Sessions)(nil)
)

// Ping checks that the database answers.
func (s *Sessions) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// inTx runs fn in a transaction, which it commits if fn returns nil and
// rolls back otherwise.
func (s *Sessions) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
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

// nullTime stores the zero time, a time not yet known, as NULL.
func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// timeOf reads a time nullTime stored, in UTC as the SQLite store gives it.
func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
