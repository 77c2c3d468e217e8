package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// A Resume can reach a replica other than the one holding its session: a
// load balancer that spreads connections does not know which replica a
// dropped client's session is on. When that replica is alive, this one
// carries the connection to it (a relay): it opens a WebSocket to the
// holder's advertised address, sends the Resume there, and passes every
// message on, both ways, until either side ends. The session itself
// stays where it is.

// errHolderGone is a holder whose address refuses connections.
var errHolderGone = errors.New("the replica holding the session is gone")

// errHolderUnreachable is a holder that does not answer (a lost machine
// answers nothing): once its heartbeat is old, a Resume takes the session
// over, so the client tries again.
var errHolderUnreachable = errors.New("cannot be reached yet")

// relayWait bounds how long the holder may take to answer the Resume: it
// may first be hearing a backlog of audio.
const relayWait = 30 * time.Second

// relayKeepAlive is how often the relay tells the holder the client is
// still there while no audio flows (the reader keeps KeepAlive to itself).
const relayKeepAlive = 5 * time.Second

// relay carries this connection to the replica h, which holds the
// session m resumes. It returns an error, for the client, when the holder
// does not take the Resume; otherwise it runs until the connection ends
// and lets it go.
func (s *session) relay(h store.Holder, m protocol.ClientMessage) error {
	u, err := url.Parse(h.Address)
	if err != nil || u.Host == "" {
		return fmt.Errorf("the replica holding the session gave no address it can be reached at (serve --advertise)")
	}
	target := url.URL{Scheme: "ws", Host: u.Host, Path: "/v1/listen", RawQuery: s.c.query}
	dialer := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(s.c.ctx, 10*time.Second)
	up, _, err := dialer.DialContext(ctx, target.String(), nil)
	cancel()
	if errors.Is(err, syscall.ECONNREFUSED) {
		// Nothing listens where it said it would: it is gone, though its
		// last heartbeat is not old yet.
		return fmt.Errorf("%w: %w", errHolderGone, err)
	}
	if err != nil {
		s.log.Warn().Err(err).Str("holder", h.Replica).Msg("relay: the replica holding the session does not answer")
		return errHolderUnreachable
	}
	up.SetReadDeadline(time.Now().Add(relayWait))
	first, err := resumeThere(up, m)
	if err != nil {
		up.Close()
		return err
	}
	up.SetReadDeadline(time.Time{})
	s.c.tape.stop(0) // the holder records the audio
	// The connection is not this session's place: a later Resume here
	// is carried to the holder again, which takes it from this one.
	s.log = s.c.logger().With().Str("session", m.SessionID).Logger()
	s.metrics.relayed.Inc()
	s.log.Info().Str("holder", h.Replica).Msg("relaying a resumed session to its replica")
	s.c.out.send(json.RawMessage(first))
	closed := make(chan *websocket.CloseError, 1)
	go s.relayDown(up, closed)
	s.relayUp(up, closed)
	s.handedOver = true
	return nil
}

// resumeThere sends the Resume to the holder and returns its answer,
// which must be Resumed.
func resumeThere(up *websocket.Conn, m protocol.ClientMessage) ([]byte, error) {
	if err := up.WriteJSON(m); err != nil {
		return nil, err
	}
	_, first, err := up.ReadMessage()
	if err != nil {
		return nil, fmt.Errorf("the replica holding the session did not answer: %w", err)
	}
	var answer protocol.ErrorMessage
	json.Unmarshal(first, &answer)
	switch answer.Type {
	case protocol.TypeResumed:
		return first, nil
	case protocol.TypeError:
		return nil, errors.New(strings.TrimPrefix(answer.Message, "cannot resume: "))
	}
	return nil, fmt.Errorf("the replica holding the session answered %s", answer.Type)
}

// relayDown passes the holder's messages to the client until the holder
// closes, then says how.
func (s *session) relayDown(up *websocket.Conn, closed chan<- *websocket.CloseError) {
	for {
		_, msg, err := up.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code == websocket.CloseAbnormalClosure {
				ce = nil
			}
			closed <- ce
			s.c.in.put(item{kind: itemEnd})
			return
		}
		s.c.out.send(json.RawMessage(msg))
	}
}

// relayUp passes the client's audio and commands to the holder until one
// side ends. A client that drops drops the relay too, so that the holder
// waits for its next Resume; a holder that drops is dropped to the
// client, which then resumes and finds the session's new place.
func (s *session) relayUp(up *websocket.Conn, closed <-chan *websocket.CloseError) {
	defer s.c.release()
	last := time.Now()
	var pcm []byte
	for {
		it, _, ok := s.c.in.take(relayKeepAlive)
		var err error
		switch {
		case !ok:
			if time.Since(last) >= relayKeepAlive {
				err = up.WriteJSON(protocol.ClientMessage{Type: protocol.TypeKeepAlive})
			}
		case it.kind == itemAudio:
			pcm = transcribe.AppendPCM16(pcm[:0], it.samples)
			err = up.WriteMessage(websocket.BinaryMessage, pcm)
		case it.kind == itemControl:
			err = up.WriteJSON(it.msg)
		case it.kind == itemResume:
			refuseResume(it)
		case it.kind == itemGone && it.dropped, it.kind == itemShutdown:
			up.Close()
			s.c.in.close()
			s.c.out.close(websocket.CloseGoingAway, "server shutting down")
			return
		case it.kind == itemGone:
			up.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			up.Close()
			s.c.in.close()
			s.c.out.close(websocket.CloseNormalClosure, "client gone")
			return
		case it.kind == itemEnd && it.end.code != 0: // the client broke a limit
			up.Close()
			s.c.in.close()
			s.c.out.close(it.end.code, it.end.reason)
			return
		case it.kind == itemEnd:
			up.Close()
			s.c.in.close()
			if ce := <-closed; ce != nil {
				s.c.out.close(ce.Code, ce.Text)
			} else {
				s.c.kill() // dropped, as the holder did: the client resumes
				s.c.out.close(websocket.CloseAbnormalClosure, "")
			}
			return
		}
		if err != nil {
			up.Close() // the holder's reader ends, and with it this loop
			continue
		}
		if ok {
			last = time.Now()
		}
	}
}
