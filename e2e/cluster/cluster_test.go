// Package cluster is the end-to-end test of several replicas (issue 31):
// the mockinterview binary built from this tree and run as two `serve`
// processes sharing a real PostgreSQL (internal/pgtest) and a real S3
// server (internal/s3test), with Debian's nginx in front running the
// shipped deploy/nginx/mockinterview.conf (internal/nginxtest). Everything
// listens on loopback. It has no code of its own outside the tests.
package cluster

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/nginxtest"
	"github.com/mockinterview/mockinterview/internal/pgtest"
	"github.com/mockinterview/mockinterview/internal/s3test"
	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

var (
	postgres pgtest.Server
	gateway  s3test.Server
)

func TestMain(m *testing.M) {
	code := m.Run()
	postgres.Stop()
	gateway.Stop()
	os.Exit(code)
}

// chunk is --s3-chunk: the audio in each object in the bucket, and so the
// most of a session's audio that a replica lost with its disk may take
// with it (README, "Recordings in a bucket").
const chunk = time.Second

// root is the module's folder.
func root(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot tell where the test's source is")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// buildBinary builds cmd/mockinterview into a temporary folder.
func buildBinary(t testing.TB) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = testenv.LookPath(t, "Go 1.26 or newer from https://go.dev/dl/", "go")
	}
	bin := filepath.Join(t.TempDir(), "mockinterview")
	build := exec.Command(goTool, "build", "-o", bin, "./cmd/mockinterview")
	build.Dir = root(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/mockinterview: %v\n%s", err, out)
	}
	return bin
}

// replica is one `serve` process.
type replica struct {
	name, addr string
	cmd        *exec.Cmd
	exited     chan struct{}
	log        *syncBuffer
}

func (r *replica) url(path string) string { return "http://" + r.addr + path }

// kill ends the process at once, as a lost machine would.
func (r *replica) kill() {
	r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
}

// cluster is two replicas on one database and one bucket, behind nginx.
type cluster struct {
	a, b   *replica
	lb     *nginxtest.Balancer
	bucket string
	prefix string
	s3     *minio.Client
}

// listenURL is the WebSocket endpoint through nginx.
func (c *cluster) listenURL() string { return "ws://" + c.lb.Addr + "/v1/listen" }

// startCluster starts PostgreSQL, the S3 server, two replicas of the binary
// (with serve's extra flags) and nginx in front of them, and stops them
// all when the test ends. Every client comes to the replicas from nginx's
// address, so serve's per-address limit is off (--connect-rate 0).
func startCluster(t testing.TB, bin string, extra ...string) *cluster {
	t.Helper()
	return startPinnedCluster(t, bin, "", "", extra...)
}

// startPinnedCluster is startCluster with replica a held to the CPUs cpuA
// and b to cpuB, each a taskset list such as "0"; "" lets a replica run on
// any CPU.
func startPinnedCluster(t testing.TB, bin, cpuA, cpuB string, extra ...string) *cluster {
	t.Helper()
	database := postgres.Database(t)
	c := &cluster{bucket: gateway.Bucket(t), prefix: "coach", s3: gateway.Client(t)}
	flags := []string{"--engine", "instant", "--database", database,
		"--recordings", "s3://" + c.bucket + "/" + c.prefix, "--s3-endpoint", gateway.Endpoint(t), "--s3-path-style",
		"--s3-chunk", chunk.String(), "--connect-rate", "0"}
	flags = append(flags, extra...)
	c.a = startReplica(t, bin, "a", cpuA, flags)
	c.b = startReplica(t, bin, "b", cpuB, flags)
	c.lb = nginxtest.Start(t, filepath.Join(root(t), "deploy", "nginx", "mockinterview.conf"), c.a.addr, c.b.addr)
	return c
}

