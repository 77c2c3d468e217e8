package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// TestInTx: what fn wrote is kept when it returns nil and rolled back when
// it fails, with its error.
func TestInTx(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "test.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db, db, Dialect{}).Sessions
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
