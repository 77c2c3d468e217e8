// Package pocketsphinx is the embedded engine: Debian's libpocketsphinx
// through cgo, a bounded pool of decoders, the stock English model mixed
// with an interview-domain language model built into the binary, a
// speaker's vocabulary added per stream, and an optional Speex denoiser in
// front. Its tools for building that model (BuildTrigramModel, Pronounce)
// live here too.
//
// It knows nothing about interviews beyond the words of that model, and no
// other package of ours but transcribe.
package pocketsphinx

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

// DefaultModelDir is where Debian's pocketsphinx-en-us package puts the
// stock US English model.
const DefaultModelDir = "/usr/share/pocketsphinx/model/en-us"

// framesPerSecond is PocketSphinx's default -frate: one frame per 10 ms.
const framesPerSecond = 100

// Config configures the embedded recognizer.
type Config struct {
	// ModelDir holds en-us/ (the acoustic model), en-us.lm.bin and
	// cmudict-en-us.dict. Default DefaultModelDir.
	ModelDir string
	// HMM, LM and Dict override the files inside ModelDir.
	HMM, LM, Dict string
	// DomainLM is a language model (ARPA or binary) of interview answers
	// interpolated with LM, and DomainDict pronounces its words that Dict
	// lacks ("word PH ON ES" lines). When both are empty, the model built
	// into this package is used (see InterviewModel).
	DomainLM, DomainDict string
	// DomainWeight is the domain model's interpolation weight, between 0
	// and 1; LM gets the rest. Zero means DefaultDomainWeight; a negative
	// weight leaves the domain model out and decodes with LM alone.
	DomainWeight float64
	// VocabularyWeight is the weight given, for one stream, to a model of
	// the words and phrases in StreamOptions.Vocabulary. Zero means
	// DefaultVocabularyWeight.
	VocabularyWeight float64
	// Profile picks the decoder's speed and accuracy settings: ProfileFast
	// (the default), ProfileAccurate or ProfileStock.
	Profile string
	// PoolSize bounds the decoders alive at once, and so the streams that
	// can run at once and the memory (about 100 MB per decoder with the
	// interview mix, 90 MB with the stock model alone). Default: the number
	// of CPUs.
	PoolSize int
	// PartialEvery is how much audio, in samples, passes between partial
	// results while someone speaks. Default 0.4 s.
	PartialEvery int
	// Pause is the silence that ends an utterance, so that its words are
	// final soon after they are said (default transcribe.DefaultPause); a stream's
	// StreamOptions.Pause overrides it. The library's own voice detector
	// ends an utterance after half a second of silence whatever the
	// Pause. A negative Pause leaves the utterances to that detector
	// alone, which never cuts a long one short.
	Pause time.Duration
	// Options are extra decoder options such as "-beam": "1e-40"; they
	// override the profile's.
	Options map[string]string
	// Denoise, when above zero, takes steady noise out of the audio
	// before the decoder hears it, by up to this many decibels (see
	// Denoiser); a stream's StreamOptions.Denoise overrides it.
	Denoise int
	// HighPass, when above zero, filters out what lies below this many
	// hertz (a fan's hum, the rumble of a room) before the decoder hears
	// the audio (see HighPass). An experiment: docs/BENCHMARKS.md.
	HighPass float64
	// Level raises quiet speech to a working level before the decoder
	// hears it, as the denoiser's level stage does, without the denoiser.
	// An experiment: docs/BENCHMARKS.md.
	Level bool
}

// Decoder profiles: named sets of search settings.
const (
	// ProfileFast narrows the search to what live streaming needs.
	ProfileFast = "fast"
	// ProfileAccurate searches wider, for batch analysis.
	ProfileAccurate = "accurate"
	// ProfileStock keeps the library's own settings.
	ProfileStock = "stock"
)

// profileOptions are the decoder settings of each profile, chosen on the
// development answers by the sweep recorded in docs/BENCHMARKS.md.
var profileOptions = map[string]map[string]string{
	ProfileStock: {},
	// Caps on the HMMs and words alive per frame, a narrower window for
	// the second (flat lexicon) pass and narrower beams for words on
	// their last phone cost half a point of WER on the development
	// answers, for about 40 % less CPU, and bound the work on noisy audio.
	// Scoring every second frame (-ds 2), the first choice, cost four
	// points on a second voice; narrower word and HMM beams cost far more.
	ProfileFast: {
		"-maxhmmpf":     "3000",
		"-maxwpf":       "10",
		"-fwdflatsfwin": "10",
		"-fwdflatefwid": "2",
		"-lpbeam":       "1e-35",
		"-lponlybeam":   "1e-20",
	},
	// About twice the CPU of the stock settings for half a point of WER.
	ProfileAccurate: {
		"-beam":     "1e-60",
		"-wbeam":    "1e-40",
		"-pbeam":    "1e-60",
		"-maxhmmpf": "-1",
	},
}

