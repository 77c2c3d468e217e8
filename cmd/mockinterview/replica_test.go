package main

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestReplicaNames: the default replica name and address tell apart two
// processes on one machine, and the flags win.
func TestReplicaNames(t *testing.T) {
	host, _ := os.Hostname()
	if got := replicaName("", "/var/lib/coach"); got != host+":/var/lib/coach" {
		t.Errorf("replica name for the data folder /var/lib/coach is %q", got)
	}
	wd, _ := os.Getwd()
	if got := replicaName("", "./data"); got != host+":"+filepath.Join(wd, "data") {
		t.Errorf("replica name for ./data is %q, want the folder's absolute path", got)
	}
	if got := replicaName("web-1", "./data"); got != "web-1" {
		t.Errorf("--replica web-1 gives %q", got)
	}
	for _, c := range []struct{ flag, listen, want string }{
		{"", "127.0.0.1:8081", "http://127.0.0.1:8081"},
		{"", "0.0.0.0:8080", "http://" + net.JoinHostPort(host, "8080")},
		{"", "[::]:8080", "http://" + net.JoinHostPort(host, "8080")},
		{"http://10.0.0.5:8080/", "0.0.0.0:8080", "http://10.0.0.5:8080"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", c.listen)
		if err != nil {
			t.Fatal(err)
		}
		if got := advertised(c.flag, addr); got != c.want {
			t.Errorf("advertised(%q, %s) = %q, want %q", c.flag, c.listen, got, c.want)
		}
	}
}
