package openai

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/transcribe"
)

const (
	// utterancePad is the audio, in seconds, sent either side of the speech
	// the VAD found, so that soft word onsets and endings are not clipped.
	utterancePad = 0.2
	// vadLookback is how far behind the newest sample, in seconds, the VAD
	// may still place the start of speech it has not reported yet (its
	// MinSpeech, if longer); audio that recent is always kept.
	vadLookback = 1.0
)

// stream buffers a stream's audio until the VAD closes an utterance,
// then transcribes the utterance and lets its audio go.
type stream struct {
	engine *Engine
	opts   transcribe.StreamOptions
	prompt string
	vad    *transcribe.VAD

	audio      []int16 // the stream's samples from audioStart on
	audioStart int     // stream-clock sample index of audio[0]

	queue    []queuedUtterance // ended, not yet transcribed; oldest first
	queuedTo float64           // where the last queued audio ends; the next starts no earlier
	closed   bool
}

var errStreamClosed = errors.New("openai: stream is closed")

// queuedUtterance is an utterance waiting for its transcript: the speech the
// VAD found, and the wider stretch of audio that is sent.
type queuedUtterance struct {
	speech   transcribe.Segment
	from, to float64
}

// Accept buffers samples and transcribes any utterance they end. When a
// transcription fails, the results before it are returned along with the
// error, and the failed utterance stays queued: it is tried again when the
// next utterance ends or on Flush.
func (s *stream) Accept(ctx context.Context, samples []int16) ([]transcribe.Result, error) {
	if s.closed {
		return nil, errStreamClosed
	}
	s.audio = append(s.audio, samples...)
	queued := len(s.queue)
	for _, seg := range s.vad.Write(samples) {
		s.enqueue(seg, utterancePad)
	}
	s.cutLongSpeech()
	if len(s.queue) == queued {
		// Nothing new ended. A queue left by a failure waits for the next
		// utterance rather than retrying on every few milliseconds of audio.
		s.trim()
		return nil, nil
	}
	return s.drain(ctx)
}

// Flush ends the speech in progress and transcribes everything queued.
func (s *stream) Flush(ctx context.Context) ([]transcribe.Result, error) {
	if s.closed {
		return nil, errStreamClosed
	}
	for _, seg := range s.vad.Flush() {
		s.enqueue(seg, utterancePad)
	}
	return s.drain(ctx)
}

// Close drops the stream's audio, including any utterance that failed.
func (s *stream) Close() error {
	if !s.closed && len(s.queue) > 0 {
		s.engine.log.Warn().Int("utterances", len(s.queue)).Msg("stream closed with untranscribed speech")
	}
	s.closed = true
	s.audio, s.queue = nil, nil
	return nil
}

// now is the stream clock: seconds of audio received.
func (s *stream) now() float64 {
	return float64(s.audioStart+len(s.audio)) / transcribe.SampleRate
}

// enqueue queues the speech seg with utterancePad seconds of audio before it
// and endPad after, never overlapping audio already queued.
func (s *stream) enqueue(seg transcribe.Segment, endPad float64) {
	from := max(seg.Start-utterancePad, s.queuedTo, 0)
	to := min(seg.End+endPad, s.now())
	if to <= from || seg.End <= s.queuedTo {
		return // a long utterance's last cut already took all of it
	}
	seg.Start = max(seg.Start, from)
	s.queue = append(s.queue, queuedUtterance{speech: seg, from: from, to: to})
	s.queuedTo = to
}

// cutLongSpeech queues the first part of speech that has gone on for
// MaxUtterance, cut at the quietest moment of its second half, so that no
// upload grows without bound and the words keep coming while someone talks.
func (s *stream) cutLongSpeech() {
	limit := s.engine.cfg.MaxUtterance.Seconds()
	for {
		start, ok := s.vad.Open()
		if !ok {
			return
		}
		from := max(start-utterancePad, s.queuedTo)
		if s.now()-from < limit {
			return
		}
		cut := s.quietest(from+limit/2, from+limit)
		s.enqueue(transcribe.Segment{Start: start, End: cut}, 0)
	}
}

// quietest returns the middle of the 20 ms frame with the least energy
// between from and to, seconds on the stream clock.
func (s *stream) quietest(from, to float64) float64 {
	const frame = transcribe.SampleRate / 50
	audio, offset := s.samples(from, to)
	best, bestEnergy := to, math.Inf(1)
	for i := 0; i+frame <= len(audio); i += frame {
		var energy float64
		for _, v := range audio[i : i+frame] {
			energy += float64(v) * float64(v)
		}
		if energy < bestEnergy {
			best, bestEnergy = offset+float64(i+frame/2)/transcribe.SampleRate, energy
		}
	}
	return best
}

