package postgres

import (
	"context"
	"os"
	"testing"

	"github.com/mockinterview/mockinterview/internal/pgtest"
	"github.com/mockinterview/mockinterview/store/sqlstore"
	"github.com/mockinterview/mockinterview/store/storetest"
)

// server is this package's PostgreSQL, started by the first test that
// asks for a database.
var server pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

// open opens a new empty database of the test's own.
func open(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := Open(t.Context(), server.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	db := open(t)
	if err := db.Sessions.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestConformance runs the checks every store's rows must pass, as
// store/folder runs them on SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db := open(t)
		return storetest.Store{Sessions: db.Sessions, Journals: db.Journals, Portable: db.Portable(), Replicas: db.Replicas()}
	})
}
