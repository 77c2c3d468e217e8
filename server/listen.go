package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Socket timing, as in gorilla/websocket's chat example. The write
// deadline is Config.WriteTimeout.
const (
	pongWait   = 60 * time.Second  // for the next pong or message
	pingPeriod = pongWait * 9 / 10 // pings go out before the read deadline passes
	closeGrace = 2 * time.Second   // for the client's reply to our close frame
)

// handleListen serves the WebSocket endpoint. Before the upgrade it checks
// the HTTP version, the page's origin, the address's connection rate, the audio format and
// the other query parameters, each with its own status and a message that
// says what to do; after it, the number of sessions in progress. Then it
// runs the connection until it closes.
func handleListen(log zerolog.Logger, cfg Config, st store.Store, engine transcribe.Engine,
	bank *interviewer.Bank, analyzer *interviewer.Analyzer, sessions *Sessions, m *metrics) http.Handler {
	upgrader := websocket.Upgrader{
		// Zero sizes reuse the HTTP server's 4 KiB buffers, and the pool
		// lends write buffers only while a message is written: an idle
		// connection holds no buffer of its own.
		WriteBufferPool: &sync.Pool{},
		// The origin is checked before the upgrade, with a message.
		CheckOrigin: func(*http.Request) bool { return true },
		// A browser's Deepgram client sends its key as a subprotocol,
		// ["token", KEY] (or ["bearer", JWT]), and fails unless the server
		// picks one. The key itself is ignored, like an Authorization
		// header: this server has no accounts.
		Subprotocols: []string{"token", "bearer"},
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, reason.Error(), status)
		},
	}
	limiter := newRateLimiter(cfg.ConnectRate, cfg.ConnectBurst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// RFC 6455 section 4.1; the upgrader does not check it.
		if !r.ProtoAtLeast(1, 1) {
			http.Error(w, fmt.Sprintf("a WebSocket needs HTTP/1.1 or later (RFC 6455), and this request is %s: send the upgrade request as HTTP/1.1", r.Proto), http.StatusBadRequest)
			return
		}
		if origin := r.Header.Get("Origin"); !originAllowed(origin, r.Host, cfg.AllowedOrigins) {
			m.errors.WithLabelValues(protocol.CodeOriginDenied).Inc()
			http.Error(w, fmt.Sprintf("a page from %s may not open a WebSocket here: open the page from this server, or start the server with --allowed-origins listing that origin", protocol.Quote(origin)), http.StatusForbidden)
			return
		}
		if ok, wait := limiter.allow(remoteIP(r, cfg.TrustedProxies), time.Now()); !ok {
			m.errors.WithLabelValues(protocol.CodeRateLimited).Inc()
			w.Header().Set("Retry-After", fmt.Sprint(max(1, int(wait.Seconds()+0.999))))
			http.Error(w, "too many connections from your address: wait a few seconds and connect again", http.StatusTooManyRequests)
			return
		}
		if err := protocol.CheckAudioFormat(r.URL.Query()); err != nil {
			m.errors.WithLabelValues(protocol.CodeBadFormat).Inc()
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		opts, err := protocol.ParseListenOptions(r.URL.Query())
		if err != nil {
			m.errors.WithLabelValues(protocol.CodeBadParameter).Inc()
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
		c := newConnection(ws, log, cfg, m)
		c.query = r.URL.RawQuery
		// A WebSocket outlives its request; only a forced shutdown cuts it.
		c.ctx, c.cancel = context.WithCancel(context.WithoutCancel(r.Context()))
		defer c.cancel()
		switch sessions.add(c, cfg.MaxSessions) {
		case sessionsClosing:
			c.refuse(websocket.CloseGoingAway, "shutting down", nil)
			return
		case sessionsFull:
			m.errors.WithLabelValues(protocol.CodeServerFull).Inc()
			c.log.Warn().Int("limit", cfg.MaxSessions).Msg("refused: too many sessions")
			e := protocol.NewError(protocol.CodeServerFull, "the server is running as many sessions as it may (%d); try again in a minute", cfg.MaxSessions)
			c.refuse(websocket.CloseTryAgainLater, "too many sessions; try again later", &e)
			return
		}
		defer sessions.remove(c)
		m.connections.Inc()
		defer m.connections.Dec()
		c.log.Info().Str("remote", r.RemoteAddr).Msg("connected")
		s := &session{c: c, sessions: sessions, cfg: cfg, store: st.Sessions, recs: st.Recordings, journals: st.Journals, replicas: st.Replicas, engine: engine, bank: bank, analyzer: analyzer, log: c.log, created: time.Now(), metrics: m,
			opts: opts, audioSum: sha256.New()}
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
	metrics    *metrics
	in         *inbox
	out        *outbox
	tape       *tape
	readerDone chan struct{}
	query      string // the request's, for a relay to pass on
	// released is closed when the connection's session has ended, or has
	// gone on over another connection after a Resume.
	released    chan struct{}
	releaseOnce sync.Once
	ctx         context.Context
	cancel      context.CancelFunc
	lastHeard   atomic.Int64 // unix nanoseconds of the last message from the client

	mu      sync.Mutex
	session string
	log     zerolog.Logger // with the session id once there is one
}

func newConnection(ws *websocket.Conn, log zerolog.Logger, cfg Config, m *metrics) *connection {
	id := randomHex(8)
	c := &connection{
		ws:         ws,
		id:         id,
		log:        log.With().Str("conn", id).Logger(),
		cfg:        cfg,
		metrics:    m,
		in:         newInbox(),
		tape:       &tape{},
		readerDone: make(chan struct{}),
		released:   make(chan struct{}),
	}
	c.out = newOutbox(func() {
		// The client stopped reading: end the session, which saves what
		// was heard, and let the writer close the socket.
		m.errors.WithLabelValues(protocol.CodeSlowClient).Inc()
		c.logger().Warn().Int("queued_bytes", outboxLimit).Msg("client stopped reading")
		c.in.put(item{kind: itemEnd, end: endSlow})
	})
	c.heard()
	return c
}

// refuse turns a connection away before it runs, with an Error message if
// e is set and then the close frame. Nothing else uses the socket yet.
func (c *connection) refuse(code int, reason string, e *protocol.ErrorMessage) {
	deadline := time.Now().Add(c.cfg.WriteTimeout)
	c.ws.SetWriteDeadline(deadline)
	if e != nil {
		c.ws.WriteJSON(e)
	}
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
	// Give the client a moment to read the frame and answer it.
	c.ws.SetReadDeadline(time.Now().Add(closeGrace))
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			break
		}
	}
	c.ws.Close()
}

