package protocol

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

// StreamConfig says how Stream plays recorded answers to a server.
type StreamConfig struct {
	// URL is the listen endpoint, such as ws://127.0.0.1:8080/v1/listen;
	// the audio format is added to its query string when missing.
	URL string
	// Start is sent first; its Type is set by Stream.
	Start ClientMessage
	// Speed plays the audio this many times faster than real time; 0 sends
	// it as fast as the socket takes it.
	Speed float64
	// Pad is the silence sent after each answer, so that the recognizer
	// hears the speech end (default 0.5 s; negative for none).
	Pad time.Duration
	// Frame is how much audio goes in one message (default 100 ms).
	Frame time.Duration
	// KeepAlive is how often a KeepAlive goes out while Stream waits for
	// the interviewer (default 5 s).
	KeepAlive time.Duration
	// Header is sent with the upgrade request.
	Header http.Header
}

// StreamResult is what a streamed session gave back.
type StreamResult struct {
	SessionID string
	Secret    string
	Report    *interviewer.InterviewReport
	Metadata  *MetadataMessage
	// CloseCode is the code of the server's close frame (1000 after
	// CloseStream, 1001 when the server shut down), or 0 if the connection
	// ended without one.
	CloseCode int
	// Events are all the server's messages, in order.
	Events []Event
	// Sent is the audio sent, in seconds.
	Sent float64
}

// Finals are the final Results received.
func (r *StreamResult) Finals() []ResultsMessage {
	var out []ResultsMessage
	for _, e := range r.Events {
		var m ResultsMessage
		if e.Type == TypeResults && e.Decode(&m) == nil && m.IsFinal {
			out = append(out, m)
		}
	}
	return out
}

