package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// originAllowed says whether a page from origin may open a WebSocket on
// host. Requests without an Origin come from programs, not browsers, and
// cannot carry a visitor's cookies or network position into the service,
// so they pass; a browser always sends one. The page's own origin (the
// same host, as the browser saw it) always passes, and so do the origins
// listed ("*" for any).
func originAllowed(origin, host string, allowed []string) bool {
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // "null" from sandboxed frames and file: pages among them
	}
	if strings.EqualFold(u.Host, host) {
		return true
	}
	for _, a := range allowed {
		if a == "*" || strings.EqualFold(strings.TrimSuffix(a, "/"), u.Scheme+"://"+u.Host) {
			return true
		}
	}
	return false
}

// remoteIP is the address a connection comes from, without its port.
// X-Forwarded-For is not read: behind a proxy every client shares the
// proxy's address, and the proxy should limit rates itself.
func remoteIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	// Behind a load balancer every client comes from its address: the
	// client's own is the last one X-Forwarded-For names that is not
	// another trusted proxy.
	for hops := r.Header.Values("X-Forwarded-For"); isTrusted(host, trusted); {
		var last string
		last, hops = lastHop(hops)
		if last == "" {
			break
		}
		host = last
	}
	return host
}

// isTrusted says whether the address ip is within one of the prefixes.
func isTrusted(ip string, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// lastHop takes the last address off X-Forwarded-For's values (each a
// comma-separated list, in order).
func lastHop(values []string) (string, []string) {
	for len(values) > 0 {
		v := values[len(values)-1]
		i := strings.LastIndexByte(v, ',')
		hop := strings.TrimSpace(v[i+1:])
		if i < 0 {
			values = values[:len(values)-1]
		} else {
			values = append(values[:len(values)-1:len(values)-1], v[:i])
		}
		if hop != "" {
			return hop, values
		}
	}
	return "", nil
}

// rateLimiter is a token bucket per address: each address may open burst
// connections at once and rate more per second after that.
type rateLimiter struct {
	rate, burst float64

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// newRateLimiter makes a limiter; a rate of 0 or less allows everything.
func newRateLimiter(rate float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(max(burst, 1)), buckets: map[string]*bucket{}}
}

// allow takes a token for addr. When there is none it says how long until
// there will be.
func (l *rateLimiter) allow(addr string, now time.Time) (bool, time.Duration) {
	if l.rate <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// sweep forgets, once a minute, the addresses whose buckets have refilled:
// they are the same as new ones, and the map stays as small as the set of
// recent clients.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for addr, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, addr)
		}
	}
}

// secureHeaders sets the browser's security headers on every answer. The
// client is plain files from this server: scripts, styles, the audio
// worklet and the recordings all come from 'self'; it connects to its own
// WebSocket (named with ws: and wss: for the browsers that do not take
// 'self' to cover them), plays blob: audio, and sets style attributes from
// script for its timers, hence style-src-attr. Nothing may frame it.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		connect := "'self'"
		if plainHost(r.Host) {
			connect += " ws://" + r.Host + " wss://" + r.Host
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "+
			"img-src 'self' data:; media-src 'self' blob:; connect-src "+connect+"; object-src 'none'; base-uri 'none'; "+
			"form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "microphone=(self), camera=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// plainHost reports whether a Host header is only a name or address and a
// port, safe to write into a header.
func plainHost(host string) bool {
	if host == "" || len(host) > 255 {
		return false
	}
	for _, c := range host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)) {
			return false
		}
	}
	return true
}

// guardRequests answers what the router would turn into a redirect: a
// path that is not clean (dot segments or doubled slashes, plain or
// escaped) is not found, and under /api/ it gets the same 404 as a session
// that does not exist. It also bounds request bodies: one that says it is
// larger than its limit (bodyLimit) gets 413 at once, and one that turns
// out larger fails to read (see readBody).
func guardRequests(bodyLimit func(*http.Request) int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; path.Clean(p) != p && p != "/" && path.Clean(p)+"/" != p {
			if strings.HasPrefix(p, "/api/") {
				writeNotFound(w)
			} else {
				http.NotFound(w, r)
			}
			return
		}
		maxBody := bodyLimit(r)
		if r.ContentLength > maxBody {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes is over the limit of %d bytes", r.ContentLength, maxBody))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads a request body within its limit, answering 413 or 400
// itself when it cannot.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Body == nil {
		return nil, true
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over the limit of %d bytes", tooBig.Limit))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "cannot read the request body")
		return nil, false
	}
	return body, true
}