// maxUtterance is the longest an utterance goes on without a pause: then
// it ends where it is, so that a speaker who never pauses still gets final
// words. Cutting sooner, at the short gaps between words, cost two to
// three points of WER on the development answers (docs/BENCHMARKS.md).
const maxUtterance = 15 * time.Second

// Interpolation weights found best on the development set (see
// docs/BENCHMARKS.md).
const (
	DefaultDomainWeight     = 0.3
	DefaultVocabularyWeight = 0.05
)

// Engine is the embedded engine: Debian's libpocketsphinx, one decoder
// per active stream, decoders kept in a bounded pool.
type Engine struct {
	cfg        Config
	argv       []string
	domainLM   []byte          // the domain model's file, when it is built in
	extraWords []pronunciation // domain words the stock dictionary lacks
	dict       []byte          // the dictionary the decoders load (see dictionaryFor)
	featParams []byte          // the front end's settings, when Options change the model's (see featParamsFor)
	spare      *spareWords     // the whole configured dictionary, for vocabularies

	slots  chan struct{} // one token per decoder that may exist
	mu     sync.Mutex
	idle   []*decoder
	all    int // decoders loaded or loading
	closed bool
}

type pronunciation struct{ word, phones string }

// New checks the model files and builds one decoder, so that a
// broken model is reported at start and not on the first answer.
func New(cfg Config) (*Engine, error) {
	profile, err := cfg.fillDefaults()
	if err != nil {
		return nil, err
	}
	// The library calls exit() on some missing files, so look first.
	for _, p := range []string{filepath.Join(cfg.HMM, "mdef"), cfg.LM, cfg.Dict} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("pocketsphinx model: %w (install the Debian package pocketsphinx-en-us, or set --model-dir to a folder with en-us/, en-us.lm.bin and cmudict-en-us.dict)", err)
		}
	}
	e := &Engine{cfg: cfg, slots: make(chan struct{}, cfg.PoolSize)}
	if cfg.DomainWeight > 0 {
		if err := e.loadDomain(); err != nil {
			return nil, err
		}
	}
	quietLibrary()
	dict, err := e.dictionaryFor()
	if err != nil {
		return nil, err
	}
	e.dict, e.spare = dict, &spareWords{path: cfg.Dict}
	e.argv = decoderArgs(cfg, profile)
	if _, own := lookupOption(cfg.Options, "featparams"); !own {
		if e.featParams, err = featParamsFor(cfg.HMM, cfg.Options); err != nil {
			return nil, err
		}
	}
	d, err := e.newDecoder()
	if err != nil {
		return nil, err
	}
	e.idle = append(e.idle, d)
	e.all = 1
	return e, nil
}

// fillDefaults sets what cfg leaves empty, checks the weights and returns
// the options of its profile.
func (cfg *Config) fillDefaults() (profile map[string]string, err error) {
	if cfg.ModelDir == "" {
		cfg.ModelDir = DefaultModelDir
	}
	if cfg.HMM == "" {
		cfg.HMM = filepath.Join(cfg.ModelDir, "en-us")
	}
	if cfg.LM == "" {
		cfg.LM = filepath.Join(cfg.ModelDir, "en-us.lm.bin")
	}
	if cfg.Dict == "" {
		cfg.Dict = filepath.Join(cfg.ModelDir, "cmudict-en-us.dict")
	}
	if cfg.DomainWeight == 0 {
		cfg.DomainWeight = DefaultDomainWeight
	}
	if cfg.DomainWeight >= 1 {
		return nil, fmt.Errorf("pocketsphinx: domain model weight %g: give a weight below 1, or a negative one to use the stock model alone", cfg.DomainWeight)
	}
	if cfg.VocabularyWeight == 0 {
		cfg.VocabularyWeight = DefaultVocabularyWeight
	}
	if cfg.VocabularyWeight < 0 || cfg.VocabularyWeight >= 1 {
		return nil, fmt.Errorf("pocketsphinx: vocabulary weight %g: give a weight between 0 and 1", cfg.VocabularyWeight)
	}
	if cfg.Profile == "" {
		cfg.Profile = ProfileFast
	}
	profile, ok := profileOptions[cfg.Profile]
	if !ok {
		return nil, fmt.Errorf("pocketsphinx: unknown profile %q: use %s, %s or %s", cfg.Profile, ProfileFast, ProfileAccurate, ProfileStock)
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = runtime.NumCPU()
	}
	if cfg.PartialEvery <= 0 {
		cfg.PartialEvery = transcribe.SampleRate * 4 / 10
	}
	if cfg.Pause == 0 {
		cfg.Pause = transcribe.DefaultPause
	}
	return profile, nil
}

