package pgtest

import (
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestServer starts a server, gives two databases that do not see each
// other, listening on no TCP address, and stops it, leaving nothing.
func TestServer(t *testing.T) {
	var s Server
	t.Cleanup(s.Stop) // should the test stop early; a second Stop does nothing
	first, second := s.Database(t), s.Database(t)
	if first == second {
		t.Fatalf("the same database twice: %s", first)
	}
	open := func(url string) *sql.DB {
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(first), open(second)
	if _, err := a.Exec(`CREATE TABLE mine (n integer)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(`SELECT count(*) FROM pg_tables WHERE tablename = 'mine'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the second database sees the first's table: %d %v", n, err)
	}
	var listen string
	if err := a.QueryRow(`SHOW listen_addresses`).Scan(&listen); err != nil || listen != "" {
		t.Errorf("listen_addresses %q (%v); want none, the socket only", listen, err)
	}
	// Run as root, the test gives the server to an unprivileged user.
	if st, err := os.Stat(filepath.Join(s.dir, "data")); err != nil || (os.Geteuid() == 0 && st.Sys().(*syscall.Stat_t).Uid == 0) {
		t.Errorf("the cluster's folder (%v) is root's; want it an unprivileged user's", err)
	}
	dir := s.dir
	a.Close()
	b.Close()
	s.Stop()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the server's folder is still there after Stop: %v", err)
	}
}
