package server

import (
	"encoding/json"
	"sync"
	"time"
)

// itemKind says what the reader handed to the session.
type itemKind int

const (
	itemAudio    itemKind = iota // samples
	itemControl                  // a client message
	itemGone                     // the socket failed or the client closed it
	itemShutdown                 // the server is stopping
)

type item struct {
	kind    itemKind
	samples []int16
	msg     ClientMessage
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

// put adds an item and returns the audio samples now waiting; after close
// it drops the item.
func (q *inbox) put(it item) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0
	}
	q.items = append(q.items, it)
	q.samples += len(it.samples)
	signal(q.ready)
	return q.samples
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

// outbox carries encoded messages to the socket's writer. Sending never
// blocks once the writer has quit; close hands the writer the close code.
type outbox struct {
	mu         sync.Mutex
	ch         chan []byte
	closed     bool
	code       int
	reason     string
	writerDone chan struct{}
}

func newOutbox() *outbox {
	return &outbox{ch: make(chan []byte, 256), writerDone: make(chan struct{})}
}

// send queues one message for the writer; it reports false when the
// message will not be written.
func (o *outbox) send(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return false
	}
	select {
	case o.ch <- b:
		return true
	case <-o.writerDone:
		return false
	}
}

// close makes the writer send a close frame with code after the messages
// already queued.
func (o *outbox) close(code int, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.closed = true
		o.code, o.reason = code, reason
		close(o.ch)
	}
}
