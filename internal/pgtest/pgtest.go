// Package pgtest runs a real PostgreSQL server for a test package:
// Debian's binaries (the postgresql package), in a temporary folder, as an
// unprivileged user when the tests run as root (initdb refuses root),
// listening only on a unix socket in that folder. Each test gets a
// database of its own. Where PostgreSQL is not installed the test is
// skipped through testenv, or fails under MOCKINTERVIEW_REQUIRE_TOOLS.
// It is for tests only.
//
// A package shares one server among its tests:
//
//	var postgres pgtest.Server
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		postgres.Stop()
//		os.Exit(code)
//	}
//
// and a test calls postgres.Database(t) for the URL of a new database.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// superuser is the role initdb makes, trusted on the socket.
const superuser = "mockinterview"

// Server is a PostgreSQL server started on first use; the zero value is
// ready.
type Server struct {
	once    sync.Once
	missing string // why the server cannot run here
	err     error  // why it failed to start
	dir     string // the socket's folder; the cluster is in dir/data
	cmd     *exec.Cmd
	exited  chan struct{}
	admin   *sql.DB // connected to the postgres database, to make others
	mu      sync.Mutex
	n       int // databases made
}

// Database returns the URL of a new empty database, starting the server
// if it is not running yet.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	s.once.Do(func() { s.err = s.start() })
	if s.missing != "" {
		testenv.Missing(t, "%s", s.missing)
	}
	if s.err != nil {
		t.Fatalf("start PostgreSQL: %v", s.err)
	}
	s.mu.Lock()
	s.n++
	name := fmt.Sprintf("test_%d", s.n)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// name is our own; CREATE DATABASE takes no parameters.
	if _, err := s.admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	return s.url(name)
}

// Stop stops the server, as pg_ctl stop -m fast does, and removes its
// folder.
func (s *Server) Stop() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// url is the URL of database name on the server's socket.
func (s *Server) url(name string) string {
	q := url.Values{"host": {s.dir}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User(superuser), Path: "/" + name, RawQuery: q.Encode()}).String()
}

// BinDir returns the folder of the newest PostgreSQL server installed
// the Debian way (/usr/lib/postgresql/VERSION/bin), "" if there is none.
func BinDir() string {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	slices.SortFunc(found, func(a, b string) int { return version(a) - version(b) })
	if len(found) == 0 {
		return ""
	}
	return filepath.Dir(found[len(found)-1])
}

func version(postgres string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(postgres))))
	return v
}

func (s *Server) start() error {
	bin := BinDir()
	if bin == "" {
		s.missing = "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/postgres (apt-get install postgresql)"
		return nil
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return err
	}
	s.dir = dir
	cred, err := unprivileged(dir)
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", superuser, "--auth=trust",
		"--encoding=UTF8", "--no-locale", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		if cred != nil {
			return fmt.Errorf("initdb as nobody in %s (every folder above it must be open to other users; set TMPDIR to one that is): %v\n%s", dir, err, out)
		}
		return fmt.Errorf("initdb in %s: %v\n%s", dir, err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	// Durability does not matter in a test, and speed does on two cores.
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Should the test binary die, the server goes too (SIGQUIT: an
	// immediate shutdown).
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()

	cfg, err := pgx.ParseConfig(s.url("postgres"))
	if err != nil {
		return err
	}
	s.admin = stdlib.OpenDB(*cfg)
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.admin.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return fmt.Errorf("postgres exited at start: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return fmt.Errorf("postgres did not answer within a minute: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// unprivileged returns the credentials the server runs with: nil (the
// test's own) unless the test runs as root, which PostgreSQL refuses;
// then nobody's, dir made theirs.
func unprivileged(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, errors.New("the tests run as root and there is no user nobody to run PostgreSQL as")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