// Stream opens a session, plays answers[0] as the answer to the question
// and each following recording as the reply to the next probe, saying
// AnswerDone after each, then sends CloseStream once the interviewer has
// nothing left to ask or the recordings run out, and waits for the
// server to close. onEvent, if set, sees each server message as it comes.
func Stream(ctx context.Context, cfg StreamConfig, answers [][]int16, onEvent func(Event)) (*StreamResult, error) {
	if len(answers) == 0 {
		return nil, errors.New("stream: no recording to send")
	}
	if cfg.Frame <= 0 {
		cfg.Frame = 100 * time.Millisecond
	}
	if cfg.Pad == 0 {
		cfg.Pad = 500 * time.Millisecond
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 5 * time.Second
	}
	d := Dialer{Header: cfg.Header}
	conn, err := d.Dial(ctx, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	defer conn.Close()

	c := &streamClient{conn: conn, cfg: cfg, turns: make(chan Event, 64), done: make(chan struct{}), res: &StreamResult{}}
	go c.read(onEvent)
	err = c.run(ctx, answers)
	if err != nil {
		conn.Close()
	}
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	if errors.Is(err, ErrClosedEarly) && c.res.Report != nil {
		err = nil // a server shutting down still sent the report
	}
	return c.res, err
}

// streamClient is one Stream call: the caller's goroutine writes the
// socket, read reads it.
type streamClient struct {
	conn  *Conn
	cfg   StreamConfig
	turns chan Event    // Begin, Probe, Report, Error and Metadata, for the writer to act on
	done  chan struct{} // closed when the socket is closed

	mu  sync.Mutex
	res *StreamResult
}

func (c *streamClient) read(onEvent func(Event)) {
	defer close(c.done)
	defer close(c.turns)
	for {
		ev, err := c.conn.Next()
		if err != nil {
			if code, _, ok := Closed(err); ok {
				c.mu.Lock()
				c.res.CloseCode = code
				c.mu.Unlock()
			}
			return
		}
		c.mu.Lock()
		c.res.Events = append(c.res.Events, ev)
		switch ev.Type {
		case TypeBegin:
			var m BeginMessage
			if ev.Decode(&m) == nil {
				c.res.SessionID, c.res.Secret = m.SessionID, m.Secret
			}
		case TypeReport:
			var m ReportMessage
			if ev.Decode(&m) == nil {
				c.res.Report = m.Report
			}
		case TypeMetadata:
			var m MetadataMessage
			if ev.Decode(&m) == nil {
				c.res.Metadata = &m
			}
		}
		c.mu.Unlock()
		if onEvent != nil {
			onEvent(ev)
		}
		switch ev.Type {
		case TypeBegin, TypeProbe, TypeReport, TypeError, TypeMetadata:
			select {
			case c.turns <- ev:
			default: // nobody waits for that many; the writer only needs the latest
			}
		}
	}
}

func (c *streamClient) run(ctx context.Context, answers [][]int16) error {
	start := c.cfg.Start
	start.Type = TypeStart
	if err := c.conn.Send(start); err != nil {
		return fmt.Errorf("stream: send Start: %w", err)
	}
	for {
		ev, err := c.waitTurn(ctx)
		if err != nil {
			return err
		}
		if ev.Type == TypeBegin {
			break
		}
		if ev.Type == TypeError {
			var m ErrorMessage
			ev.Decode(&m)
			return fmt.Errorf("stream: the server refused Start: %s (%s)", m.Message, m.Code)
		}
	}
	next := 0
	for {
		if next < len(answers) {
			if err := c.play(ctx, answers[next]); err != nil {
				return err
			}
			// Naming the answer makes the server ignore AnswerDone when
			// the silence at the end of the recording already ended it.
			answer := next
			next++
			if len(c.turns) == 0 {
				if err := c.conn.Send(ClientMessage{Type: TypeAnswerDone, Answer: &answer}); err != nil {
					return fmt.Errorf("stream: send AnswerDone: %w", err)
				}
			}
		}
		ev, err := c.waitTurn(ctx)
		for err == nil && ev.Type == TypeError { // reported through onEvent; nothing to do
			ev, err = c.waitTurn(ctx)
		}
		if err != nil {
			return err
		}
		switch {
		case ev.Type == TypeProbe && next < len(answers):
			continue
		case ev.Type == TypeProbe, ev.Type == TypeReport:
			// A server that is shutting down may have closed already.
			c.conn.Send(ClientMessage{Type: TypeCloseStream})
			return c.waitClosed(ctx)
		case ev.Type == TypeMetadata:
			return c.waitClosed(ctx)
		}
	}
}

// waitTurn waits for the next message the writer acts on, keeping the
// connection alive meanwhile. It fails when the socket closes.
func (c *streamClient) waitTurn(ctx context.Context) (Event, error) {
	tick := time.NewTicker(c.cfg.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-c.turns:
			if !ok {
				return Event{}, ErrClosedEarly
			}
			return ev, nil
		case <-tick.C:
			if err := c.conn.Send(ClientMessage{Type: TypeKeepAlive}); err != nil {
				return Event{}, fmt.Errorf("stream: send KeepAlive: %w", err)
			}
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

// ErrClosedEarly is Stream's error for a server that closed the
// connection before the session was over; the result still holds what
// came, such as the report a shutting-down server sends.
var ErrClosedEarly = errors.New("stream: the server closed the connection")

func (c *streamClient) waitClosed(ctx context.Context) error {
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// play sends samples and the padding silence in frames, paced by Speed.
func (c *streamClient) play(ctx context.Context, samples []int16) error {
	per := int(c.cfg.Frame.Seconds() * transcribe.SampleRate)
	if c.cfg.Pad > 0 {
		samples = append(samples[:len(samples):len(samples)], make([]int16, int(c.cfg.Pad.Seconds()*transcribe.SampleRate))...)
	}
	began := time.Now()
	for i, k := 0, 0; i < len(samples); i, k = i+per, k+1 {
		if c.cfg.Speed > 0 {
			due := began.Add(time.Duration(float64(k) * float64(c.cfg.Frame) / c.cfg.Speed))
			if err := WaitUntil(ctx, due, c.done); err != nil {
				return err
			}
		}
		frame := samples[i:min(i+per, len(samples))]
		if err := c.conn.SendAudio(frame); err != nil {
			return fmt.Errorf("stream: send audio: %w", err)
		}
		c.mu.Lock()
		c.res.Sent += float64(len(frame)) / transcribe.SampleRate
		c.mu.Unlock()
	}
	return nil
}

// WaitUntil waits until t, as a client that plays audio in real time does
// before each frame. It returns ctx's error if ctx ends first, and
// ErrClosedEarly if gone is closed first: the client's reader closes it
// once the server has closed the connection.
func WaitUntil(ctx context.Context, t time.Time, gone <-chan struct{}) error {
	wait := time.Until(t)
	if wait <= 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-gone:
		return ErrClosedEarly
	}
}
