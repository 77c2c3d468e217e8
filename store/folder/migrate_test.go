package folder

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mockinterview/mockinterview/store/sqlstore"
)

// openBare opens a database in a new folder with no schema, as the store
// and as itself.
func openBare(t *testing.T) (*sqlstore.DB, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return sqlstore.New(db, db, dialect), db
}

// schemaOf is the SQLite schema with files for its steps.
func schemaOf(files map[string]string) sqlstore.Schema {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys["m/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	s := schema
	s.FS, s.Dir = fsys, "m"
	return s
}

// migrations are the shipped steps.
func migrations() ([]sqlstore.Migration, error) {
	return sqlstore.Migrations(migrationFiles, "migrations")
}

// TestMigrationsOnceInOrder: each step runs once, in the order of its
// number, and is recorded; a step added later runs alone.
func TestMigrationsOnceInOrder(t *testing.T) {
	ctx := t.Context()
	s, raw := openBare(t)
	first := map[string]string{
		"0001_log.sql": `CREATE TABLE log (step INTEGER);`,
		"0002_two.sql": `INSERT INTO log VALUES (2);`,
		"0003_one.sql": `INSERT INTO log VALUES (3);`,
	}
	for range 2 {
		if err := s.Migrate(ctx, schemaOf(first)); err != nil {
			t.Fatal(err)
		}
	}
	first["0004_four.sql"] = `INSERT INTO log VALUES (4);`
	if err := s.Migrate(ctx, schemaOf(first)); err != nil {
		t.Fatal(err)
	}
	var log []int
	rows, err := raw.Query(`SELECT step FROM log ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int
		rows.Scan(&n)
		log = append(log, n)
	}
	rows.Close()
	if !slices.Equal(log, []int{2, 3, 4}) {
		t.Errorf("the steps wrote %v; want [2 3 4], each once and in order", log)
	}
	var names []string
	rows, _ = raw.Query(`SELECT name FROM schema_migrations WHERE applied_at != '' ORDER BY version`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if want := []string{"0001_log.sql", "0002_two.sql", "0003_one.sql", "0004_four.sql"}; !slices.Equal(names, want) {
		t.Errorf("recorded %v; want %v", names, want)
	}
	var version int
	raw.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != 4 {
		t.Errorf("user_version %d; want 4, for older releases to refuse the folder", version)
	}
}

// TestMigrationFails: a step that fails leaves nothing of itself, is not
// recorded, and the steps before it stay.
func TestMigrationFails(t *testing.T) {
	ctx := t.Context()
	s, raw := openBare(t)
	err := s.Migrate(ctx, schemaOf(map[string]string{
		"0001_a.sql": `CREATE TABLE a (x INTEGER);`,
		"0002_b.sql": `CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);`,
	}))
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("migrate: %v; want the failing step named", err)
	}
	var tables, recorded int
	raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b')`).Scan(&tables)
	raw.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&recorded)
	if tables != 1 || recorded != 1 {
		t.Errorf("%d tables of a and b, %d steps recorded; want a only, one step", tables, recorded)
	}
}

// TestShippedMigrations: the schema's own steps load.
func TestShippedMigrations(t *testing.T) {
	if list, err := migrations(); err != nil || len(list) == 0 {
		t.Errorf("the shipped migrations: %d, %v", len(list), err)
	}
}
