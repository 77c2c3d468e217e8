package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Socket timing, as in gorilla/websocket's chat example.
const (
	writeWait  = 10 * time.Second  // for one write to finish
	pongWait   = 60 * time.Second  // for the next pong or message
	pingPeriod = pongWait * 9 / 10 // pings go out before the read deadline passes
	closeGrace = 2 * time.Second   // for the client's reply to our close frame
	maxFrame   = 64 << 10          // bytes per message: 2 s of audio
)

// handleListen serves the WebSocket endpoint: it checks the audio format
// before upgrading, then runs the connection until it closes.
func handleListen(log zerolog.Logger, cfg Config, store *Store, engine transcribe.Engine,
	bank *interviewer.Bank, analyzer *interviewer.Analyzer, sessions *Sessions) http.Handler {
	upgrader := websocket.Upgrader{
		ReadBufferSize:  maxFrame / 4,
		WriteBufferSize: 8 << 10,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, reason.Error(), status)
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := CheckAudioFormat(r.URL.Query()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if sessions.Closing() {
			http.Error(w, "the server is shutting down; connect again in a moment", http.StatusServiceUnavailable)
			return
		}
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return // the upgrader has answered
		}
		connID := randomHex(8)
		c := &connection{
			ws:         ws,
			id:         connID,
			log:        log.With().Str("conn", connID).Logger(),
			cfg:        cfg,
			in:         newInbox(),
			out:        newOutbox(),
			readerDone: make(chan struct{}),
		}
		// A WebSocket outlives its request; only a forced shutdown cuts it.
		c.ctx, c.cancel = context.WithCancel(context.WithoutCancel(r.Context()))
		defer c.cancel()
		c.heard()
		if !sessions.add(c) {
			ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "shutting down"), time.Now().Add(writeWait))
			ws.Close()
			return
		}
		defer sessions.remove(c)
		c.log.Info().Str("remote", r.RemoteAddr).Msg("connected")
		s := &session{c: c, cfg: cfg, store: store, engine: engine, bank: bank, analyzer: analyzer, log: c.log, created: time.Now()}
		c.serve(s.run)
	})
}

// connection is one WebSocket client. Its reader runs on the handler's
// goroutine, its writer and its session on one goroutine each; only the
// reader reads the socket and only the writer writes it.
type connection struct {
	ws         *websocket.Conn
	id         string
	cfg        Config
	in         *inbox
	out        *outbox
	readerDone chan struct{}
	ctx        context.Context
	cancel     context.CancelFunc
	lastHeard  atomic.Int64 // unix nanoseconds of the last message from the client

	mu      sync.Mutex
	session string
	log     zerolog.Logger // with the session id once there is one
}

func (c *connection) serve(session func()) {
	go c.write()
	done := make(chan struct{})
	go func() {
		defer close(done)
		session()
	}()
	c.read()
	close(c.readerDone)
	c.in.put(item{kind: itemGone})
	<-done
	<-c.out.writerDone
}

// read hands audio and commands to the session until the socket closes.
func (c *connection) read() {
	c.ws.SetReadLimit(maxFrame)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	behind := false
	warnAt := int(c.cfg.BehindWarning * transcribe.SampleRate)
	limit := int(c.cfg.MaxBacklog * transcribe.SampleRate)
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) {
				c.logger().Debug().Err(err).Msg("socket read ended")
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		c.heard()
		switch kind {
		case websocket.BinaryMessage:
			samples, err := transcribe.PCM16(data)
			if err != nil {
				c.out.send(errorMessage(CodeBadAudio, "%v; the frame was dropped", err))
				continue
			}
			if len(samples) == 0 {
				continue
			}
			waiting := c.in.put(item{kind: itemAudio, samples: samples})
			switch {
			case waiting > warnAt && !behind:
				behind = true
				backlog := float64(waiting) / transcribe.SampleRate
				c.logger().Warn().Float64("backlog", backlog).Msg("transcription behind")
				c.out.send(WarningMessage{Type: TypeWarning, Code: CodeBehind, Backlog: round3(backlog),
					Message: "transcription is behind the audio; nothing is lost, results will catch up"})
			case waiting < warnAt/2:
				behind = false
			}
			if waiting > limit {
				c.in.waitForRoom(limit)
				c.ws.SetReadDeadline(time.Now().Add(pongWait))
			}
		case websocket.TextMessage:
			var m ClientMessage
			if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
				c.out.send(errorMessage(CodeBadMessage, "a text frame must be a JSON object with a \"type\""))
				continue
			}
			switch m.Type {
			case TypeKeepAlive:
			case TypeStart, TypeAnswerDone, TypeSkip, TypeFinalize, TypeCloseStream:
				c.in.put(item{kind: itemControl, msg: m})
			default:
				c.out.send(errorMessage(CodeUnknownType, "unknown message type %q: use Start, AnswerDone, Skip, KeepAlive, Finalize or CloseStream", m.Type))
			}
		}
	}
}

// write sends the outbox and pings until the outbox is closed, then sends
// the close frame and lets the client answer it before closing the socket.
func (c *connection) write() {
	defer close(c.out.writerDone)
	ticker := time.NewTicker(pingPeriod)
	defer ticker.Stop()
	for {
		select {
		case b, ok := <-c.out.ch:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(c.out.code, c.out.reason))
				select {
				case <-c.readerDone:
				case <-time.After(closeGrace):
				}
				c.ws.Close()
				return
			}
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.logger().Debug().Err(err).Msg("socket write failed")
				c.ws.Close()
				return
			}
		case <-ticker.C:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.ws.Close()
				return
			}
		}
	}
}

func (c *connection) heard() { c.lastHeard.Store(time.Now().UnixNano()) }

func (c *connection) idle() time.Duration {
	return time.Since(time.Unix(0, c.lastHeard.Load()))
}

func (c *connection) sessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}

// setSessionID names the connection's session, in the registry and in
// the reader's log lines.
func (c *connection) setSessionID(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.session = id
	c.log = c.log.With().Str("session", id).Logger()
}

func (c *connection) logger() *zerolog.Logger {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.log
	return &l
}

// shutdown asks the session to finish after the audio already received.
func (c *connection) shutdown() { c.in.put(item{kind: itemShutdown}) }

// kill cuts the connection at once.
func (c *connection) kill() {
	c.cancel()
	c.ws.Close()
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
