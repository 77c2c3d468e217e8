package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mockinterview/mockinterview/protocol"
)

// wsClient drives the protocol's client for the tests: it sends exactly
// what it is told, malformed frames included, and reads one message at a
// time.
type wsClient struct {
	t    *testing.T
	conn *protocol.Conn
}

// dialWS connects to url; netDial, if set, makes the TCP connection.
func dialWS(t *testing.T, url string, header http.Header, netDial func(context.Context, string, string) (net.Conn, error)) *wsClient {
	t.Helper()
	d := protocol.Dialer{Header: header, NetDialContext: netDial}
	conn, err := d.Dial(context.Background(), url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	return &wsClient{t: t, conn: conn}
}

func (c *wsClient) text(s string) {
	c.t.Helper()
	if err := c.conn.SendText([]byte(s)); err != nil {
		c.t.Fatalf("send %.40q: %v", s, err)
	}
}

func (c *wsClient) send(m protocol.ClientMessage) {
	c.t.Helper()
	if err := c.conn.Send(m); err != nil {
		c.t.Fatalf("send %s: %v", m.Type, err)
	}
}

func (c *wsClient) binary(b []byte) {
	c.t.Helper()
	if err := c.conn.SendPCM(b); err != nil {
		c.t.Fatalf("send %d bytes: %v", len(b), err)
	}
}

// passing are the messages a started session sends on its own, which the
// expectations step over.
var passing = map[string]bool{protocol.TypeBegin: true, protocol.TypeQuestion: true, protocol.TypeResults: true, protocol.TypeStar: true,
	protocol.TypePacing: true, protocol.TypeUtteranceEnd: true, protocol.TypeWarning: true, protocol.TypeInterrupt: true}

// next reads messages up to the first one of typ, failing on an
// unexpected one.
func (c *wsClient) next(typ string) map[string]any {
	c.t.Helper()
	for {
		ev, err := c.conn.Next()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m map[string]any
		if err := ev.Decode(&m); err != nil {
			c.t.Fatalf("message %s is not JSON", ev.Raw)
		}
		if ev.Type == typ {
			return m
		}
		if !passing[ev.Type] {
			c.t.Fatalf("got %s while waiting for %s", ev.Raw, typ)
		}
	}
}

// expectError reads up to the next Error and checks its code and message.
func (c *wsClient) expectError(code, message string) {
	c.t.Helper()
	m := c.next(protocol.TypeError)
	if m["code"] != code || m["message"] != message {
		c.t.Errorf("Error %q: %q\nwant  %q: %q", m["code"], m["message"], code, message)
	}
}

// expectClose reads the messages left, which must be of the types given in
// that order (others that pass are stepped over), then the close frame.
func (c *wsClient) expectClose(code int, reason string, types ...string) {
	c.t.Helper()
	defer c.conn.Close()
	for {
		ev, err := c.conn.Next()
		if err != nil {
			if got, why, ok := protocol.Closed(err); !ok || got != code || why != reason {
				c.t.Errorf("socket ended with %v; want close %d %q", err, code, reason)
			}
			if len(types) > 0 {
				c.t.Errorf("closed before %v", types)
			}
			return
		}
		switch {
		case len(types) > 0 && ev.Type == types[0]:
			types = types[1:]
		case !passing[ev.Type]:
			c.t.Errorf("unexpected %s before the close", ev.Raw)
		}
	}
}

func (c *wsClient) start(m protocol.ClientMessage) map[string]any {
	c.t.Helper()
	m.Type = protocol.TypeStart
	c.send(m)
	return c.next(protocol.TypeBegin)
}

// background is a session that streams speech in real time while the
// catalogue runs, to show that the others' mistakes do not disturb it.
type background struct {
	t       *testing.T
	c       *wsClient
	id      string
	secret  string
	mu      sync.Mutex
	finals  []string
	sent    int
	report  bool
	closed  int
	stop    chan struct{}
	done    chan struct{}
	newWord chan struct{}
}

func startBackground(t *testing.T, url string, speech []int16) *background {
	c := dialWS(t, url, nil, nil)
	c.conn.SetReadDeadline(time.Time{})
	begin := c.start(protocol.ClientMessage{Mode: "practice"})
	b := &background{t: t, c: c, id: begin["session_id"].(string), secret: begin["secret"].(string),
		stop: make(chan struct{}), done: make(chan struct{}), newWord: make(chan struct{}, 1)}
	go b.read()
	go b.play(speech)
	return b
}

func (b *background) play(speech []int16) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i = (i + 1600) % (len(speech) - 1600) {
		select {
		case <-b.stop:
			b.c.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
			return
		case <-tick.C:
		}
		if err := b.c.conn.SendAudio(speech[i : i+1600]); err != nil {
			return
		}
		b.mu.Lock()
		b.sent += 1600
		b.mu.Unlock()
	}
}

