package server

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// session is one interview over one connection. Its run loop owns
// everything here: the interview, the engine's stream, the recording.
type session struct {
	c        *connection
	sessions *Sessions
	cfg      Config
	store    store.Sessions
	recs     store.Recordings
	journals store.Journals
	replicas store.Replicas // nil: no takeover of another replica's sessions
	engine   transcribe.Engine
	bank     *interviewer.Bank
	analyzer *interviewer.Analyzer
	log      zerolog.Logger
	created  time.Time
	metrics  *metrics
	// opts are the connection's query parameters (Deepgram's).
	opts protocol.ListenOptions
	// handedOver: this connection's Resume gave it to another session,
	// which now runs it; this one ends without a word.
	handedOver bool
	// resuming is a Resume's connection that came while the socket this
	// session runs on was still open: the session takes it once the old
	// socket's last audio has been heard.
	resuming *item

	// startSeen: a Start came, or audio began a session; audio with no
	// session after it is dropped.
	startSeen bool
	// fromAudio: the session began with audio, without a Start.
	fromAudio bool
	// audioSum hashes the audio heard, for Metadata's sha256.
	audioSum hash.Hash
	// spokeAt is the start of the last speech announced with
	// SpeechStarted; announced says there was one.
	spokeAt   float64
	announced bool

	// Set by Start.
	id     string
	iv     *interviewer.Interview
	stream transcribe.Stream
	// vad hears speech before the engine's words arrive, so that a long
	// sentence the engine has not finished is not taken for silence.
	vad *transcribe.VAD
	// meter measures the audio: its total since the current answer was
	// asked, for the answer's report, and its last seconds, for the live
	// Warnings. audioChecked is when the last seconds were last judged;
	// warned is the problem the last audio Warning told of, at warnedAt
	// ("" once the audio sounded good again).
	meter        *transcribe.Meter
	audioChecked float64
	warned       interviewer.AudioProblem
	warnedAt     float64
	// lastSpeech is the latest time anything said the speaker was talking:
	// the VAD, or a word of a partial or final result.
	lastSpeech float64

	received      int64 // samples since Start: the stream clock
	answer        int   // the answer being recorded
	answerOpen    bool
	answerFrom    int64 // the stream sample it began at
	asked         protocol.Asked
	nextWord      int
	nextUtterance int
	mainWords     []int // word numbers of the main answer, in the order heard
	reported      bool
	lastStar      float64
	sentFinalStar bool // the main answer's parts were sent as final
	lastWordEnd   float64
	utteranceOpen bool // words heard since the last UtteranceEnd
	toldNotStart  bool
	toldFallback  bool // the client got the Warning that a fallback hears it
	// stopWording cancels the request for a probe's words while one runs.
	stopWording   context.CancelFunc
	storageFailed bool

	utterances []store.UtteranceRecord // the final results, for the report
	engineTime time.Duration           // spent in the engine's Accept and Flush
	// arrivals remember when recent audio came in, for the final-result
	// latency: the stream clock at the end of each frame, and the time.
	arrivals []arrival
}

type arrival struct {
	end int64 // s.received after the frame
	at  time.Time
}

// How a session ends: the close code, its reason (which the client reads
// and the log says) and its name in the metrics.
type ending struct {
	code   int
	reason string
	label  string
}

var (
	endClosed   = ending{websocket.CloseNormalClosure, "CloseStream", "closed"}
	endGone     = ending{websocket.CloseNormalClosure, "client gone", "client_gone"}
	endShutdown = ending{websocket.CloseGoingAway, "server shutting down", "shutdown"}
	endBusy     = ending{websocket.CloseTryAgainLater, "no recognizer free; try again later", "busy"}
	endBroken   = ending{websocket.CloseInternalServerErr, "storage failed", "storage_failed"}
	endSlow     = ending{websocket.ClosePolicyViolation, "client too slow: it stopped reading", "slow_client"}
)

func (s *session) now() float64 { return float64(s.received) / transcribe.SampleRate }

