package s3test

import (
	"os"
	"strings"
	"testing"
)

// TestServer starts a gateway on loopback, gives two separate buckets,
// and stops it, leaving nothing.
func TestServer(t *testing.T) {
	var s Server
	t.Cleanup(s.Stop) // should the test stop early; a second Stop does nothing
	first, second := s.Bucket(t), s.Bucket(t)
	if first == second {
		t.Fatalf("the same bucket twice: %s", first)
	}
	if e := s.Endpoint(t); !strings.HasPrefix(e, "http://127.0.0.1:") {
		t.Errorf("endpoint %s; want one on 127.0.0.1", e)
	}
	buckets, err := s.Client(t).ListBuckets(t.Context())
	if err != nil || len(buckets) != 2 {
		t.Errorf("buckets %v (%v); want the two made", buckets, err)
	}
	dir, exited := s.dir, s.exited
	s.Stop()
	select {
	case <-exited:
	default:
		t.Error("the gateway is still running after Stop")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the gateway's folder is still there after Stop: %v", err)
	}
}