func (b *background) read() {
	defer close(b.done)
	for {
		ev, err := b.c.conn.Next()
		if err != nil {
			b.closed, _, _ = protocol.Closed(err)
			return
		}
		var m protocol.ResultsMessage
		ev.Decode(&m)
		b.mu.Lock()
		switch {
		case m.Type == protocol.TypeResults && m.IsFinal:
			b.finals = append(b.finals, m.Channel.Alternatives[0].Transcript)
			select {
			case b.newWord <- struct{}{}:
			default:
			}
		case m.Type == protocol.TypeReport:
			b.report = true
		case m.Type == protocol.TypeError:
			b.t.Errorf("the background session got %s", ev.Raw)
		}
		b.mu.Unlock()
	}
}

// heardMore waits for a final result after the ones already counted.
func (b *background) heardMore(t *testing.T, what string) {
	t.Helper()
	b.mu.Lock()
	n := len(b.finals)
	b.mu.Unlock()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case <-b.newWord:
			b.mu.Lock()
			more := len(b.finals) > n
			b.mu.Unlock()
			if more {
				return
			}
		case <-deadline:
			t.Fatalf("the background session heard nothing more after %s", what)
		}
	}
}

func (b *background) finish(t *testing.T, ts *testServer) {
	t.Helper()
	close(b.stop)
	select {
	case <-b.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the background session did not close")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.report || b.closed != protocol.CloseNormal || len(b.finals) < 3 {
		t.Errorf("background session: report %v, close %d, %d finals", b.report, b.closed, len(b.finals))
	}
	if recorded := ts.answerAudio(t, b.id, 0); len(recorded) != b.sent {
		t.Errorf("background session recorded %d samples of %d sent", len(recorded), b.sent)
	}
}

type httpCase struct {
	name   string
	method string
	path   string // raw, sent as is
	header http.Header
	body   io.Reader
	length int64 // Content-Length when body is set; -1 for chunked
	status int
	want   string // the body, exactly
}

