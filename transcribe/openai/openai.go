// Package openai is the engine for OpenAI-compatible transcription
// endpoints (the OpenAI cloud, speaches, LocalAI, whisper.cpp's server):
// each stream finds utterances with transcribe's VAD and uploads them one by
// one as WAV files, with retries, a time budget per utterance, a circuit
// breaker shared by the streams, and a fallback engine for what the
// endpoint does not answer. Several endpoints make a pool: each utterance
// goes to the least busy one whose breaker is closed.
//
// It knows nothing about interviews, and no other package of ours but
// transcribe.
package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

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
	// BaseURLs, if set, replaces BaseURL with a pool of endpoints that
	// serve the same model, checked by CheckBaseURLs. Each utterance goes
	// to the endpoint with the fewest utterances in flight whose breaker
	// is closed, the ties taken in turn; when that one fails it goes to
	// the next, within the same budget. Each endpoint has a breaker of its
	// own, and the fallback hears what none can take.
	BaseURLs []string
	// APIKey is sent as a bearer token to every endpoint. Required for the
	// OpenAI cloud only.
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
	// In a pool, a failed request goes to the next endpoint at once instead,
	// and only the last endpoint left is asked again. Default 3; negative
	// means none.
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
	// and new utterances go to the other endpoints of the pool, or with
	// none left straight to the fallback. Default 3.
	BreakerFailures int
	// BreakerCooldown is how long the breaker stays open. Then the next
	// utterance probes the endpoint: the fallback or another endpoint
	// hears it as well, and the endpoint's answer closes the breaker.
	// Default 30 s.
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

// openAICloudURL is the default Config.BaseURL.
const openAICloudURL = "https://api.openai.com/v1"

// DefaultBudget is the default Config.Budget.
const DefaultBudget = 5 * time.Second

// Engine is the engine for OpenAI-compatible transcription endpoints. It
// holds no connection of its own: each stream finds utterances with a VAD
// and uploads them one by one as WAV files.
type Engine struct {
	cfg       Config
	ownClient bool
	log       zerolog.Logger
	pool      *pool

	// Probes beside the fallback run in the background until Close.
	probeCtx   context.Context
	stopProbes context.CancelFunc
	probes     sync.WaitGroup
}

// New checks cfg and fills in its defaults. The OpenAI cloud without an
// API key is refused here rather than on the first answer.
func New(cfg Config) (*Engine, error) {
	urls, err := baseURLs(cfg)
	if err != nil {
		return nil, err
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
	e := &Engine{cfg: cfg, log: zerolog.Nop(), pool: newPool(urls, cfg.BreakerFailures, cfg.BreakerCooldown)}
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

// baseURLs is the pool cfg asks for: BaseURLs, or BaseURL alone, or the
// OpenAI cloud. The cloud without an API key is refused here rather than
// on the first answer.
func baseURLs(cfg Config) ([]string, error) {
	urls := cfg.BaseURLs
	switch {
	case len(urls) == 0 && cfg.BaseURL != "":
		urls = []string{cfg.BaseURL}
	case len(urls) == 0:
		urls = []string{openAICloudURL}
	}
	if err := CheckBaseURLs(urls); err != nil {
		return nil, fmt.Errorf("openai: %w", err)
	}
	for _, raw := range urls {
		u, _ := url.Parse(raw)
		if cfg.APIKey == "" && strings.EqualFold(u.Hostname(), "api.openai.com") {
			return nil, errors.New("openai: the OpenAI cloud needs an API key: set OPENAI_API_KEY or --openai-key, " +
				"or point --openai-url at a local OpenAI-compatible server such as http://localhost:8000/v1")
		}
	}
	return urls, nil
}

// Endpoint says how the endpoints are doing: each in Endpoints, and all
// of them together in the other fields. The breaker state is the best of
// any endpoint (closed while one is), with that endpoint's failures and
// last error; the counts are added up.
func (e *Engine) Endpoint() transcribe.EndpointStatus {
	var all transcribe.EndpointStatus
	var urls []string
	for i, ep := range e.pool.endpoints {
		st := ep.status()
		urls = append(urls, st.URL)
		if i == 0 || st.Breaker < all.Breaker {
			all.Breaker, all.Since, all.Failures, all.LastError = st.Breaker, st.Since, st.Failures, st.LastError
		}
		all.Opened += st.Opened
		all.BudgetTimeouts += st.BudgetTimeouts
		all.InFlight += st.InFlight
		all.Requests += st.Requests
		all.Errors += st.Errors
		all.Endpoints = append(all.Endpoints, st)
	}
	all.URL = strings.Join(urls, ",")
	if len(all.Endpoints) == 1 {
		all.Host, all.Latency = all.Endpoints[0].Host, all.Endpoints[0].Latency
	}
	if e.cfg.Fallback != nil {
		all.Fallback = e.cfg.Fallback.Name()
	}
	return all
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