// startReplica starts `serve --replica name` on a free loopback port with
// a data folder of its own (the spool), and waits for /readyz. A cpus
// list other than "" starts it through `taskset -c cpus`, which sets the
// affinity and then execs serve, so every thread serve makes inherits it
// and the process's id is serve's own.
func startReplica(t testing.TB, bin, name, cpus string, flags []string) *replica {
	t.Helper()
	addr := freePort(t)
	r := &replica{name: name, addr: addr, exited: make(chan struct{}), log: &syncBuffer{}}
	args := append([]string{"serve", "--replica", name, "--addr", addr, "--data", t.TempDir()}, flags...)
	r.cmd = exec.Command(bin, args...)
	if cpus != "" {
		r.cmd = exec.Command("taskset", append([]string{"-c", cpus, bin}, args...)...)
	}
	// Nothing of the developer's own configuration, and the bucket's keys.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOCKINTERVIEW_") && !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "OPENAI_") {
			r.cmd.Env = append(r.cmd.Env, kv)
		}
	}
	r.cmd.Env = append(r.cmd.Env, "AWS_ACCESS_KEY_ID="+s3test.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3test.SecretKey)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("serve --replica %s: %v", name, err)
	}
	go func() { r.cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exited:
		case <-time.After(20 * time.Second):
			r.kill()
		}
		if t.Failed() {
			t.Logf("replica %s's log:\n%s", name, r.log)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-r.exited:
			t.Fatalf("replica %s stopped at start:\n%s", name, r.log)
		default:
		}
		if resp, err := http.Get(r.url("/readyz")); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s not ready within 30 s:\n%s", name, r.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// speech is a spoken answer, synthesized with flite: the sentences with
// a breath of 0.7 s after each.
func speech(t testing.TB, sentences ...string) []int16 {
	t.Helper()
	if !flite.Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	var out []int16
	for _, text := range sentences {
		path, err := flite.Synthesize(t.Context(), flite.CacheDir(), "slt", text)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := transcribe.ReadWAV(path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s...)
		out = append(out, make([]int16, transcribe.SampleRate*7/10)...)
	}
	return out
}

// story is the answer the tests speak, the five sentences of the load
// test's recording in docs/BENCHMARKS.md.
var story = []string{
	"Last year our checkout service failed during the holiday sale.",
	"I owned the payment path and I had to fix it within one week.",
	"I rewrote the retry logic and I added alerts on the error rate.",
	"As a result the errors dropped by forty percent.",
	"I learned to measure before I change anything.",
}

