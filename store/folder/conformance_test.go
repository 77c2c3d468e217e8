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
		return storetest.Store{Sessions: db.Sessions, Journals: db.Journals}
	})
}
