package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// buildBinary builds the command into a temporary folder, once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mockinterview")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is `mockinterview serve` running as a process of its own.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
}

func startProcess(t *testing.T, bin, data string, flags ...string) *process {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &process{url: "http://" + addr, stderr: &syncBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", data, "--pool-size", "1"}, flags...)...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(p.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not get ready:\n%s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type killedSession struct {
	mu     sync.Mutex
	finals []string // the words of each final result received
	done   chan struct{}
}

// TestKillMidAnswer kills the server with SIGKILL in the middle of an
// answer and starts it again on the same data folder: the session is
// listed as interrupted, its audio is all there up to the last frame the
// server received, its words up to the last final result it sent, and
// `mockinterview retranscribe` and the API rebuild its transcript and
// report from the recording. It does so with the rows in SQLite and in
// PostgreSQL, and with the recordings in a bucket of Versity's S3
// gateway, where the audio the dead process had spooled and not yet
// uploaded goes up as the server starts again.
func TestKillMidAnswer(t *testing.T) {
	needSpeech(t)
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) { killMidAnswer(t, bin) })
	t.Run("postgres", func(t *testing.T) { killMidAnswer(t, bin, "--database", postgresServer.Database(t)) })
	t.Run("s3", func(t *testing.T) {
		for name, value := range s3Env {
			t.Setenv(name, value) // for the serve and retranscribe processes
		}
		killMidAnswer(t, bin, "--recordings", "s3://"+gateway.Bucket(t)+"/coach", "--s3-endpoint", gateway.Endpoint(t), "--s3-path-style", "--s3-chunk", "1s")
	})
}

