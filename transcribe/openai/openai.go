package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/rs/zerolog"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/mockinterview/mockinterview/transcribe"
)

// Config configures an engine that sends each utterance to an
// OpenAI-compatible transcription endpoint (POST {BaseURL}/audio/transcriptions).
type Config struct {
	// BaseURL is the API root. Default https://api.openai.com/v1; any
	// OpenAI-compatible server works, such as speaches
	// (http://localhost:8000/v1), LocalAI, or whisper.cpp's whisper-server
	// started with --inference-path /v1/audio/transcriptions.
	BaseURL string
	// APIKey is sent as a bearer token. Required for the OpenAI cloud only.
	APIKey string
	// Model defaults to "whisper-1". It must return verbose_json with word
	// timestamps; gpt-4o-transcribe does not, and its words get even,
	// approximate times.
	Model string
	// Language is the ISO-639-1 code of the speech. Default "en".
	Language string
	// Timeout bounds each request (and Budget each utterance's requests
	// together). Default 30 s.
	Timeout time.Duration
	// MaxRetries is how many times a request is repeated after a 429, a 5xx,
	// a timeout or a transport error, with exponential backoff and jitter,
	// or after the server's Retry-After. Other 4xx answers are not retried.
	// Default 3; negative means none.
	MaxRetries int
	// Backoff is the first wait between attempts. Default 500 ms.
	Backoff time.Duration
	// HTTPClient sends the requests. Default a client of its own.
	HTTPClient *http.Client
	// VAD finds the utterances in the stream; zero fields take its defaults.
	VAD transcribe.VADConfig
	// MaxUtterance is the longest audio sent at once: longer speech is cut
	// at its quietest moment near this length. Default 60 s (1.9 MB of WAV,
	// far under the API's 25 MB limit).
	MaxUtterance time.Duration
	// Budget is how long an utterance may wait for the endpoint beyond its
	// own length, all attempts and the waits between them included: an
	// utterance of 4 s gets 4 s plus Budget. Then the fallback hears it.
	// Default 5 s.
	Budget time.Duration
	// BreakerFailures is how many utterances in a row the endpoint may
	// fail on (after their retries, or out of budget) before the engine
	// stops asking it: the circuit breaker, shared by all streams, opens,
	// and new utterances go straight to the fallback. Default 3.
	BreakerFailures int
	// BreakerCooldown is how long the breaker stays open. Then the next
	// utterance probes the endpoint: the fallback hears it as well, and
	// the endpoint's answer closes the breaker. Default 30 s.
	BreakerCooldown time.Duration
	// Fallback, if set, transcribes an utterance the endpoint fails on
	// (after the retries, or when the budget runs out) and the utterances
	// the breaker keeps from it; its Result.Engine then names the
	// fallback. Without one, the stream returns the error and keeps the
	// audio for a later call.
	Fallback transcribe.Engine
	// Logger receives one line per retry, fallback and utterance.
	// Transcript text is logged at debug level only.
	Logger *zerolog.Logger
}

const (
	openAICloudURL = "https://api.openai.com/v1"

	// utterancePad is the audio, in seconds, sent either side of the speech
	// the VAD found, so that soft word onsets and endings are not clipped.
	utterancePad = 0.2
	// vadLookback is how far behind the newest sample, in seconds, the VAD
	// may still place the start of speech it has not reported yet (its
	// MinSpeech, if longer); audio that recent is always kept.
	vadLookback = 1.0
	// maxRetryAfter is the longest Retry-After the stream waits for. Someone
	// is speaking: after a longer wait the words would come too late, so the
	// attempt fails over to the fallback or to the caller instead.
	maxRetryAfter = 20 * time.Second
	// maxBackoff caps the exponential backoff between attempts.
	maxBackoff = 10 * time.Second
	// maxResponseBytes bounds how much of an answer is read. A verbose_json
	// answer for a minute of speech is a few tens of kilobytes.
	maxResponseBytes = 8 << 20
)

// DefaultBudget is the default OpenAIConfig.Budget.
const DefaultBudget = 5 * time.Second

// errBudget is the cause of a context ended by an utterance's budget.
var errBudget = errors.New("the utterance's time budget ran out")

// Engine is the engine for Engine-compatible transcription endpoints. It
// holds no connection of its own: each stream finds utterances with a VAD
// and uploads them one by one as WAV files.
type Engine struct {
	cfg       Config
	ownClient bool
	log       zerolog.Logger
	breaker   *breaker

	// Probes beside the fallback run in the background until Close.
	probeCtx   context.Context
	stopProbes context.CancelFunc
	probes     sync.WaitGroup
}