// serve runs the connection: the writer and the session on goroutines of
// their own, the reader on this one. It returns once the session has let
// the connection go (it ended, or went on over another connection) and
// the close frame is out.
func (c *connection) serve(session func()) {
	go c.write()
	go session()
	dropped := c.read()
	close(c.readerDone)
	c.in.put(item{kind: itemGone, dropped: dropped})
	<-c.released
	<-c.out.writerDone
}

// release lets serve return; it can run twice.
func (c *connection) release() { c.releaseOnce.Do(func() { close(c.released) }) }

// read puts audio on the tape and hands audio and commands to the session
// until the socket closes. It reports whether the socket dropped: it
// failed, or closed without a close frame from the client.
// A message over the size limit ends the session with close code 1009;
// the rest of the input is then read and dropped until the socket closes,
// so that the client still gets the close frame.
func (c *connection) read() (dropped bool) {
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	behind, draining := false, false
	warnAt := int(c.cfg.BehindWarning * transcribe.SampleRate)
	limit := int(c.cfg.MaxBacklog * transcribe.SampleRate)
	var buf bytes.Buffer
	for {
		kind, r, err := c.ws.NextReader()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code == websocket.CloseAbnormalClosure {
				c.logger().Debug().Err(err).Msg("socket read ended")
				return true
			}
			return false
		}
		if draining {
			io.Copy(io.Discard, r)
			continue
		}
		buf.Reset()
		if _, err := buf.ReadFrom(io.LimitReader(r, int64(c.cfg.MaxFrame)+1)); err != nil {
			c.logger().Debug().Err(err).Msg("socket read ended")
			return true
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		c.heard()
		if buf.Len() > c.cfg.MaxFrame {
			draining = true
			c.logger().Warn().Int("limit", c.cfg.MaxFrame).Msg("message too big")
			c.sendError(protocol.NewError(protocol.CodeFrameTooBig, "a message was over %d bytes: send audio in frames of about 100 ms (3200 bytes) and keep text messages short", c.cfg.MaxFrame))
			c.in.put(item{kind: itemEnd, end: ending{websocket.CloseMessageTooBig, fmt.Sprintf("message over %d bytes", c.cfg.MaxFrame), "frame_too_big"}})
			io.Copy(io.Discard, r)
			continue
		}
		switch kind {
		case websocket.BinaryMessage:
			behind = c.audioFrame(buf.Bytes(), behind, warnAt, limit)
		case websocket.TextMessage:
			m, bad := protocol.DecodeClientMessage(buf.Bytes())
			switch {
			case bad != nil:
				c.sendError(*bad)
			case m.Type != protocol.TypeKeepAlive:
				if m.Type == protocol.TypeStart || m.Type == protocol.TypeResume {
					c.tape.expectStart()
				}
				c.in.put(item{kind: itemControl, msg: m})
			}
		}
	}
}

