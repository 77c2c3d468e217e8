// Package nginxtest runs Debian's nginx as a load balancer for a test: a
// site configuration such as deploy/nginx/mockinterview.conf, its upstream's
// servers replaced by the addresses the test gives and its listen by a free
// loopback port, inside a main configuration of the package's own that keeps
// everything (pid, temporary files, logs) in a temporary folder and runs in
// the foreground. Testing the shipped file this way means what is deployed
// is what the test ran. Where nginx is not installed the test is skipped
// through testenv, or fails under MOCKINTERVIEW_REQUIRE_TOOLS.
// It is for tests only.
package nginxtest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// Install is how the set-up installs nginx (scripts/install-deps).
const Install = "apt-get install nginx-light (or nginx)"

// Balancer is a running nginx.
type Balancer struct {
	// Addr is where it listens, 127.0.0.1:PORT.
	Addr string
	dir  string
}

// URL is http://Addr followed by path.
func (b *Balancer) URL(path string) string { return "http://" + b.Addr + path }

// Log returns nginx's error log so far, for a failing test to print.
func (b *Balancer) Log() string {
	log, _ := os.ReadFile(filepath.Join(b.dir, "error.log"))
	return string(log)
}

// Binary returns the path of nginx: on the PATH, or where Debian puts it
// (/usr/sbin, which a user's PATH may lack); "" if it is in neither.
func Binary() string {
	if path, err := exec.LookPath("nginx"); err == nil {
		return path
	}
	if st, err := os.Stat("/usr/sbin/nginx"); err == nil && st.Mode()&0o111 != 0 {
		return "/usr/sbin/nginx"
	}
	return ""
}

// Start runs nginx with the site configuration in the file site, its
// upstream block's servers replaced by one per address of upstreams
// (each keeping the parameters of the file's first server, such as
// max_fails), and its listen by a free loopback port. It waits until
// nginx accepts connections and stops it when the test ends.
func Start(t testing.TB, site string, upstreams ...string) *Balancer {
	t.Helper()
	bin := Binary()
	if bin == "" {
		testenv.Missing(t, "nginx is not installed (%s)", Install)
	}
	text, err := os.ReadFile(site)
	if err != nil {
		t.Fatalf("nginx site configuration: %v", err)
	}
	addr, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	conf, err := Rewrite(string(text), addr, upstreams)
	if err != nil {
		t.Fatalf("%s: %v", site, err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(mainConf(dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &Balancer{Addr: addr, dir: dir}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	cmd.Dir = dir
	out, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	// One process (master_process off): should the test binary die, it
	// goes too, and leaves no worker behind holding the port.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("nginx: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) // fast shutdown
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("nginx's error log:\n%s", b.Log())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return b
		}
		select {
		case <-exited:
			output, _ := os.ReadFile(filepath.Join(dir, "output.log"))
			t.Fatalf("nginx exited at start: %s%s", output, b.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s within 30 s: %v\n%s", addr, err, b.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mainConf is the configuration nginx is started with: the foreground,
// one process, every file it writes in dir, and the site inside http as
// Debian's conf.d files are.
func mainConf(dir string) string {
	var b strings.Builder
	b.WriteString("daemon off;\nmaster_process off;\n")
	if os.Geteuid() == 0 {
		// As root, nginx would otherwise switch to nobody for its work,
		// who may not write the test's temporary folder.
		b.WriteString("user root;\n")
	}
	fmt.Fprintf(&b, "pid %s;\nerror_log %s info;\n", filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	b.WriteString("events {\n    worker_connections 4096;\n}\nhttp {\n")
	fmt.Fprintf(&b, "    access_log %s;\n", filepath.Join(dir, "access.log"))
	for _, temp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "    %s_temp_path %s;\n", temp, filepath.Join(dir, temp+"_temp"))
	}
	fmt.Fprintf(&b, "    include %s;\n}\n", filepath.Join(dir, "site.conf"))
	return b.String()
}

var (
	upstreamRE = regexp.MustCompile(`^\s*upstream\s+\S+\s*\{`)
	serverRE   = regexp.MustCompile(`^(\s*)server\s+(\S+?)(\s[^;]*)?;`)
	listenRE   = regexp.MustCompile(`^(\s*)listen\s+[^;]+;`)
)

// Rewrite returns the site configuration conf with the servers of its
// one upstream block replaced by upstreams and its one listen directive
// by addr. It refuses a configuration that has not exactly one of each,
// so that a change to the shipped file that the test would not follow
// is told rather than tested around.
func Rewrite(conf, addr string, upstreams []string) (string, error) {
	if len(upstreams) == 0 {
		return "", fmt.Errorf("no upstream address to put in the configuration")
	}
	var out []string
	blocks, listens, inUpstream, replaced := 0, 0, false, false
	sc := bufio.NewScanner(strings.NewReader(conf))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case upstreamRE.MatchString(line):
			blocks++
			inUpstream = true
		case inUpstream && strings.TrimSpace(line) == "}":
			inUpstream = false
		case inUpstream && serverRE.MatchString(line):
			if replaced {
				continue // the file's other servers
			}
			m := serverRE.FindStringSubmatch(line)
			for _, u := range upstreams {
				out = append(out, fmt.Sprintf("%sserver %s%s;", m[1], u, m[3]))
			}
			replaced = true
			continue
		case !inUpstream && listenRE.MatchString(line):
			listens++
			line = listenRE.ReplaceAllString(line, "${1}listen "+addr+";")
		}
		out = append(out, line)
	}
	switch {
	case blocks != 1:
		return "", fmt.Errorf("%d upstream blocks; the test expects one", blocks)
	case !replaced:
		return "", fmt.Errorf("the upstream block has no server line")
	case listens != 1:
		return "", fmt.Errorf("%d listen directives; the test expects one", listens)
	}
	return strings.Join(out, "\n") + "\n", nil
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