// decoderArgs are the library's command-line style options for each
// decoder: the models, then the profile's options overridden by
// cfg.Options, in a stable order. The language model is not given here:
// each decoder reads it and builds its search itself (see newDecoder), so
// that the domain and vocabulary models can be mixed in.
func decoderArgs(cfg Config, profile map[string]string) []string {
	argv := []string{"mockinterview",
		"-hmm", cfg.HMM, "-dict", cfg.Dict, // newDecoder loads e.dict, its pruned copy, in its place
		"-remove_silence", "yes", "-bestpath", "yes",
	}
	options := map[string]string{}
	for k, v := range profile {
		options[strings.TrimPrefix(k, "-")] = v
	}
	for k, v := range cfg.Options {
		options[strings.TrimPrefix(k, "-")] = v
	}
	for _, k := range slices.Sorted(maps.Keys(options)) {
		argv = append(argv, "-"+k, options[k])
	}
	return argv
}

// Name implements transcribe.Engine.
func (e *Engine) Name() string { return "pocketsphinx" }

// PoolSize is the number of streams that can run at once.
func (e *Engine) PoolSize() int { return e.cfg.PoolSize }

// NewStream takes a decoder from the pool, waiting while all are busy. A
// vocabulary in opts is added to that decoder for this stream only.
func (e *Engine) NewStream(ctx context.Context, opts transcribe.StreamOptions) (transcribe.Stream, error) {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("pocketsphinx: all %d decoders busy: %w", e.cfg.PoolSize, ctx.Err())
	}
	e.mu.Lock()
	var d *decoder
	if n := len(e.idle); n > 0 {
		d = e.idle[n-1]
		e.idle = e.idle[:n-1]
	} else {
		e.all++ // counted while it loads, so that Preload does not load one too many
	}
	e.mu.Unlock()
	if d == nil {
		var err error
		if d, err = e.loadCounted(); err != nil {
			<-e.slots
			return nil, err
		}
	}
	s := &stream{engine: e, d: d, partialEvery: e.cfg.PartialEvery}
	denoise := e.cfg.Denoise
	if opts.Denoise != 0 {
		denoise = opts.Denoise
	}
	if denoise > 0 {
		dn, err := NewDenoiser(denoise)
		if err != nil {
			e.release(d)
			return nil, err
		}
		s.denoise = dn
	}
	if e.cfg.HighPass > 0 {
		s.highPass = NewHighPass(e.cfg.HighPass)
	}
	if e.cfg.Level {
		s.level = &levelGain{}
	}
	pause := e.cfg.Pause
	if opts.Pause != 0 {
		pause = opts.Pause
	}
	if pause > 0 {
		s.pauses = transcribe.NewVAD(transcribe.VADConfig{Hangover: pause})
	}
	if len(opts.Vocabulary) > 0 {
		if err := e.boost(d, opts.Vocabulary); err != nil {
			e.release(d)
			return nil, err
		}
	}
	if err := s.start(); err != nil {
		e.release(d)
		return nil, err
	}
	return s, nil
}

// release returns a decoder to the pool, first taking back what a stream's
// vocabulary added. A decoder whose dictionary grew for one speaker is
// freed instead: the library cannot remove words, and the next speaker must
// not get them.
func (e *Engine) release(d *decoder) {
	d.unboost()
	e.keep(d)
	<-e.slots
}

// keep puts a loaded decoder in the idle pool, or frees it when it must not
// serve again (its dictionary grew for one speaker) or the engine is closed.
func (e *Engine) keep(d *decoder) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d.dirty || e.closed {
		d.free()
		e.all--
		return
	}
	e.idle = append(e.idle, d)
}

// Preload loads the rest of the pool's decoders in the background, one
// after another, so that streams starting together find them ready rather
// than each waiting for its own to load. It holds a pool slot while it
// loads, so the pool never grows past its size, and stops when every slot
// is taken.
func (e *Engine) Preload() {
	go func() {
		for {
			select {
			case e.slots <- struct{}{}:
			default:
				return
			}
			e.mu.Lock()
			more := !e.closed && e.all < e.cfg.PoolSize
			if more {
				e.all++
			}
			e.mu.Unlock()
			if !more {
				<-e.slots
				return
			}
			d, err := e.loadCounted()
			if err == nil {
				e.keep(d)
			}
			<-e.slots
			if err != nil {
				return
			}
		}
	}()
}

// loadCounted loads a decoder already counted in e.all, and takes it off
// the count if it fails to load.
func (e *Engine) loadCounted() (*decoder, error) {
	d, err := e.newDecoder()
	if err != nil {
		e.mu.Lock()
		e.all--
		e.mu.Unlock()
	}
	return d, err
}

// Close frees the idle decoders.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	for _, d := range e.idle {
		d.free()
	}
	e.all -= len(e.idle)
	e.idle = nil
	return nil
}
