package server

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
)

// itemKind says what the reader handed to the session.
type itemKind int

const (
	itemAudio    itemKind = iota // samples
	itemControl                  // a client message
	itemGone                     // the socket failed or the client closed it
	itemShutdown                 // the server is stopping
	itemEnd                      // the connection broke a limit; end as it says
	itemWording                  // the words of the probe the interview chose
	itemResume                   // a new connection came with Resume for this session
)

type item struct {
	kind    itemKind
	samples []int16
	at      time.Time // when the reader took the audio off the socket
	msg     protocol.ClientMessage
	end     ending
	words   string // of the probe, for itemWording
	// dropped, on itemGone: the socket failed without a close frame, and
	// the session may wait for a Resume.
	dropped bool
	// to and reply, on itemResume: the connection to go on over, and
	// where to say whether the session took it.
	to    *connection
	reply chan bool
}

// inbox carries audio and commands from the socket's reader to the
// session's goroutine, in the order they came. It grows while the engine
// catches up, so no audio is dropped; past a limit the reader waits for
// room, which leaves frames in the socket and slows the client through TCP.
type inbox struct {
	mu      sync.Mutex
	items   []item
	samples int // audio samples waiting
	closed  bool
	ready   chan struct{} // a token when something was added
	room    chan struct{} // a token when something was taken
	done    chan struct{} // closed by close
}

func newInbox() *inbox {
	return &inbox{ready: make(chan struct{}, 1), room: make(chan struct{}, 1), done: make(chan struct{})}
}

// put adds an item and returns the audio samples now waiting. After close
// it drops the item and reports false.
func (q *inbox) put(it item) (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, false
	}
	q.items = append(q.items, it)
	q.samples += len(it.samples)
	signal(q.ready)
	return q.samples, true
}

// waitForRoom blocks while more than limit samples wait. It reports false
// once the inbox is closed.
func (q *inbox) waitForRoom(limit int) bool {
	for {
		q.mu.Lock()
		closed, full := q.closed, q.samples > limit
		q.mu.Unlock()
		switch {
		case closed:
			return false
		case !full:
			return true
		}
		select {
		case <-q.room:
		case <-q.done:
		}
	}
}

// take returns the oldest item, waiting at most wait for one. It also
// returns the audio samples still waiting after it.
func (q *inbox) take(wait time.Duration) (item, int, bool) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items[0] = item{}
			q.items = q.items[1:]
			q.samples -= len(it.samples)
			left := q.samples
			q.mu.Unlock()
			signal(q.room)
			return it, left, true
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-timer.C:
			return item{}, 0, false
		}
	}
}

// closeAndTake closes the inbox and returns what was still waiting.
func (q *inbox) closeAndTake() []item {
	q.mu.Lock()
	left := q.items
	q.items = nil
	q.mu.Unlock()
	q.close()
	return left
}

// close drops what waits and refuses what comes.
func (q *inbox) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		q.items = nil
		close(q.done)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// outboxLimit is how many bytes of messages may wait for a client that
// reads slowly: a burst of results after the engine caught up is a few
// hundred kilobytes at most; a client that lets more pile up has stopped
// reading.
const outboxLimit = 1 << 20

// outbox carries encoded messages to the socket's writer. Sending never
// blocks: when a client stops reading and outboxLimit bytes wait, the
// outbox closes with 1008 and calls overflow, so that neither the session
// nor the reader waits on that client. close hands the writer the close
// code, to send after the messages already queued. An idle connection's
// outbox holds nothing.
type outbox struct {
	mu         sync.Mutex
	queue      [][]byte
	bytes      int
	closed     bool
	code       int
	reason     string
	ready      chan struct{} // a token when a message or the close was queued
	writerDone chan struct{}
	overflow   func() // called once, without the lock, when the queue fills
}

func newOutbox(overflow func()) *outbox {
	return &outbox{ready: make(chan struct{}, 1), writerDone: make(chan struct{}), overflow: overflow}
}

// send queues one message for the writer; it reports false when the
// message will not be written.
func (o *outbox) send(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	o.mu.Lock()
	select {
	case <-o.writerDone: // the socket failed; the reader will notice
		o.closed = true
	default:
	}
	switch {
	case o.closed:
		o.mu.Unlock()
		return false
	case o.bytes+len(b) <= outboxLimit:
		o.queue = append(o.queue, b)
		o.bytes += len(b)
		signal(o.ready)
		o.mu.Unlock()
		return true
	}
	o.closed, o.code, o.reason = true, endSlow.code, endSlow.reason
	signal(o.ready)
	o.mu.Unlock()
	if o.overflow != nil {
		o.overflow()
	}
	return false
}

// take returns the oldest message. When none waits it reports whether the
// outbox is closed, and with what.
func (o *outbox) take() (msg []byte, closed bool, code int, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.queue) == 0 {
		o.queue = nil // let a burst's backing array go
		return nil, o.closed, o.code, o.reason
	}
	msg = o.queue[0]
	o.queue[0] = nil
	o.queue = o.queue[1:]
	o.bytes -= len(msg)
	return msg, false, 0, ""
}

// close makes the writer send a close frame with code after the messages
// already queued.
func (o *outbox) close(code int, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.closed = true
		o.code, o.reason = code, reason
		signal(o.ready)
	}
}
