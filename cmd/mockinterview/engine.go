package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/openai"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// engineFlags configure the transcription engine; every flag has an
// environment variable, and a flag given on the command line wins.
type engineFlags struct {
	engine      string
	modelDir    string
	poolSize    int
	lmMix       float64
	accurate    bool
	openaiURLs  urlList
	openaiKey   string
	openaiModel string
	fallback    bool
	budget      time.Duration
	pause       time.Duration
	denoise     int
}

// register adds the engine flags; extra names the engines a subcommand
// takes besides pocketsphinx and openai.
func (f *engineFlags) register(fs *flagSet, extra ...string) {
	fs.StringVar(&f.engine, "engine", "pocketsphinx", "transcription engine: pocketsphinx (embedded) or openai (any OpenAI-compatible endpoint) [$MOCKINTERVIEW_ENGINE]")
	fs.StringVar(&f.modelDir, "model-dir", pocketsphinx.DefaultModelDir, "PocketSphinx model folder [$MOCKINTERVIEW_MODEL_DIR]")
	fs.Float64Var(&f.lmMix, "lm-mix", pocketsphinx.DefaultDomainWeight, "PocketSphinx: weight of the built-in interview language model mixed with the stock one, 0 to 1 (0: stock model alone) [$MOCKINTERVIEW_LM_MIX]")
	fs.BoolVar(&f.accurate, "accurate", false, "PocketSphinx: search wider for batch analysis, about twice the CPU of the default fast profile [$MOCKINTERVIEW_ACCURATE]")
	fs.IntVar(&f.poolSize, "pool-size", 0, "PocketSphinx decoders at once, about 90 MB each (0: one per CPU) [$MOCKINTERVIEW_POOL_SIZE]")
	fs.Var(&f.openaiURLs, "openai-url", "OpenAI-compatible API base URL, e.g. http://localhost:8000/v1 (empty: the OpenAI cloud); several, comma-separated or with the flag repeated, make a pool: each utterance goes to the least busy healthy one [$OPENAI_BASE_URL]")
	fs.StringVar(&f.openaiKey, "openai-key", "", "API key for the OpenAI-compatible endpoint [$OPENAI_API_KEY]")
	fs.StringVar(&f.openaiModel, "openai-model", "whisper-1", "transcription model; it must return word timestamps [$MOCKINTERVIEW_OPENAI_MODEL]")
	fs.DurationVar(&f.pause, "pause", transcribe.DefaultPause, "the silence that ends an utterance, so its words are final soon after they are said; a client's endpointing overrides it [$MOCKINTERVIEW_PAUSE]")
	fs.IntVar(&f.denoise, "denoise", 0, "PocketSphinx: take up to this many dB of steady noise (a fan, hiss) out of the audio before decoding, 0 to 40 (0: none); a session can ask for its own with ?denoise= [$MOCKINTERVIEW_DENOISE]")
	fs.BoolVar(&f.fallback, "fallback", true, "with --engine openai, transcribe an utterance with the embedded engine when the endpoint fails [$MOCKINTERVIEW_FALLBACK]")
	fs.DurationVar(&f.budget, "openai-budget", openai.DefaultBudget, "with --engine openai, how long an utterance may wait for the endpoint beyond its own length, retries included; then the fallback hears it [$MOCKINTERVIEW_OPENAI_BUDGET]")

	engines := append([]string{"pocketsphinx", "openai"}, extra...)
	fs.check("engine", "use "+strings.Join(engines[:len(engines)-1], ", ")+" or "+engines[len(engines)-1],
		func() bool { return slices.Contains(engines, f.engine) })
	fs.check("lm-mix", "give a weight below 1, such as 0.3 (0 or less: the stock model alone)", func() bool { return f.lmMix < 1 })
	fs.check("denoise", "give how many dB of steady noise to take out, from 0 (none) to 40, such as 15", func() bool { return f.denoise >= 0 && f.denoise <= 40 })
	fs.check("pool-size", "give 0 (one decoder per CPU) or more", func() bool { return f.poolSize >= 0 })
	fs.check("pause", "give the silence that ends an utterance, from 10ms to 10s, such as 300ms",
		func() bool { return f.pause >= 10*time.Millisecond && f.pause <= 10*time.Second })
	fs.checkValue("openai-url", func() error {
		if f.engine != "openai" || len(f.openaiURLs) == 0 {
			return nil
		}
		return openai.CheckBaseURLs(f.openaiURLs)
	})
	fs.check("openai-budget", "give how long an utterance may wait for the endpoint beyond its own length, from 100ms to 10m, such as 5s",
		func() bool { return f.budget >= 100*time.Millisecond && f.budget <= 10*time.Minute })
}

// open starts the chosen engine, failing early with what to do when it
// cannot run.
func (f *engineFlags) open(log zerolog.Logger) (transcribe.Engine, error) {
	switch f.engine {
	case "pocketsphinx":
		return pocketsphinx.New(f.pocketSphinx())
	case "openai":
		cfg := openai.Config{BaseURLs: f.openaiURLs, APIKey: f.openaiKey, Model: f.openaiModel, Logger: &log,
			VAD: transcribe.VADConfig{Hangover: f.pause}, Budget: f.budget}
		if f.fallback {
			ps, err := pocketsphinx.New(f.pocketSphinx())
			if err != nil {
				log.Warn().Err(err).Msg("no embedded fallback engine")
			} else {
				cfg.Fallback = ps
			}
		}
		return openai.New(cfg)
	}
	return nil, usageError{fmt.Sprintf("unknown engine %q: use pocketsphinx or openai", f.engine)}
}

// pocketSphinx is the embedded engine's configuration.
func (f *engineFlags) pocketSphinx() pocketsphinx.Config {
	cfg := pocketsphinx.Config{ModelDir: f.modelDir, PoolSize: f.poolSize, DomainWeight: f.lmMix, Pause: f.pause, Denoise: f.denoise}
	if f.lmMix <= 0 {
		cfg.DomainWeight = -1 // the stock model alone
	}
	if f.accurate {
		cfg.Profile = pocketsphinx.ProfileAccurate
	}
	return cfg
}

// urlList is the value of --openai-url: base URLs, comma-separated, each
// use of the flag adding more. Empty, it leaves the OpenAI cloud.
type urlList []string

func (l *urlList) String() string { return strings.Join(*l, ",") }

// Set adds the comma-separated URLs of v, spaces around them trimmed. The
// list is checked after parsing, where an empty entry can be told apart
// from an empty flag.
func (l *urlList) Set(v string) error {
	if v == "" {
		return nil
	}
	for _, u := range strings.Split(v, ",") {
		*l = append(*l, strings.TrimSpace(u))
	}
	return nil
}

// endpointsAnswer is the engine's readiness without its fallback: at
// least one endpoint of the pool answers.
func (f *engineFlags) endpointsAnswer() func(context.Context) error {
	urls := []string(f.openaiURLs)
	if len(urls) == 0 {
		urls = []string{""} // the OpenAI cloud
	}
	var checks []func(context.Context) error
	for _, u := range urls {
		checks = append(checks, endpointAnswers(u, f.openaiKey))
	}
	return func(ctx context.Context) error {
		var errs []error
		for _, answers := range checks {
			err := answers(ctx)
			if err == nil {
				return nil
			}
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
}