// run takes the inbox in order until the session ends.
func (s *session) run() {
	wait := min(time.Second, s.cfg.IdleTimeout/2)
	for {
		it, _, ok := s.c.in.take(wait)
		if !ok {
			if s.c.idle() > s.cfg.IdleTimeout {
				s.fail(protocol.CodeIdle, "nothing received for %s; send audio, or KeepAlive while the interviewer speaks", s.cfg.IdleTimeout)
				s.end(ending{websocket.CloseNormalClosure, fmt.Sprintf("idle: nothing received for %s", s.cfg.IdleTimeout), "idle"})
				return
			}
		} else {
			switch it.kind {
			case itemAudio:
				if e, stop := s.audio(it); stop {
					s.end(e)
					return
				}
			case itemControl:
				if e, stop := s.command(it.msg); stop {
					if !s.handedOver {
						s.end(e)
					}
					return
				}
			case itemResume:
				if s.resuming != nil {
					refuseResume(*s.resuming)
				}
				s.resuming = &it
			case itemGone:
				if e, stop := s.gone(it); stop {
					s.end(e)
					return
				}
			case itemShutdown:
				s.end(endShutdown)
				return
			case itemEnd:
				s.end(it.end)
				return
			case itemWording:
				s.worded(it.words)
			}
		}
		if limit := s.cfg.MaxSessionLength; s.now() >= limit.Seconds() || time.Since(s.created) >= limit {
			s.fail(protocol.CodeTooLong, "the session reached its maximum length of %s; it was ended and its report saved: start a new session to go on", limit)
			s.end(ending{websocket.ClosePolicyViolation, fmt.Sprintf("session over its maximum length of %s", limit), "too_long"})
			return
		}
	}
}

// gone takes the end of the connection's reader: the session goes on
// over the connection a Resume brought, waits for one when the socket
// dropped, or ends.
func (s *session) gone(it item) (ending, bool) {
	if s.resuming != nil {
		next := *s.resuming
		s.resuming = nil
		s.adopt(next)
		return ending{}, false
	}
	if !it.dropped || !s.holdable() {
		return endGone, true
	}
	next, e, ok := s.waitForResume()
	if !ok {
		return e, true
	}
	s.adopt(next)
	return ending{}, false
}

// send queues a message for the client. Every Results passes here: it
// gets the connection's metadata, and a partial one is held back from a
// client that asked for final results only (interim_results=false).
func (s *session) send(v any) {
	if r, ok := v.(protocol.ResultsMessage); ok {
		if !r.IsFinal && s.opts.NoInterim {
			return
		}
		uuid, info := engineModel(s.engine.Name())
		r.Metadata = protocol.ResultsMetadata{RequestID: s.c.id, ModelInfo: info, ModelUUID: uuid}
		v = r
	}
	s.c.out.send(v)
}

// fail sends an Error message and counts it.
func (s *session) fail(code, format string, args ...any) {
	s.c.sendError(protocol.NewError(code, format, args...))
}

// audio takes a frame off the inbox. Audio before any Start begins a
// session with the defaults, as a Deepgram client sends no Start.
func (s *session) audio(it item) (ending, bool) {
	if s.iv == nil && !s.startSeen {
		if e, stop := s.startFromAudio(); stop {
			return e, true
		}
	}
	if s.iv != nil {
		s.audioSum.Write(transcribe.AppendPCM16(nil, it.samples))
	}
	s.hear(it)
	return ending{}, false
}

// command carries out a client message; it says whether the session ends.
func (s *session) command(m protocol.ClientMessage) (ending, bool) {
	if m.Type == protocol.TypeResume {
		if s.iv != nil || s.fromAudio {
			s.fail(protocol.CodeAlreadyStarted, "Resume must be the first message of a new connection; this one already has a session")
			return ending{}, false
		}
		s.startSeen = true
		return s.resume(m)
	}
	if m.Type == protocol.TypeStart {
		switch {
		case s.fromAudio:
			s.fail(protocol.CodeAlreadyStarted, "audio before Start began a practice session on this connection; to choose the question, level or mode, open a new connection and send Start before any audio")
			return ending{}, false
		case s.iv != nil:
			s.fail(protocol.CodeAlreadyStarted, "this connection already has a session; open a new connection for another question")
			return ending{}, false
		}
		s.startSeen = true
		return s.start(m)
	}
	if s.iv == nil {
		if m.Type == protocol.TypeCloseStream {
			return endClosed, true
		}
		s.fail(protocol.CodeNotStarted, "%s before Start: send Start first", m.Type)
		return ending{}, false
	}
	if m.Answer != nil && *m.Answer != s.answer && (m.Type == protocol.TypeAnswerDone || m.Type == protocol.TypeSkip) {
		s.log.Debug().Int("answer", *m.Answer).Int("current", s.answer).Str("command", m.Type).Msg("stale command ignored")
		return ending{}, false
	}
	switch m.Type {
	case protocol.TypeAnswerDone:
		s.flush()
		s.turns(s.iv.Done(s.now()))
	case protocol.TypeSkip:
		s.flush()
		s.turns(s.iv.Skip(s.now()))
	case protocol.TypeFinalize:
		s.flush()
	case protocol.TypeCloseStream:
		return endClosed, true
	}
	return ending{}, false
}

