package server

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx", to count the rows

	"github.com/mockinterview/mockinterview/internal/pgtest"
	"github.com/mockinterview/mockinterview/internal/s3test"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/postgres"
	"github.com/mockinterview/mockinterview/store/s3"
)

// postgresVar, set to anything, makes every test server keep its rows in
// a new PostgreSQL database of its own on this package's server, instead
// of SQLite, so that the whole suite runs against PostgreSQL:
//
//	MOCKINTERVIEW_TEST_POSTGRES=1 go test ./server
const postgresVar = "MOCKINTERVIEW_TEST_POSTGRES"

// postgresServer is started by the first test server that needs it.
var postgresServer pgtest.Server

// s3Var, set to anything, makes every test server keep its recordings
// in a bucket of its own on this package's S3 gateway (Versity's), in
// chunks of one second, instead of WAV files in its data folder, so that
// the whole suite runs against S3; with postgresVar too, against both:
//
//	MOCKINTERVIEW_TEST_S3=1 go test ./server
const s3Var = "MOCKINTERVIEW_TEST_S3"

// gateway is started by the first test server that needs it.
var gateway s3test.Server

// withS3 puts a store's recordings in a new bucket when s3Var is set,
// spooled in the data folder dir.
func withS3(t *testing.T, st store.Store, dir string) store.Store {
	t.Helper()
	if os.Getenv(s3Var) == "" {
		return st
	}
	r, err := s3.Open(t.Context(), s3.Config{Endpoint: gateway.Endpoint(t), PathStyle: true, Bucket: gateway.Bucket(t),
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, Chunk: time.Second, Spool: filepath.Join(dir, "spool")})
	if err != nil {
		t.Fatal(err)
	}
	st.Recordings = r
	return st
}

// openRows opens a test server's store: the recordings in the data
// folder dir (or a bucket when s3Var is set) and the rows in its SQLite
// database, or in PostgreSQL when postgresVar is set; and a read-only connection to the rows' database,
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
		return withS3(t, data.Store(), dir), db
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
	return withS3(t, store.Store{Sessions: rows.Sessions, Recordings: recordings, Journals: rows.Journals, Replicas: rows.Replicas()}, dir), db
}
