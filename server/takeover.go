package server

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// A Resume for a session no process here holds takes the session over
// from the store when the process that held it is gone: a replica that
// died (or stopped saying it is alive), or this process before it
// started again. The session is marked interrupted (if nobody did yet),
// claimed, and built again from what was stored: the interview from the
// words heard, the recording read back and written on, the words since
// the last final result heard again from the recording. It then goes on
// over the new connection where the stored audio ends; the client sends
// the rest again from there, so a crash loses no audio the client kept.

// Replicas sharing a database say they are alive every ReplicaEvery (see
// store.Replicas); one silent for ReplicaStale is taken for dead, and
// the live sessions it held for orphans.
const (
	ReplicaEvery = 5 * time.Second
	ReplicaStale = 3 * ReplicaEvery
)

// errHeldElsewhere refuses a session a living replica holds.
var errHeldElsewhere = errors.New("the session is held by another replica, which is alive: reconnect through the same address to reach it")

// takeOver claims session id and builds it here, on this connection. It
// returns why it cannot, for the client. A live session is taken only
// from a replica that has gone silent, or with gone, one whose address
// refuses connections.
func (s *session) takeOver(id string, gone bool) error {
	replicas := s.replicas
	if replicas == nil {
		return errors.New("this server keeps no list of replicas")
	}
	ctx := s.c.ctx
	d, err := s.store.Session(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case d.State == store.StateDone:
		return errors.New("the session has ended (its report is saved: GET /api/sessions/{id})")
	case time.Since(d.CreatedAt) > s.cfg.MaxSessionLength:
		return fmt.Errorf("the session began more than %s ago", s.cfg.MaxSessionLength)
	case d.State == store.StateLive:
		orphans, err := replicas.Orphaned(ctx, s.cfg.Replica, time.Now().Add(-ReplicaStale), false)
		if err != nil {
			return err
		}
		if !gone && !slices.Contains(orphans, id) {
			return errHeldElsewhere
		}
		if err := s.recover(ctx, id); err != nil {
			return err
		}
	}
	claimed, err := replicas.Claim(ctx, s.cfg.Replica, id)
	if err != nil {
		return err
	}
	if !claimed {
		return errors.New("another replica took the session over first")
	}
	if d, err = s.store.Session(ctx, id); err == nil {
		err = s.restore(d)
	}
	if err != nil {
		// Leave it as it was found, for another try or a retranscription.
		if back := s.recover(ctx, id); back != nil {
			s.log.Error().Err(back).Str("session", id).Msg("cannot mark the session interrupted again")
		}
		return err
	}
	return nil
}

// recover marks a session interrupted and makes its recording whole.
func (s *session) recover(ctx context.Context, id string) error {
	interrupted, ok := s.store.(store.Interrupted)
	repairable, ok2 := s.recs.(store.Repairable)
	if !ok || !ok2 {
		return errors.New("this server's store cannot recover sessions")
	}
	return store.RecoverInterrupted(ctx, interrupted, repairable, id)
}