// sessionRecording names the session's one recording, the whole stream;
// each answer is a range of it.
const sessionRecording = "session.wav"

// openAnswer starts the answer to what was just asked, here on the stream
// clock: the answer before it ends here, and the first one starts the
// recording.
func (s *session) openAnswer(asked string, p *interviewer.Probe) {
	n := 0
	if s.answerOpen {
		s.closeAnswer()
		s.meter.Restart()
		n = s.answer + 1
	} else {
		rec, err := s.recs.Create(s.c.ctx, s.id, sessionRecording)
		if err != nil {
			s.storageError(err)
		}
		s.c.tape.begin(rec)
	}
	a := store.AnswerRecord{N: n, Asked: asked, Start: s.now(), AudioFile: sessionRecording, FirstSample: s.received}
	s.asked = protocol.Asked{Kind: "question", ID: s.iv.Question().ID, Text: asked}
	if p != nil {
		a.ProbeID, a.Gap = p.ID, string(p.Gap)
		s.asked = protocol.Asked{Kind: "probe", ID: p.ID, Text: asked}
	}
	if err := s.store.AddAnswer(s.c.ctx, s.id, a); err != nil {
		s.storageError(err)
	}
	s.answer, s.answerOpen, s.answerFrom = n, true, s.received
}

// closeAnswer ends the current answer here, on the stream clock.
func (s *session) closeAnswer() {
	if err := s.store.EndAnswer(s.c.ctx, s.id, s.answer, s.now(), s.received-s.answerFrom); err != nil {
		s.storageError(err)
	}
}

// closeRecording stops the tape here, on the stream clock, and closes the
// recording.
func (s *session) closeRecording() {
	rec, err := s.c.tape.stop(s.received)
	if rec != nil {
		err = errors.Join(err, rec.Close())
	}
	if err != nil {
		s.storageError(err)
	}
}

// hear records and transcribes a frame, then lets the interview see what
// time it is.
func (s *session) hear(it item) {
	samples := it.samples
	if s.iv == nil {
		s.metrics.dropped.WithLabelValues("before_start").Inc()
		if !s.toldNotStart {
			s.toldNotStart = true
			s.fail(protocol.CodeNotStarted, "audio before Start is ignored; send Start first")
		}
		return
	}
	if err := s.c.tape.failure(); err != nil {
		s.storageError(err)
	}
	s.received += int64(len(samples))
	s.arrived(it.at)
	s.meter.Write(samples)
	s.iv.SetAudio(AudioLevels(s.meter.Total()))
	segments := s.vad.Write(samples)
	for _, seg := range segments {
		s.lastSpeech = max(s.lastSpeech, seg.End)
	}
	if s.vad.InSpeech() {
		s.lastSpeech = s.now()
	}
	s.announceSpeech(segments)
	began := time.Now()
	results, err := s.stream.Accept(s.c.ctx, samples)
	s.busy(began)
	for _, r := range results {
		s.result(r, false)
	}
	if err != nil {
		s.log.Warn().Err(err).Float64("at", s.now()).Msg("transcription failed")
		s.fail(protocol.CodeTranscription, "transcription failed at %.1f s (the audio is still recorded): %v", s.now(), err)
	}
	now := s.now()
	if now-s.lastSpeech >= s.iv.EndSilence() {
		s.turns(s.iv.Tick(now))
	}
	if s.utteranceOpen && now-s.lastWordEnd >= s.utteranceEndGap() {
		s.utteranceOpen = false
		s.send(protocol.UtteranceEndMessage{Type: protocol.TypeUtteranceEnd, Channel: []int{0, 1}, LastWordEnd: round3(s.lastWordEnd)})
	}
	if s.iv.State() == interviewer.StateListening && now-s.lastStar >= liveEvery {
		s.live(now)
	}
	if state := s.iv.State(); (state == interviewer.StateListening || state == interviewer.StateProbing) && now-s.audioChecked >= audioCheckEvery {
		s.checkAudio(now)
	}
}

