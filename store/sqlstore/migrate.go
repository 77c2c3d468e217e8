package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// Migration is one step of a schema.
type Migration struct {
	Version int
	Name    string // NNNN_what.sql
	SQL     string
}

// Migrations reads the steps of a schema, one a file named NNNN_what.sql
// in dir, and checks they are numbered 1, 2, 3… with none missing.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var list []Migration
	for _, e := range entries {
		number, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name it NNNN_what.sql", e.Name())
		}
		if version != len(list)+1 {
			return nil, fmt.Errorf("migration %s: number %d, want %d (no gaps, no repeats)", e.Name(), version, len(list)+1)
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		list = append(list, Migration{Version: version, Name: e.Name(), SQL: string(body)})
	}
	return list, nil
}

// Schema is a database's schema as Migrate brings it up to date: its
// steps, in the dialect's SQL, and what the dialect does around them.
type Schema struct {
	// FS holds the steps in Dir, as Migrations reads them.
	FS  fs.FS
	Dir string
	// Begin runs first in each step's transaction and leaves the table
	// schema_migrations (version, name, applied_at) made: it may take a
	// lock that makes processes migrating the database at once take turns.
	Begin func(ctx context.Context, tx *sql.Tx, steps []Migration) error
	// Applied, if set, runs in a step's transaction once it is recorded.
	Applied func(ctx context.Context, tx *sql.Tx, m Migration) error
}

// Open is New with its schema brought up to date by Migrate; if that
// fails, it closes read and write.
func Open(ctx context.Context, read, write *sql.DB, d Dialect, schema Schema) (*DB, error) {
	db := New(read, write, d)
	if err := db.Migrate(ctx, schema); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// Migrate brings the schema up to its last step, applying each step the
// database has not recorded in schema_migrations, in order, in a
// transaction of its own that reads the record afresh: of processes
// migrating at once, one applies a step and the others find it recorded.
func (db *DB) Migrate(ctx context.Context, schema Schema) error {
	steps, err := Migrations(schema.FS, schema.Dir)
	if err != nil {
		return err
	}
	s := db.Sessions
	for {
		var step *Migration
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if err := schema.Begin(ctx, tx, steps); err != nil {
				return fmt.Errorf("schema_migrations: %w", err)
			}
			var applied int
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
				return fmt.Errorf("schema_migrations: %w", err)
			}
			if applied > len(steps) {
				return fmt.Errorf("schema version %d is newer than this program (%d): upgrade mockinterview", applied, len(steps))
			}
			if applied == len(steps) {
				return nil
			}
			step = &steps[applied]
			return s.apply(ctx, tx, *step, schema.Applied)
		})
		switch {
		case err != nil && step != nil:
			return fmt.Errorf("migration %s: %w", step.Name, err)
		case err != nil || step == nil:
			return err
		}
	}
}

// apply runs one step and records it.
func (s *Sessions) apply(ctx context.Context, tx *sql.Tx, m Migration, applied func(context.Context, *sql.Tx, Migration) error) error {
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, s.d.Time(time.Now())); err != nil {
		return err
	}
	if applied == nil {
		return nil
	}
	return applied(ctx, tx, m)
}
