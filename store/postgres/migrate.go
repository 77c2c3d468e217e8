package postgres

import (
	"context"
	"database/sql"
	"embed"

	"github.com/mockinterview/mockinterview/store/sqlstore"
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

// schema is the PostgreSQL schema as sqlstore migrates it: each step's
// transaction first takes the advisory lock, so that of replicas
// starting together one applies the step and the others, once they hold
// the lock, find it recorded.
var schema = sqlstore.Schema{FS: migrationFiles, Dir: "migrations", Begin: lockMigrations}

// lockMigrations takes the advisory lock and makes the table that records
// the steps run.
func lockMigrations(ctx context.Context, tx *sql.Tx, _ []sqlstore.Migration) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`)
	return err
}
