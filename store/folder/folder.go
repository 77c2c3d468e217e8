// Package folder keeps sessions and their audio in one data folder on
// local disk: the sessions and story journals in a SQLite database
// (mockinterview.db, its schema the migrations in migrations/, its rows
// read and written by store/sqlstore) and the recordings as WAV files
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
	"fmt"
	"os"
	"path/filepath"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/sqlstore"
)

// Folder is an open data folder.
type Folder struct {
	Sessions   *sqlstore.Sessions
	Recordings *Recordings
	Journals   *sqlstore.Journals
	db         *sqlstore.DB
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
	return &Folder{Sessions: db.Sessions, Recordings: recordings, Journals: db.Journals, db: db, dir: dir}, nil
}

// Store is the folder as the server takes it.
func (f *Folder) Store() store.Store {
	return store.Store{Sessions: f.Sessions, Recordings: f.Recordings, Journals: f.Journals, Replicas: f.db.Replicas()}
}

// Portable is the folder's database as `mockinterview migrate` copies it.
func (f *Folder) Portable() store.Portable { return f.db.Portable() }

// Dir is the data folder.
func (f *Folder) Dir() string { return f.dir }

// Close closes the database.
func (f *Folder) Close() error { return f.db.Close() }

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
