package s3

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/mockinterview/mockinterview/internal/s3test"
	"github.com/mockinterview/mockinterview/store/storetest"
)

// gateway is this package's S3 server, started by the first test that
// asks for a bucket.
var gateway s3test.Server

func TestMain(m *testing.M) {
	code := m.Run()
	gateway.Stop()
	os.Exit(code)
}

// testID is a session id.
const testID = "0123456789abcdef0123456789abcdef"

// config is a new bucket on the gateway, under a prefix, with chunks of
// storetest.Chunk samples and a spool of its own.
func config(t *testing.T) Config {
	return Config{Endpoint: gateway.Endpoint(t), PathStyle: true, Bucket: gateway.Bucket(t), Prefix: "/recordings/",
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey,
		Chunk: storetest.Chunk * time.Second / 16000, Spool: t.TempDir()}
}

func open(t *testing.T, cfg Config) *Recordings {
	t.Helper()
	r, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// abandon stops every recording r is writing as a process that dies
// would.
func (r *Recordings) abandon() {
	r.mu.Lock()
	open := make([]*recording, 0, len(r.open))
	for _, rec := range r.open {
		open = append(open, rec)
	}
	r.mu.Unlock()
	for _, rec := range open {
		rec.abandon()
	}
}

// abandon stops the uploader and closes the spool file without uploading
// anything more, as a process that dies would.
func (rec *recording) abandon() {
	rec.mu.Lock()
	rec.closed, rec.err = true, errors.New("abandoned")
	rec.closing = true
	rec.signal()
	rec.mu.Unlock()
	<-rec.done
	rec.r.mu.Lock()
	delete(rec.r.open, rec.session+"/"+rec.name)
	rec.r.mu.Unlock()
	rec.mu.Lock()
	rec.f.Close()
	rec.f = nil
	rec.mu.Unlock()
}

// TestConformance runs the checks every store's recordings must pass,
// as store/folder runs them, on a real S3 server.
func TestConformance(t *testing.T) {
	storetest.RunRecordings(t, func(t *testing.T) storetest.RecordingsStore {
		cfg := config(t)
		r := open(t, cfg)
		return storetest.RecordingsStore{Recordings: r, Crash: func(t *testing.T) storetest.Recordings {
			r.abandon()
			return open(t, cfg)
		}}
	})
}

// keys lists the objects in a bucket with their sizes.
func keys(t *testing.T, bucket string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for obj := range gateway.Client(t).ListObjects(t.Context(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		out[obj.Key] = obj.Size
	}
	return out
}

// ramp is n samples counting up from from.
func ramp(from, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(from + i)
	}
	return out
}

// waitFor polls until ok, for up to 20 s.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
	}
}

