package folder

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// migrationFiles hold the schema, one step a file named NNNN_what.sql.
// Append a file, never edit one: a data folder runs each step once, in
// the order of NNNN, and records it in schema_migrations.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations reads the steps of the schema and checks they are numbered
// 1, 2, 3… with none missing.
func migrations() ([]migration, error) {
	return loadMigrations(migrationFiles, "migrations")
}

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var list []migration
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
		list = append(list, migration{version: version, name: e.Name(), sql: string(body)})
	}
	return list, nil
}

// migrate brings the schema up to the last of list, applying each step
// it has not run, in order, in a transaction of its own. The database's
// user_version follows the last step, so that a release older than the
// schema refuses the folder instead of misreading it.
func (s *Sessions) migrate(ctx context.Context, list []migration) error {
	applied, err := s.adoptMigrations(ctx, list)
	if err != nil {
		return err
	}
	if applied > len(list) {
		return fmt.Errorf("schema version %d is newer than this program (%d): upgrade mockinterview", applied, len(list))
	}
	for _, m := range list[applied:] {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			return recordMigration(ctx, tx, m.version, m.name, time.Now())
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// adoptMigrations makes the table that records the steps run and returns
// how many have run. Releases before the table counted them in
// user_version only: those steps are recorded as run, at no known time
// (an empty applied_at).
func (s *Sessions) adoptMigrations(ctx context.Context, list []migration) (int, error) {
	applied := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL)`); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil || applied > 0 {
			return err
		}
		var counted int
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&counted); err != nil {
			return err
		}
		for v := 1; v <= counted; v++ {
			name := "unknown: from a newer release"
			if v <= len(list) {
				name = list[v-1].name
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, '')`,
				v, name); err != nil {
				return err
			}
		}
		applied = counted
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("schema_migrations: %w", err)
	}
	return applied, nil
}

func recordMigration(ctx context.Context, tx *sql.Tx, version int, name string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, name, formatTime(now)); err != nil {
		return err
	}
	// PRAGMA takes no parameters; version is our own integer.
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, version))
	return err
}
