package main

import (
	"net"
	"os"
	"strings"
	"testing"
)

// TestReplicaNames: the default replica name and address tell apart two
// processes on one machine, and the flags win.
func TestReplicaNames(t *testing.T) {
	host, _ := os.Hostname()
	if got := replicaName("", "127.0.0.1:8080"); got != host+":8080" {
		t.Errorf("replica name for :8080 is %q", got)
	}
	if got := replicaName("", "127.0.0.1:0"); !strings.HasPrefix(got, host+"-") || got == host+"-" {
		t.Errorf("replica name for a random port is %q, want the host and the process id", got)
	}
	if got := replicaName("web-1", "127.0.0.1:8080"); got != "web-1" {
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
