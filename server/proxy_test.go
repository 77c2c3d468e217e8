package server

import (
	"net/http"
	"net/netip"
	"testing"
)

// TestRemoteIPBehindProxies: a connection from a trusted load balancer
// counts against the client its X-Forwarded-For names (the last address
// not itself a trusted proxy); what a client writes there itself is not
// believed, nor the header from an untrusted peer.
func TestRemoteIPBehindProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, c := range []struct {
		remote string
		xff    []string
		want   string
	}{
		{"203.0.113.7:5000", nil, "203.0.113.7"},
		{"203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"}, // not through a trusted proxy
		{"10.1.2.3:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"10.1.2.3:5000", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},             // the client's own claim comes first
		{"10.1.2.3:5000", []string{"6.6.6.6", "198.51.100.1, 10.9.9.9"}, "198.51.100.1"}, // two proxies
		{"127.0.0.1:5000", []string{"::ffff:198.51.100.2"}, "::ffff:198.51.100.2"},
		{"10.1.2.3:5000", nil, "10.1.2.3"},
		{"10.1.2.3:5000", []string{" , "}, "10.1.2.3"},
	} {
		r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := remoteIP(r, trusted); got != c.want {
			t.Errorf("from %s with X-Forwarded-For %q: %q, want %q", c.remote, c.xff, got, c.want)
		}
	}
}
