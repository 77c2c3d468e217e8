package server

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Config holds the service's settings; zero fields take the defaults.
type Config struct {
	// EndSilence is the silence, in seconds, that ends an answer
	// (default interviewer.DefaultEndSilence).
	EndSilence float64
	// MaxProbes is how many follow-ups an interview asks (default
	// interviewer.DefaultMaxProbes).
	MaxProbes int
	// AdminToken, when set, lets an operator list and read every session
	// with "Authorization: Bearer <token>".
	AdminToken string
	// BehindWarning is the audio backlog, in seconds, past which the client
	// gets a Warning (default 3).
	BehindWarning float64
	// MaxBacklog is the audio backlog, in seconds, past which the server
	// stops reading the socket until the engine catches up (default 60).
	MaxBacklog float64
	// IdleTimeout ends a session that receives nothing, not even a
	// KeepAlive, for this long (default 30 s).
	IdleTimeout time.Duration
	// Replica names this process among several sharing the database: each
	// session records it, and every metric carries it as a label (empty:
	// no label).
	Replica string
	// ResumeGrace is how long a session whose connection dropped (without
	// a close frame) waits for the client to come back with Resume before
	// it ends as if the client had gone (default 30 s; negative: it does
	// not wait).
	ResumeGrace time.Duration
	// MaxFrame is the largest WebSocket message, in bytes (default 64 KiB,
	// 2 s of audio); a larger one closes the socket with 1009.
	MaxFrame int
	// MaxSessionLength ends a session, with its report and close code
	// 1008, once it has received this much audio or lasted this long
	// (default 30 min).
	MaxSessionLength time.Duration
	// MaxSessions is how many WebSocket connections may be open at once
	// (default 100); past it a new one is closed with 1013.
	MaxSessions int
	// ConnectRate is how many WebSocket connections per second one address
	// may open once its ConnectBurst is spent; past it the upgrade is
	// refused with 429. 0 means no limit (serve sets 1).
	ConnectRate float64
	// ConnectBurst is how many connections an address may open at once
	// (default 20).
	ConnectBurst int
	// TrustedProxies are the load balancers in front of the service: a
	// connection from one of them is counted against the address its
	// X-Forwarded-For names, not against the balancer's own.
	TrustedProxies []netip.Prefix
	// AllowedOrigins lists the origins ("https://example.com") whose pages
	// may open a WebSocket besides the server's own; "*" allows any.
	AllowedOrigins []string
	// MaxBody is the largest API request body, in bytes (default 64 KiB).
	MaxBody int64
	// MaxCheckBody is the largest recording the microphone check takes,
	// in bytes (default 4 MiB: 30 s of 16-bit mono at 48 kHz, with room).
	MaxCheckBody int64
	// WriteTimeout bounds each write to a WebSocket (default 10 s).
	WriteTimeout time.Duration
	// EngineReady, when set, tells /readyz whether the engine can take
	// work; by default an engine that opened is ready.
	EngineReady func(ctx context.Context) error
	// StreamWait is how long a new session waits for a free recognizer
	// (default 15 s).
	StreamWait time.Duration
	// Phraser, when set, words each probe for the answer (an LLM), while
	// the session goes on taking audio; the request ends with the session.
	Phraser interviewer.Phraser
}

func (c Config) withDefaults() Config {
	if c.BehindWarning <= 0 {
		c.BehindWarning = 3
	}
	if c.MaxBacklog <= 0 {
		c.MaxBacklog = 60
	}
	c.MaxBacklog = max(c.MaxBacklog, c.BehindWarning)
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Second
	}
	switch {
	case c.ResumeGrace == 0:
		c.ResumeGrace = 30 * time.Second
	case c.ResumeGrace < 0:
		c.ResumeGrace = 0
	}
	if c.StreamWait <= 0 {
		c.StreamWait = 15 * time.Second
	}
	if c.MaxFrame <= 0 {
		c.MaxFrame = 64 << 10
	}
	if c.MaxSessionLength <= 0 {
		c.MaxSessionLength = 30 * time.Minute
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = 100
	}
	if c.ConnectBurst <= 0 {
		c.ConnectBurst = 20
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 64 << 10
	}
	if c.MaxCheckBody <= 0 {
		c.MaxCheckBody = 4 << 20
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	return c
}

// NewServer builds the service's handler from its dependencies: the store of
// sessions and recordings,
// the transcription engine, the question bank and analyzer, the registry
// of live sessions (which the caller shuts down) and the browser client's
// files. Every answer carries the browser's security headers, and every
// call to the store is timed for /metrics.
func NewServer(log zerolog.Logger, cfg Config, st store.Store, engine transcribe.Engine,
	bank *interviewer.Bank, analyzer *interviewer.Analyzer, sessions *Sessions, static fs.FS) http.Handler {
	cfg = cfg.withDefaults()
	mux := http.NewServeMux()
	m := newMetrics(engine, cfg.Replica)
	addRoutes(mux, log, cfg, m.store.measure(st), engine, bank, analyzer, sessions, m, static)
	bodyLimit := func(r *http.Request) int64 {
		if r.URL.Path == checkPath {
			return cfg.MaxCheckBody
		}
		return cfg.MaxBody
	}
	return logRequests(log, secureHeaders(guardRequests(bodyLimit, mux)))
}

// logRequests writes one line per request, without the query string
// (which may hold a session's secret).
func logRequests(log zerolog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if sw.hijacked {
			return // the WebSocket logs its own lines
		}
		ev := log.Debug()
		if sw.status >= 500 {
			ev = log.Error()
		} else if r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && r.URL.Path != "/metrics" {
			ev = log.Info()
		}
		ev.Str("method", r.Method).Str("path", r.URL.Path).Int("status", sw.status).
			Dur("took", time.Since(began)).Msg("request")
	})
}

// statusWriter remembers the status written, and still lets the WebSocket
// upgrader take the connection over.
type statusWriter struct {
	http.ResponseWriter
	status   int
	wrote    bool
	hijacked bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the connection cannot be taken over")
	}
	w.hijacked = true
	return h.Hijack()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
