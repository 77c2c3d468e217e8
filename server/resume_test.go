package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

func dialClient(t *testing.T, ts *testServer) *wsClient {
	t.Helper()
	c := dialWS(t, ts.listenURL(), nil, nil)
	t.Cleanup(func() { c.conn.Close() })
	c.conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
	return c
}

// expect reads messages until one of type typ (and code, for an Error or
// a Warning) comes, and decodes it into v.
func (c *wsClient) expect(typ, code string, v any) {
	c.t.Helper()
	for {
		ev, err := c.conn.Next()
		if err != nil {
			c.t.Fatalf("waiting for %s %s: %v", typ, code, err)
		}
		var m struct{ Type, Code string }
		ev.Decode(&m)
		if m.Type == typ && (code == "" || m.Code == code) {
			if v != nil {
				if err := ev.Decode(v); err != nil {
					c.t.Fatal(err)
				}
			}
			return
		}
	}
}

// audio sends samples in frames of 100 ms, as fast as the socket takes
// them.
func (c *wsClient) audio(samples []int16) {
	c.t.Helper()
	for len(samples) > 0 {
		n := min(len(samples), transcribe.SampleRate/10)
		if err := c.conn.SendAudio(samples[:n]); err != nil {
			c.t.Fatal(err)
		}
		samples = samples[n:]
	}
}

func pcmSum(samples []int16) string {
	sum := sha256.Sum256(transcribe.AppendPCM16(nil, samples))
	return hex.EncodeToString(sum[:])
}

// bothHalves checks that a report of mainAnswer, told over two
// connections, holds words of both halves.
func bothHalves(t *testing.T, report protocol.ReportMessage) {
	t.Helper()
	var words []string
	for _, w := range report.Report.Words {
		words = append(words, w.Text)
	}
	text := strings.Join(words, " ")
	for _, w := range []string{"checkout", "payment", "alerts", "learned"} {
		if !strings.Contains(text, w) {
			t.Errorf("the report's words lack %q, said before or after the connection changed: %s", w, text)
		}
	}
}

// TestResume drops the connection in the middle of an answer, without a
// close frame, and comes back on a new one: the session goes on where its
// audio stopped, and its recording, words and report are those of one
// unbroken answer.
func TestResume(t *testing.T) {
	ts := startServer(t, Config{MaxProbes: 1, ResumeGrace: 30 * time.Second})
	before, after := speech(t, mainAnswer[:2]...), speech(t, mainAnswer[2:]...)
	after = append(after, make([]int16, 5*transcribe.SampleRate)...) // the pause that ends the answer

	first := dialClient(t, ts)
	first.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, QuestionID: "ownership-outside-your-team"})
	var begin protocol.BeginMessage
	first.expect(protocol.TypeBegin, "", &begin)
	if begin.ResumeGrace != 30 {
		t.Errorf("Begin says resume_grace %v, want 30", begin.ResumeGrace)
	}
	first.audio(before)
	first.expect(protocol.TypeResults, "", nil) // the server is hearing it
	first.conn.Close()                          // no close frame: a dropped network

	second := dialClient(t, ts)
	second.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: begin.SessionID, Secret: begin.Secret})
	var resumed protocol.ResumedMessage
	second.expect(protocol.TypeResumed, "", &resumed)
	want := math.Round(float64(len(before))/transcribe.SampleRate*1000) / 1000
	if resumed.SessionID != begin.SessionID || resumed.Received != want || resumed.Answer != 0 || resumed.Asked.Kind != "question" || resumed.Asked.ID != "ownership-outside-your-team" {
		t.Errorf("Resumed %+v; want the session at %.3f s, answer 0 to the question", resumed, want)
	}
	second.audio(after)
	var probe protocol.ProbeMessage
	second.expect(protocol.TypeProbe, "", &probe)
	second.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	var report protocol.ReportMessage
	second.expect(protocol.TypeReport, "", &report)
	var meta protocol.MetadataMessage
	second.expect(protocol.TypeMetadata, "", &meta)

	whole := slices.Concat(before, after)
	if meta.SHA256 != pcmSum(whole) || meta.Duration != math.Round(float64(len(whole))/transcribe.SampleRate*1000)/1000 {
		t.Errorf("Metadata: %.3f s, sha256 %s; want the whole %.3f s of audio sent over both connections", meta.Duration, meta.SHA256, float64(len(whole))/transcribe.SampleRate)
	}
	bothHalves(t, report)
	a, err := ts.store.Sessions.Answer(t.Context(), begin.SessionID, 0)
	if err != nil {
		t.Fatal(err)
	}
	recorded := ts.answerAudio(t, begin.SessionID, 0)
	if a.FirstSample != 0 || !slices.Equal(recorded, whole[:len(recorded)]) || len(recorded) < len(before)+len(after)/2 {
		t.Errorf("the main answer's recording: %d samples from %d, not the %d sent before and after the drop", len(recorded), a.FirstSample, len(whole))
	}
	s, err := ts.store.Sessions.Session(t.Context(), begin.SessionID)
	if err != nil || s.State != store.StateDone {
		t.Errorf("session after the resumed end: %+v, %v", s, err)
	}
	if status, body, _ := get(t, ts.url+"/metrics", nil); status != 200 || !strings.Contains(string(body), "mockinterview_sessions_resumed_total 1") {
		t.Errorf("/metrics does not count the resume")
	}
}