// TestChunksGoUpAsTheyFill: each chunk is in the bucket, under the
// prefix, as soon as it is full and before Close, so that another
// machine reads it; a machine lost with its spool loses only the chunk
// being filled.
func TestChunksGoUpAsTheyFill(t *testing.T) {
	ctx := t.Context()
	cfg := config(t)
	r := open(t, cfg)
	rec, err := r.Create(ctx, testID, "session.wav")
	if err != nil {
		t.Fatal(err)
	}
	all := ramp(0, 3*storetest.Chunk+500)
	for i := 0; i < len(all); i += 320 {
		if err := rec.Write(all[i:min(i+320, len(all))]); err != nil {
			t.Fatal(err)
		}
	}
	other := cfg
	other.Spool = t.TempDir()
	elsewhere := open(t, other) // another replica: it sees only the bucket
	waitFor(t, "three chunks to go up", func() bool {
		list, err := elsewhere.List(ctx, testID)
		return err == nil && len(list) == 1 && list[0].Samples == 3*storetest.Chunk
	})
	want := map[string]int64{}
	for n := range 3 {
		want[fmt.Sprintf("recordings/%s/session.wav/chunk-%06d.pcm", testID, n)] = 2 * storetest.Chunk
	}
	if got := keys(t, cfg.Bucket); !mapsEqual(got, want) {
		t.Errorf("objects before Close:\n%v; want\n%v", got, want)
	}
	if got, err := elsewhere.Read(ctx, testID, "session.wav", 0, math.MaxInt64); err != nil || !slices.Equal(got, all[:3*storetest.Chunk]) {
		t.Errorf("another machine reads %d samples (%v); want the %d of the full chunks", len(got), err, 3*storetest.Chunk)
	}

	// The machine is lost: its process and its spool.
	r.abandon()
	if err := os.RemoveAll(cfg.Spool); err != nil {
		t.Fatal(err)
	}
	if n, err := elsewhere.Repair(ctx, testID, "session.wav"); err != nil || n != 3*storetest.Chunk {
		t.Errorf("after the machine is lost: %d samples (%v); want %d, the last partial chunk lost", n, err, 3*storetest.Chunk)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestCloseRemovesWhatTruncateCut: chunks that went up before a Truncate
// cut them are gone after Close, and the cut chunk is in the bucket as
// it is now; the spool is empty.
func TestCloseRemovesWhatTruncateCut(t *testing.T) {
	ctx := t.Context()
	cfg := config(t)
	r := open(t, cfg)
	rec, _ := r.Create(ctx, testID, "session.wav")
	rec.Write(ramp(0, 3*storetest.Chunk))
	waitFor(t, "three chunks to go up", func() bool { return len(keys(t, cfg.Bucket)) == 3 })
	rec.Truncate(storetest.Chunk + 10)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	prefix := "recordings/" + testID + "/session.wav/"
	want := map[string]int64{prefix + "chunk-000000.pcm": 2 * storetest.Chunk, prefix + "chunk-000001.pcm": 20}
	if got := keys(t, cfg.Bucket); !mapsEqual(got, want) {
		t.Errorf("objects after the cut:\n%v; want\n%v", got, want)
	}
	if left, _ := os.ReadDir(cfg.Spool); len(left) != 0 {
		t.Errorf("the spool after Close: %v; want it empty", left)
	}
}

// TestUploadSpooled: as a service starts, audio a dead process spooled
// goes up, whatever the database says of it, and the spool empties.
func TestUploadSpooled(t *testing.T) {
	ctx := t.Context()
	cfg := config(t)
	r := open(t, cfg)
	for i, id := range []string{testID, strings.Repeat("ab", 16)} {
		rec, _ := r.Create(ctx, id, "session.wav")
		rec.Write(ramp(i, storetest.Chunk/2+i))
	}
	r.abandon()
	again := open(t, cfg)
	if n, err := again.UploadSpooled(ctx, nil); err != nil || n != 2 {
		t.Fatalf("UploadSpooled: %d (%v); want 2 recordings", n, err)
	}
	if left, _ := os.ReadDir(cfg.Spool); len(left) != 0 {
		t.Errorf("the spool after UploadSpooled: %v; want it empty", left)
	}
	for i, id := range []string{testID, strings.Repeat("ab", 16)} {
		got, err := again.Read(ctx, id, "session.wav", 0, math.MaxInt64)
		if err != nil || !slices.Equal(got, ramp(i, storetest.Chunk/2+i)) {
			t.Errorf("session %s after UploadSpooled: %d samples (%v)", id, len(got), err)
		}
	}
}

// gets counts the GET requests for each object, with their ranges.
type gets struct {
	mu     sync.Mutex
	ranges map[string][]string
}

func (g *gets) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/chunk-") {
		g.mu.Lock()
		g.ranges[filepath.Base(req.URL.Path)] = append(g.ranges[filepath.Base(req.URL.Path)], req.Header.Get("Range"))
		g.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestReadFetchesOnlyTheRange: a read asks for the bytes of the range
// from the chunks that hold it, and nothing else.
func TestReadFetchesOnlyTheRange(t *testing.T) {
	ctx := t.Context()
	cfg := config(t)
	g := &gets{ranges: map[string][]string{}}
	cfg.Transport = g
	r := open(t, cfg)
	rec, _ := r.Create(ctx, testID, "session.wav")
	rec.Write(ramp(0, 5*storetest.Chunk))
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := r.Read(ctx, testID, "session.wav", 2*storetest.Chunk-10, 20)
	if err != nil || !slices.Equal(got, ramp(2*storetest.Chunk-10, 20)) {
		t.Fatalf("Read: %v (%v)", got, err)
	}
	want := map[string][]string{
		"chunk-000001.pcm": {fmt.Sprintf("bytes=%d-%d", 2*(storetest.Chunk-10), 2*storetest.Chunk-1)},
		"chunk-000002.pcm": {"bytes=0-19"},
	}
	if len(g.ranges) != len(want) || !slices.Equal(g.ranges["chunk-000001.pcm"], want["chunk-000001.pcm"]) ||
		!slices.Equal(g.ranges["chunk-000002.pcm"], want["chunk-000002.pcm"]) {
		t.Errorf("GETs %v; want %v", g.ranges, want)
	}
}

// TestOpenErrors: a bucket that is not there, and keys the server does
// not know, are told at once, the secret never quoted.
func TestOpenErrors(t *testing.T) {
	cfg := config(t)
	missing := cfg
	missing.Bucket = "no-such-bucket"
	if _, err := Open(t.Context(), missing); err == nil || !strings.Contains(err.Error(), "no-such-bucket") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing bucket: %v", err)
	}
	wrong := cfg
	wrong.SecretKey = "hunter2-wrong"
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := Open(ctx, wrong); err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("a wrong secret key: %v", err)
	}
	for _, endpoint := range []string{"ftp://127.0.0.1:1", "http://me:pw@127.0.0.1:1", "http://127.0.0.1:1/path"} {
		bad := cfg
		bad.Endpoint = endpoint
		if _, err := Open(t.Context(), bad); err == nil || strings.Contains(err.Error(), "pw@") || !strings.Contains(err.Error(), EndpointForm) {
			t.Errorf("endpoint %s: %v", endpoint, err)
		}
	}
}

