package postgres

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

// migrationFiles hold the schema, one step a file named NNNN_what.sql,
// numbered as store/folder's SQLite steps (a test checks the names
// match). Append a file, never edit one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the key of the advisory lock that migrations hold:
// any number, the same in every release.
const migrationLock = 7_316_480_271

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations") // sorted by name
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
		body, err := fs.ReadFile(migrationFiles, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		list = append(list, migration{version: version, name: e.Name(), sql: string(body)})
	}
	return list, nil
}

// migrate brings the schema up to the last step, each step in a
// transaction of its own that first takes the advisory lock: of replicas
// starting together, one applies the step and the others, once they hold
// the lock, find it recorded in schema_migrations.
func (s *Sessions) migrate(ctx context.Context) error {
	list, err := migrations()
	if err != nil {
		return err
	}
	for {
		done := false
		var name string
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				name       TEXT NOT NULL,
				applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
				return err
			}
			var applied int
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
				return err
			}
			if applied > len(list) {
				return fmt.Errorf("schema version %d is newer than this program (%d): upgrade mockinterview", applied, len(list))
			}
			if applied == len(list) {
				done = true
				return nil
			}
			m := list[applied]
			name = m.name
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, time.Now())
			return err
		})
		switch {
		case err != nil && name != "":
			return fmt.Errorf("migration %s: %w", name, err)
		case err != nil:
			return fmt.Errorf("schema_migrations: %w", err)
		case done:
			return nil
		}
	}
}
