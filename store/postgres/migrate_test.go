package postgres

import (
	"database/sql"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for rawDB

	"github.com/mockinterview/mockinterview/store/sqlstore"
)

// TestMigrationsMatchSQLite: the steps have the SQLite steps' names, so
// that a step added to one dialect is not forgotten in the other.
func TestMigrationsMatchSQLite(t *testing.T) {
	entries, err := os.ReadDir("../folder/migrations")
	if err != nil {
		t.Fatal(err)
	}
	var sqlite, ours []string
	for _, e := range entries {
		sqlite = append(sqlite, e.Name())
	}
	list, err := sqlstore.Migrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		ours = append(ours, m.Name)
	}
	if !slices.Equal(ours, sqlite) {
		t.Errorf("PostgreSQL steps %v; SQLite's are %v: write each step in both dialects", ours, sqlite)
	}
}

// TestReplicasMigrateOnce opens one new database from several processes'
// worth of connections at once, as replicas starting together do: each
// step is applied once, and all of them start.
func TestReplicasMigrateOnce(t *testing.T) {
	url := server.Database(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(t.Context(), url)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	db := rawDB(t, url)
	var versions, distinct int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&versions, &distinct); err != nil {
		t.Fatal(err)
	}
	list, _ := sqlstore.Migrations(migrationFiles, "migrations")
	if versions != len(list) || distinct != len(list) {
		t.Errorf("%d steps recorded (%d distinct); want %d, each once", versions, distinct, len(list))
	}
}

// TestRefusesNewerSchema: a database a newer release migrated further is
// refused, with what to do.
func TestRefusesNewerSchema(t *testing.T) {
	url := server.Database(t)
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := rawDB(t, url).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', now())`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), url); err == nil || !strings.Contains(err.Error(), "upgrade mockinterview") {
		t.Errorf("opening a newer schema: %v", err)
	}
}

// TestBadURL: what is not a PostgreSQL URL is refused with the form to
// give, and a password never shows in the error.
func TestBadURL(t *testing.T) {
	for _, u := range []string{
		"mysql://user:hunter2@host/db",
		"host=localhost password=hunter2",
		"postgres://user:hunter2@host:notaport/db",
		"postgres://user:hunter2@[::1/db",
	} {
		_, err := Open(t.Context(), u)
		if err == nil || !strings.Contains(err.Error(), URLForm) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q): %v; want an error with the form %s and no password", u, err, URLForm)
		}
	}
}

// rawDB connects to url without this package, to look at the tables.
func rawDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
