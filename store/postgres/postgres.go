// Package postgres keeps sessions and story journals in a PostgreSQL
// database, for an installation that outgrows one SQLite file: it opens
// the database through pgx's database/sql driver, and store/sqlstore
// reads and writes its rows as it does SQLite's, in PostgreSQL's
// dialect. Its schema is migrations/, numbered as the SQLite ones and
// applied at start-up under an advisory lock, so that replicas starting
// together apply each step once.
//
// It keeps no audio (pair it with store/folder's recordings) and knows
// nothing of HTTP or the live session loop.
package postgres

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mockinterview/mockinterview/store/sqlstore"
)

// URLForm is the form of a database URL this package takes, for errors
// that say what to give.
const URLForm = "postgres://user:password@host:5432/database?sslmode=disable"

// Open connects to the database at rawURL (postgres:// or postgresql://,
// with pgx's parameters such as sslmode) and brings its schema up to date.
// It recovers nothing: see store.RecoverInterrupted.
func Open(ctx context.Context, rawURL string) (*sqlstore.DB, error) {
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
	rows, err := sqlstore.Open(ctx, db, db, dialect, schema)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return rows, nil
}

// dialect is PostgreSQL's: numbered parameters, times as timestamptz,
// and transactions that run side by side, locking the rows they must
// see unchanged.
var dialect = sqlstore.Dialect{Bind: sqlstore.Numbered, Time: storedTime, Greatest: "greatest", ForUpdate: " FOR UPDATE"}

// storedTime is a time as the columns keep it: NULL for one not yet
// known, and cut to the microsecond here rather than rounded by the
// server, so that a copy from SQLite keeps the microsecond it had.
func storedTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

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