// do sends a request with its path exactly as written, dot segments and
// escapes included.
func (h httpCase) do(t *testing.T, base string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(h.method, base+"/", h.body)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = "//" + req.URL.Host + h.path
	if h.body != nil {
		req.ContentLength = h.length
	}
	for k, v := range h.header {
		req.Header[k] = v
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s: %v", h.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestCatalogue sends the server every kind of bad input we could think of,
// checks the exact answer to each, and checks that a session streaming
// speech meanwhile hears on undisturbed.
func TestCatalogue(t *testing.T) {
	ts := startServer(t, Config{IdleTimeout: time.Second, MaxSessions: 4, WriteTimeout: 5 * time.Second,
		AllowedOrigins: []string{"https://coach.example"}, AdminToken: "operator"})
	strict := startServer(t, Config{MaxSessionLength: 2 * time.Second, ConnectRate: 0.01, ConnectBurst: 3})
	_, bank, _ := deps(t)
	listen := ts.listenURL() + "?" + protocol.ListenQuery().Encode()
	bg := startBackground(t, listen, speech(t, mainAnswer...))
	kinds := 0

	// A finished session to ask the API about.
	c := dialWS(t, listen, nil, nil)
	begin := c.start(protocol.ClientMessage{Mode: "practice"})
	id, secret := begin["session_id"].(string), begin["secret"].(string)
	c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	c.expectClose(protocol.CloseNormal, "CloseStream", protocol.TypeReport, protocol.TypeMetadata)

	// Text frames a session cannot read.
	const badMessage = `a text frame must be a JSON object with a "type", such as {"type":"KeepAlive"}`
	const knownTypes = ": use Start, Resume, AnswerDone, Skip, KeepAlive, Finalize or CloseStream"
	frames := []struct {
		name, frame, code, message string
	}{
		{"malformed JSON", `{"type":`, protocol.CodeBadMessage, badMessage},
		{"not JSON", `hello`, protocol.CodeBadMessage, badMessage},
		{"a JSON array", `[{"type":"Start"}]`, protocol.CodeBadMessage, badMessage},
		{"a JSON string", `"Start"`, protocol.CodeBadMessage, badMessage},
		{"a number as type", `{"type":5}`, protocol.CodeBadMessage, badMessage},
		{"no type", `{"question_id":"x"}`, protocol.CodeBadMessage, badMessage},
		{"trailing garbage", `{"type":"KeepAlive"} {}`, protocol.CodeBadMessage, badMessage},
		{"nesting 20000 deep", `{"type":"Start","vocabulary":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, protocol.CodeBadMessage, badMessage},
		{"answer not a number", `{"type":"AnswerDone","answer":"one"}`, protocol.CodeBadMessage, badMessage},
		{"unknown type", `{"type":"Dance"}`, protocol.CodeUnknownType, `unknown message type "Dance"` + knownTypes},
		{"type in lower case", `{"type":"start"}`, protocol.CodeUnknownType, `unknown message type "start"` + knownTypes},
		{"a 60 KB type", `{"type":"` + strings.Repeat("A", 60000) + `"}`, protocol.CodeUnknownType,
			`unknown message type "` + strings.Repeat("A", 40) + `"… (60000 bytes)` + knownTypes},
		{"invalid UTF-8", "{\"type\":\"\xff\xfe\"}", protocol.CodeUnknownType, `unknown message type "��"` + knownTypes},
		{"AnswerDone before Start", `{"type":"AnswerDone"}`, protocol.CodeNotStarted, "AnswerDone before Start: send Start first"},
		{"Skip before Start", `{"type":"Skip","answer":0}`, protocol.CodeNotStarted, "Skip before Start: send Start first"},
		{"Finalize before Start", `{"type":"Finalize"}`, protocol.CodeNotStarted, "Finalize before Start: send Start first"},
		{"unknown question", `{"type":"Start","question_id":"no-such-question"}`, protocol.CodeBadStart,
			`unknown question_id "no-such-question": GET /api/questions lists them`},
		{"a 50 KB question id", `{"type":"Start","question_id":"` + strings.Repeat("q", 50000) + `"}`, protocol.CodeBadStart,
			`unknown question_id "` + strings.Repeat("q", 40) + `"… (50000 bytes): GET /api/questions lists them`},
		{"unknown principle", `{"type":"Start","principle":"Be Nice"}`, protocol.CodeBadStart,
			`unknown principle "Be Nice": use one of ` + strings.Join(bank.PrincipleNames(), ", ")},
		{"unknown level", `{"type":"Start","level":"intern"}`, protocol.CodeBadStart, `unknown level "intern": use sde1, sde2 or senior`},
		{"unknown mode", `{"type":"Start","mode":"karaoke"}`, protocol.CodeBadStart, `unknown mode "karaoke": use interview or practice`},
		{"500 vocabulary terms", `{"type":"Start","vocabulary":["a"` + strings.Repeat(`,"a"`, 499) + `]}`, protocol.CodeBadStart,
			"vocabulary of 500 terms: send at most 200"},
		{"a 1000-byte vocabulary term", `{"type":"Start","vocabulary":["` + strings.Repeat("v", 1000) + `"]}`, protocol.CodeBadStart,
			`vocabulary term "` + strings.Repeat("v", 40) + `"… (1000 bytes) is 1000 bytes long: send names and terms of at most 100 bytes`},
	}
	// One connection takes them all, as a confused client would send them,
	// and is still good for a session afterwards.
	c = dialWS(t, listen, nil, nil)
	for _, f := range frames {
		c.text(f.frame)
		c.expectError(f.code, f.message)
		kinds++
	}
	c.binary(make([]byte, 3200))
	c.expectError(protocol.CodeNotStarted, "audio before Start is ignored; send Start first")
	c.binary(make([]byte, 3200)) // said once only
	c.start(protocol.ClientMessage{Mode: "practice"})
	c.send(protocol.ClientMessage{Type: protocol.TypeStart})
	c.expectError(protocol.CodeAlreadyStarted, "this connection already has a session; open a new connection for another question")
	c.binary(make([]byte, 3201))
	c.expectError(protocol.CodeBadAudio, "16-bit PCM: odd length of 3201 bytes; send whole 2-byte samples; the frame was dropped")
	c.binary(nil) // an empty frame is nothing at all
	c.binary(make([]byte, 3200))
	c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	c.expectClose(protocol.CloseNormal, "CloseStream", protocol.TypeReport, protocol.TypeMetadata)
	kinds += 5

	// A message over the size limit closes the socket with 1009, before
	// Start and after it (then the session is finalized and reported).
	over := fmt.Sprintf("message over %d bytes", 64<<10)
	tooBig := fmt.Sprintf("a message was over %d bytes: send audio in frames of about 100 ms (3200 bytes) and keep text messages short", 64<<10)
	c = dialWS(t, listen, nil, nil)
	c.binary(make([]byte, 64<<10+2))
	c.expectError(protocol.CodeFrameTooBig, tooBig)
	c.expectClose(protocol.CloseTooBig, over, protocol.TypeMetadata)
	c = dialWS(t, listen, nil, nil)
	c.text(`{"type":"Start","question_id":"` + strings.Repeat("x", 70000) + `"}`)
	c.expectError(protocol.CodeFrameTooBig, tooBig)
	c.expectClose(protocol.CloseTooBig, over, protocol.TypeMetadata)
	c = dialWS(t, listen, nil, nil)
	c.start(protocol.ClientMessage{Mode: "practice"})
	c.binary(make([]byte, 3200))
	c.binary(make([]byte, 1<<20))
	c.expectError(protocol.CodeFrameTooBig, tooBig)
	c.expectClose(protocol.CloseTooBig, over, protocol.TypeReport, protocol.TypeMetadata)
	kinds += 3

	// A client that sends nothing: an Error, the report if it had started,
	// and a clean close that says why.
	c = dialWS(t, listen, nil, nil)
	c.expectError(protocol.CodeIdle, "nothing received for 1s; send audio, or KeepAlive while the interviewer speaks")
	c.expectClose(protocol.CloseNormal, "idle: nothing received for 1s", protocol.TypeMetadata)
	c = dialWS(t, listen, nil, nil)
	c.start(protocol.ClientMessage{Mode: "practice"})
	c.expectError(protocol.CodeIdle, "nothing received for 1s; send audio, or KeepAlive while the interviewer speaks")
	c.expectClose(protocol.CloseNormal, "idle: nothing received for 1s", protocol.TypeReport, protocol.TypeMetadata)
	// CloseStream before Start is no mistake: the socket just closes.
	c = dialWS(t, listen, nil, nil)
	c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	c.expectClose(protocol.CloseNormal, "CloseStream", protocol.TypeMetadata)
	kinds += 3
	bg.heardMore(t, "the first cases")

	// A client that stops reading: its messages pile up to the bound, the
	// server ends its session and closes it with 1008, and nobody else
	// waits for it.
	smallWindow := (&net.Dialer{Control: func(_, _ string, raw syscall.RawConn) error {
		var err error
		raw.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return err
	}}).DialContext
	c = dialWS(t, listen, nil, smallWindow)
	c.send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	flood := []byte(`{"type":"` + strings.Repeat("Z", 200) + `"}`)
	for i := 0; !ts.counted(t, protocol.CodeSlowClient); i++ {
		if i == 200 {
			t.Fatal("the server still queues for a client that does not read")
		}
		for range 1000 {
			c.conn.SendText(flood)
		}
	}
	bg.heardMore(t, "a client stopped reading")
	c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, err := c.conn.Next()
		if err != nil {
			if code, reason, ok := protocol.Closed(err); !ok || code != protocol.ClosePolicy || reason != "client too slow: it stopped reading" {
				t.Errorf("slow client: %v; want close 1008", err)
			}
			break
		}
	}
	c.conn.Close()
	kinds++

	// Past the limit on sessions: 1013, try again later.
	var idle []*wsClient
	waitConnections(t, ts, 1)
	for range 3 {
		idle = append(idle, dialWS(t, listen, nil, nil))
	}
	waitConnections(t, ts, 4)
	c = dialWS(t, listen, nil, nil)
	c.expectError(protocol.CodeServerFull, "the server is running as many sessions as it may (4); try again in a minute")
	c.expectClose(protocol.CloseTryAgainLater, "too many sessions; try again later")
	for _, c := range idle {
		c.conn.Close()
	}
	kinds++

	// Past the maximum length: the session is ended, finalized, reported
	// and closed with 1008.
	c = dialWS(t, strict.listenURL()+"?"+protocol.ListenQuery().Encode(), nil, nil)
	c.start(protocol.ClientMessage{Mode: "practice"})
	for range 30 {
		c.binary(make([]byte, 3200))
	}
	c.expectError(protocol.CodeTooLong, "the session reached its maximum length of 2s; it was ended and its report saved: start a new session to go on")
	c.expectClose(protocol.ClosePolicy, "session over its maximum length of 2s", protocol.TypeReport, protocol.TypeMetadata)
	kinds++

	// Refused before the upgrade, with a status and a message.
	format := func(q string) string { return ts.url + "/v1/listen?" + q }
	for _, h := range []struct {
		name   string
		url    string
		header http.Header
		status int
		want   string
	}{
		{"no encoding", format("sample_rate=16000&channels=1"), nil, 400,
			"missing encoding: connect with ?encoding=linear16&sample_rate=16000&channels=1"},
		{"opus", format("encoding=opus&sample_rate=16000"), nil, 400,
			`unsupported encoding "opus": send raw 16-bit little-endian PCM as encoding=linear16`},
		{"44.1 kHz", format("encoding=linear16&sample_rate=44100&channels=1"), nil, 400,
			`unsupported sample_rate "44100": resample to 16000 Hz on the client and send sample_rate=16000`},
		{"rate not a number", format("encoding=linear16&sample_rate=fast"), nil, 400,
			`unsupported sample_rate "fast": resample to 16000 Hz on the client and send sample_rate=16000`},
		{"no sample rate", format("encoding=linear16&channels=1"), nil, 400,
			"missing sample_rate: connect with ?encoding=linear16&sample_rate=16000&channels=1"},
		{"stereo", format("encoding=linear16&sample_rate=16000&channels=2"), nil, 400,
			`unsupported channels "2": mix down to mono and send channels=1`},
		{"another site", format(protocol.ListenQuery().Encode()), http.Header{"Origin": {"https://evil.example"}}, 403,
			`a page from "https://evil.example" may not open a WebSocket here: open the page from this server, or start the server with --allowed-origins listing that origin`},
		{"a sandboxed page", format(protocol.ListenQuery().Encode()), http.Header{"Origin": {"null"}}, 403,
			`a page from "null" may not open a WebSocket here: open the page from this server, or start the server with --allowed-origins listing that origin`},
		{"not a WebSocket", format(protocol.ListenQuery().Encode()), nil, 400,
			"websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header"},
	} {
		status, body, _ := get(t, h.url, h.header)
		if status != h.status || strings.TrimSuffix(string(body), "\n") != h.want {
			t.Errorf("%s: %d %q\nwant %d %q", h.name, status, body, h.status, h.want)
		}
		if h.status != 403 && h.name != "not a WebSocket" {
			// A raw handshake: the protocol's client would add the
			// audio format these requests leave out on purpose.
			if _, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(h.url, "http"), h.header); err == nil || resp == nil || resp.StatusCode != h.status {
				t.Errorf("%s: the upgrade was not refused with %d", h.name, h.status)
			}
		}
		kinds++
	}
	dialWS(t, listen, http.Header{"Origin": {"https://coach.example"}}, nil).conn.Close() // allowed
	var refused *protocol.HandshakeError
	evil := protocol.Dialer{Header: http.Header{"Origin": {"https://evil.example"}}}
	if _, err := evil.Dial(context.Background(), listen); !errors.As(err, &refused) || refused.StatusCode != 403 {
		t.Errorf("upgrade from another site: %v", err)
	}
	strictListen := strict.listenURL() + "?" + protocol.ListenQuery().Encode()
	for range 2 { // the third of the burst; the first went to the long session
		dialWS(t, strictListen, nil, nil).conn.Close()
	}
	_, err := protocol.Dial(context.Background(), strictListen)
	if !errors.As(err, &refused) || refused.StatusCode != http.StatusTooManyRequests || refused.Header.Get("Retry-After") == "" {
		t.Errorf("past the connection rate: %v; want 429 with Retry-After", err)
	} else if refused.Body != "too many connections from your address: wait a few seconds and connect again\n" {
		t.Errorf("429 says %q", refused.Body)
	}
	kinds++

	// The API: a session that does not exist, an id that cannot be one and
	// a session asked for without its secret all get the very same 404.
	const notFound = "{\n  \"error\": \"no such session (or not with that secret)\"\n}\n"
	other := strings.Repeat("0", 32)
	bigBody := func() io.Reader { return bytes.NewReader(make([]byte, 1<<20)) }
	for _, h := range []httpCase{
		{name: "no such session", method: "GET", path: "/api/sessions/" + other + "?secret=" + secret, status: 404, want: notFound},
		{name: "no secret", method: "GET", path: "/api/sessions/" + id, status: 404, want: notFound},
		{name: "another session's secret", method: "GET", path: "/api/sessions/" + id + "?secret=" + bg.secret, status: 404, want: notFound},
		{name: "wrong bearer token", method: "GET", path: "/api/sessions/" + id, header: http.Header{"Authorization": {"Bearer guess"}}, status: 404, want: notFound},
		{name: "dot segments", method: "GET", path: "/api/sessions/../../etc/passwd", status: 404, want: notFound},
		{name: "escaped dot segments", method: "GET", path: "/api/sessions/%2e%2e/%2e%2e/mockinterview.db", status: 404, want: notFound},
		{name: "escaped slash", method: "GET", path: "/api/sessions/" + id + "%2f..%2f..%2fmockinterview.db?secret=" + secret, status: 404, want: notFound},
		{name: "double slash", method: "GET", path: "/api/sessions//" + id + "?secret=" + secret, status: 404, want: notFound},
		{name: "overlong id", method: "GET", path: "/api/sessions/" + strings.Repeat("a", 4000), status: 404, want: notFound},
		{name: "not hex", method: "GET", path: "/api/sessions/" + strings.Repeat("z", 32), status: 404, want: notFound},
		{name: "upper-case id", method: "GET", path: "/api/sessions/" + strings.ToUpper(id) + "?secret=" + secret, status: 404, want: notFound},
		{name: "audio of no such answer", method: "GET", path: "/api/sessions/" + id + "/answers/7/audio?secret=" + secret, status: 404, want: notFound},
		{name: "answer not a number", method: "GET", path: "/api/sessions/" + id + "/answers/x/audio?secret=" + secret, status: 404,
			want: "{\n  \"error\": \"no such answer\"\n}\n"},
		{name: "audio without secret", method: "GET", path: "/api/sessions/" + id + "/answers/0/audio", status: 404, want: notFound},
		{name: "audio of no such session", method: "GET", path: "/api/sessions/" + other + "/answers/0/audio?secret=" + secret, status: 404, want: notFound},
		{name: "export without secret", method: "GET", path: "/api/sessions/" + id + "/export.vtt", status: 404, want: notFound},
		{name: "export of no answer", method: "GET", path: "/api/sessions/" + id + "/export.vtt?answer=7&secret=" + secret, status: 400,
			want: "{\n  \"error\": \"answer must be a number from 0 to 0\"\n}\n"},
		{name: "delete without secret", method: "DELETE", path: "/api/sessions/" + id, status: 404, want: notFound},
		{name: "delete no such session", method: "DELETE", path: "/api/sessions/" + other + "?secret=" + secret, status: 404, want: notFound},
		{name: "delete a live session", method: "DELETE", path: "/api/sessions/" + bg.id + "?secret=" + bg.secret, status: 409,
			want: "{\n  \"error\": \"the session is still going on; close it first\"\n}\n"},
		{name: "retranscribe a live session", method: "POST", path: "/api/sessions/" + bg.id + "/retranscribe?secret=" + bg.secret, status: 409,
			want: "{\n  \"error\": \"the session is still going on; retranscribe it once it has ended\"\n}\n"},
		{name: "retranscribe without secret", method: "POST", path: "/api/sessions/" + id + "/retranscribe", status: 404, want: notFound},
		{name: "a 1 MB body", method: "POST", path: "/api/sessions/" + id + "/retranscribe?secret=" + secret, body: bigBody(), length: 1 << 20,
			status: 413, want: "{\n  \"error\": \"request body of 1048576 bytes is over the limit of 65536 bytes\"\n}\n"},
		{name: "a 1 MB chunked body", method: "POST", path: "/api/sessions/" + id + "/retranscribe?secret=" + secret, body: bigBody(), length: -1,
			status: 413, want: "{\n  \"error\": \"request body over the limit of 65536 bytes\"\n}\n"},
		{name: "a 1 MB body to delete", method: "DELETE", path: "/api/sessions/" + id + "?secret=" + secret, body: bigBody(), length: -1,
			status: 413, want: "{\n  \"error\": \"request body over the limit of 65536 bytes\"\n}\n"},
		{name: "PUT a session", method: "PUT", path: "/api/sessions/" + id, status: 405, want: "Method Not Allowed\n"},
		{name: "POST health", method: "POST", path: "/healthz", status: 405, want: "Method Not Allowed\n"},
		{name: "POST listen", method: "POST", path: "/v1/listen?" + protocol.ListenQuery().Encode(), status: 405, want: "Method Not Allowed\n"},
		{name: "no such file", method: "GET", path: "/../../etc/passwd", status: 404, want: "404 page not found\n"},
		{name: "1000 secrets", method: "GET", path: "/api/sessions", header: http.Header{SecretsHeader: {strings.Repeat(secret+",", 1000)}},
			status: 200, want: ""},
	} {
		status, body, _ := h.do(t, ts.url)
		if status != h.status || (h.want != "" && body != h.want) {
			t.Errorf("%s: %d %q\nwant %d %q", h.name, status, body, h.status, h.want)
		}
		kinds++
	}
	bg.heardMore(t, "the whole catalogue")
	bg.finish(t, ts)
	if kinds < 40 {
		t.Errorf("the catalogue has %d kinds of bad input; want 40 or more", kinds)
	}
	t.Logf("%d kinds of bad input", kinds)
}

// counted reports whether the server's metrics have counted an error with
// code.
func (ts *testServer) counted(t *testing.T, code string) bool {
	t.Helper()
	_, body, _ := get(t, ts.url+"/metrics", nil)
	return strings.Contains(string(body), fmt.Sprintf("mockinterview_errors_total{code=%q} ", code)) &&
		!strings.Contains(string(body), fmt.Sprintf("mockinterview_errors_total{code=%q} 0\n", code))
}

func waitConnections(t *testing.T, ts *testServer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for ts.sessions.Count() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections; want %d", ts.sessions.Count(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
