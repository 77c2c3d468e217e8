package transcribe

import "time"

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