// TestCluster runs an answer through nginx and reads it from each
// replica, then kills the replica holding a live answer and checks what
// the client and the surviving replica see.
func TestCluster(t *testing.T) {
	answer := speech(t, story[:3]...)
	bin := buildBinary(t)
	c := startCluster(t, bin)

	t.Run("any replica reads a session", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		res, err := protocol.Stream(ctx, protocol.StreamConfig{URL: c.listenURL(), Start: protocol.ClientMessage{Mode: "practice"}}, [][]int16{answer}, nil)
		if err != nil {
			t.Fatalf("stream through nginx: %v", err)
		}
		if res.Report == nil || res.Metadata == nil || res.CloseCode != protocol.CloseNormal {
			t.Fatalf("report %v, metadata %v, close %d; want a report, Metadata and 1000", res.Report != nil, res.Metadata, res.CloseCode)
		}
		var ranges [][]byte
		for _, r := range []*replica{c.a, c.b} {
			var s sessionJSON
			getJSON(t, r.url("/api/sessions/"+res.SessionID), res.Secret, &s)
			if s.State != "done" || s.Report == nil || len(s.Words) == 0 || len(s.Answers) != 1 {
				t.Errorf("replica %s: state %q, report %v, %d words, %d answers; want done, a report, words, one answer",
					r.name, s.State, s.Report != nil, len(s.Words), len(s.Answers))
				continue
			}
			audio := r.url(s.Answers[0].Audio)
			wav, status := get(t, audio, res.Secret, "")
			samples, _, err := transcribe.DecodeWAV(bytes.NewReader(wav), "answer 0")
			if status != http.StatusOK || err != nil {
				t.Fatalf("replica %s: %s: %d, %v", r.name, s.Answers[0].Audio, status, err)
			}
			// The session's one answer is all its audio, which Metadata
			// hashed as it was received.
			if got := hashSamples(samples); got != res.Metadata.SHA256 {
				t.Errorf("replica %s: the answer's audio hashes to %s; Metadata said %s", r.name, got, res.Metadata.SHA256)
			}
			part, status := get(t, audio, res.Secret, "bytes=1000-4999")
			if status != http.StatusPartialContent || len(part) != 4000 || !bytes.Equal(part, wav[1000:5000]) {
				t.Errorf("replica %s: Range bytes=1000-4999: %d, %d bytes, same as the whole file's: %v; want 206 and those 4000 bytes",
					r.name, status, len(part), bytes.Equal(part, wav[1000:min(5000, len(wav))]))
			}
			ranges = append(ranges, part)
		}
		if len(ranges) == 2 && !bytes.Equal(ranges[0], ranges[1]) {
			t.Error("the two replicas served different bytes for the same range")
		}
	})

	t.Run("a dropped client resumes on the other replica", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		first, err := protocol.Dial(ctx, c.listenURL())
		if err != nil {
			t.Fatal(err)
		}
		first.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
		var begin protocol.BeginMessage
		for begin.SessionID == "" {
			ev, err := first.Next()
			if err != nil {
				t.Fatalf("waiting for Begin: %v", err)
			}
			if ev.Type == protocol.TypeBegin {
				ev.Decode(&begin)
			}
		}
		half := 2 * transcribe.SampleRate
		for at := 0; at < half; at += transcribe.SampleRate / 10 {
			first.SendAudio(answer[at : at+transcribe.SampleRate/10])
		}
		deadline := time.Now().Add(10 * time.Second)
		for active(t, c.a)+active(t, c.b) != 1 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		holder, other := c.a, c.b
		if active(t, c.b) == 1 {
			holder, other = c.b, c.a
		}
		first.Close() // a dropped network: no close frame

		// Straight to the replica that does not hold it, as a balancer may
		// send the reconnect: it carries the connection to the holder.
		again, err := protocol.Dial(ctx, "ws://"+other.addr+"/v1/listen")
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		again.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: begin.SessionID, Secret: begin.Secret})
		again.SetReadDeadline(time.Now().Add(30 * time.Second))
		ev, err := again.Next()
		var resumed protocol.ResumedMessage
		if err != nil || ev.Type != protocol.TypeResumed || ev.Decode(&resumed) != nil {
			t.Fatalf("Resume through replica %s: %s %s (%v); want Resumed", other.name, ev.Type, ev.Raw, err)
		}
		from := int(math.Round(resumed.Received * transcribe.SampleRate))
		if from != half {
			t.Errorf("resumed at %.2f s; want the %.2f s sent, all held by replica %s", resumed.Received, seconds(half), holder.name)
		}
		total := min(len(answer), half+2*transcribe.SampleRate)
		for at := from; at < total; at += transcribe.SampleRate / 10 {
			again.SendAudio(answer[at:min(at+transcribe.SampleRate/10, total)])
		}
		again.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
		var meta protocol.MetadataMessage
		for meta.Type == "" {
			ev, err := again.Next()
			if err != nil {
				t.Fatalf("waiting for Metadata through the relay: %v", err)
			}
			if ev.Type == protocol.TypeMetadata {
				ev.Decode(&meta)
			}
		}
		if meta.SHA256 != pcmSum(answer[:total]) {
			t.Errorf("the resumed session's audio (%.2f s) is not the %.2f s sent", meta.Duration, seconds(total))
		}
		if got := metric(t, other, "mockinterview_resumes_relayed_total"); got != 1 {
			t.Errorf("replica %s relayed %v Resumes, want 1", other.name, got)
		}
	})

	t.Run("a replica dies mid-answer", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
		defer cancel()
		conn, err := protocol.Dial(ctx, c.listenURL())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		events := make(chan protocol.Event, 1024)
		go func() {
			defer close(events)
			for {
				ev, err := conn.Next()
				if err != nil {
					return
				}
				events <- ev
			}
		}()
		if err := conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"}); err != nil {
			t.Fatal(err)
		}
		var begin protocol.BeginMessage
		waitFor(t, events, protocol.TypeBegin, &begin)

		// A few seconds of the answer at real time, 100 ms a frame.
		frame := transcribe.SampleRate / 10
		sent := 0
		for range 45 {
			if err := conn.SendAudio(answer[sent : sent+frame]); err != nil {
				t.Fatalf("send audio: %v", err)
			}
			sent += frame
			time.Sleep(100 * time.Millisecond)
		}
		holder, other := c.a, c.b
		if active(t, c.b) == 1 {
			holder, other = c.b, c.a
		}
		if active(t, holder) != 1 || active(t, other) != 0 {
			t.Fatalf("sessions active: %s %v, %s %v; want the session on one replica", holder.name, active(t, holder), other.name, active(t, other))
		}
		// The answer is still open (no AnswerDone, and less silence than
		// end_silence). Wait until every full chunk of what was sent is in
		// the bucket, so that what the kill may take is the documented
		// tail and no more: the chunk being filled.
		full := sent / (transcribe.SampleRate * int(chunk/time.Second))
		waitChunks(t, c, begin.SessionID, full)
		holder.kill()
		t.Logf("replica %s killed holding session %s after %.1f s of audio (%d whole chunks up)", holder.name, begin.SessionID, seconds(sent), full)

		// The client reconnects through nginx, which takes it to the
		// survivor, and resumes: the survivor finds the holder gone (its
		// address refuses connections), takes the session over from the
		// database and the bucket, and says where the stored audio ends.
		// The client sends again from there, then the rest of the answer.
		again, err := protocol.Dial(ctx, c.listenURL())
		if err != nil {
			t.Fatalf("reconnect through nginx after the kill: %v", err)
		}
		defer again.Close()
		resumedAt := time.Now()
		if err := again.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: begin.SessionID, Secret: begin.Secret}); err != nil {
			t.Fatal(err)
		}
		again.SetReadDeadline(time.Now().Add(60 * time.Second))
		ev, err := again.Next()
		var resumed protocol.ResumedMessage
		if err != nil || ev.Type != protocol.TypeResumed || ev.Decode(&resumed) != nil {
			t.Fatalf("Resume on the survivor: %s %s (%v); want Resumed", ev.Type, ev.Raw, err)
		}
		from := int(math.Round(resumed.Received * transcribe.SampleRate))
		t.Logf("replica %s resumed the session at %.2f s of the %.2f s sent, %.1f s after the Resume", other.name, resumed.Received, seconds(sent), time.Since(resumedAt).Seconds())
		if from > sent || sent-from >= int(chunk.Seconds()*transcribe.SampleRate) {
			t.Errorf("resumed at %.2f s of the %.2f s sent; want all but less than the last %s chunk", resumed.Received, seconds(sent), chunk)
		}
		if active(t, other) != 1 {
			t.Errorf("replica %s holds %v sessions after the Resume, want 1", other.name, active(t, other))
		}
		total := min(len(answer), sent+3*transcribe.SampleRate)
		for at := from; at < total; at += frame {
			if err := again.SendAudio(answer[at:min(at+frame, total)]); err != nil {
				t.Fatalf("send audio after the Resume: %v", err)
			}
		}
		again.Send(protocol.ClientMessage{Type: protocol.TypeAnswerDone})
		var meta protocol.MetadataMessage
		var report protocol.ReportMessage
		for meta.Type == "" {
			ev, err := again.Next()
			if err != nil {
				t.Fatalf("after the Resume, waiting for the report: %v", err)
			}
			switch ev.Type {
			case protocol.TypeReport:
				ev.Decode(&report)
				again.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
			case protocol.TypeMetadata:
				ev.Decode(&meta)
			}
		}
		if report.Report == nil || len(report.Report.Words) == 0 {
			t.Errorf("the resumed session's report has no words")
		}
		if meta.SHA256 != pcmSum(answer[:total]) {
			t.Errorf("the resumed session's audio (%.2f s) is not the %.2f s sent, whole", meta.Duration, seconds(total))
		}

		// The survivor serves it as one answer, done, its recording whole.
		var s sessionJSON
		getJSON(t, other.url("/api/sessions/"+begin.SessionID), begin.Secret, &s)
		if s.State != "done" || len(s.Answers) != 1 {
			t.Fatalf("after the resumed end: %s with %d answers; want done with 1", s.State, len(s.Answers))
		}
		wav, status := get(t, other.url(s.Answers[0].Audio), begin.Secret, "")
		recorded, _, err := transcribe.DecodeWAV(bytes.NewReader(wav), "answer 0")
		if status != http.StatusOK || err != nil || !slices.Equal(recorded, answer[:total]) {
			t.Errorf("the resumed answer's recording: %d, %v, %.2f s; want the whole %.2f s sent over both connections", status, err, seconds(len(recorded)), seconds(total))
		}
	})
}