// restore builds the session's state from the store and makes it this
// session's: the interview, a new engine stream, the recording and the
// counters, then says Resumed and hears again the words that had no
// final result yet.
func (s *session) restore(d *store.SessionDetail) error {
	ctx := s.c.ctx
	if len(d.Answers) == 0 {
		return errors.New("the session had not begun recording")
	}
	last := d.Answers[len(d.Answers)-1]
	if last.AudioFile != sessionRecording {
		return errors.New("the session was recorded by an older release")
	}
	samples, err := s.recs.Read(ctx, d.ID, sessionRecording, 0, math.MaxInt64)
	if errors.Is(err, store.ErrNotFound) {
		samples, err = nil, nil
	}
	if err != nil {
		return err
	}
	heard := make([][]transcribe.Word, len(d.Answers))
	for _, w := range d.Words {
		if i := slices.IndexFunc(d.Answers, func(a store.AnswerRecord) bool { return a.N == w.Answer }); i >= 0 {
			heard[i] = append(heard[i], transcribe.Word{Text: w.Text, Start: w.Start, End: w.End, Confidence: w.Confidence,
				Punctuated: w.Punctuated, LowConfidence: w.LowConfidence})
		}
	}
	iv, err := interviewer.Restore(interviewer.InterviewConfig{Bank: s.bank, Analyzer: s.analyzer, MaxProbes: s.cfg.MaxProbes,
		EndSilence: s.cfg.EndSilence, WordProbes: s.cfg.Phraser != nil}, recorded(d, heard, make([]*interviewer.AudioLevels, len(d.Answers))))
	if err != nil {
		return err
	}
	// The words after the last final result are heard again: the engine's
	// stream begins there, on the session's clock.
	tail := last.FirstSample
	if n := len(d.Words); n > 0 {
		tail = max(tail, int64(d.Words[n-1].End*transcribe.SampleRate))
	}
	tail = min(tail, int64(len(samples)))
	wait, cancel := context.WithTimeout(ctx, s.cfg.StreamWait)
	stream, err := s.engine.NewStream(wait, transcribe.StreamOptions{Pause: s.opts.Pause, Denoise: s.opts.Denoise})
	cancel()
	if err != nil {
		return fmt.Errorf("no recognizer is free: %w", err)
	}
	rec, err := s.recs.Create(ctx, d.ID, sessionRecording)
	if err == nil {
		err = rec.Write(samples) // written again, then on
	}
	if err != nil {
		stream.Close()
		return err
	}
	s.c.tape.begin(rec)
	s.adoptStored(d, iv, shifted{transcribe.CheckTimes(stream), float64(tail) / transcribe.SampleRate}, samples)
	s.send(protocol.ResumedMessage{Type: protocol.TypeResumed, SessionID: s.id, Received: round3(s.now()), Answer: s.answer, Asked: s.asked})
	results, err := s.stream.Accept(ctx, samples[tail:])
	for _, r := range results {
		s.result(r, false)
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("transcription of the stored audio failed")
	}
	return nil
}

// adoptStored sets the session's state to the stored session's.
func (s *session) adoptStored(d *store.SessionDetail, iv *interviewer.Interview, stream transcribe.Stream, samples []int16) {
	last := d.Answers[len(d.Answers)-1]
	s.id, s.iv, s.stream, s.created = d.ID, iv, stream, d.CreatedAt
	s.received = int64(len(samples))
	s.answer, s.answerOpen, s.answerFrom = last.N, true, last.FirstSample
	s.asked = protocol.Asked{Kind: "question", ID: d.QuestionID, Text: last.Asked}
	if last.N > 0 {
		s.asked = protocol.Asked{Kind: "probe", ID: last.ProbeID, Text: last.Asked}
	}
	s.nextWord, s.nextUtterance, s.utterances = len(d.Words), len(d.Utterances), d.Utterances
	for i, w := range d.Words {
		if w.Answer == 0 {
			s.mainWords = append(s.mainWords, i)
		}
		s.lastWordEnd = w.End
	}
	s.sentFinalStar = len(d.Answers) > 1
	s.vad = transcribe.NewVAD(transcribe.VADConfig{})
	s.vad.Write(samples)
	s.meter = transcribe.NewMeter(audioWindow)
	s.meter.Write(samples[min(last.FirstSample, int64(len(samples))):])
	// The time the connection was down is no silence of the speaker's.
	s.lastSpeech, s.lastStar, s.audioChecked = s.now(), s.now(), s.now()
	s.audioSum = sha256.New()
	s.audioSum.Write(transcribe.AppendPCM16(nil, samples))
	s.metrics.active.Inc()
	s.metrics.resumed.Inc()
	s.c.setSessionID(s.id)
	s.log = *s.c.logger()
	s.log.Info().Float64("at", s.now()).Int("answer", s.answer).Int("words", s.nextWord).Msg("resumed from the stored session")
}

// shifted is an engine stream begun later than the session's: its times
// are moved onto the session's clock.
type shifted struct {
	transcribe.Stream
	by float64
}

func (s shifted) Accept(ctx context.Context, samples []int16) ([]transcribe.Result, error) {
	results, err := s.Stream.Accept(ctx, samples)
	return s.shift(results), err
}

func (s shifted) Flush(ctx context.Context) ([]transcribe.Result, error) {
	results, err := s.Stream.Flush(ctx)
	return s.shift(results), err
}

func (s shifted) shift(results []transcribe.Result) []transcribe.Result {
	if s.by == 0 {
		return results
	}
	for i := range results {
		r := &results[i]
		r.Start, r.End = r.Start+s.by, r.End+s.by
		r.Words = transcribe.ShiftWords(r.Words, s.by)
	}
	return results
}
