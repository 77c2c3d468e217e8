package openai

import (
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

// waitUntil waits for cond, which a request arriving makes true, and
// fails the test if it never comes.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

// sayOne speaks one short utterance into s and returns its one result.
func sayOne(t *testing.T, s transcribe.Stream, tk *talker) transcribe.Result {
	t.Helper()
	results, err := say(s, tk)
	if err != nil || len(results) != 1 {
		t.Fatalf("results %+v, error %v; want one result", results, err)
	}
	return results[0]
}

// While one endpoint of two holds an utterance, the next ones go to the
// other, whose turn it is not every time: the least busy wins. Once both
// are idle, they take turns.
func TestPoolLeastBusy(t *testing.T) {
	body := readAnswer(t, "openai_verbose.json")
	gates := []chan struct{}{make(chan struct{}), make(chan struct{})}
	servers := []*transcriptionServer{
		newTranscriptionServer(t, serverAnswer{status: 200, body: body, wait: gates[0]}),
		newTranscriptionServer(t, serverAnswer{status: 200, body: body, wait: gates[1]}),
	}
	e := testOpenAI(t, Config{BaseURLs: []string{servers[0].URL(), servers[1].URL()}})
	tk := newTalker()

	first := openStream(t, e)
	audio := shortUtterance(tk)
	done := make(chan error, 1)
	go func() {
		_, err := sayAudio(first, audio)
		done <- err
	}()
	waitUntil(t, "the first utterance to reach an endpoint", func() bool { return servers[0].requests()+servers[1].requests() == 1 })
	busy, idle := 0, 1
	if servers[1].requests() == 1 {
		busy, idle = 1, 0
	}
	close(gates[idle])

	s := openStream(t, e)
	for i := range 3 {
		if r := sayOne(t, s, tk); r.Engine != "openai" {
			t.Errorf("utterance %d heard by %s", i, r.Engine)
		}
	}
	if got := []int{servers[busy].requests(), servers[idle].requests()}; got[0] != 1 || got[1] != 3 {
		t.Errorf("the busy endpoint was asked %d times, the idle one %d; want 1 and 3: nothing more for the busy one while it holds an utterance", got[0], got[1])
	}
	if st := e.Endpoint(); st.Endpoints[busy].InFlight != 1 || st.Endpoints[idle].InFlight != 0 || st.InFlight != 1 {
		t.Errorf("in flight: %d and %d, %d in all; want 1, 0 and 1", st.Endpoints[busy].InFlight, st.Endpoints[idle].InFlight, st.InFlight)
	}
	close(gates[busy])
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	for range 4 {
		sayOne(t, s, tk)
	}
	if got := []int{servers[busy].requests(), servers[idle].requests()}; got[0] != 3 || got[1] != 5 {
		t.Errorf("when both were idle the endpoints took %d and %d more; want 2 each, in turn", got[0]-1, got[1]-3)
	}
	st := e.Endpoint()
	for i, ep := range st.Endpoints {
		if ep.Requests != int64(servers[i].requests()) || ep.Errors != 0 || ep.Latency.Count != uint64(ep.Requests) || ep.InFlight != 0 {
			t.Errorf("endpoint %d: %+v; want its %d requests counted, no errors", i, ep, servers[i].requests())
		}
	}
}

// An endpoint that fails is ejected after BreakerFailures utterances in a
// row, and the other hears its utterances, the failed ones included, at
// once. After the cool-down one utterance probes it in the background;
// its answer brings it back into the pool.
func TestPoolEjectsAndReadmits(t *testing.T) {
	body := readAnswer(t, "openai_verbose.json")
	failing := newTranscriptionServer(t, serverAnswer{status: 500, body: openAIError500})
	healthy := newTranscriptionServer(t, serverAnswer{status: 200, body: body})
	e := testOpenAI(t, Config{BaseURLs: []string{failing.URL(), healthy.URL()}, BreakerFailures: 2,
		Fallback: fixedEngine{name: "pocketsphinx", words: fallbackWords}})
	clock := withFakeClock(e)
	s := openStream(t, e)
	tk := newTalker()

	for i := range 6 {
		if r := sayOne(t, s, tk); r.Engine != "openai" {
			t.Errorf("utterance %d heard by %s; want the healthy endpoint", i, r.Engine)
		}
	}
	// Turns alternate: the failing endpoint is first for utterances 1 and
	// 3, fails without a retry since the other can hear them, and is out.
	if failing.requests() != 2 || healthy.requests() != 6 {
		t.Errorf("the failing endpoint was asked %d times, the healthy %d; want 2 and 6", failing.requests(), healthy.requests())
	}
	st := e.Endpoint()
	if ep := st.Endpoints[0]; ep.Breaker != transcribe.BreakerOpen || ep.Errors != 2 || ep.Requests != 2 || ep.Opened != 1 {
		t.Errorf("the failing endpoint: %+v; want it ejected after 2 errors", ep)
	}
	if st.Breaker != transcribe.BreakerClosed || st.Endpoints[1].Breaker != transcribe.BreakerClosed {
		t.Errorf("the pool's breaker %s, the healthy one's %s; want both closed", st.Breaker, st.Endpoints[1].Breaker)
	}

	failing.answerFromNowOn(serverAnswer{status: 200, body: body})
	clock.advance(e.cfg.BreakerCooldown)
	if r := sayOne(t, s, tk); r.Engine != "openai" || healthy.requests() != 7 {
		t.Errorf("the probing utterance: heard by %s, the healthy endpoint asked %d times; want it heard there", r.Engine, healthy.requests())
	}
	e.probes.Wait()
	if ep := e.Endpoint().Endpoints[0]; ep.Breaker != transcribe.BreakerClosed || failing.requests() != 3 {
		t.Errorf("after the probe: %+v, %d requests; want it back", ep, failing.requests())
	}
	for range 4 {
		sayOne(t, s, tk)
	}
	if failing.requests() != 5 || healthy.requests() != 9 {
		t.Errorf("after recovery the endpoints were asked %d and %d times in all; want 5 and 9, in turn", failing.requests(), healthy.requests())
	}
}

// When every endpoint fails, the fallback hears the utterance; only the
// last endpoint tried gets the retries. Once all are ejected, none is
// asked.
func TestPoolAllFailingFallsBack(t *testing.T) {
	a := newTranscriptionServer(t, serverAnswer{status: 500, body: openAIError500})
	b := newTranscriptionServer(t, serverAnswer{status: 503, body: openAIError500})
	e := testOpenAI(t, Config{BaseURLs: []string{a.URL(), b.URL()}, MaxRetries: 1, BreakerFailures: 2,
		Fallback: fixedEngine{name: "pocketsphinx", words: fallbackWords}})
	s := openStream(t, e)
	tk := newTalker()
	for i := range 4 {
		if r := sayOne(t, s, tk); r.Engine != "pocketsphinx" || transcribe.JoinWords(r.Words) != "led migration" {
			t.Errorf("utterance %d heard by %s as %q; want the fallback", i, r.Engine, r.Text())
		}
	}
	// Utterance 1: a once, then b with its retry; utterance 2 the other
	// way round; then both are out.
	if a.requests() != 3 || b.requests() != 3 {
		t.Errorf("the endpoints were asked %d and %d times; want 3 each", a.requests(), b.requests())
	}
	st := e.Endpoint()
	if st.Breaker != transcribe.BreakerOpen || st.Opened != 2 || st.Errors != 6 || st.Fallback != "pocketsphinx" {
		t.Errorf("pool %+v; want every breaker open", st)
	}
	if err := e.breakerError(); !strings.Contains(err.Error(), "each of the 2 endpoints") {
		t.Errorf("with every breaker open: %v", err)
	}
}

func TestCheckBaseURLs(t *testing.T) {
	tests := []struct {
		urls []string
		want string // in the error; "" for none
	}{
		{[]string{"http://localhost:8000/v1"}, ""},
		{[]string{"http://10.0.0.5:8000/v1", "https://10.0.0.6/v1", "http://10.0.0.5:8001/v1"}, ""},
		{[]string{"http://10.0.0.5:8000/v1", ""}, "entry 2 of 2 is empty: give base URLs separated by single commas"},
		{[]string{" ", "http://10.0.0.5:8000/v1"}, "entry 1 of 2 is empty"},
		{[]string{"http://10.0.0.5:8000/v1", "10.0.0.6:8000/v1"}, `"10.0.0.6:8000/v1" is not an http(s) URL such as http://localhost:8000/v1`},
		{[]string{"ftp://10.0.0.6/v1"}, "not an http(s) URL"},
		{[]string{"http://a.example/v1", "http://A.example:80/v1/"}, `"http://A.example:80/v1/" is given twice (entries 1 and 2): give each endpoint once`},
	}
	for _, tt := range tests {
		err := CheckBaseURLs(tt.urls)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("CheckBaseURLs(%q) = %v; want %q", tt.urls, err, tt.want)
		}
	}
}

// Metrics name an endpoint by its host:port, never by its credentials;
// two endpoints on one host:port add their paths.
func TestPoolEndpointHosts(t *testing.T) {
	p := newPool([]string{"https://user:sk-secret@api.example.com/v1?key=sk-other", "http://10.0.0.5:8000/a/v1", "http://10.0.0.5:8000/b/v1/", "http://[::1]/v1"}, 3, time.Second)
	want := []string{"api.example.com:443", "10.0.0.5:8000/a/v1", "10.0.0.5:8000/b/v1", "[::1]:80"}
	for i, ep := range p.endpoints {
		if ep.host != want[i] {
			t.Errorf("endpoint %s is named %q, want %q", ep.url, ep.host, want[i])
		}
	}
	if h := p.endpoints[0].host; strings.Contains(h, "sk-") || strings.Contains(h, "user") {
		t.Errorf("the name %q holds credentials", h)
	}
}
