package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/postgres"
)

// databaseAdvice says what --database takes.
const databaseAdvice = "give sqlite:PATH (the default is sqlite:DATA/mockinterview.db, DATA being --data) or a PostgreSQL URL such as " + postgres.URLForm

// databaseFlag is --database: where sessions and journals are kept. The
// recordings are --recordings' (recordingsFlag).
type databaseFlag struct {
	fs    *flagSet
	name  string
	value string
}

// register adds --database, which MOCKINTERVIEW_DATABASE sets too.
func (f *databaseFlag) register(fs *flagSet) {
	f.registerAs(fs, "", "empty: sqlite:DATA/mockinterview.db in --data, whose audio/ keeps the recordings either way [$MOCKINTERVIEW_DATABASE]")
}

// registerAs adds the flag prefix+"database", its usage ending in tail.
func (f *databaseFlag) registerAs(fs *flagSet, prefix, tail string) {
	f.fs, f.name = fs, prefix+"database"
	fs.StringVar(&f.value, f.name, "", "where sessions and journals are kept: sqlite:PATH, or postgres://user:password@host:5432/db?sslmode=disable; "+tail)
}

// origin names where the value came from without quoting it: a URL may
// hold a password.
func (f *databaseFlag) origin() string {
	if v, ok := f.fs.fromEnv[f.name]; ok {
		return v.name
	}
	return "--" + f.name
}

// openedStore is a database and the recordings, opened together.
type openedStore struct {
	store.Store
	// Where is the database, for logs: its path or its URL without the
	// password.
	Where string
	// RecordingsWhere is where the recordings are, for logs.
	RecordingsWhere string
	interrupted     store.Interrupted
	// portable is the database's rows as migrate copies them.
	portable   store.Portable
	recordings recordings
	close      func() error
}

// Close closes the database.
func (s *openedStore) Close() error { return s.close() }

// MarkInterrupted recovers one session a dead process left live; use it
// only when no running service is recording it.
func (s *openedStore) MarkInterrupted(ctx context.Context, id string) error {
	if !store.ValidSessionID(id) {
		return store.ErrNotFound
	}
	return store.RecoverInterrupted(ctx, s.interrupted, s.recordings, id)
}

// heldElsewhere says whether a session is live on another replica: one
// taken over from this one while it was down.
func (s *openedStore) heldElsewhere(replica string) func(context.Context, string) bool {
	return func(ctx context.Context, id string) bool {
		h, err := s.Replicas.Holder(ctx, id, time.Now().Add(-server.ReplicaStale))
		if err != nil || h.Replica == replica {
			return false
		}
		d, err := s.Sessions.Session(ctx, id)
		return err == nil && d.State == store.StateLive
	}
}

// recoverOrphans recovers the live sessions no living replica holds (and
// with self, those replica held before it started again), and returns
// how many.
func (s *openedStore) recoverOrphans(ctx context.Context, replica string, self bool) (int, error) {
	ids, err := s.Replicas.Orphaned(ctx, replica, time.Now().Add(-server.ReplicaStale), self)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := store.RecoverInterrupted(ctx, s.interrupted, s.recordings, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// check says whether the value names a database this program keeps, and
// if not, what to give; serve checks before it loads the engine, so that
// a mistyped URL is told at once.
func (f *databaseFlag) check() error {
	kind, rest, _ := strings.Cut(f.value, ":")
	switch {
	case f.value == "":
		return nil
	case kind == "sqlite" && rest == "":
		return usageError{fmt.Sprintf("%s: sqlite: needs the database's path; %s", f.origin(), databaseAdvice)}
	case kind == "sqlite":
		return nil
	case kind == "postgres" || kind == "postgresql":
		if err := postgres.CheckURL(f.value); err != nil {
			return usageError{fmt.Sprintf("%s: %v", f.origin(), err)}
		}
		return nil
	}
	return usageError{fmt.Sprintf("%s: not a database this program keeps: %s", f.origin(), databaseAdvice)}
}

// open opens the database and the recordings, by default both in the
// data folder dir. With a replica's name, as serve starts, the sessions
// a dead process left live (this replica's, before it started again, and
// those of replicas that stopped saying they are alive) are marked
// interrupted and the audio spooled here is uploaded; a command that may
// run beside a service gives no name and leaves them.
func (f *databaseFlag) open(ctx context.Context, dir string, recs *recordingsFlag, replica string) (*openedStore, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	opened, err := recs.open(ctx, dir)
	if err != nil {
		return nil, err
	}
	recordings := opened.recordings
	s := &openedStore{recordings: recordings, RecordingsWhere: opened.where}
	kind, path, _ := strings.Cut(f.value, ":")
	switch {
	case f.value == "" || kind == "sqlite":
		if f.value == "" {
			path = filepath.Join(dir, "mockinterview.db")
		}
		db, err := folder.OpenDatabase(ctx, path)
		if err != nil {
			return nil, err
		}
		s.Store = store.Store{Sessions: db.Sessions, Recordings: recordings, Journals: db.Journals, Replicas: db.Replicas()}
		s.interrupted, s.portable, s.close, s.Where = db.Sessions, db.Portable(), db.Close, "sqlite:"+path
	default: // postgres, as check found
		db, err := postgres.Open(ctx, f.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.origin(), err)
		}
		s.Store = store.Store{Sessions: db.Sessions, Recordings: recordings, Journals: db.Journals, Replicas: db.Replicas()}
		s.interrupted, s.portable, s.close, s.Where = db.Sessions, db.Portable(), db.Close, postgres.Redacted(f.value)
	}
	if replica != "" {
		if _, err := s.recoverOrphans(ctx, replica, true); err != nil {
			return nil, errors.Join(fmt.Errorf("database %s: %w", s.Where, err), s.close())
		}
		if err := opened.recoverSpooled(ctx, s.heldElsewhere(replica)); err != nil {
			return nil, errors.Join(err, s.close())
		}
	}
	return s, nil
}
