// Package s3test runs a real S3-compatible server for a test package:
// Versity's gateway (versitygw, installed by `make test` with go install),
// serving a temporary folder on a free loopback port. Each test gets a
// bucket of its own. Where versitygw is not installed the test is
// skipped through testenv, or fails under MOCKINTERVIEW_REQUIRE_TOOLS.
// It is for tests only.
//
// A package shares one server among its tests:
//
//	var gateway s3test.Server
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		gateway.Stop()
//		os.Exit(code)
//	}
//
// and a test calls gateway.Bucket(t) for the name of a new bucket on
// gateway.Endpoint(), reached with AccessKey and SecretKey.
package s3test

import (
	"context"
	"fmt"
	"go/build"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// The gateway's root credentials.
const (
	AccessKey = "mockinterview-test"
	SecretKey = "mockinterview-test-secret"
)

// Install is how the set-up installs the gateway (scripts/install-deps).
const Install = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Server is a versitygw gateway started on first use; the zero value is
// ready.
type Server struct {
	once     sync.Once
	missing  string // why the gateway cannot run here
	err      error  // why it failed to start
	dir      string // dir/data is served; dir/gateway.log its output
	cmd      *exec.Cmd
	exited   chan struct{}
	endpoint string
	client   *minio.Client
	mu       sync.Mutex
	n        int // buckets made
}

// Binary returns the path of versitygw, on the PATH or where go install
// puts it, "" if it is in neither.
func Binary() string {
	if path, err := exec.LookPath("versitygw"); err == nil {
		return path
	}
	dirs := []string{os.Getenv("GOBIN")}
	for _, gopath := range filepath.SplitList(build.Default.GOPATH) {
		dirs = append(dirs, filepath.Join(gopath, "bin"))
	}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		path := filepath.Join(dir, "versitygw")
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return path
		}
	}
	return ""
}

// Bucket makes a new empty bucket, starting the gateway if it is not
// running yet, and returns its name.
func (s *Server) Bucket(t testing.TB) string {
	t.Helper()
	s.start(t)
	s.mu.Lock()
	s.n++
	name := fmt.Sprintf("test-%d", s.n)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket %s: %v", name, err)
	}
	return name
}

// Endpoint is the gateway's URL, http://127.0.0.1:PORT, starting it if
// it is not running yet.
func (s *Server) Endpoint(t testing.TB) string {
	t.Helper()
	s.start(t)
	return s.endpoint
}

// Client is a client of the gateway with its root credentials.
func (s *Server) Client(t testing.TB) *minio.Client {
	t.Helper()
	s.start(t)
	return s.client
}

// Stop stops the gateway and removes its folder.
func (s *Server) Stop() {
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
		s.cmd = nil
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
		s.dir = ""
	}
}

func (s *Server) start(t testing.TB) {
	t.Helper()
	s.once.Do(func() { s.err = s.run() })
	if s.missing != "" {
		testenv.Missing(t, "%s", s.missing)
	}
	if s.err != nil {
		t.Fatalf("start versitygw: %v", s.err)
	}
}

func (s *Server) run() error {
	bin := Binary()
	if bin == "" {
		s.missing = "versitygw, the S3 gateway the tests run, is not installed: " + Install
		return nil
	}
	dir, err := os.MkdirTemp("", "s3test-")
	if err != nil {
		return err
	}
	s.dir = dir
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		return err
	}
	addr, err := freePort()
	if err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(dir, "gateway.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	s.cmd = exec.Command(bin, "--port", addr, "posix", data)
	s.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Should the test binary die, the gateway goes too.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("versitygw: %w", err)
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()

	s.endpoint = "http://" + addr
	s.client, err = minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = s.client.ListBuckets(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "gateway.log"))
			return fmt.Errorf("versitygw exited at start: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "gateway.log"))
			return fmt.Errorf("versitygw did not answer within a minute: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a loopback address no one listens on now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