// arrived notes when the audio up to the stream clock's present came in,
// forgetting what is a minute old.
func (s *session) arrived(at time.Time) {
	if at.IsZero() {
		return
	}
	old := 0
	for old < len(s.arrivals) && s.arrivals[old].end < s.received-60*transcribe.SampleRate {
		old++
	}
	s.arrivals = append(s.arrivals[old:], arrival{end: s.received, at: at})
}

// arrivedAt is when the audio at t seconds on the stream clock came in.
func (s *session) arrivedAt(t float64) (time.Time, bool) {
	sample := int64(t * transcribe.SampleRate)
	for _, a := range s.arrivals {
		if a.end >= sample {
			return a.at, true
		}
	}
	return time.Time{}, false
}

// busy adds the time since began to the engine's account.
func (s *session) busy(began time.Time) {
	d := time.Since(began)
	s.engineTime += d
	s.metrics.engineBusy.Add(d.Seconds())
}

// flush makes the engine finish the utterance in progress.
func (s *session) flush() {
	began := time.Now()
	results, err := s.stream.Flush(s.c.ctx)
	s.busy(began)
	for _, r := range results {
		s.result(r, true)
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("transcription flush failed")
		s.fail(protocol.CodeTranscription, "transcription failed: %v", err)
	}
}

// result gives final words to the store and then to the client (so that
// any word the client saw as final survives a crash), and to the
// interview; a partial result only goes to the client.
func (s *session) result(r transcribe.Result, fromFinalize bool) {
	if len(r.Words) > 0 {
		s.lastSpeech = max(s.lastSpeech, r.Words[len(r.Words)-1].End)
	}
	if !r.Final || len(r.Words) == 0 {
		s.send(resultsMessage(r, s.answer, fromFinalize, s.engine.Name()))
		if !r.Final {
			s.iv.Hearing(r.Words)
		}
		return
	}
	u := store.UtteranceRecord{N: s.nextUtterance, Answer: s.answer, Start: round3(r.Start), End: round3(r.End),
		Engine: heardBy(r, s.engine.Name()), Fallback: isFallback(r, s.engine.Name()), Words: len(r.Words)}
	if err := s.store.AddUtterance(s.c.ctx, s.id, u, s.nextWord, r.Words); err != nil {
		s.storageError(err)
	}
	s.utterances = append(s.utterances, u)
	if u.Fallback {
		s.metrics.fallbacks.Inc()
		if !s.toldFallback {
			s.toldFallback = true
			s.send(protocol.WarningMessage{Type: protocol.TypeWarning, Code: protocol.CodeFallback, Message: fmt.Sprintf(
				"the transcription service (%s) is failing, so the embedded recognizer (%s) hears your words now; they may be less accurate",
				s.engine.Name(), u.Engine)})
		}
	}
	if r.TimesRepaired {
		s.metrics.timesRepaired.Inc()
	}
	if at, ok := s.arrivedAt(r.Words[len(r.Words)-1].End); ok {
		s.metrics.finalLatency.Observe(time.Since(at).Seconds())
	}
	s.send(resultsMessage(r, s.answer, fromFinalize, s.engine.Name()))
	listening := s.iv.State() == interviewer.StateListening
	if listening {
		for i := range r.Words {
			s.mainWords = append(s.mainWords, s.nextWord+i)
		}
	}
	s.log.Debug().Int("answer", s.answer).Str("text", r.Text()).Msg("heard")
	s.nextWord += len(r.Words)
	s.nextUtterance++
	s.lastWordEnd = r.Words[len(r.Words)-1].End
	s.utteranceOpen = true
	s.turns(s.iv.Hear(r.Words))
}

