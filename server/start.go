package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// startFromAudio begins the session a client that streams audio without a
// Start gets: practice mode at the default level, a question drawn from
// the whole bank (so that the STAR timers and the report still come), and
// the query's keywords and keyterms as its vocabulary. The tape holds the
// audio from its first sample, so all of it is recorded and heard. If the
// session cannot begin, later audio is dropped as after a refused Start.
func (s *session) startFromAudio() (ending, bool) {
	s.startSeen, s.fromAudio = true, true
	return s.start(protocol.ClientMessage{Type: protocol.TypeStart, Mode: string(interviewer.ModePractice)})
}

// start picks the question, opens the engine's stream, stores the session
// and asks the question. A refused Start lets the tape drop the audio it
// held for the session.
func (s *session) start(m protocol.ClientMessage) (ending, bool) {
	defer func() {
		if s.iv == nil {
			s.c.tape.refuse()
		}
	}()
	c, err := s.bank.Choose(interviewer.Choices{QuestionID: m.QuestionID, Principle: m.Principle, Level: m.Level, Mode: m.Mode}, rand.IntN)
	if err != nil {
		s.fail(protocol.CodeBadStart, "%s", badStart(err))
		return ending{}, false
	}
	q, level, mode := c.Question, c.Level, c.Mode
	if err := protocol.CheckVocabulary(m.Vocabulary); err != nil {
		s.fail(protocol.CodeBadStart, "%v", err)
		return ending{}, false
	}
	iv, err := interviewer.NewInterview(interviewer.InterviewConfig{
		Bank: s.bank, Analyzer: s.analyzer, Question: q, Level: level, Mode: mode,
		MaxProbes: s.cfg.MaxProbes, EndSilence: s.cfg.EndSilence, WordProbes: s.cfg.Phraser != nil,
	})
	if err != nil {
		s.fail(protocol.CodeBadStart, "%v", err)
		return ending{}, false
	}
	vocabulary := m.Vocabulary // Start's own vocabulary wins over the query's
	if len(vocabulary) == 0 {
		vocabulary = s.opts.Vocabulary
	}
	story, err := s.story(m)
	if err != nil {
		s.fail(protocol.CodeBadStart, "%v", err)
		return ending{}, false
	}
	if story != nil {
		vocabulary = append(slices.Clip(vocabulary), story.Vocabulary...)
	}
	ctx, cancel := context.WithTimeout(s.c.ctx, s.cfg.StreamWait)
	stream, err := s.engine.NewStream(ctx, transcribe.StreamOptions{Vocabulary: vocabulary, Pause: s.opts.Pause, Denoise: s.opts.Denoise})
	cancel()
	if err != nil {
		s.log.Warn().Err(err).Msg("no recognizer")
		s.fail(protocol.CodeBusy, "every recognizer is busy; try again in a minute")
		return endBusy, true
	}

	id, secret := randomHex(16), randomHex(16)
	rec := store.SessionRecord{ID: id, CreatedAt: time.Now(), Mode: string(mode), Level: level, QuestionID: q.ID,
		Principle: q.Principle, Question: q.Text, Engine: s.engine.Name(), Replica: s.cfg.Replica}
	if err := s.store.CreateSession(s.c.ctx, rec, secret); err != nil {
		stream.Close()
		s.log.Error().Err(err).Msg("cannot store the session")
		s.fail(protocol.CodeInternal, "the server cannot save sessions right now")
		return endBroken, true
	}
	if story != nil {
		if _, err := s.journals.LinkAttempt(s.c.ctx, m.Journal, story.ID, id, 0); err != nil {
			// The session goes on; the answer can be linked from its page.
			s.log.Error().Err(err).Str("journal", m.Journal).Msg("cannot link the answer to its story")
		}
	}
	s.metrics.started.Inc()
	s.metrics.active.Inc()
	s.id, s.iv, s.stream, s.created = id, iv, transcribe.CheckTimes(stream), rec.CreatedAt
	s.vad = transcribe.NewVAD(transcribe.VADConfig{})
	s.meter = transcribe.NewMeter(audioWindow)
	s.c.setSessionID(id)
	s.log = *s.c.logger()
	s.openAnswer(q.Text, nil)
	s.log.Info().Str("mode", string(mode)).Str("level", level).Str("question", q.ID).Str("engine", s.engine.Name()).
		Bool("from_audio", s.fromAudio).Dur("pause", s.opts.Pause).Float64("utterance_end", s.utteranceEndGap()).
		Bool("interim", !s.opts.NoInterim).Bool("vad_events", s.opts.SpeechStarted).Int("vocabulary", len(vocabulary)).
		Msg("session started")
	s.send(protocol.BeginMessage{Type: protocol.TypeBegin, SessionID: id, Secret: secret, Mode: string(mode), Level: level,
		QuestionID: q.ID, Principle: q.Principle, Engine: s.engine.Name(), EndSilence: iv.EndSilence(),
		ResumeGrace: s.cfg.ResumeGrace.Seconds()})
	s.turns(iv.Begin(s.now()))
	return ending{}, false
}

// errStoryRefused refuses a Start's journal, secret or story.
var errStoryRefused = errors.New("no such journal and story (or not with that journal_secret): send journal, journal_secret and story_id together, as POST /api/journals and its stories gave them")

// story finds the story a Start names, nil if it names none. A journal
// that does not exist, a wrong secret and a story not in the journal are
// refused alike, without saying which.
func (s *session) story(m protocol.ClientMessage) (*journal.Story, error) {
	if m.Journal == "" && m.JournalSecret == "" && m.StoryID == "" {
		return nil, nil
	}
	if !store.ValidSessionID(m.Journal) || !store.ValidSessionID(m.StoryID) || m.JournalSecret == "" {
		return nil, errStoryRefused
	}
	_, hash, err := s.journals.Journal(s.c.ctx, m.Journal)
	if err != nil || subtle.ConstantTimeCompare([]byte(store.HashSecret(m.JournalSecret)), []byte(hash)) != 1 {
		return nil, errStoryRefused
	}
	e, err := s.journals.Story(s.c.ctx, m.Journal, m.StoryID)
	if err != nil {
		return nil, errStoryRefused
	}
	return &e.Story, nil
}

// utteranceEndGap is the silence, in seconds, after the last word that
// makes an UtteranceEnd: utterance_end_ms, or 1 s.
func (s *session) utteranceEndGap() float64 {
	if s.opts.UtteranceEnd > 0 {
		return s.opts.UtteranceEnd.Seconds()
	}
	return protocol.DefaultUtteranceEnd.Seconds()
}

// badStart words a refused Start for the client: the value it sent,
// echoed within bounds, and what to send instead.
func badStart(err error) string {
	var c *interviewer.ChoiceError
	if !errors.As(err, &c) {
		return err.Error()
	}
	use := c.Use
	if c.Choice == interviewer.ChoiceQuestion {
		use = "GET /api/questions lists them"
	}
	return fmt.Sprintf("unknown %s %s: %s", c.Choice, protocol.Quote(c.Value), use)
}