// New checks cfg and fills in its defaults. The OpenAI cloud without an
// API key is refused here rather than on the first answer.
func New(cfg Config) (*Engine, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = openAICloudURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q is not an http(s) URL such as http://localhost:8000/v1", cfg.BaseURL)
	}
	if cfg.APIKey == "" && strings.EqualFold(u.Hostname(), "api.openai.com") {
		return nil, errors.New("openai: the OpenAI cloud needs an API key: set OPENAI_API_KEY or --openai-key, " +
			"or point --openai-url at a local OpenAI-compatible server such as http://localhost:8000/v1")
	}
	if cfg.Model == "" {
		cfg.Model = goopenai.Whisper1
	}
	if cfg.Language == "" {
		cfg.Language = "en"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 3
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.MaxUtterance <= 0 {
		cfg.MaxUtterance = 60 * time.Second
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.BreakerFailures <= 0 {
		cfg.BreakerFailures = 3
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = 30 * time.Second
	}
	e := &Engine{cfg: cfg, log: zerolog.Nop(), breaker: newBreaker(cfg.BreakerFailures, cfg.BreakerCooldown)}
	e.probeCtx, e.stopProbes = context.WithCancel(context.Background())
	if cfg.HTTPClient == nil {
		e.cfg.HTTPClient = &http.Client{}
		e.ownClient = true
	}
	if cfg.Logger != nil {
		e.log = *cfg.Logger
	}
	e.log = e.log.With().Str("engine", e.Name()).Logger()
	return e, nil
}

// Name returns "openai".
func (e *Engine) Name() string { return "openai" }

// NewStream starts a stream. It does not block: requests are only made when
// an utterance ends.
func (e *Engine) NewStream(ctx context.Context, opts transcribe.StreamOptions) (transcribe.Stream, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vad := e.cfg.VAD
	if opts.Pause > 0 {
		vad.Hangover = opts.Pause
	}
	return &stream{
		engine: e,
		opts:   opts,
		prompt: transcriptionPrompt(opts.Vocabulary),
		vad:    transcribe.NewVAD(vad),
	}, nil
}

// Endpoint says how the endpoint is doing.
func (e *Engine) Endpoint() transcribe.EndpointStatus {
	st := e.breaker.status()
	st.URL = e.cfg.BaseURL
	if e.cfg.Fallback != nil {
		st.Fallback = e.cfg.Fallback.Name()
	}
	return st
}

// Close stops the probes in progress and releases idle connections of
// the engine's own HTTP client.
func (e *Engine) Close() error {
	e.stopProbes()
	e.probes.Wait()
	if e.ownClient {
		e.cfg.HTTPClient.CloseIdleConnections()
	}
	return nil
}

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

var errOpenAIStreamClosed = errors.New("openai: stream is closed")

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
		return nil, errOpenAIStreamClosed
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
		return nil, errOpenAIStreamClosed
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
// sending fails or the breaker keeps it from the endpoint, and returns its
// words on the stream clock.
func (s *stream) transcribe(ctx context.Context, u queuedUtterance) (transcribe.Result, error) {
	e := s.engine
	audio, offset := s.samples(u.from, u.to)
	log := e.log.With().Float64("start", u.speech.Start).Float64("seconds", float64(len(audio))/transcribe.SampleRate).Logger()
	var words []transcribe.Word
	var err error
	switch e.breaker.route() {
	case routeEndpoint:
		words, err = e.ask(ctx, audio, s.prompt, false)
	case routeProbe:
		if e.cfg.Fallback == nil {
			words, err = e.ask(ctx, audio, s.prompt, true) // nobody else can hear it
			break
		}
		e.probe(audio, s.prompt)
		err = e.breakerError()
	case routeFallback:
		err = e.breakerError()
	}
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

// errBreakerOpen is why an utterance was not sent: the breaker is open.
var errBreakerOpen = errors.New("the endpoint is not asked")

func (e *Engine) breakerError() error {
	st := e.breaker.status()
	return fmt.Errorf("%w: it failed on %d utterances in a row (last: %s); it is tried again after %s",
		errBreakerOpen, st.Failures, st.LastError, e.cfg.BreakerCooldown)
}

// probe asks the endpoint about an utterance the fallback hears, in the
// background: its answer only tells the breaker that the endpoint is
// back. Close stops it.
func (e *Engine) probe(audio []int16, prompt string) {
	audio = slices.Clone(audio)
	e.probes.Go(func() {
		e.ask(e.probeCtx, audio, prompt, true)
	})
}

// ask sends one utterance to the endpoint within its time budget and
// tells the breaker how that went (probe: it is the breaker's probe).
func (e *Engine) ask(ctx context.Context, audio []int16, prompt string, probe bool) ([]transcribe.Word, error) {
	budget := time.Duration(float64(len(audio))/transcribe.SampleRate*float64(time.Second)) + e.cfg.Budget
	within, cancel := context.WithTimeoutCause(ctx, budget, errBudget)
	defer cancel()
	words, err := e.transcribeAudio(within, audio, prompt)
	if err != nil && ctx.Err() != nil {
		e.breaker.abandon(probe)
		return nil, err
	}
	if err != nil && (errors.Is(err, errBudget) || context.Cause(within) == errBudget) {
		e.breaker.timedOut()
		err = fmt.Errorf("no words within the utterance's budget of %s: %w", budget.Round(time.Millisecond), err)
	}
	switch was, is := e.breaker.done(probe, err); {
	case was != transcribe.BreakerClosed && is == transcribe.BreakerClosed:
		e.log.Info().Str("url", e.cfg.BaseURL).Msg("the endpoint answers again; the breaker is closed")
	case was != transcribe.BreakerOpen && is == transcribe.BreakerOpen:
		e.log.Warn().Err(err).Str("url", e.cfg.BaseURL).Dur("cooldown", e.cfg.BreakerCooldown).
			Msg("the endpoint failed on too many utterances in a row; the breaker is open and the fallback hears them")
	}
	return words, err
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

// transcribeAudio sends one utterance and returns its words on the
// utterance's own clock, retrying the failures a later try may not have.
func (e *Engine) transcribeAudio(ctx context.Context, audio []int16, prompt string) ([]transcribe.Word, error) {
	wav := transcribe.EncodeWAV(audio)
	for attempt := 0; ; attempt++ {
		t, answer, err := e.post(ctx, wav, prompt)
		if err == nil {
			return t.words(float64(len(audio)) / transcribe.SampleRate), nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		wait, retry := e.retryWait(attempt, err, answer)
		deadline, hasDeadline := ctx.Deadline()
		outOfTime := retry && hasDeadline && time.Until(deadline) < wait
		if !retry || attempt >= e.cfg.MaxRetries || outOfTime {
			if wait > maxRetryAfter {
				err = fmt.Errorf("%w (the server asks to wait %s)", err, wait)
			}
			if outOfTime && attempt < e.cfg.MaxRetries {
				err = fmt.Errorf("%w; no time left to try again: %w", err, errBudget)
			}
			if attempt > 0 {
				err = fmt.Errorf("%d attempts: %w", attempt+1, err)
			}
			return nil, err
		}
		e.log.Warn().Err(err).Int("attempt", attempt+1).Int("status", answer.status).Dur("wait", wait).Msg("transcription request failed; retrying")
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("%w (while waiting to retry after: %w)", ctx.Err(), err)
		case <-timer.C:
		}
	}
}

// post makes one request through go-openai. It decodes the answer itself
// from the recorded body, because go-openai's AudioResponse has no room for
// the words whisper.cpp nests inside segments, nor for word probabilities.
func (e *Engine) post(parent context.Context, wav []byte, prompt string) (verboseTranscription, *recordedAnswer, error) {
	ctx, cancel := context.WithTimeout(parent, e.cfg.Timeout)
	defer cancel()
	answer := &recordedAnswer{client: e.cfg.HTTPClient}
	config := goopenai.DefaultConfig(e.cfg.APIKey)
	config.BaseURL = e.cfg.BaseURL
	config.HTTPClient = answer
	var t verboseTranscription
	_, err := goopenai.NewClientWithConfig(config).CreateTranscription(ctx, goopenai.AudioRequest{
		Model:    e.cfg.Model,
		FilePath: "utterance.wav",
		Reader:   bytes.NewReader(wav),
		Prompt:   prompt,
		Language: e.cfg.Language,
		Format:   goopenai.AudioResponseFormatVerboseJSON,
		TimestampGranularities: []goopenai.TranscriptionTimestampGranularity{
			goopenai.TranscriptionTimestampGranularityWord,
			goopenai.TranscriptionTimestampGranularitySegment,
		},
	})
	// After a 2xx answer the only error left is go-openai's own decoding,
	// which can trip over fields some servers type differently. The
	// recorded body is what counts.
	if err != nil && !answer.succeeded() {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && parent.Err() == nil {
			err = fmt.Errorf("no answer within %s: %w", e.cfg.Timeout, err)
		}
		return t, answer, err
	}
	if err := json.Unmarshal(answer.body, &t); err != nil {
		return t, answer, fmt.Errorf("decode the answer from %s: %w", e.cfg.BaseURL, err)
	}
	if len(t.Error) > 0 && string(t.Error) != "null" {
		return t, answer, fmt.Errorf("%s answered %d with an error: %s", e.cfg.BaseURL, answer.status, t.Error)
	}
	return t, answer, nil
}

// retryWait says whether the failed attempt (counted from 0) is worth
// repeating, and after how long.
func (e *Engine) retryWait(attempt int, err error, answer *recordedAnswer) (time.Duration, bool) {
	status := 0
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	case answer.status != 0:
		return 0, false // an answer came but could not be read; asking again gets the same
	}
	if status != 0 && status != http.StatusTooManyRequests && status < 500 {
		return 0, false
	}
	if wait, ok := retryAfter(answer.header, time.Now()); ok {
		return wait, wait <= maxRetryAfter
	}
	backoff := min(e.cfg.Backoff<<attempt, maxBackoff)
	return backoff/2 + rand.N(backoff/2+1), true
}

// retryAfter reads how long the server asked to be left alone, from
// Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms >= 0 {
		return time.Duration(ms * float64(time.Millisecond)), true
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if sec, err := strconv.Atoi(v); err == nil && sec >= 0 {
		return time.Duration(sec) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// recordedAnswer is the HTTP doer handed to go-openai for one request. It
// keeps the status, headers and body of the answer so that post can read
// the words go-openai drops and retryWait can honour Retry-After.
type recordedAnswer struct {
	client *http.Client
	status int // 0 until a whole answer has arrived
	header http.Header
	body   []byte
}

func (a *recordedAnswer) Do(req *http.Request) (*http.Response, error) {
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	a.status, a.header, a.body = resp.StatusCode, resp.Header, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (a *recordedAnswer) succeeded() bool { return a.status >= 200 && a.status < 300 }

// verboseTranscription is a verbose_json answer in either shape servers
// send: top-level words (OpenAI, speaches), or words nested in segments as
// whisper.cpp's tokens, each with a probability.
type verboseTranscription struct {
	// Error is set by whisper.cpp's server, which reports some failures
	// ("failed to read WAV file") with status 200.
	Error    json.RawMessage `json:"error"`
	Text     string          `json:"text"`
	Segments []struct {
		Start float64      `json:"start"`
		End   float64      `json:"end"`
		Text  string       `json:"text"`
		Words []answerWord `json:"words"`
	} `json:"segments"`
	Words []answerWord `json:"words"`
}

// answerWord is one entry of a words list: a word, or for whisper.cpp
// a token, which may be part of a word.
type answerWord struct {
	Word        string   `json:"word"`
	Start       float64  `json:"start"`
	End         float64  `json:"end"`
	Probability *float64 `json:"probability"`
}

// words returns the answer's words on the utterance's own clock. An answer
// without word times (json-only models, servers that send "words": null)
// has its text spread evenly over its segments, or over the duration
// seconds of audio sent: approximate times beat losing the words.
func (t verboseTranscription) words(duration float64) []transcribe.Word {
	var words []transcribe.Word
	for _, tw := range t.Words {
		words = appendWord(words, transcribe.Word{Text: tw.Word, Start: tw.Start, End: tw.End, Confidence: probability(tw)})
	}
	if len(words) == 0 {
		for _, seg := range t.Segments {
			words = append(words, joinTokens(seg.Words)...)
		}
	}
	if len(words) > 0 {
		text := t.Text
		if text == "" {
			for _, seg := range t.Segments {
				text += " " + seg.Text
			}
		}
		punctuate(words, text)
		for i := range words {
			words[i].LowConfidence = words[i].Confidence < whisperLowConfidence
		}
		return words
	}
	for _, seg := range t.Segments {
		words = append(words, spreadWords(seg.Text, seg.Start, seg.End)...)
	}
	if len(words) > 0 {
		return words
	}
	return spreadWords(t.Text, 0, duration)
}

// joinTokens turns one segment's whisper.cpp tokens into words. A token
// that starts with a space starts a word; any other continues the word
// before it (" migr", "ation"). Punctuation tokens and special tokens such
// as [_BEG_] are skipped. A word's confidence is the mean of its tokens'
// probabilities.
func joinTokens(tokens []answerWord) []transcribe.Word {
	var words []transcribe.Word
	var tokensInWord int
	for _, tok := range tokens {
		text := strings.TrimSpace(tok.Word)
		if strings.HasPrefix(text, "[_") || strings.HasPrefix(text, "<|") || strings.TrimFunc(text, isWordEdge) == "" {
			continue
		}
		p := probability(tok)
		if len(words) > 0 && !strings.HasPrefix(tok.Word, " ") {
			w := &words[len(words)-1]
			w.Text += tok.Word
			w.End = max(w.End, tok.End)
			w.Confidence = (w.Confidence*float64(tokensInWord) + p) / float64(tokensInWord+1)
			tokensInWord++
			continue
		}
		words = append(words, transcribe.Word{Text: tok.Word, Start: tok.Start, End: tok.End, Confidence: p})
		tokensInWord = 1
	}
	var clean []transcribe.Word
	for _, w := range words {
		clean = appendWord(clean, w)
	}
	return clean
}

// punctuate sets each word's Punctuated to the token of text it is
// written as, matching words and tokens in order. The word lists of
// verbose_json carry no punctuation, while the transcript does. A word
// that no token within the next few matches is left without.
func punctuate(words []transcribe.Word, text string) {
	tokens := strings.Fields(text)
	next := 0
	for i := range words {
		for k := next; k < min(next+punctuateLookahead, len(tokens)); k++ {
			if strings.EqualFold(strings.TrimFunc(tokens[k], isWordEdge), words[i].Text) {
				words[i].Punctuated = tokens[k]
				next = k + 1
				break
			}
		}
	}
}

// punctuateLookahead is how far past the last matched token punctuate
// looks for a word: far enough to step over a token the word list left
// out, near enough not to jump to the same word said later.
const punctuateLookahead = 4

// spreadWords gives the words of text equal shares of start to end.
func spreadWords(text string, start, end float64) []transcribe.Word {
	fields := strings.Fields(text)
	var words []transcribe.Word
	step := max(end-start, 0) / float64(max(len(fields), 1))
	for i, f := range fields {
		at := start + float64(i)*step
		words = appendWord(words, transcribe.Word{Text: f, Start: at, End: at + step, Confidence: 1, Punctuated: f})
	}
	return words
}

// appendWord appends w with the spaces and punctuation around its text
// removed (" Um," becomes "Um"), unless nothing is left.
func appendWord(words []transcribe.Word, w transcribe.Word) []transcribe.Word {
	w.Text = strings.TrimFunc(w.Text, isWordEdge)
	if w.Text == "" {
		return words
	}
	return append(words, w)
}

// isWordEdge reports whether r is trimmed from the ends of a word: spaces
// and punctuation, but not the apostrophes, hyphens and symbols that can
// belong to one ("'90s", "50%", "C#").
func isWordEdge(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`.,!?;:"()[]{}…“”‘’¿¡—–`, r)
}

// whisperLowConfidence is the word probability under which a word from
// the endpoint is marked LowConfidence: a calibrated probability below
// one half says the word is more likely wrong than right. It is not
// measured here, for want of a Whisper server on the build machine;
// PocketSphinx's threshold is (see psLowConfidence).
const whisperLowConfidence = 0.5

// probability is a word's confidence: the server's probability, or 1 from
// servers (OpenAI among them) that give none.
func probability(w answerWord) float64 {
	if w.Probability == nil {
		return 1
	}
	return min(max(*w.Probability, 0), 1)
}

// fillerPrompt is a transcript in the style we want back. Whisper writes
// fluent prose and drops hesitations unless its prompt shows them, and the
// coach counts the "um"s and "uh"s.
const fillerPrompt = "Um, so, uh, I was leading the, like, the migration, and, you know, it was... hmm. " +
	"Uh, we had, um, three weeks, so I, uh, I split the work."

// maxPromptWords keeps the prompt inside Whisper's window: it reads only the
// last 224 tokens of a prompt (about 150 words), dropping the front, which
// is where the fillers are.
const maxPromptWords = 150

// transcriptionPrompt is fillerPrompt followed by as much of the stream's
// vocabulary as fits in maxPromptWords.
func transcriptionPrompt(vocabulary []string) string {
	count := len(strings.Fields(fillerPrompt)) + 1 // and "Vocabulary:"
	seen := make(map[string]bool)
	var terms []string
	for _, v := range vocabulary {
		fields := strings.Fields(strings.Trim(v, " ,."))
		term := strings.Join(fields, " ")
		if term == "" || seen[strings.ToLower(term)] || count+len(fields) > maxPromptWords {
			continue
		}
		seen[strings.ToLower(term)] = true
		terms = append(terms, term)
		count += len(fields)
	}
	if len(terms) == 0 {
		return fillerPrompt
	}
	return fillerPrompt + " Vocabulary: " + strings.Join(terms, ", ") + "."
}
