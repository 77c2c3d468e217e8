package server

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx", to count the rows

	"github.com/mockinterview/mockinterview/internal/pgtest"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/postgres"
)

// postgresVar, set to anything, makes every test server keep its rows in
// a new PostgreSQL database of its own on this package's server, instead
// of SQLite, so that the whole suite runs against PostgreSQL:
//
//	MOCKINTERVIEW_TEST_POSTGRES=1 go test ./server
const postgresVar = "MOCKINTERVIEW_TEST_POSTGRES"

// postgresServer is started by the first test server that needs it.
var postgresServer pgtest.Server

// openRows opens a test server's store: the recordings in the data
// folder dir and the rows in its SQLite database, or in PostgreSQL when
// postgresVar is set; and a read-only connection to the rows' database,
// to count them (its queries number their parameters, $1, which both
// take).
func openRows(t *testing.T, dir string) (store.Store, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	if os.Getenv(postgresVar) == "" {
		data, err := folder.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "mockinterview.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close(); data.Close() })
		return data.Store(), db
	}
	url := postgresServer.Database(t)
	recordings, err := folder.OpenRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); rows.Close() })
	return store.Store{Sessions: rows.Sessions, Recordings: recordings, Journals: rows.Journals}, db
}
