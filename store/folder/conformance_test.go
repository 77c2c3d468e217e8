package folder

import (
	"path/filepath"
	"testing"

	"github.com/mockinterview/mockinterview/store/storetest"
)

// TestConformance runs the checks every store's rows must pass, as
// store/postgres runs them.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, err := OpenDatabase(t.Context(), filepath.Join(t.TempDir(), "mockinterview.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return storetest.Store{Sessions: db.Sessions, Journals: db.Journals, Portable: db.Portable(), Replicas: db.Replicas()}
	})
}

// TestRecordingsConformance runs the checks every store's recordings
// must pass, as store/s3 runs them.
func TestRecordingsConformance(t *testing.T) {
	storetest.RunRecordings(t, func(t *testing.T) storetest.RecordingsStore {
		dir := t.TempDir()
		r, err := OpenRecordings(dir)
		if err != nil {
			t.Fatal(err)
		}
		return storetest.RecordingsStore{Recordings: r, Crash: func(t *testing.T) storetest.Recordings {
			// The dead process's files stay open here, unwritten, as a
			// killed process's are closed by the kernel.
			again, err := OpenRecordings(dir)
			if err != nil {
				t.Fatal(err)
			}
			return again
		}}
	})
}
