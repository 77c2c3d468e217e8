package transcribe

import (
	"sync"
	"time"
)

// BreakerState is what an engine does with its remote endpoint: the
// state of its circuit breaker.
type BreakerState int

const (
	// BreakerClosed: utterances go to the endpoint.
	BreakerClosed BreakerState = iota
	// BreakerHalfOpen: one utterance probes the endpoint; the others go
	// to the fallback until it answers.
	BreakerHalfOpen
	// BreakerOpen: the endpoint failed on too many utterances in a row,
	// and new ones go straight to the fallback until the cool-down ends.
	BreakerOpen
)

func (s BreakerState) String() string {
	switch s {
	case BreakerHalfOpen:
		return "half-open"
	case BreakerOpen:
		return "open"
	}
	return "closed"
}

// EndpointStatus is what an engine that sends audio to a remote endpoint
// knows about it.
type EndpointStatus struct {
	URL     string
	Breaker BreakerState
	// Since is when the breaker took its state; zero if it never moved.
	Since time.Time
	// Failures counts the utterances in a row the endpoint failed on.
	Failures int
	// LastError is the last failure, kept until the endpoint answers.
	LastError string
	// Fallback names the engine that hears what the endpoint does not;
	// empty if none does.
	Fallback string
	// Opened counts the times the breaker opened.
	Opened int64
	// BudgetTimeouts counts the utterances whose time budget ran out.
	BudgetTimeouts int64
}

// EndpointReporter is an engine that depends on a remote endpoint and
// says how it is doing.
type EndpointReporter interface {
	Endpoint() EndpointStatus
}

// route is where an utterance goes.
type route int

const (
	routeEndpoint route = iota // to the endpoint
	routeProbe                 // to the endpoint as the breaker's probe (and to the fallback, if any)
	routeFallback              // to the fallback alone
)

// breaker is the circuit breaker an engine's streams share: after
// `failures` utterances in a row the endpoint failed on, it opens, and
// for `cooldown` no utterance goes to the endpoint. Then one utterance
// probes it; its answer closes the breaker, its failure opens it again.
type breaker struct {
	failures int
	cooldown time.Duration
	now      func() time.Time

	mu       sync.Mutex
	state    BreakerState
	since    time.Time
	retryAt  time.Time // while open: when the next utterance probes
	inARow   int
	lastErr  string
	opened   int64
	timeouts int64
}

func newBreaker(failures int, cooldown time.Duration) *breaker {
	return &breaker{failures: failures, cooldown: cooldown, now: time.Now}
}

// route says where a new utterance goes. The first one after the
// cool-down probes the endpoint.
func (b *breaker) route() route {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.state == BreakerClosed:
		return routeEndpoint
	case b.state == BreakerOpen && !b.now().Before(b.retryAt):
		b.set(BreakerHalfOpen)
		return routeProbe
	}
	return routeFallback
}

// done records how an utterance sent to the endpoint went (probe: it was
// the half-open probe) and returns the state before and after. Any answer
// closes the breaker.
func (b *breaker) done(probe bool, err error) (was, is BreakerState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	was = b.state
	if err == nil {
		b.inARow, b.lastErr = 0, ""
		if b.state != BreakerClosed {
			b.set(BreakerClosed)
		}
		return was, b.state
	}
	b.inARow++
	b.lastErr = err.Error()
	if (b.state == BreakerClosed && b.inARow >= b.failures) || (b.state == BreakerHalfOpen && probe) {
		b.set(BreakerOpen)
		b.retryAt = b.since.Add(b.cooldown)
		b.opened++
	}
	return was, b.state
}

// abandon records that the caller gave up on an utterance, which says
// nothing about the endpoint. An abandoned probe leaves the breaker open
// with its cool-down over, so that the next utterance probes.
func (b *breaker) abandon(probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe && b.state == BreakerHalfOpen {
		b.set(BreakerOpen)
		b.retryAt = b.since
	}
}

func (b *breaker) timedOut() {
	b.mu.Lock()
	b.timeouts++
	b.mu.Unlock()
}

func (b *breaker) set(s BreakerState) {
	b.state, b.since = s, b.now()
}

func (b *breaker) status() EndpointStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	return EndpointStatus{Breaker: b.state, Since: b.since, Failures: b.inARow, LastError: b.lastErr,
		Opened: b.opened, BudgetTimeouts: b.timeouts}
}
