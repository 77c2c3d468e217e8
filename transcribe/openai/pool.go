package openai

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

// latencyBounds are the upper bounds, in seconds, of the buckets an
// endpoint's request times are counted in: from a short utterance on a
// GPU to a minute of speech on a CPU.
func latencyBounds() []float64 {
	return []float64{0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60}
}

// endpoint is one server of an engine's pool: where it is, its own
// circuit breaker, and what it has been asked.
type endpoint struct {
	url      string // the API root, as configured
	host     string // host:port, the name metrics give it
	breaker  *breaker
	inFlight atomic.Int64 // utterances being sent to it now

	mu         sync.Mutex
	requests   int64
	errors     int64
	latency    []uint64 // per latencyBounds; the last counts the slower ones
	latencySum float64
}

// record counts one request, which took took and failed if err is set.
func (ep *endpoint) record(took time.Duration, err error) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.requests++
	if err != nil {
		ep.errors++
	}
	seconds := took.Seconds()
	bounds := latencyBounds()
	i := 0
	for i < len(bounds) && seconds > bounds[i] {
		i++
	}
	ep.latency[i]++
	ep.latencySum += seconds
}

// status is the endpoint's breaker and figures.
func (ep *endpoint) status() transcribe.EndpointStatus {
	st := ep.breaker.status()
	st.URL, st.Host, st.InFlight = ep.url, ep.host, ep.inFlight.Load()
	ep.mu.Lock()
	defer ep.mu.Unlock()
	st.Requests, st.Errors = ep.requests, ep.errors
	st.Latency = transcribe.Latency{Bounds: latencyBounds(), Counts: make([]uint64, len(latencyBounds())), Sum: ep.latencySum}
	for i := range st.Latency.Bounds {
		st.Latency.Count += ep.latency[i]
		st.Latency.Counts[i] = st.Latency.Count
	}
	st.Latency.Count += ep.latency[len(ep.latency)-1]
	return st
}

// pool is the endpoints an engine sends utterances to.
type pool struct {
	endpoints []*endpoint
	turn      atomic.Uint64 // where the next look for the least busy starts
}

// newPool makes the endpoints of urls, which CheckBaseURLs has passed,
// each with a breaker of its own.
func newPool(urls []string, failures int, cooldown time.Duration) *pool {
	p := &pool{}
	hosts := map[string]int{}
	for _, raw := range urls {
		u, _ := url.Parse(raw)
		ep := &endpoint{url: raw, host: hostPort(u), breaker: newBreaker(failures, cooldown),
			latency: make([]uint64, len(latencyBounds())+1)}
		hosts[ep.host]++
		p.endpoints = append(p.endpoints, ep)
	}
	for _, ep := range p.endpoints {
		if hosts[ep.host] > 1 {
			// Two servers behind one host:port differ by their paths.
			u, _ := url.Parse(ep.url)
			ep.host += strings.TrimSuffix(u.EscapedPath(), "/")
		}
	}
	return p
}

// hostPort is u's host and port, the port filled in from the scheme when
// the URL leaves it out. It leaves out any user name, password or query.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// pick chooses where an utterance goes next among the endpoints not in
// tried: the one with the fewest utterances in flight whose breaker is
// closed, the ties taken in turn. others counts the other closed ones
// left. probes are the endpoints whose cool-down is over: each has turned
// half-open for this utterance and must be asked about it, in the
// background or, when nothing else can hear it, in the foreground.
func (p *pool) pick(tried []*endpoint) (next *endpoint, others int, probes []*endpoint) {
	n := len(p.endpoints)
	start := int(p.turn.Add(1)-1) % n
	for i := range n {
		ep := p.endpoints[(start+i)%n]
		if isTried(tried, ep) {
			continue
		}
		switch ep.breaker.route() {
		case routeEndpoint:
			if next == nil || ep.inFlight.Load() < next.inFlight.Load() {
				next = ep
			}
			others++
		case routeProbe:
			probes = append(probes, ep)
		}
	}
	if next != nil {
		others--
	}
	return next, others, probes
}

func isTried(tried []*endpoint, ep *endpoint) bool {
	for _, t := range tried {
		if t == ep {
			return true
		}
	}
	return false
}

// CheckBaseURLs checks a list of API roots for a pool: no empty entry, each
// an http(s) URL with a host, none given twice. Its errors say what to
// give instead.
func CheckBaseURLs(urls []string) error {
	const example = "http://10.0.0.5:8000/v1,http://10.0.0.6:8000/v1"
	seen := map[string]int{}
	for i, raw := range urls {
		if strings.TrimSpace(raw) == "" {
			return fmt.Errorf("entry %d of %d is empty: give base URLs separated by single commas, such as %s", i+1, len(urls), example)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base URL %q is not an http(s) URL such as http://localhost:8000/v1", raw)
		}
		key := strings.ToLower(u.Scheme) + "://" + strings.ToLower(hostPort(u)) + strings.TrimSuffix(u.EscapedPath(), "/")
		if j, ok := seen[key]; ok {
			return fmt.Errorf("base URL %q is given twice (entries %d and %d): give each endpoint once", raw, j+1, i+1)
		}
		seen[key] = i
	}
	return nil
}
