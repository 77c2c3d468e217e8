package server

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// errDead is what a store says to a process that has died.
var errDead = errors.New("the process is dead")

// dying is a store whose writes all fail once dead is set: the process
// using it is gone as far as the store can tell, as after a SIGKILL.
type dyingSessions struct {
	store.Sessions
	dead *atomic.Bool
}

func (d dyingSessions) AddAnswer(ctx context.Context, id string, a store.AnswerRecord) error {
	return d.live(func() error { return d.Sessions.AddAnswer(ctx, id, a) })
}

func (d dyingSessions) EndAnswer(ctx context.Context, id string, n int, end float64, samples int64) error {
	return d.live(func() error { return d.Sessions.EndAnswer(ctx, id, n, end, samples) })
}

func (d dyingSessions) AddUtterance(ctx context.Context, id string, u store.UtteranceRecord, first int, words []transcribe.Word) error {
	return d.live(func() error { return d.Sessions.AddUtterance(ctx, id, u, first, words) })
}

func (d dyingSessions) SaveReport(ctx context.Context, id string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	return d.live(func() error { return d.Sessions.SaveReport(ctx, id, r, mainWords, now) })
}

func (d dyingSessions) EndSession(ctx context.Context, id, state string, duration float64, now time.Time) error {
	return d.live(func() error { return d.Sessions.EndSession(ctx, id, state, duration, now) })
}

// live runs a write unless the process is dead.
func (d dyingSessions) live(write func() error) error {
	if d.dead.Load() {
		return errDead
	}
	return write()
}

type dyingRecordings struct {
	store.Recordings
	dead *atomic.Bool
}

func (d dyingRecordings) Create(ctx context.Context, id, name string) (store.Recording, error) {
	rec, err := d.Recordings.Create(ctx, id, name)
	if err != nil {
		return nil, err
	}
	return dyingRecording{rec, d.dead}, nil
}

type dyingRecording struct {
	store.Recording
	dead *atomic.Bool
}

func (d dyingRecording) Write(samples []int16) error {
	if d.dead.Load() {
		return errDead
	}
	return d.Recording.Write(samples)
}

func (d dyingRecording) Truncate(at int64) error {
	if d.dead.Load() {
		return errDead
	}
	return d.Recording.Truncate(at)
}

func (d dyingRecording) Close() error {
	if d.dead.Load() {
		return errDead
	}
	return d.Recording.Close()
}