// TestParseURL: a bucket and a prefix, or an error that gives the form
// and quotes nothing.
func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		url, bucket, prefix string
	}{
		{"s3://coach-audio", "coach-audio", ""},
		{"s3://coach-audio/", "coach-audio", ""},
		{"s3://coach.audio/recordings", "coach.audio", "recordings"},
		{"s3://coach-audio/a/b/", "coach-audio", "a/b"},
	} {
		if bucket, prefix, err := ParseURL(c.url); err != nil || bucket != c.bucket || prefix != c.prefix {
			t.Errorf("%s: %q %q (%v); want %q %q", c.url, bucket, prefix, err, c.bucket, c.prefix)
		}
	}
	for _, bad := range []string{"s3:coach", "s3://", "s3://Coach", "s3://ab", "s3://me:hunter2@coach/x", "s3://coach/x?region=eu",
		"s3://coach/a//b", "https://coach/x", "s3://co..ach", "s3://coach_audio"} {
		_, _, err := ParseURL(bad)
		if err == nil || !strings.Contains(err.Error(), URLForm) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v; want an error giving %s and no password", bad, err, URLForm)
		}
	}
}

// puts counts the PUT requests of chunks.
type puts struct {
	mu   sync.Mutex
	keys []string
}

func (p *puts) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/chunk-") {
		p.mu.Lock()
		p.keys = append(p.keys, filepath.Base(req.URL.Path))
		p.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestRepairUploadsOnlyWhatIsMissing: after a crash, the chunks already
// in the bucket as they are in the spool are not uploaded again.
func TestRepairUploadsOnlyWhatIsMissing(t *testing.T) {
	ctx := t.Context()
	cfg := config(t)
	r := open(t, cfg)
	rec, _ := r.Create(ctx, testID, "session.wav")
	all := ramp(0, 3*storetest.Chunk+77)
	rec.Write(all)
	waitFor(t, "three chunks to go up", func() bool { return len(keys(t, cfg.Bucket)) == 3 })
	r.abandon()
	p := &puts{}
	cfg.Transport = p
	again := open(t, cfg)
	if n, err := again.Repair(ctx, testID, "session.wav"); err != nil || n != int64(len(all)) {
		t.Fatalf("Repair: %d samples (%v); want %d", n, err, len(all))
	}
	if !slices.Equal(p.keys, []string{"chunk-000003.pcm"}) {
		t.Errorf("uploaded %v; want only the last chunk, the others being there already", p.keys)
	}
	if got, err := again.Read(ctx, testID, "session.wav", 0, math.MaxInt64); err != nil || !slices.Equal(got, all) {
		t.Errorf("after Repair: %d samples (%v); want %d", len(got), err, len(all))
	}
}

// TestUploadSpooledLeavesTakenOver: a session another process took over
// while this one was down (it wrote the recording on from the bucket) is
// not overwritten, nor cut, by what this one had spooled: the spool goes.
func TestUploadSpooledLeavesTakenOver(t *testing.T) {
	ctx := t.Context()
	cfg := config(t)
	r := open(t, cfg)
	rec, _ := r.Create(ctx, testID, "session.wav")
	rec.Write(ramp(0, storetest.Chunk/2))
	r.abandon()

	// Another process, its own spool, writes the whole recording.
	other := cfg
	other.Spool = t.TempDir()
	there := open(t, other)
	whole := ramp(0, 3*storetest.Chunk)
	rec2, _ := there.Create(ctx, testID, "session.wav")
	rec2.Write(whole)
	if err := rec2.Close(); err != nil {
		t.Fatal(err)
	}

	again := open(t, cfg)
	n, err := again.UploadSpooled(ctx, func(_ context.Context, id string) bool { return id == testID })
	if err != nil || n != 0 {
		t.Fatalf("UploadSpooled: %d (%v); want nothing uploaded", n, err)
	}
	if left, _ := os.ReadDir(cfg.Spool); len(left) != 0 {
		t.Errorf("the spool after UploadSpooled: %v; want it empty", left)
	}
	got, err := again.Read(ctx, testID, "session.wav", 0, math.MaxInt64)
	if err != nil || !slices.Equal(got, whole) {
		t.Errorf("the recording taken over: %d samples (%v), want the other process's %d", len(got), err, len(whole))
	}
}
