package main

import (
	"flag"
	"fmt"
	"strconv"
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
	openaiURL   string
	openaiKey   string
	openaiModel string
	fallback    bool
	budget      time.Duration
	pause       time.Duration
}

func (f *engineFlags) register(fs *flag.FlagSet, e env) {
	fs.StringVar(&f.engine, "engine", envOr(e, "MOCKINTERVIEW_ENGINE", "pocketsphinx"), "transcription engine: pocketsphinx (embedded) or openai (any OpenAI-compatible endpoint) [$MOCKINTERVIEW_ENGINE]")
	fs.StringVar(&f.modelDir, "model-dir", envOr(e, "MOCKINTERVIEW_MODEL_DIR", pocketsphinx.DefaultModelDir), "PocketSphinx model folder [$MOCKINTERVIEW_MODEL_DIR]")
	fs.Float64Var(&f.lmMix, "lm-mix", envFloat(e, "MOCKINTERVIEW_LM_MIX", pocketsphinx.DefaultDomainWeight), "PocketSphinx: weight of the built-in interview language model mixed with the stock one, 0 to 1 (0: stock model alone) [$MOCKINTERVIEW_LM_MIX]")
	fs.BoolVar(&f.accurate, "accurate", envBool(e, "MOCKINTERVIEW_ACCURATE", false), "PocketSphinx: search wider for batch analysis, about twice the CPU of the default fast profile [$MOCKINTERVIEW_ACCURATE]")
	fs.IntVar(&f.poolSize, "pool-size", envInt(e, "MOCKINTERVIEW_POOL_SIZE", 0), "PocketSphinx decoders at once, about 90 MB each (0: one per CPU) [$MOCKINTERVIEW_POOL_SIZE]")
	fs.StringVar(&f.openaiURL, "openai-url", envOr(e, "OPENAI_BASE_URL", ""), "OpenAI-compatible API base URL, e.g. http://localhost:8000/v1 (empty: the OpenAI cloud) [$OPENAI_BASE_URL]")
	fs.StringVar(&f.openaiKey, "openai-key", envOr(e, "OPENAI_API_KEY", ""), "API key for the OpenAI-compatible endpoint [$OPENAI_API_KEY]")
	fs.StringVar(&f.openaiModel, "openai-model", envOr(e, "MOCKINTERVIEW_OPENAI_MODEL", "whisper-1"), "transcription model; it must return word timestamps [$MOCKINTERVIEW_OPENAI_MODEL]")
	fs.DurationVar(&f.pause, "pause", envDuration(e, "MOCKINTERVIEW_PAUSE", transcribe.DefaultPause), "the silence that ends an utterance, so its words are final soon after they are said; a client's endpointing overrides it [$MOCKINTERVIEW_PAUSE]")
	fs.BoolVar(&f.fallback, "fallback", envBool(e, "MOCKINTERVIEW_FALLBACK", true), "with --engine openai, transcribe an utterance with the embedded engine when the endpoint fails [$MOCKINTERVIEW_FALLBACK]")
	fs.DurationVar(&f.budget, "openai-budget", envDuration(e, "MOCKINTERVIEW_OPENAI_BUDGET", openai.DefaultBudget), "with --engine openai, how long an utterance may wait for the endpoint beyond its own length, retries included; then the fallback hears it [$MOCKINTERVIEW_OPENAI_BUDGET]")
}

// open starts the chosen engine, failing early with what to do when it
// cannot run.
func (f *engineFlags) open(log zerolog.Logger) (transcribe.Engine, error) {
	if f.pause < 10*time.Millisecond || f.pause > 10*time.Second {
		return nil, usageError{fmt.Sprintf("--pause %s: give the silence that ends an utterance, from 10ms to 10s, such as 300ms", f.pause)}
	}
	switch f.engine {
	case "pocketsphinx":
		return pocketsphinx.New(f.pocketSphinx())
	case "openai":
		if f.budget < 100*time.Millisecond || f.budget > 10*time.Minute {
			return nil, usageError{fmt.Sprintf("--openai-budget %s: give how long an utterance may wait for the endpoint beyond its own length, from 100ms to 10m, such as 5s", f.budget)}
		}
		cfg := openai.Config{BaseURL: f.openaiURL, APIKey: f.openaiKey, Model: f.openaiModel, Logger: &log,
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
	cfg := pocketsphinx.Config{ModelDir: f.modelDir, PoolSize: f.poolSize, DomainWeight: f.lmMix, Pause: f.pause}
	if f.lmMix <= 0 {
		cfg.DomainWeight = -1 // the stock model alone
	}
	if f.accurate {
		cfg.Profile = pocketsphinx.ProfileAccurate
	}
	return cfg
}

func envOr(e env, name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(e env, name string, def int) int {
	if v, err := strconv.Atoi(e.getenv(name)); err == nil {
		return v
	}
	return def
}

func envBool(e env, name string, def bool) bool {
	if v, err := strconv.ParseBool(e.getenv(name)); err == nil {
		return v
	}
	return def
}

func envDuration(e env, name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(e.getenv(name)); err == nil {
		return v
	}
	return def
}
