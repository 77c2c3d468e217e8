package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/llm"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// slowModel is an OpenAI-compatible chat endpoint whose model thinks until
// the test gives it the probe's words, or until the request is cancelled.
type slowModel struct {
	url       string
	asked     chan struct{} // a request came in
	cancelled chan struct{} // a request was cancelled by the caller
	words     chan string   // the probe the model answers with
}

func newSlowModel(t *testing.T) *slowModel {
	m := &slowModel{asked: make(chan struct{}, 4), cancelled: make(chan struct{}, 4), words: make(chan string)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Messages) != 2 {
			http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
			return
		}
		m.asked <- struct{}{}
		select {
		case <-r.Context().Done():
			m.cancelled <- struct{}{}
		case words := <-m.words:
			content, _ := json.Marshal(fmt.Sprintf(`{"probe": %q}`, words))
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"chatcmpl-9x","object":"chat.completion","created":1764160000,"model":%q,
"choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null},"logprobs":null,"finish_reason":"stop"}],
"usage":{"prompt_tokens":212,"completion_tokens":31,"total_tokens":243}}`, req.Model, content)
		}
	}))
	t.Cleanup(srv.Close)
	m.url = srv.URL
	return m
}

// wait waits for what ch says, failing with what after a generous bound.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(2 * time.Minute):
		t.Fatal(what)
	}
}

// speak sends samples as fast as it can, in frames of 100 ms.
func (c *wsClient) speak(samples []int16) {
	c.t.Helper()
	const frame = transcribe.SampleRate / 10
	for i := 0; i < len(samples); i += frame {
		b := transcribe.AppendPCM16(nil, samples[i:min(i+frame, len(samples))])
		c.binary(b)
	}
}

// listener reads a session's messages on a goroutine of its own, as a
// client must to answer the server's pings, and hands them over in order.
type listener struct {
	t        *testing.T
	messages chan []byte
	closed   error // the socket's end, once messages is closed
}

func listen(c *wsClient) *listener {
	l := &listener{t: c.t, messages: make(chan []byte, 1024)}
	c.conn.SetReadDeadline(time.Time{})
	go func() {
		defer close(l.messages)
		for {
			e, err := c.conn.Next()
			if err != nil {
				l.closed = err
				return
			}
			l.messages <- e.Raw
		}
	}()
	return l
}

// message holds the fields of the messages the test looks into.
type message struct {
	protocol.ResultsMessage
	Final bool   `json:"final"` // of a Star
	Text  string `json:"text"`  // of a Probe
}

// next returns the next message of one of types, stepping over the others
// but failing on a probe or a report it does not ask for.
func (l *listener) next(types ...string) message {
	l.t.Helper()
	timeout := time.After(2 * time.Minute) // the engine may run slow on a busy machine
	for {
		select {
		case data, ok := <-l.messages:
			if !ok {
				l.t.Fatalf("the socket ended (%v) while waiting for %v", l.closed, types)
			}
			var m message
			json.Unmarshal(data, &m)
			switch {
			case slices.Contains(types, m.Type):
				return m
			case m.Type == protocol.TypeProbe || m.Type == protocol.TypeReport:
				l.t.Fatalf("got %.300s while waiting for %v", data, types)
			}
		case <-timeout:
			l.t.Fatalf("no %v", types)
		}
	}
}

// heardAfter waits for a final result with a word spoken after the stream
// clock's from.
func (l *listener) heardAfter(from float64) {
	l.t.Helper()
	for {
		r := l.next(protocol.TypeResults)
		if !r.IsFinal {
			continue
		}
		for _, w := range r.Channel.Alternatives[0].Words {
			if w.Start >= from {
				return
			}
		}
	}
}

// TestSlowModelNeverBlocksAudio: while a model words the probe, the
// session goes on hearing the person and sending results; the probe is
// asked in the model's words once they come; and a client that leaves
// cancels the model's request with its session.
func TestSlowModelNeverBlocksAudio(t *testing.T) {
	model := newSlowModel(t)
	// The model's own deadline is out of reach: only the session ends a request.
	phraser, err := llm.New(llm.Config{BaseURL: model.url + "/v1", APIKey: "test-key", Model: "gpt-4o-mini", Timeout: time.Hour, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, Config{MaxProbes: 1, Phraser: phraser})
	answer := speech(t, mainAnswer[:4]...)
	meanwhile := speech(t, probeReply...)

	// interview answers the question, then speaks while the model thinks
	// and waits to hear it.
	interview := func(t *testing.T) (*wsClient, *listener) {
		c := dialWS(t, ts.listenURL()+"?"+protocol.ListenQuery().Encode(), nil, nil)
		c.start(protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact"})
		l := listen(c)
		c.speak(answer)
		c.send(protocol.ClientMessage{Type: protocol.TypeAnswerDone})
		for !l.next(protocol.TypeStar).Final { // the whole answer's parts come as it ends
		}
		wait(t, model.asked, "the model was never asked for the probe's words")
		c.speak(meanwhile)
		l.heardAfter(float64(len(answer)) / transcribe.SampleRate)
		return c, l
	}

	t.Run("the probe comes in the model's words", func(t *testing.T) {
		c, l := interview(t)
		words := "You said the errors dropped by forty percent: how did you measure that?"
		model.words <- words
		if p := l.next(protocol.TypeProbe); p.Text != words {
			t.Errorf("probe %q; want the model's %q", p.Text, words)
		}
		c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
		l.next(protocol.TypeReport)
		c.conn.Close()
	})

	t.Run("a client that leaves cancels the request", func(t *testing.T) {
		c, _ := interview(t)
		c.conn.Close()
		wait(t, model.cancelled, "the model is still asked for the probe of a session whose client left")
	})
}
