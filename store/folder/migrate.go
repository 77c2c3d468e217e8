package folder

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/mockinterview/mockinterview/store/sqlstore"
)

// migrationFiles hold the schema, one step a file named NNNN_what.sql.
// Append a file, never edit one: a data folder runs each step once, in
// the order of NNNN, and records it in schema_migrations.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// schema is the SQLite schema as sqlstore migrates it. The database's
// user_version follows the last step, so that a release older than the
// schema refuses the folder instead of misreading it.
var schema = sqlstore.Schema{FS: migrationFiles, Dir: "migrations", Begin: adoptMigrations, Applied: countMigration}

// adoptMigrations makes the table that records the steps run. Releases
// before the table counted them in user_version only: those steps are
// recorded as run, at no known time (an empty applied_at).
func adoptMigrations(ctx context.Context, tx *sql.Tx, steps []sqlstore.Migration) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var recorded, counted int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&recorded); err != nil || recorded > 0 {
		return err
	}
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&counted); err != nil {
		return err
	}
	for v := 1; v <= counted; v++ {
		name := "unknown: from a newer release"
		if v <= len(steps) {
			name = steps[v-1].Name
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, '')`,
			v, name); err != nil {
			return err
		}
	}
	return nil
}

// countMigration sets user_version to the step just applied.
func countMigration(ctx context.Context, tx *sql.Tx, m sqlstore.Migration) error {
	// PRAGMA takes no parameters; the version is our own integer.
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.Version))
	return err
}
