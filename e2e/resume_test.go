package e2e

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mockinterview/mockinterview/server"
)

// cutProxy forwards TCP connections to a server and can cut every one at
// once, without a close frame: a network that drops.
type cutProxy struct {
	URL   string
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	until time.Time // connections are refused until then: the network is down
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{URL: "http://" + ln.Addr().String(), ln: ln}
	to := strings.TrimPrefix(target, "http://")
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := time.Now().Before(p.until)
			p.mu.Unlock()
			if down {
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", to)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.cut(0)
	})
	return p
}

// cut closes every connection the proxy carries, and refuses new ones for
// down.
func (p *cutProxy) cut(down time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.until = time.Now().Add(down)
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestReconnect drops the page's connection in the middle of an answer:
// the page says so, reconnects by itself with Resume, sends again what the
// server missed, and the answer goes on to its report as one.
func TestReconnect(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 30, ResumeGrace: 30 * time.Second})
	proxy := startCutProxy(t, svc.URL)
	wav := speechWAV(t, 1, 8, answerSentences)
	ctx := startBrowser(t, fakeMicrophone(t, wav)...)
	installFakeSpeech(t, ctx, 1)

	do(t, ctx, "open the start page",
		chromedp.Navigate(proxy.URL+"/?processing=0&check=0#/"),
		chromedp.WaitVisible(chromedp.CSS("#start-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	do(t, ctx, "start", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the session to begin", `document.querySelector('.turn.you[data-answer="0"] .final')`, 15*time.Second)
	waitFor(t, ctx, "the first words", `document.querySelector('.turn.you[data-answer="0"] .final').textContent.split(' ').length > 8`, 60*time.Second)
	before := eval[string](t, ctx, `document.querySelector('.turn.you[data-answer="0"] .final').textContent`)

	proxy.cut(3 * time.Second)
	waitFor(t, ctx, "the page to say it reconnects", `document.querySelector('#live-status').dataset.state === 'reconnecting'`, 5*time.Second)
	if got := text(t, ctx, "#live-status-text"); got != "Connection lost · reconnecting…" {
		t.Errorf("while the network is down the status reads %q", got)
	}
	if !eval[bool](t, ctx, `!document.querySelector('#live-warning').hidden && document.querySelector('#live-warning').textContent.includes('Keep talking')`) {
		t.Error("while the network is down no warning tells the person to keep talking")
	}
	screenshotViewport(t, ctx, "reconnecting")
	waitFor(t, ctx, "the page to reconnect", `document.querySelector('#view-live').dataset.reconnects === '1'`, 10*time.Second)
	waitFor(t, ctx, "the page to be back", `document.querySelector('#live-status').dataset.state === 'listening'`, 30*time.Second)
	if got := metric(t, svc.URL, "mockinterview_sessions_resumed_total"); got != "1" {
		t.Fatalf("mockinterview_sessions_resumed_total %q after the page came back, want 1", got)
	}
	waitFor(t, ctx, "more words after the drop",
		`document.querySelector('.turn.you[data-answer="0"] .final').textContent.length > `+strconv.Itoa(len(before)+40), 60*time.Second)

	do(t, ctx, "end", chromedp.Click(chromedp.CSS("#btn-end")))
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#view-report .report')`, 30*time.Second)
	id := eval[string](t, ctx, `document.querySelector('#view-live').dataset.sessionId`)
	s, err := svc.data.Sessions.Session(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, w := range s.Words {
		words = append(words, w.Text)
	}
	heard := strings.Join(words, " ")
	if !strings.Contains(heard, "checkout") || len(words) < len(strings.Fields(before))+5 {
		t.Errorf("the session's words are not those said before and after the drop:\nbefore: %s\nstored: %s", before, heard)
	}
	if s.State != "done" || len(s.Answers) == 0 || s.Answers[0].FirstSample != 0 {
		t.Errorf("the session is %s with answers %+v; want it done, its answer from the stream's start", s.State, s.Answers)
	}
}

// metric reads one unlabelled metric's value from /metrics.
func metric(t *testing.T, base, name string) string {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}
