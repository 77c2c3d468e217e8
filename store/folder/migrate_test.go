package folder

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// openBare opens a database in a new folder with no schema.
func openBare(t *testing.T) *Sessions {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &Sessions{db: db, w: db}
}

func steps(t *testing.T, files map[string]string) []migration {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys["m/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	list, err := loadMigrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestMigrationsOnceInOrder: each step runs once, in the order of its
// number, and is recorded; a step added later runs alone.
func TestMigrationsOnceInOrder(t *testing.T) {
	ctx := t.Context()
	s := openBare(t)
	first := map[string]string{
		"0001_log.sql": `CREATE TABLE log (step INTEGER);`,
		"0002_two.sql": `INSERT INTO log VALUES (2);`,
		"0003_one.sql": `INSERT INTO log VALUES (3);`,
	}
	for range 2 {
		if err := s.migrate(ctx, steps(t, first)); err != nil {
			t.Fatal(err)
		}
	}
	first["0004_four.sql"] = `INSERT INTO log VALUES (4);`
	if err := s.migrate(ctx, steps(t, first)); err != nil {
		t.Fatal(err)
	}
	var log []int
	rows, err := s.db.Query(`SELECT step FROM log ORDER BY rowid`)
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
	rows, _ = s.db.Query(`SELECT name FROM schema_migrations WHERE applied_at != '' ORDER BY version`)
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
	s.db.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != 4 {
		t.Errorf("user_version %d; want 4, for older releases to refuse the folder", version)
	}
}

// TestMigrationFails: a step that fails leaves nothing of itself, is not
// recorded, and the steps before it stay.
func TestMigrationFails(t *testing.T) {
	ctx := t.Context()
	s := openBare(t)
	err := s.migrate(ctx, steps(t, map[string]string{
		"0001_a.sql": `CREATE TABLE a (x INTEGER);`,
		"0002_b.sql": `CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);`,
	}))
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("migrate: %v; want the failing step named", err)
	}
	var tables, recorded int
	s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b')`).Scan(&tables)
	s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&recorded)
	if tables != 1 || recorded != 1 {
		t.Errorf("%d tables of a and b, %d steps recorded; want a only, one step", tables, recorded)
	}
}

func TestLoadMigrationsRefuses(t *testing.T) {
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"a gap", []string{"0001_a.sql", "0003_c.sql"}, "want 2"},
		{"a repeat", []string{"0001_a.sql", "0001_b.sql"}, "want 2"},
		{"no number", []string{"first.sql"}, "NNNN_what.sql"},
		{"not sql", []string{"0001_a.txt"}, "NNNN_what.sql"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range c.files {
			fsys["m/"+f] = &fstest.MapFile{}
		}
		if _, err := loadMigrations(fsys, "m"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an error saying %q", c.name, err, c.want)
		}
	}
	if list, err := migrations(); err != nil || len(list) == 0 {
		t.Errorf("the shipped migrations: %d, %v", len(list), err)
	}
}

// TestInTx: what fn wrote is kept when it returns nil and rolled back when
// it fails, with its error.
func TestInTx(t *testing.T) {
	ctx := context.Background()
	s := openBare(t)
	s.w.Exec(`CREATE TABLE t (x INTEGER)`)
	insert := func(x int, fail error) error {
		return s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (?)`, x); err != nil {
				return err
			}
			return fail
		})
	}
	if err := insert(1, nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := insert(2, boom); !errors.Is(err, boom) {
		t.Errorf("inTx returned %v; want fn's error", err)
	}
	var sum, n int
	s.db.QueryRow(`SELECT coalesce(sum(x), 0), count(*) FROM t`).Scan(&sum, &n)
	if n != 1 || sum != 1 {
		t.Errorf("table holds %d rows summing to %d; want only the committed 1", n, sum)
	}
}