// sessionJSON is the part of GET /api/sessions/{id} the test reads.
type sessionJSON struct {
	State    string  `json:"state"`
	Duration float64 `json:"duration"`
	Answers  []struct {
		Audio        string  `json:"audio"`
		AudioSeconds float64 `json:"audio_seconds"`
	} `json:"answers"`
	Words  []json.RawMessage `json:"words"`
	Report json.RawMessage   `json:"report"`
}

// get reads url with the session's secret, and a Range if given.
func get(t testing.TB, url, secret, byteRange string) ([]byte, int) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Session-Secret", secret)
	if byteRange != "" {
		req.Header.Set("Range", byteRange)
	}
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return body, resp.StatusCode
}

func getJSON(t testing.TB, url, secret string, v any) {
	t.Helper()
	body, status := get(t, url, secret, "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// active reads mockinterview_sessions_active from a replica's /metrics.
func active(t testing.TB, r *replica) float64 {
	t.Helper()
	return metric(t, r, "mockinterview_sessions_active")
}

// metric reads a metric of one series, labelled with the replica's name as
// serve labels them all, from a replica's /metrics.
func metric(t testing.TB, r *replica, name string) float64 {
	t.Helper()
	body, status := get(t, r.url("/metrics"), "", "")
	if status != http.StatusOK {
		t.Fatalf("replica %s /metrics: %d", r.name, status)
	}
	prefix := fmt.Sprintf("%s{replica=%q} ", name, r.name)
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("replica %s: %s", r.name, sc.Text())
			}
			return f
		}
	}
	t.Fatalf("replica %s's /metrics has no %s", r.name, strings.TrimSpace(prefix))
	return 0
}