// turns passes on what the interviewer says. The first probe (or its
// wording) or the report means the main answer is over: the STAR timers
// then get the whole answer's parts once more, which the last words can
// change.
func (s *session) turns(turns []interviewer.Turn) {
	now := s.now()
	for _, t := range turns {
		over := t.Kind == interviewer.TurnWording || t.Kind == interviewer.TurnProbe || t.Kind == interviewer.TurnReport
		if over && !s.sentFinalStar {
			s.sentFinalStar = true
			s.live(now)
		}
		switch t.Kind {
		case interviewer.TurnWording:
			s.word(t)
		case interviewer.TurnQuestion:
			q := s.iv.Question()
			s.send(protocol.QuestionMessage{Type: protocol.TypeQuestion, QuestionID: q.ID, Principle: q.Principle, Text: t.Text, Start: round3(now)})
		case interviewer.TurnProbe:
			s.openAnswer(t.Text, t.Probe)
			s.log.Info().Int("answer", s.answer).Str("probe", t.Probe.ID).Str("gap", string(t.Probe.Gap)).Float64("at", now).Msg("probe asked")
			s.send(protocol.ProbeMessage{Type: protocol.TypeProbe, Answer: s.answer, ID: t.Probe.ID, Gap: string(t.Probe.Gap),
				Probes: t.Probe.Probes, Text: t.Text, Start: round3(now)})
		case interviewer.TurnInterrupt:
			s.log.Info().Float64("at", now).Msg("interviewer cut in")
			s.send(protocol.InterruptMessage{Type: protocol.TypeInterrupt, Text: t.Text, At: round3(now)})
		case interviewer.TurnReport:
			s.report(t.Report)
		}
	}
}

func (s *session) report(r *interviewer.InterviewReport) {
	if r == nil {
		return
	}
	r.Source, r.Engine = s.id, s.engine.Name()
	if err := s.store.SaveReport(s.c.ctx, s.id, r, s.mainWords, time.Now()); err != nil {
		s.storageError(err)
	}
	s.reported = true
	fallbacks := 0
	for _, u := range s.utterances {
		if u.Fallback {
			fallbacks++
		}
	}
	ev := s.log.Info().Float64("duration", r.Duration).Int("words", len(r.Words)).Int("probes", len(r.Probes)).
		Int("utterances", len(s.utterances)).Int("fallback_utterances", fallbacks)
	if r.Verdict != nil {
		ev = ev.Str("decision", r.Verdict.Decision)
	}
	ev.Msg("report")
	utterances := append([]store.UtteranceRecord{}, s.utterances...)
	s.send(protocol.ReportMessage{Type: protocol.TypeReport, SessionID: s.id, Report: r, Utterances: utterances})
}

// end finishes the session: the last words, the report if none went out,
// the recording and the rows, then Metadata and the close frame.
func (s *session) end(e ending) {
	if s.iv != nil {
		if s.stopWording != nil {
			s.stopWording()
		}
		s.flush()
		s.turns(s.iv.Finish(s.now()))
		s.closeRecording()
		s.closeAnswer()
		s.stream.Close()
		if err := s.store.EndSession(s.c.ctx, s.id, store.StateDone, s.now(), time.Now()); err != nil {
			s.storageError(err)
		}
		s.metrics.active.Dec()
		if s.now() >= 1 {
			s.metrics.rtf.Observe(s.engineTime.Seconds() / s.now())
		}
	}
	s.metrics.sessionsEnded.WithLabelValues(e.label).Inc()
	s.log.Info().Str("reason", e.reason).Int("close_code", e.code).Float64("duration", s.now()).Int("answers", s.answer+1).
		Int("words", s.nextWord).Bool("reported", s.reported).Msg("session ended")
	uuid, info := engineModel(s.engine.Name())
	s.send(protocol.MetadataMessage{Type: protocol.TypeMetadata, RequestID: s.c.id, SessionID: s.id, Created: s.created.UTC().Format(time.RFC3339),
		Duration: round3(s.now()), Channels: protocol.AudioChannels, SampleRate: transcribe.SampleRate,
		SHA256: hex.EncodeToString(s.audioSum.Sum(nil)), TransactionKey: "deprecated", Models: []string{uuid}, ModelInfo: map[string]protocol.ModelInfo{uuid: info}})
	s.c.tape.stop(0)
	if s.resuming != nil {
		refuseResume(*s.resuming)
	}
	for _, left := range s.c.in.closeAndTake() {
		refuseResume(left)
	}
	s.c.sessionEnded()
	s.c.out.close(e.code, e.reason)
	s.c.release()
}

func (s *session) storageError(err error) {
	s.log.Error().Err(err).Msg("storage")
	if !s.storageFailed {
		s.storageFailed = true
		s.fail(protocol.CodeInternal, "the server could not save part of this session; what was heard is still being recorded where possible")
	}
}