// TestResumeTakesOver resumes a session whose old socket the server still
// believes open (a half-open TCP connection): the Resume wins, and the old
// connection is closed.
func TestResumeTakesOver(t *testing.T) {
	ts := startServer(t, Config{})
	first := dialClient(t, ts)
	first.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	var begin protocol.BeginMessage
	first.expect(protocol.TypeBegin, "", &begin)
	first.audio(make([]int16, transcribe.SampleRate))

	second := dialClient(t, ts)
	second.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: begin.SessionID, Secret: begin.Secret})
	var resumed protocol.ResumedMessage
	second.expect(protocol.TypeResumed, "", &resumed)
	if resumed.Received != 1 {
		t.Errorf("Resumed at %.3f s, want 1 (all the audio the old connection sent)", resumed.Received)
	}
	for {
		if _, err := first.conn.Next(); err != nil {
			break
		}
	}
	second.audio(make([]int16, transcribe.SampleRate/2))
	second.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	var meta protocol.MetadataMessage
	second.expect(protocol.TypeMetadata, "", &meta)
	if meta.Duration != 1.5 {
		t.Errorf("Metadata: %.3f s of audio, want 1.5", meta.Duration)
	}
}

// TestResumeRefused: a wrong secret, an unknown session, a session that
// ended with CloseStream, one whose client closed the socket with a close
// frame (it is over at once) and one whose grace passed are not resumed,
// and the connection can still Start.
func TestResumeRefused(t *testing.T) {
	ts := startServer(t, Config{ResumeGrace: time.Second})
	open := func(ts *testServer) (protocol.BeginMessage, *wsClient) {
		c := dialClient(t, ts)
		c.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
		var begin protocol.BeginMessage
		c.expect(protocol.TypeBegin, "", &begin)
		c.audio(make([]int16, transcribe.SampleRate/2))
		return begin, c
	}
	live, owner := open(ts)
	c := dialClient(t, ts)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: live.SessionID, Secret: strings.Repeat("0", 32)})
	c.expect(protocol.TypeError, protocol.CodeCannotResume, nil)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: strings.Repeat("a", 32), Secret: live.Secret})
	c.expect(protocol.TypeError, protocol.CodeCannotResume, nil)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume})
	c.expect(protocol.TypeError, protocol.CodeCannotResume, nil)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	c.expect(protocol.TypeBegin, "", nil)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: live.SessionID, Secret: live.Secret})
	c.expect(protocol.TypeError, protocol.CodeAlreadyStarted, nil)
	// The recognizers are few: end these two before the next.
	for _, done := range []*wsClient{c, owner} {
		done.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
		done.expect(protocol.TypeMetadata, "", nil)
	}

	// Closed with a close frame: over at once, not held for the grace
	// period of a minute.
	patient := startServer(t, Config{ResumeGrace: time.Minute})
	begin, closed := open(patient)
	if err := closed.conn.CloseNormally(); err != nil {
		t.Fatal(err)
	}
	waitState(t, patient, begin.SessionID, store.StateDone, 20*time.Second)
	d := dialClient(t, patient)
	d.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: begin.SessionID, Secret: begin.Secret})
	d.expect(protocol.TypeError, protocol.CodeCannotResume, nil)

	// Dropped, and not resumed within the grace period: ended and saved.
	dropped, gone := open(ts)
	gone.conn.Close()
	waitState(t, ts, dropped.SessionID, store.StateDone, 20*time.Second)
	d = dialClient(t, ts)
	d.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: dropped.SessionID, Secret: dropped.Secret})
	d.expect(protocol.TypeError, protocol.CodeCannotResume, nil)
}

// waitState waits at most within for a session to reach state.
func waitState(t *testing.T, ts *testServer, id, state string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		s, err := ts.store.Sessions.Session(t.Context(), id)
		if err == nil && s.State == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %s is not %q after %s (%+v, %v)", id, state, within, s, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDrain: while the server drains, /readyz and new connections get 503
// but the session in progress goes on to its own end; one that does not
// end within the drain is finished by Shutdown, reported and closed 1001.
func TestDrain(t *testing.T) {
	ts := startServer(t, Config{})
	c := dialClient(t, ts)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	c.expect(protocol.TypeBegin, "", nil)
	c.audio(make([]int16, transcribe.SampleRate/2))

	drained := make(chan bool, 1)
	go func() { drained <- ts.sessions.Drain(context.Background(), time.Minute) }()
	deadline := time.Now().Add(10 * time.Second)
	for !ts.sessions.Closing() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if status, _, _ := get(t, ts.url+"/readyz", nil); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining: %d, want 503", status)
	}
	if _, err := protocol.Dial(context.Background(), ts.listenURL()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a new connection while draining: %v, want 503", err)
	}
	c.audio(make([]int16, transcribe.SampleRate/2)) // the session goes on
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	var meta protocol.MetadataMessage
	c.expect(protocol.TypeMetadata, "", &meta)
	if meta.Duration != 1 {
		t.Errorf("the drained session heard %.3f s, want 1", meta.Duration)
	}
	select {
	case ok := <-drained:
		if !ok {
			t.Error("Drain said sessions were left")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Drain did not return once the session ended")
	}

	other := startServer(t, Config{})
	d := dialClient(t, other)
	d.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	d.expect(protocol.TypeBegin, "", nil)
	if other.sessions.Drain(context.Background(), 200*time.Millisecond) {
		t.Error("Drain said a session still live had ended")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := other.sessions.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	d.expect(protocol.TypeMetadata, "", nil)
}
