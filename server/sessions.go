package server

import (
	"context"
	"sync"
	"time"
)

// Sessions tracks the WebSocket connections in progress, so that a
// shutdown can finish each session (final words, report, close code 1001)
// and wait for them, and so that a live session is not deleted under its
// feet. run creates it and hands it to NewServer.
type Sessions struct {
	mu      sync.Mutex
	live    map[*connection]struct{}
	closing bool
	wg      sync.WaitGroup
}

// NewSessions makes an empty registry.
func NewSessions() *Sessions {
	return &Sessions{live: map[*connection]struct{}{}}
}

// What add made of a new connection.
type addResult int

const (
	sessionsAdded   addResult = iota
	sessionsClosing           // a shutdown has begun
	sessionsFull              // limit connections are in progress already
)

// add registers c unless a shutdown has begun or limit connections are in
// progress (0: no limit).
func (s *Sessions) add(c *connection, limit int) addResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return sessionsClosing
	case limit > 0 && len(s.live) >= limit:
		return sessionsFull
	}
	s.live[c] = struct{}{}
	s.wg.Add(1)
	return sessionsAdded
}

func (s *Sessions) remove(c *connection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.live[c]; ok {
		delete(s.live, c)
		s.wg.Done()
	}
}

// IsLive reports whether the session with id is running: from its Start
// until it has saved its end, just before its close frame is sent.
func (s *Sessions) IsLive(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.live {
		if c.liveSession() == id {
			return true
		}
	}
	return false
}

// Count is the number of connections in progress.
func (s *Sessions) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// Closing reports whether Shutdown has been called.
func (s *Sessions) Closing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Drain refuses new connections (/readyz and the WebSocket upgrade answer
// 503, so a load balancer sends them to another replica) and waits up to
// within for the sessions in progress to end by themselves. It returns
// whether they all did; Shutdown finishes the rest.
func (s *Sessions) Drain(ctx context.Context, within time.Duration) bool {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for s.Count() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-deadline.C:
			return false
		case <-tick.C:
		}
	}
	return true
}

// Shutdown refuses new connections, asks every session to finish (the
// audio already received is transcribed, the report saved and sent, and
// the socket closed with 1001), and waits for them. When ctx ends first,
// the remaining sockets are cut and ctx's error returned.
func (s *Sessions) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for c := range s.live {
		c.shutdown()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.live {
			c.kill()
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}
