package server

import (
	"crypto/subtle"
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
)

// A session outlives a connection that drops: when the socket fails
// without a close frame (a lost Wi-Fi, a laptop lid, a proxy restarting),
// the session keeps its interview, its engine stream and its recording
// for Config.ResumeGrace, and a new connection whose first message is
// Resume with the session's id and secret takes it over. The session
// goes on where its audio stopped, on the same stream clock: Resumed
// tells the client from which sample to send its audio again.
//
// The handover happens on the session's goroutine, between two items of
// its inbox: the new connection's session (which only ever held the
// Resume) puts the connection into the old connection's inbox and waits
// for the answer. The old connection's socket is closed first, so that
// its reader ends and everything it had received is heard before the new
// connection's audio.

// resume takes a Resume, the first message of a connection. When it names
// a session held here with the right secret, the session takes the
// connection over and this one ends without ending anything else.
func (s *session) resume(m protocol.ClientMessage) (ending, bool) {
	if !store.ValidSessionID(m.SessionID) || m.Secret == "" {
		return s.cannotResume("send the session_id and secret its Begin gave")
	}
	hash, err := s.store.SecretHash(s.c.ctx, m.SessionID)
	if err != nil || subtle.ConstantTimeCompare([]byte(store.HashSecret(m.Secret)), []byte(hash)) != 1 {
		return s.cannotResume("no session with that session_id and secret is held for a Resume")
	}
	reply := s.sessions.handOver(m.SessionID, s.c)
	if reply == nil {
		// No process here holds it: take it over from the store, if the
		// process that held it is gone.
		err := s.takeOver(m.SessionID, false)
		if errors.Is(err, errHeldElsewhere) {
			err = s.relayToHolder(m)
			if err == nil {
				return ending{}, true // the relay ran; handedOver
			}
			if errors.Is(err, errHolderGone) {
				err = s.takeOver(m.SessionID, true)
			}
		}
		if errors.Is(err, errHolderUnreachable) {
			s.c.tape.refuse()
			s.fail(protocol.CodeResumeLater, "the server holding the session %v; send Resume again in a few seconds", err)
			return ending{}, false
		}
		if err != nil {
			s.log.Info().Err(err).Str("session", m.SessionID).Msg("resume refused")
			return s.cannotResume(err.Error())
		}
		return ending{}, false
	}
	// The session always answers, once it comes to the item: it takes
	// the connection, or it ended and refuses it. Giving up earlier would
	// leave two sessions on this connection if it took it late.
	if <-reply {
		s.handedOver = true
		return ending{}, true
	}
	return s.cannotResume("the session ended before it could take this connection (its report is saved: GET /api/sessions/{id})")
}

// relayToHolder carries the connection to the living replica that holds
// the session m resumes.
func (s *session) relayToHolder(m protocol.ClientMessage) error {
	h, err := s.replicas.Holder(s.c.ctx, m.SessionID, time.Now().Add(-ReplicaStale))
	switch {
	case err != nil:
		return err
	case !h.Alive || h.Replica == s.cfg.Replica || h.Address == "":
		return errHeldElsewhere
	}
	return s.relay(h, m)
}

// cannotResume refuses a Resume; the connection stays open for a Start.
func (s *session) cannotResume(why string) (ending, bool) {
	s.c.tape.refuse()
	s.fail(protocol.CodeCannotResume, "cannot resume: %s; send Start to begin a new session", why)
	return ending{}, false
}

// holdable says whether the session waits for a Resume when its
// connection drops.
func (s *session) holdable() bool {
	return s.iv != nil && !s.reported && s.cfg.ResumeGrace > 0
}

// waitForResume holds the session after its connection dropped, until a
// Resume brings a new connection (ok) or the grace period passes. Other
// items still come: a shutdown or a probe's wording. It returns how to
// end when no Resume came.
func (s *session) waitForResume() (next item, e ending, ok bool) {
	s.log.Info().Float64("at", s.now()).Dur("grace", s.cfg.ResumeGrace).Msg("connection dropped; held for a Resume")
	deadline := time.Now().Add(s.cfg.ResumeGrace)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return item{}, endGone, false
		}
		it, _, got := s.c.in.take(left)
		if !got {
			continue
		}
		switch it.kind {
		case itemResume:
			return it, ending{}, true
		case itemShutdown:
			return item{}, endShutdown, false
		case itemEnd:
			return item{}, it.end, false
		case itemWording:
			s.worded(it.words)
		}
	}
}

// adopt moves the session onto the connection a Resume came on: the
// recording goes on from the new connection's tape, the old connection is
// let go, and the client hears where the stream clock stands.
func (s *session) adopt(it item) {
	old, to := s.c, it.to
	to.tape.adopt(old.tape)
	for _, left := range old.in.closeAndTake() {
		refuseResume(left)
	}
	old.sessionEnded()
	old.out.close(websocket.CloseGoingAway, "the session went on over another connection")
	old.release()
	s.c = to
	to.setSessionID(s.id)
	s.log = *to.logger()
	it.reply <- true
	s.metrics.resumed.Inc()
	s.log.Info().Str("from_conn", old.id).Float64("at", s.now()).Int("answer", s.answer).Msg("resumed")
	s.send(protocol.ResumedMessage{Type: protocol.TypeResumed, SessionID: s.id, Received: round3(s.now()), Answer: s.answer, Asked: s.asked})
	if s.stopWording != nil {
		// The wording was to come back on the old connection's inbox.
		s.worded("")
	}
}

// refuseResume answers a Resume the session will not take.
func refuseResume(it item) {
	if it.kind == itemResume {
		it.reply <- false
	}
}

// handOver gives the connection to to the session id runs here, through
// its connection's inbox, and cuts that connection's socket if it is still
// open. It returns where the session answers, or nil when no session id
// runs here.
func (s *Sessions) handOver(id string, to *connection) chan bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.live {
		if c == to || c.liveSession() != id {
			continue
		}
		reply := make(chan bool, 1)
		if _, ok := c.in.put(item{kind: itemResume, to: to, reply: reply}); !ok {
			return nil
		}
		c.ws.Close()
		return reply
	}
	return nil
}

// adopt takes over another connection's recording, whose reader has
// ended: the audio this tape held since the Resume follows what that one
// wrote.
func (t *tape) adopt(from *tape) {
	from.mu.Lock()
	rec, state := from.rec, from.state
	from.state, from.rec, from.held = tapeStopped, nil, nil
	from.mu.Unlock()

	t.mu.Lock()
	defer t.mu.Unlock()
	if state != tapeRecording {
		rec = nil
	}
	t.state, t.rec = tapeRecording, rec
	for _, samples := range t.held {
		t.record(samples)
	}
	t.held = nil
}