// samples returns the buffered audio between from and to, seconds on the
// stream clock, and where that audio really starts.
func (s *stream) samples(from, to float64) ([]int16, float64) {
	i := min(max(int(math.Round(from*transcribe.SampleRate))-s.audioStart, 0), len(s.audio))
	j := min(max(int(math.Round(to*transcribe.SampleRate))-s.audioStart, i), len(s.audio))
	return s.audio[i:j], float64(s.audioStart+i) / transcribe.SampleRate
}

// trim lets go of audio that no queued or future utterance can need.
func (s *stream) trim() {
	keep := s.now() - max(vadLookback, s.engine.cfg.VAD.MinSpeech.Seconds()) - utterancePad
	if start, ok := s.vad.Open(); ok {
		// Of long speech, only the part after its last cut is needed.
		keep = min(keep, max(start-utterancePad, s.queuedTo))
	}
	for _, u := range s.queue {
		keep = min(keep, u.from)
	}
	drop := int(keep*transcribe.SampleRate) - s.audioStart
	if drop < transcribe.SampleRate {
		return // copy the buffer once a second at most
	}
	s.audio = slices.Clone(s.audio[drop:])
	s.audioStart += drop
}

// drain transcribes the queue in order. It stops at the first failure, which
// stays queued with its audio.
func (s *stream) drain(ctx context.Context) ([]transcribe.Result, error) {
	defer s.trim()
	var results []transcribe.Result
	for len(s.queue) > 0 {
		r, err := s.transcribe(ctx, s.queue[0])
		if err != nil {
			return results, err
		}
		s.queue = s.queue[1:]
		if len(r.Words) > 0 {
			results = append(results, r)
		}
	}
	return results, nil
}

// transcribe sends one utterance, or hands it to the fallback engine when
// sending fails or the breakers keep it from every endpoint, and returns
// its words on the stream clock.
func (s *stream) transcribe(ctx context.Context, u queuedUtterance) (transcribe.Result, error) {
	e := s.engine
	audio, offset := s.samples(u.from, u.to)
	log := e.log.With().Float64("start", u.speech.Start).Float64("seconds", float64(len(audio))/transcribe.SampleRate).Logger()
	words, err := e.send(ctx, audio, s.prompt)
	engine := e.Name()
	if err != nil {
		err = fmt.Errorf("openai: transcribe the utterance at %.2f s: %w", u.speech.Start, err)
		if e.cfg.Fallback == nil || ctx.Err() != nil {
			return transcribe.Result{}, err
		}
		ev := log.Warn()
		if errors.Is(err, errBreakerOpen) {
			ev = log.Debug() // the breaker's opening was logged once
		}
		ev.Err(err).Str("fallback", e.cfg.Fallback.Name()).Msg("transcription failed; using the fallback engine")
		var fbErr error
		words, engine, fbErr = s.fallback(ctx, audio)
		if fbErr != nil {
			return transcribe.Result{}, fmt.Errorf("%w; fallback %s: %w", err, e.cfg.Fallback.Name(), fbErr)
		}
	}
	r := placeWords(words, offset, float64(len(audio))/transcribe.SampleRate, u.speech)
	r.Engine = engine
	if r.TimesRepaired {
		log.Warn().Str("by", engine).Int("words", len(r.Words)).Msg("word times broken; spread over the utterance")
	}
	log.Debug().Str("by", engine).Int("words", len(r.Words)).Str("text", r.Text()).Msg("utterance transcribed")
	return r, nil
}

// fallback transcribes one utterance's audio with the fallback engine, on a
// stream of its own whose clock starts with the utterance.
func (s *stream) fallback(ctx context.Context, audio []int16) (words []transcribe.Word, engine string, err error) {
	fb := s.engine.cfg.Fallback
	stream, err := fb.NewStream(ctx, s.opts)
	if err != nil {
		return nil, "", err
	}
	defer stream.Close()
	results, err := stream.Accept(ctx, audio)
	if err != nil {
		return nil, "", err
	}
	rest, err := stream.Flush(ctx)
	if err != nil {
		return nil, "", err
	}
	engine = fb.Name()
	for _, r := range append(results, rest...) {
		if !r.Final {
			continue
		}
		words = append(words, r.Words...)
		if r.Engine != "" {
			engine = r.Engine
		}
	}
	return words, engine, nil
}

// placeWords moves words timed on an utterance's own clock onto the stream
// clock, shifted by offset, where the audio sent starts, and checks their
// times against that audio, which lasts duration seconds: words whose
// times are broken are spread over the speech (see RepairTimes).
func placeWords(words []transcribe.Word, offset, duration float64, speech transcribe.Segment) transcribe.Result {
	r := transcribe.Result{Start: speech.Start, End: speech.End, Final: true}
	for _, w := range words {
		w.Text = strings.TrimSpace(w.Text)
		if w.Text == "" {
			continue
		}
		w.Start, w.End = offset+w.Start, offset+w.End
		r.Words = append(r.Words, w)
	}
	transcribe.RepairTimes(&r, offset, offset+duration)
	return r
}