// killMidAnswer is TestKillMidAnswer with the serve and retranscribe
// flags that say where the rows or the recordings are.
func killMidAnswer(t *testing.T, bin string, database ...string) {
	data := t.TempDir()
	srv := startProcess(t, bin, data, database...)
	sentences := []string{
		"Last year our checkout service failed during the holiday sale.",
		"I owned the payment path and I had to fix it within one week.",
		"I rewrote the retry logic and I added alerts on the error rate.",
		"As a result the errors dropped by forty percent.",
	}
	answer, _, err := transcribe.ReadWAV(spokenWAV(t, sentences...))
	if err != nil {
		t.Fatal(err)
	}

	conn, err := protocol.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.url, "http")+"/v1/listen")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, QuestionID: "deliver-results-biggest-impact"})
	var begin protocol.BeginMessage
	for begin.Type != protocol.TypeBegin {
		ev, err := conn.Next()
		if err != nil {
			t.Fatal(err)
		}
		ev.Decode(&begin)
	}
	k := &killedSession{done: make(chan struct{})}
	go func() {
		defer close(k.done)
		for {
			ev, err := conn.Next()
			if err != nil {
				return
			}
			var m protocol.ResultsMessage
			if ev.Type == protocol.TypeResults && ev.Decode(&m) == nil && m.IsFinal {
				k.mu.Lock()
				k.finals = append(k.finals, m.Channel.Alternatives[0].Transcript)
				k.mu.Unlock()
			}
		}
	}()

	// Stream at four times real time until two sentences have come back
	// final, then a little more, into the middle of a word; then kill. On
	// a busy machine the recognizer falls behind four times real time, so
	// the last two seconds wait (a minute at most) for the two finals.
	const frame = 1600
	sent, extra := 0, -1
	twoFinals := func() bool {
		k.mu.Lock()
		defer k.mu.Unlock()
		return len(k.finals) >= 2
	}
	for sent+frame <= len(answer) && extra != 0 {
		for wait := 0; extra < 0 && len(answer)-sent < 2*16000 && !twoFinals() && wait < 1200; wait++ {
			time.Sleep(50 * time.Millisecond)
		}
		if err := conn.SendAudio(answer[sent : sent+frame]); err != nil {
			t.Fatal(err)
		}
		sent += frame
		time.Sleep(25 * time.Millisecond)
		k.mu.Lock()
		if len(k.finals) >= 2 && extra < 0 {
			extra = 6
		}
		k.mu.Unlock()
		if extra > 0 {
			extra--
		}
	}
	if extra != 0 {
		t.Fatalf("the answer ran out before two final results; heard %q\n%s", k.finals, srv.stderr)
	}
	time.Sleep(50 * time.Millisecond)
	if err := srv.cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	srv.cmd.Wait()
	<-k.done
	heardLive := strings.Fields(strings.Join(k.finals, " "))

	// Started again, the server lists the session as interrupted.
	srv = startProcess(t, bin, data, database...)
	id, secret := begin.SessionID, begin.Secret
	req, _ := http.NewRequest(http.MethodGet, srv.url+"/api/sessions", nil)
	req.Header.Set(server.SecretsHeader, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Sessions []store.SessionRecord }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Sessions) != 1 || list.Sessions[0].ID != id || list.Sessions[0].State != store.StateInterrupted {
		t.Fatalf("listed after the restart: %+v", list.Sessions)
	}

	// Its audio is there up to the last frame sent, within one frame.
	session := func() *store.SessionDetail {
		t.Helper()
		status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", srv.url, id, secret))
		var d store.SessionDetail
		if err := json.Unmarshal([]byte(body), &d); status != http.StatusOK || err != nil {
			t.Fatalf("GET session: %d %s", status, body)
		}
		return &d
	}
	before := session()
	_, wav := httpGet(t, fmt.Sprintf("%s/api/sessions/%s/answers/0/audio?secret=%s", srv.url, id, secret))
	recorded, _, err := transcribe.DecodeWAV(strings.NewReader(wav), "answer-0.wav")
	if err != nil || len(recorded) > sent || len(recorded) < sent-frame {
		t.Errorf("recorded %d samples (%v); %d were sent", len(recorded), err, sent)
	}
	if got := before.Answers[0].AudioSeconds; got != float64(len(recorded))/transcribe.SampleRate {
		t.Errorf("answer 0 lists %.3f s of audio; the file holds %d samples", got, len(recorded))
	}
	// Its words are there up to the last final result, in order.
	var stored []string
	for _, w := range before.Words {
		stored = append(stored, w.Text)
	}
	if len(heardLive) == 0 || len(stored) < len(heardLive) || strings.Join(stored[:len(heardLive)], " ") != strings.Join(heardLive, " ") {
		t.Errorf("stored words %q; the client was sent %q", stored, heardLive)
	}
	if before.Report != nil {
		t.Errorf("an interrupted session has a report already")
	}
	t.Logf("killed after %d samples sent; %d recorded; %d words final on the client, %d stored", sent, len(recorded), len(heardLive), len(stored))

	// retranscribe rebuilds the words and the report from the recording,
	// beside the running server.
	out, err := exec.Command(bin, append([]string{"retranscribe", "--data", data, "--pool-size", "1", id}, database...)...).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "session "+id+": 1 answers heard again by pocketsphinx: ") {
		t.Fatalf("retranscribe: %v\n%s", err, out)
	}
	after := session()
	if after.Report == nil || after.RetranscribedAt.IsZero() || len(after.Words) < len(heardLive) || len(after.Utterances) == 0 ||
		after.State != store.StateInterrupted || len(after.Report.Words) != len(after.Words) {
		t.Errorf("after retranscribe: report %v, %d words (%d heard live), %d utterances, state %s",
			after.Report != nil, len(after.Words), len(heardLive), len(after.Utterances), after.State)
	}
	// The audio is judged from the recording, clean speech as good.
	if after.Report != nil && (after.Report.Audio == nil || after.Report.Audio.Quality != interviewer.AudioGood) {
		t.Errorf("after retranscribe: audio %+v; want the clean recording judged good", after.Report.Audio)
	}
	if out, err := exec.Command(bin, append([]string{"retranscribe", "--data", data, strings.Repeat("0", 32)}, database...)...).CombinedOutput(); err == nil ||
		!strings.Contains(string(out), "no session "+strings.Repeat("0", 32)) {
		t.Errorf("retranscribe of no such session: %v %s", err, out)
	}

	// So does the API, with the session's secret.
	resp, err = http.Post(fmt.Sprintf("%s/api/sessions/%s/retranscribe?secret=%s", srv.url, id, secret), "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var again store.SessionDetail
	json.NewDecoder(resp.Body).Decode(&again)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || again.Report == nil || len(again.Words) != len(after.Words) || !again.RetranscribedAt.After(after.RetranscribedAt) {
		t.Errorf("POST retranscribe: %s, %d words (%d before)", resp.Status, len(again.Words), len(after.Words))
	}
}