// TestResumeTakesOverFromTheStore: the replica holding a session dies in
// the middle of the answer; the client's Resume reaches another replica
// sharing the database and the recordings, which takes the session over
// from what was stored. The answer goes on to its probe and report, and
// the session's audio is all that was sent.
func TestResumeTakesOverFromTheStore(t *testing.T) {
	quiet := zerolog.Nop()
	b := startServerLogging(t, Config{MaxProbes: 1, Replica: "b"}, quiet)
	var dead atomic.Bool
	shared := b.store
	dying := shared
	dying.Sessions = dyingSessions{shared.Sessions, &dead}
	dying.Recordings = dyingRecordings{shared.Recordings, &dead}
	engine, _, _ := deps(t)
	a := startServerOn(t, Config{MaxProbes: 1, Replica: "a"}, quiet, engine, &testServer{store: dying, dir: b.dir, db: b.db})
	before, after := speech(t, mainAnswer[:2]...), speech(t, mainAnswer[2:]...)
	after = append(after, make([]int16, 5*transcribe.SampleRate)...)
	whole := slices.Concat(before, after)

	first := dialClient(t, a)
	first.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, QuestionID: "ownership-outside-your-team"})
	var begin protocol.BeginMessage
	first.expect(protocol.TypeBegin, "", &begin)
	first.audio(before)
	for { // some of the answer heard and stored
		var r protocol.ResultsMessage
		first.expect(protocol.TypeResults, "", &r)
		if r.IsFinal {
			break
		}
	}
	dead.Store(true) // replica a dies: no heartbeat was ever seen from it
	first.conn.Close()

	second := dialClient(t, b)
	second.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: begin.SessionID, Secret: begin.Secret})
	var resumed protocol.ResumedMessage
	second.expect(protocol.TypeResumed, "", &resumed)
	from := int(math.Round(resumed.Received * transcribe.SampleRate))
	if from <= 0 || from > len(before) || resumed.Answer != 0 || resumed.Asked.ID != "ownership-outside-your-team" {
		t.Fatalf("Resumed %+v; want the main answer, somewhere in the %d samples sent before the death", resumed, len(before))
	}
	second.audio(whole[from:])
	second.expect(protocol.TypeProbe, "", nil)
	second.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	var report protocol.ReportMessage
	second.expect(protocol.TypeReport, "", &report)
	var meta protocol.MetadataMessage
	second.expect(protocol.TypeMetadata, "", &meta)
	if meta.SHA256 != pcmSum(whole) {
		t.Errorf("Metadata: %.3f s, sha256 %s; want the whole %.3f s sent", meta.Duration, meta.SHA256, float64(len(whole))/transcribe.SampleRate)
	}
	recorded := b.answerAudio(t, begin.SessionID, 0)
	if !slices.Equal(recorded, whole[:len(recorded)]) || len(recorded) < len(before) {
		t.Errorf("the main answer's recording: %d samples, not the start of the %d sent", len(recorded), len(whole))
	}
	bothHalves(t, report)
	d, err := shared.Sessions.Session(t.Context(), begin.SessionID)
	if err != nil || d.State != store.StateDone {
		t.Errorf("the session after its report: %+v, %v", d, err)
	}

	// A session whose replica is alive is not taken over: the Resume is
	// carried to that replica, which goes on with it.
	held := dialClient(t, b)
	held.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	var other protocol.BeginMessage
	held.expect(protocol.TypeBegin, "", &other)
	held.audio(make([]int16, transcribe.SampleRate))
	if err := shared.Replicas.Heartbeat(t.Context(), "b", b.url, time.Now()); err != nil {
		t.Fatal(err)
	}
	dead.Store(false) // a is alive again, and relays
	if status, body, _ := request(t, "DELETE", a.url+"/api/sessions/"+other.SessionID, nil, http.Header{"X-Session-Secret": {other.Secret}}); status != http.StatusConflict {
		t.Errorf("DELETE through another replica of a session live on b: %d %s, want 409", status, body)
	}
	c := dialClient(t, a)
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: other.SessionID, Secret: other.Secret})
	var there protocol.ResumedMessage
	c.expect(protocol.TypeResumed, "", &there)
	if there.Received != 1 || there.SessionID != other.SessionID {
		t.Errorf("Resumed through the relay: %+v; want the session at 1 s", there)
	}
	for {
		if _, err := held.conn.Next(); err != nil {
			break // the holder let the old connection go
		}
	}
	c.audio(make([]int16, transcribe.SampleRate/2))
	c.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	var meta2 protocol.MetadataMessage
	c.expect(protocol.TypeMetadata, "", &meta2)
	if meta2.Duration != 1.5 {
		t.Errorf("the relayed session heard %.3f s, want 1.5", meta2.Duration)
	}
	if _, body, _ := get(t, a.url+"/metrics", nil); !strings.Contains(string(body), "mockinterview_resumes_relayed_total") ||
		!strings.Contains(string(body), `mockinterview_resumes_relayed_total{replica="a"} 1`) {
		t.Errorf("replica a does not count the relay")
	}

	// A holder that answers nothing (a lost machine, its heartbeat not old
	// yet): try again later.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			defer conn.Close() // accepted, never answered
		}
	}()
	lost := dialClient(t, b)
	lost.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	var third protocol.BeginMessage
	lost.expect(protocol.TypeBegin, "", &third)
	if err := shared.Replicas.Heartbeat(t.Context(), "b", "http://"+silent.Addr().String(), time.Now()); err != nil {
		t.Fatal(err)
	}
	later := dialClient(t, a)
	later.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: third.SessionID, Secret: third.Secret})
	later.expect(protocol.TypeError, protocol.CodeResumeLater, nil)
	lost.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	lost.expect(protocol.TypeMetadata, "", nil)
	dead.Store(true) // a's own copy of the first session must not write when it gives up

	// A session its process left before its first answer was recorded
	// cannot go on; it is refused, and nothing breaks.
	bare := strings.Repeat("ba", 16)
	if err := shared.Sessions.CreateSession(t.Context(), store.SessionRecord{ID: bare, CreatedAt: time.Now(), Mode: "practice", Level: "sde2",
		QuestionID: "ownership-outside-your-team", Replica: "gone"}, "bare-secret"); err != nil {
		t.Fatal(err)
	}
	e := dialClient(t, b)
	e.conn.Send(protocol.ClientMessage{Type: protocol.TypeResume, SessionID: bare, Secret: "bare-secret"})
	e.expect(protocol.TypeError, protocol.CodeCannotResume, nil)
	e.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	e.expect(protocol.TypeBegin, "", nil)
}
