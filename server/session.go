package server

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// liveEvery is how often, in seconds of audio, Star and Pacing go out
// while the main answer goes on.
const liveEvery = 1.0

// The live audio check judges the last audioWindow of the stream every
// audioCheckEvery seconds of audio while an answer goes on, and repeats a
// Warning about a problem that lasts at most every audioWarnEvery seconds.
const (
	audioWindow     = 5 * time.Second
	audioCheckEvery = 0.5
	audioWarnEvery  = 5.0
)

// session is one interview over one connection. Its run loop owns
// everything here: the interview, the engine's stream, the recording.
type session struct {
	c        *connection
	cfg      Config
	store    *Store
	engine   transcribe.Engine
	bank     *interviewer.Bank
	analyzer *interviewer.Analyzer
	log      zerolog.Logger
	created  time.Time
	metrics  *metrics
	// opts are the connection's query parameters (Deepgram's).
	opts protocol.ListenOptions

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
	storageFailed bool

	utterances []UtteranceRecord // the final results, for the report
	engineTime time.Duration     // spent in the engine's Accept and Flush
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
					s.end(e)
					return
				}
			case itemGone:
				s.end(endGone)
				return
			case itemShutdown:
				s.end(endShutdown)
				return
			case itemEnd:
				s.end(it.end)
				return
			}
		}
		if limit := s.cfg.MaxSessionLength; s.now() >= limit.Seconds() || time.Since(s.created) >= limit {
			s.fail(protocol.CodeTooLong, "the session reached its maximum length of %s; it was ended and its report saved: start a new session to go on", limit)
			s.end(ending{websocket.ClosePolicyViolation, fmt.Sprintf("session over its maximum length of %s", limit), "too_long"})
			return
		}
	}
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
		b := make([]byte, 0, 2*len(it.samples))
		for _, v := range it.samples {
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		}
		s.audioSum.Write(b)
	}
	s.hear(it)
	return ending{}, false
}

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

