package openai

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

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
	state    transcribe.BreakerState
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
	case b.state == transcribe.BreakerClosed:
		return routeEndpoint
	case b.state == transcribe.BreakerOpen && !b.now().Before(b.retryAt):
		b.set(transcribe.BreakerHalfOpen)
		return routeProbe
	}
	return routeFallback
}

// done records how an utterance sent to the endpoint went (probe: it was
// the half-open probe) and returns the state before and after. Any answer
// closes the breaker.
func (b *breaker) done(probe bool, err error) (was, is transcribe.BreakerState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	was = b.state
	if err == nil {
		b.inARow, b.lastErr = 0, ""
		if b.state != transcribe.BreakerClosed {
			b.set(transcribe.BreakerClosed)
		}
		return was, b.state
	}
	b.inARow++
	b.lastErr = err.Error()
	if (b.state == transcribe.BreakerClosed && b.inARow >= b.failures) || (b.state == transcribe.BreakerHalfOpen && probe) {
		b.set(transcribe.BreakerOpen)
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
	if probe && b.state == transcribe.BreakerHalfOpen {
		b.set(transcribe.BreakerOpen)
		b.retryAt = b.since
	}
}

func (b *breaker) timedOut() {
	b.mu.Lock()
	b.timeouts++
	b.mu.Unlock()
}

func (b *breaker) set(s transcribe.BreakerState) {
	b.state, b.since = s, b.now()
}

func (b *breaker) status() transcribe.EndpointStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	return transcribe.EndpointStatus{Breaker: b.state, Since: b.since, Failures: b.inARow, LastError: b.lastErr,
		Opened: b.opened, BudgetTimeouts: b.timeouts}
}

// errBreakerOpen is why an utterance was not sent: every breaker is open.
var errBreakerOpen = errors.New("the endpoint is not asked")

// breakerError says why no endpoint was asked about an utterance.
func (e *Engine) breakerError() error {
	st := e.Endpoint()
	if len(st.Endpoints) > 1 {
		return fmt.Errorf("%w: each of the %d endpoints of the pool failed on %d utterances in a row (last: %s); each is tried again %s after its breaker opened",
			errBreakerOpen, len(st.Endpoints), e.cfg.BreakerFailures, st.LastError, e.cfg.BreakerCooldown)
	}
	return fmt.Errorf("%w: it failed on %d utterances in a row (last: %s); it is tried again after %s",
		errBreakerOpen, st.Failures, st.LastError, e.cfg.BreakerCooldown)
}
