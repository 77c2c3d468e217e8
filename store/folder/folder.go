// Package folder keeps sessions and their audio in one data folder on
// local disk: the sessions and story journals in a SQLite database (mockinterview.db, its
// schema the migrations in migrations/) and the recordings as WAV files
// beside it (audio/SESSION/session.wav; answer-N.wav, one an answer, from
// releases before a session had one recording). It is one implementation
// of the store package's interfaces; opening a folder also recovers what
// a process that died left in it. Its database and its recordings can
// also be opened alone (OpenDatabase, OpenRecordings), to pair either
// with another implementation of the other.
//
// It knows nothing of HTTP or of the live session loop: the server holds
// it only through store.Sessions and store.Recordings.
package folder

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/mockinterview/mockinterview/store"
)

// Folder is an open data folder.
type Folder struct {
	Sessions   *Sessions
	Recordings *Recordings
	Journals   *Journals
	dir        string
}

// Open opens (creating if needed) the data folder dir for the service,
// brings its database up to date and recovers what a previous run left
// behind when it died: its live sessions are marked interrupted, and
// their last recordings are measured and made whole.
func Open(ctx context.Context, dir string) (*Folder, error) {
	f, err := Attach(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := store.RecoverInterrupted(ctx, f.Sessions, f.Recordings, ""); err != nil {
		f.Close()
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	return f, nil
}

// Attach opens the data folder without touching its live sessions, for a
// command that runs beside a service that may be recording them.
func Attach(ctx context.Context, dir string) (*Folder, error) {
	recordings, err := OpenRecordings(dir)
	if err != nil {
		return nil, err
	}
	db, err := OpenDatabase(ctx, filepath.Join(dir, "mockinterview.db"))
	if err != nil {
		return nil, err
	}
	return &Folder{Sessions: db.Sessions, Recordings: recordings, Journals: db.Journals, dir: dir}, nil
}

// Store is the folder as the server takes it.
func (f *Folder) Store() store.Store {
	return store.Store{Sessions: f.Sessions, Recordings: f.Recordings, Journals: f.Journals, Replicas: f.Sessions.replicas()}
}

// Dir is the data folder.
func (f *Folder) Dir() string { return f.dir }

// Close closes the database.
func (f *Folder) Close() error { return f.Sessions.close() }

// MarkInterrupted does for one session what Open does for all: a session
// a dead process left live is marked interrupted and its open answer
// closed at the end of its recording. Use it only when no running
// service is recording the session.
func (f *Folder) MarkInterrupted(ctx context.Context, id string) error {
	if !store.ValidSessionID(id) {
		return store.ErrNotFound
	}
	return store.RecoverInterrupted(ctx, f.Sessions, f.Recordings, id)
}

// Database is a SQLite database alone, its sessions and journals, for an
// installation whose recordings are kept by something else or whose
// database lies outside the data folder.
type Database struct {
	Sessions *Sessions
	Journals *Journals
}

// OpenDatabase opens (creating if needed) the SQLite database at path and
// brings it up to date. It recovers nothing: see store.RecoverInterrupted.
func OpenDatabase(ctx context.Context, path string) (*Database, error) {
	sessions, err := openSessions(ctx, path)
	if err != nil {
		return nil, err
	}
	return &Database{Sessions: sessions, Journals: &Journals{s: sessions}}, nil
}

// Close closes the database.
func (d *Database) Close() error { return d.Sessions.close() }

// OpenRecordings opens the recordings of the data folder dir alone (its
// audio folder, created if needed), for a database kept elsewhere.
func OpenRecordings(dir string) (*Recordings, error) {
	audio := filepath.Join(dir, "audio")
	if err := os.MkdirAll(audio, 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return &Recordings{dir: audio}, nil
}

// OpenAudio opens recordings kept in the folder dir itself (dir/SESSION/
// NAME.wav), created if needed: a data folder's audio folder, or one
// elsewhere.
func OpenAudio(dir string) (*Recordings, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("recordings folder: %w", err)
	}
	return &Recordings{dir: dir}, nil
}

// Sessions keeps the sessions in a SQLite database: store.Sessions.
type Sessions struct {
	db *sql.DB // reads
	w  *sql.DB // writes, on one connection
}

var _ store.Sessions = (*Sessions)(nil)

func openSessions(ctx context.Context, path string) (*Sessions, error) {
	// Durability: WAL, so that readers never wait for the session that
	// writes, and synchronous=NORMAL. In WAL mode NORMAL writes every
	// commit to the log before the commit returns and syncs the log at
	// checkpoints: a killed process (SIGKILL, OOM, a panic) loses no
	// committed word, and the database is never corrupted. Only an OS crash
	// or a power cut may roll back the last commits, and then the
	// recordings, written as the audio arrives without a sync per frame,
	// lose the same last moments: FULL would sync the log on every final
	// result of every session for no better outcome.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	//
	// Writes go through one connection of their own, so that the
	// sessions' commits queue in Go, in turn, rather than retrying on
	// SQLITE_BUSY with the busy handler's growing sleeps; reads have a pool
	// that WAL never makes wait for the writer.
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Sessions{db: db, w: w}
	list, err := migrations()
	if err == nil {
		err = s.migrate(ctx, list)
	}
	if err != nil {
		s.close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

func (s *Sessions) close() error { return errors.Join(s.w.Close(), s.db.Close()) }

// Ping checks that the database answers.
func (s *Sessions) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// inTx runs fn in a write transaction, which it commits if fn returns nil
// and rolls back otherwise.
func (s *Sessions) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return tx.Commit()
}

// ignoreDone drops the error of rolling back a transaction that a
// cancelled context already ended.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
