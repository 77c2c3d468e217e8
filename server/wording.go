package server

import (
	"context"

	"github.com/mockinterview/mockinterview/interviewer"
)

// word asks the phraser for the words of the probe the interview chose,
// on a goroutine of its own, so that the session goes on taking audio and
// sending results while the model thinks. The words come back through the
// inbox, after the audio that came meanwhile, and the probe is asked then.
// The request belongs to the session: it is cancelled when the session
// ends, as when the client leaves; the phraser's own deadline bounds it
// otherwise.
func (s *session) word(t interviewer.Turn) {
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.stopWording = cancel
	phraser, q, transcript, p, in := s.cfg.Phraser, s.iv.Question(), t.Transcript, *t.Probe, s.c.in
	go func() {
		defer cancel()
		in.put(item{kind: itemWording, words: phraser.Phrase(ctx, q, transcript, p)})
	}()
}

// worded asks the chosen probe in the words that came back.
func (s *session) worded(words string) {
	if s.stopWording != nil {
		s.stopWording()
		s.stopWording = nil
	}
	s.turns(s.iv.Ask(s.now(), words))
}
