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

	// Host is the endpoint's host:port (with its path too when two
	// endpoints of a pool share a host:port), the name metrics give it.
	// It never holds credentials.
	Host string
	// InFlight counts the utterances being sent to the endpoint now: a
	// request waiting for its answer, or a retry waiting for its turn.
	InFlight int64
	// Requests counts the HTTP requests made to the endpoint, and Errors
	// those that brought no usable answer.
	Requests, Errors int64
	// Latency is how long the requests took, answered or not.
	Latency Latency
	// Endpoints are the endpoints of an engine's pool one by one, each
	// with its own breaker and figures. The fields above then sum them
	// up: the best breaker state of any (closed while one is), the
	// counts added together.
	Endpoints []EndpointStatus
}

// Latency is a histogram of how long requests took, in seconds.
type Latency struct {
	// Bounds are the buckets' upper bounds, ascending, and Counts[i] is
	// how many requests took at most Bounds[i].
	Bounds []float64
	Counts []uint64
	// Count and Sum are the requests and the seconds they took in all.
	Count uint64
	Sum   float64
}

// EndpointReporter is an engine that depends on a remote endpoint and
// says how it is doing.
type EndpointReporter interface {
	Endpoint() EndpointStatus
}
