package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Dialer opens connections to a listen endpoint. The zero value is ready
// to use.
type Dialer struct {
	// Header is sent with the upgrade request (Origin, Authorization, …).
	Header http.Header
	// NetDialContext, if set, makes the TCP connection, as in net/http.
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Dial opens a connection to the listen endpoint at rawURL, such as
// ws://127.0.0.1:8080/v1/listen, with a zero Dialer.
func Dial(ctx context.Context, rawURL string) (*Conn, error) {
	var d Dialer
	return d.Dial(ctx, rawURL)
}

// Dial opens a connection to the listen endpoint at rawURL. The audio
// format is added to its query string where missing; parameters already
// there are sent as they are. A server that refuses the upgrade gives a
// *HandshakeError.
func (d *Dialer) Dial(ctx context.Context, rawURL string) (*Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", rawURL, err)
	}
	q := u.Query()
	for k, v := range ListenQuery() {
		if q.Get(k) == "" {
			q.Set(k, v[0])
		}
	}
	u.RawQuery = q.Encode()
	dialer := *websocket.DefaultDialer
	dialer.NetDialContext = d.NetDialContext
	ws, resp, err := dialer.DialContext(ctx, u.String(), d.Header)
	if err != nil {
		if resp != nil {
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			return nil, &HandshakeError{URL: rawURL, Status: resp.Status, StatusCode: resp.StatusCode, Header: resp.Header, Body: string(body)}
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("nothing listens at %s: start the service with `mockinterview serve`, or give its address with --url", rawURL)
		}
		return nil, fmt.Errorf("connect to %s: %w", rawURL, err)
	}
	return &Conn{ws: ws}, nil
}

// HandshakeError is a server's answer to an upgrade request it refused:
// a status and a plain-text message saying what to send instead.
type HandshakeError struct {
	URL        string
	Status     string // "400 Bad Request"
	StatusCode int
	Header     http.Header
	Body       string
}

func (e *HandshakeError) Error() string {
	if e.StatusCode == http.StatusOK { // a web page, not the listen endpoint
		return fmt.Sprintf("%s answered 200 OK, not a WebSocket upgrade: give the listen endpoint, ws://HOST/v1/listen", e.URL)
	}
	return fmt.Sprintf("%s answered %s: %s", e.URL, e.Status, strings.TrimSpace(e.Body))
}

// Conn is one connection to the listen endpoint. As with the socket
// underneath, one goroutine may read it (Next) while one other writes it
// (the Send methods); Close may be called from any.
type Conn struct {
	ws  *websocket.Conn
	pcm []byte // SendAudio's frame, reused
}

// Event is one message from the server: its type and its JSON.
type Event struct {
	Type string
	Raw  json.RawMessage
}

// Decode unmarshals the event into one of the *Message types.
func (e Event) Decode(v any) error { return json.Unmarshal(e.Raw, v) }

// Next waits for the server's next message. Once the server has closed
// the connection, the error carries its close frame (see Closed).
func (c *Conn) Next() (Event, error) {
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		return Event{}, err
	}
	var head struct {
		Type string `json:"type"`
	}
	json.Unmarshal(data, &head)
	return Event{Type: head.Type, Raw: data}, nil
}

// Closed reads the server's close frame from an error of Next: its code
// (1000 after CloseStream, 1001 when the server shuts down, …) and
// reason. ok is false when the connection ended without one.
func Closed(err error) (code int, reason string, ok bool) {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return 0, "", false
	}
	return ce.Code, ce.Text, true
}

// Send sends a control message.
func (c *Conn) Send(m ClientMessage) error { return c.ws.WriteJSON(m) }

// SendAudio sends samples as one binary frame of 16-bit little-endian
// PCM, about 100 ms (1600 samples) being the usual size.
func (c *Conn) SendAudio(samples []int16) error {
	c.pcm = transcribe.AppendPCM16(c.pcm[:0], samples)
	return c.SendPCM(c.pcm)
}

// SendPCM sends data as one binary frame, as it is: for a client that
// encodes its own audio, or a test of how the server takes a frame that
// is not whole samples.
func (c *Conn) SendPCM(data []byte) error { return c.ws.WriteMessage(websocket.BinaryMessage, data) }

// SendText sends data as one text frame, as it is: for a test of how the
// server takes a frame that is not a message.
func (c *Conn) SendText(data []byte) error { return c.ws.WriteMessage(websocket.TextMessage, data) }

// SetReadDeadline bounds the wait of Next; the zero time waits for ever.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// Subprotocol is the subprotocol the server chose, such as "token" for a
// Deepgram client that sent its key as one.
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// CloseNormally sends a close frame (1000) and closes the connection
// without waiting for the server's: a client that is done without
// CloseStream. The server ends its session at once.
func (c *Conn) CloseNormally() error {
	err := c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	return errors.Join(err, c.ws.Close())
}

// Close closes the connection at once, without a close frame: to the
// server, a connection that dropped, which it holds for a Resume.
func (c *Conn) Close() error { return c.ws.Close() }