// audioFrame takes one binary frame of PCM16: onto the tape first, so a
// crash loses nothing received while the engine lags, then into the
// inbox. Once the backlog passes warnAt the client is warned, once per
// stretch of being behind (behind says whether it is; audioFrame returns
// the new value); past limit the reader waits for room, which slows the
// client through TCP instead of dropping audio.
func (c *connection) audioFrame(frame []byte, behind bool, warnAt, limit int) bool {
	samples, err := transcribe.PCM16(frame)
	if err != nil {
		c.metrics.dropped.WithLabelValues("bad_audio").Inc()
		c.sendError(protocol.NewError(protocol.CodeBadAudio, "%v; the frame was dropped", err))
		return behind
	}
	if len(samples) == 0 {
		return behind
	}
	c.metrics.audio.Add(float64(len(samples)) / transcribe.SampleRate)
	c.tape.write(samples)
	waiting, ok := c.in.put(item{kind: itemAudio, samples: samples, at: time.Now()})
	if !ok {
		c.metrics.dropped.WithLabelValues("after_end").Inc()
		return behind
	}
	switch {
	case waiting > warnAt && !behind:
		behind = true
		backlog := float64(waiting) / transcribe.SampleRate
		c.logger().Warn().Float64("backlog", backlog).Msg("transcription behind")
		c.out.send(protocol.WarningMessage{Type: protocol.TypeWarning, Code: protocol.CodeBehind, Backlog: round3(backlog),
			Message: "transcription is behind the audio; nothing is lost, results will catch up"})
	case waiting < warnAt/2:
		behind = false
	}
	if waiting > limit {
		c.in.waitForRoom(limit)
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
	}
	return behind
}

// sendError counts an Error message by its code and queues it.
func (c *connection) sendError(e protocol.ErrorMessage) {
	c.metrics.errors.WithLabelValues(e.Code).Inc()
	c.out.send(e)
}

// write sends the outbox and pings until the outbox is closed, then sends
// the close frame and lets the client answer it before closing the socket.
func (c *connection) write() {
	defer close(c.out.writerDone)
	ticker := time.NewTicker(pingPeriod)
	defer ticker.Stop()
	for {
		select {
		case <-c.out.ready:
			for {
				msg, closed, code, reason := c.out.take()
				c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
				if closed {
					c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason))
					select {
					case <-c.readerDone:
					case <-time.After(closeGrace):
					}
					c.ws.Close()
					return
				}
				if msg == nil {
					break
				}
				if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
					c.logger().Debug().Err(err).Msg("socket write failed")
					c.ws.Close()
					return
				}
			}
		case <-ticker.C:
			c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
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

// liveSession is the id of the session running on the connection, or ""
// before its Start and once it has ended.
func (c *connection) liveSession() string {
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

// sessionEnded takes the session out of the registry's live ones, though
// the socket stays open until the client answers the close frame: a
// client that deletes the session as soon as it reads that frame finds it
// ended. The log lines keep the session id.
func (c *connection) sessionEnded() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.session = ""
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