// command carries out a client message; it says whether the session ends.
func (s *session) command(m protocol.ClientMessage) (ending, bool) {
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

// start picks the question, opens the engine's stream, stores the session
// and asks the question. A refused Start lets the tape drop the audio it
// held for the session.
func (s *session) start(m protocol.ClientMessage) (ending, bool) {
	defer func() {
		if s.iv == nil {
			s.c.tape.refuse()
		}
	}()
	q, err := s.pickQuestion(m)
	if err != nil {
		s.fail(protocol.CodeBadStart, "%v", err)
		return ending{}, false
	}
	level := strings.ToLower(m.Level)
	if level == "" {
		level = "sde2"
	}
	if _, ok := s.bank.Level(level); !ok {
		s.fail(protocol.CodeBadStart, "unknown level %s: use sde1, sde2 or senior", protocol.Quote(m.Level))
		return ending{}, false
	}
	mode := interviewer.Mode(strings.ToLower(m.Mode))
	if mode == "" {
		mode = interviewer.ModeInterview
	}
	if mode != interviewer.ModeInterview && mode != interviewer.ModePractice {
		s.fail(protocol.CodeBadStart, "unknown mode %s: use interview or practice", protocol.Quote(m.Mode))
		return ending{}, false
	}
	if err := protocol.CheckVocabulary(m.Vocabulary); err != nil {
		s.fail(protocol.CodeBadStart, "%v", err)
		return ending{}, false
	}
	iv, err := interviewer.NewInterview(interviewer.InterviewConfig{
		Bank: s.bank, Analyzer: s.analyzer, Question: q, Level: level, Mode: mode,
		MaxProbes: s.cfg.MaxProbes, EndSilence: s.cfg.EndSilence, Phrase: s.cfg.Phrase,
	})
	if err != nil {
		s.fail(protocol.CodeBadStart, "%v", err)
		return ending{}, false
	}
	vocabulary := m.Vocabulary // Start's own vocabulary wins over the query's
	if len(vocabulary) == 0 {
		vocabulary = s.opts.Vocabulary
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
	rec := SessionRecord{ID: id, CreatedAt: time.Now(), Mode: string(mode), Level: level, QuestionID: q.ID,
		Principle: q.Principle, Question: q.Text, Engine: s.engine.Name()}
	if err := s.store.CreateSession(s.c.ctx, rec, secret); err != nil {
		stream.Close()
		s.log.Error().Err(err).Msg("cannot store the session")
		s.fail(protocol.CodeInternal, "the server cannot save sessions right now")
		return endBroken, true
	}
	s.metrics.started.Inc()
	s.metrics.active.Inc()
	s.id, s.iv, s.stream, s.created = id, iv, transcribe.CheckTimes(stream), rec.CreatedAt
	s.vad = transcribe.NewVAD(transcribe.VADConfig{})
	s.meter = transcribe.NewMeter(audioWindow)
	s.c.setSessionID(id)
	s.log = *s.c.logger()
	if err := os.MkdirAll(s.store.AudioDir(id), 0o755); err != nil {
		s.storageError(err)
	}
	s.openAnswer(q.Text, nil)
	s.log.Info().Str("mode", string(mode)).Str("level", level).Str("question", q.ID).Str("engine", s.engine.Name()).
		Bool("from_audio", s.fromAudio).Dur("pause", s.opts.Pause).Float64("utterance_end", s.utteranceEndGap()).
		Bool("interim", !s.opts.NoInterim).Bool("vad_events", s.opts.SpeechStarted).Int("vocabulary", len(vocabulary)).
		Msg("session started")
	s.send(protocol.BeginMessage{Type: protocol.TypeBegin, SessionID: id, Secret: secret, Mode: string(mode), Level: level,
		QuestionID: q.ID, Principle: q.Principle, Engine: s.engine.Name(), EndSilence: s.endSilence()})
	s.turns(iv.Begin(s.now()))
	return ending{}, false
}

// utteranceEndGap is the silence, in seconds, after the last word that
// makes an UtteranceEnd: utterance_end_ms, or 1 s.
func (s *session) utteranceEndGap() float64 {
	if s.opts.UtteranceEnd > 0 {
		return s.opts.UtteranceEnd.Seconds()
	}
	return protocol.DefaultUtteranceEnd.Seconds()
}

func (s *session) endSilence() float64 {
	if s.cfg.EndSilence > 0 {
		return s.cfg.EndSilence
	}
	return 4 // the interview's own default
}

func (s *session) pickQuestion(m protocol.ClientMessage) (*interviewer.Question, error) {
	switch {
	case m.QuestionID != "":
		q, ok := s.bank.Question(m.QuestionID)
		if !ok {
			return nil, fmt.Errorf("unknown question_id %s: GET /api/questions lists them", protocol.Quote(m.QuestionID))
		}
		return q, nil
	case m.Principle != "":
		p, ok := s.bank.Principle(m.Principle)
		if !ok || len(p.Questions) == 0 {
			return nil, fmt.Errorf("unknown principle %s: use one of %s", protocol.Quote(m.Principle), strings.Join(s.bank.PrincipleNames(), ", "))
		}
		return &p.Questions[rand.IntN(len(p.Questions))], nil
	}
	var all []*interviewer.Question
	for i := range s.bank.Principles {
		for j := range s.bank.Principles[i].Questions {
			all = append(all, &s.bank.Principles[i].Questions[j])
		}
	}
	if len(all) == 0 {
		return nil, errors.New("the question bank is empty")
	}
	return all[rand.IntN(len(all))], nil
}

// openAnswer starts recording the answer to what was just asked: the
// tape is cut here, on the stream clock, and goes on in the new answer's
// recording.
func (s *session) openAnswer(asked string, p *interviewer.Probe) {
	n := 0
	if s.answerOpen {
		n = s.answer + 1
	}
	a := AnswerRecord{N: n, Asked: asked, Start: s.now(), AudioFile: fmt.Sprintf("answer-%d.wav", n)}
	if p != nil {
		a.ProbeID, a.Gap = p.ID, string(p.Gap)
	}
	if err := s.store.AddAnswer(s.c.ctx, s.id, a); err != nil {
		s.storageError(err)
	}
	rec, err := createRecording(s.store.AudioPath(s.id, a.AudioFile))
	if err != nil {
		s.storageError(err)
	}
	if s.answerOpen {
		prev, err := s.c.tape.cut(s.received, rec)
		if err != nil {
			s.storageError(err)
		}
		s.closeAnswer(prev)
		s.meter.Restart()
	} else {
		s.c.tape.begin(rec)
	}
	s.answer, s.answerOpen = n, true
}

// closeAnswer closes the current answer's recording, cut from the tape.
func (s *session) closeAnswer(rec *recording) {
	seconds := 0.0
	if rec != nil {
		seconds = rec.Seconds()
		if err := rec.Close(); err != nil {
			s.storageError(err)
		}
	}
	if err := s.store.EndAnswer(s.c.ctx, s.id, s.answer, s.now(), seconds); err != nil {
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
	if now-s.lastSpeech >= s.endSilence() {
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

// checkAudio judges the last seconds of the stream and sends a Warning
// when they sound bad: when a problem starts, and again while it lasts,
// at most every audioWarnEvery seconds of audio. Seconds with too little
// speech to tell (the quiet before an answer, a long pause) leave the
// problem as it was.
func (s *session) checkAudio(now float64) {
	s.audioChecked = now
	a, ok := interviewer.JudgeLiveAudio(AudioLevels(s.meter.Recent()))
	switch {
	case !ok:
		return
	case a.Problem == "":
		s.warned = ""
		return
	case a.Problem == s.warned && now-s.warnedAt < audioWarnEvery:
		return
	}
	s.warned, s.warnedAt = a.Problem, now
	s.log.Debug().Str("code", string(a.Problem)).Float64("at", now).Float64("snr_db", a.SNRDB).
		Float64("level_dbfs", a.LevelDBFS).Float64("clipped", a.Clipped).Msg("audio warning")
	s.send(protocol.WarningMessage{Type: protocol.TypeWarning, Code: string(a.Problem), Message: a.Advice, Audio: &a})
}

// AudioLevels hands what transcribe measured to the interviewer, which
// judges it.
func AudioLevels(l transcribe.Levels) interviewer.AudioLevels {
	return interviewer.AudioLevels{Speech: l.Speech, Noise: l.Noise, Clipped: l.Clipped,
		SpeechSeconds: l.SpeechSeconds, NoiseSeconds: l.NoiseSeconds}
}

// announceSpeech sends a SpeechStarted for each stretch of speech the
// voice detector found begin since the last one, if the client asked for
// them (vad_events=true): the segments that closed within the frame, and
// the one still open.
func (s *session) announceSpeech(closed []transcribe.Segment) {
	if !s.opts.SpeechStarted {
		return
	}
	starts := make([]float64, 0, len(closed)+1)
	for _, seg := range closed {
		starts = append(starts, seg.Start)
	}
	if start, ok := s.vad.Open(); ok {
		starts = append(starts, start)
	}
	for _, at := range starts {
		if s.announced && at <= s.spokeAt {
			continue
		}
		s.spokeAt, s.announced = at, true
		s.send(protocol.SpeechStartedMessage{Type: protocol.TypeSpeechStarted, Channel: []int{0}, Timestamp: round3(at)})
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
	u := UtteranceRecord{N: s.nextUtterance, Answer: s.answer, Start: round3(r.Start), End: round3(r.End),
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

// live sends the STAR timers and the pace of the main answer.
func (s *session) live(now float64) {
	l := s.iv.LiveView(now)
	if len(l.Parts) == 0 {
		return
	}
	s.lastStar = now
	s.send(protocol.StarMessage{Type: protocol.TypeStar, Parts: l.Parts, Current: l.Current, ToCome: l.ToCome, Elapsed: l.Elapsed, Budget: l.Budget, Now: round3(now), Final: l.Final})
	s.send(protocol.PacingMessage{Type: protocol.TypePacing, WPM: l.WPM, Fillers: l.Fillers, FillersPerMinute: l.PerMinute, Elapsed: l.Elapsed,
		RecentWPM: l.RecentWPM, RecentWindow: l.RecentWindow})
}

// turns passes on what the interviewer says. The first probe or the
// report means the main answer is over: the STAR timers then get the whole
// answer's parts once more, which the last words can change.
func (s *session) turns(turns []interviewer.Turn) {
	now := s.now()
	for _, t := range turns {
		if (t.Kind == interviewer.TurnProbe || t.Kind == interviewer.TurnReport) && !s.sentFinalStar {
			s.sentFinalStar = true
			s.live(now)
		}
		switch t.Kind {
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
	utterances := append([]UtteranceRecord{}, s.utterances...)
	s.send(protocol.ReportMessage{Type: protocol.TypeReport, SessionID: s.id, Report: r, Utterances: utterances})
}

// end finishes the session: the last words, the report if none went out,
// the recording and the rows, then Metadata and the close frame.
func (s *session) end(e ending) {
	if s.iv != nil {
		s.flush()
		s.turns(s.iv.Finish(s.now()))
		rec, err := s.c.tape.stop(s.received)
		if err != nil {
			s.storageError(err)
		}
		s.closeAnswer(rec)
		s.stream.Close()
		if err := s.store.EndSession(s.c.ctx, s.id, StateDone, s.now(), time.Now()); err != nil {
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
	s.c.in.close()
	s.c.sessionEnded()
	s.c.out.close(e.code, e.reason)
}

func (s *session) storageError(err error) {
	s.log.Error().Err(err).Msg("storage")
	if !s.storageFailed {
		s.storageFailed = true
		s.fail(protocol.CodeInternal, "the server could not save part of this session; what was heard is still being recorded where possible")
	}
}