// waitChunks waits until the bucket holds at least n chunks of the session.
func waitChunks(t testing.TB, c *cluster, session string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := 0
		for obj := range c.s3.ListObjects(t.Context(), c.bucket, minio.ListObjectsOptions{Prefix: c.prefix + "/" + session + "/", Recursive: true}) {
			if obj.Err == nil && strings.Contains(obj.Key, "/chunk-") {
				got++
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bucket holds %d chunks of session %s after 10 s; want %d", got, session, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor waits for the next message of type typ, decoding it into v.
func waitFor(t testing.TB, events <-chan protocol.Event, typ string, v any) {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the connection closed before %s", typ)
			}
			if ev.Type == protocol.TypeError {
				t.Fatalf("waiting for %s: %s", typ, ev.Raw)
			}
			if ev.Type == typ {
				if err := ev.Decode(v); err != nil {
					t.Fatal(err)
				}
				return
			}
		case <-timeout:
			t.Fatalf("no %s within 15 s", typ)
		}
	}
}

func hashSamples(samples []int16) string {
	h := sha256.New()
	buf := make([]byte, 2)
	for _, s := range samples {
		buf[0], buf[1] = byte(uint16(s)), byte(uint16(s)>>8)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func seconds(samples int) float64 { return float64(samples) / transcribe.SampleRate }

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer collects a process's output, written from its own goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pcmSum is the SHA-256 of samples as 16-bit little-endian PCM, as
// Metadata's sha256 is.
func pcmSum(samples []int16) string {
	sum := sha256.Sum256(transcribe.AppendPCM16(nil, samples))
	return hex.EncodeToString(sum[:])
}
