package pocketsphinx

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <stdlib.h>
#include <stdio.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>

// Variadic cmd_ln_init cannot be called from Go; parse an argv instead.
static cmd_ln_t *mi_config(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}

static void mi_quiet(void) {
	err_set_logfp(NULL);
	err_set_debug_level(0);
}

static double mi_prob(ps_decoder_t *ps, int32 p) {
	return logmath_exp(ps_get_logmath(ps), p);
}

// mi_read_lm reads a language model (ARPA or binary) with the decoder's
// language weight and log base, as a model set requires.
static ngram_model_t *mi_read_lm(ps_decoder_t *ps, const char *path) {
	return ngram_model_read(ps_get_config(ps), path, NGRAM_AUTO,
		logmath_retain(ps_get_logmath(ps)));
}

// mi_use_lm makes the search called name decode with the given models
// (NULL ones left out), interpolated with their weights, and selects it.
// A model set takes its own reference to each model and gives it back when
// the search that holds the set is removed; the caller keeps its own.
static int mi_use_lm(ps_decoder_t *ps, const char *name,
		ngram_model_t *stock, float wstock,
		ngram_model_t *domain, float wdomain,
		ngram_model_t *vocab, float wvocab) {
	ngram_model_t *models[3];
	char *names[3];
	float32 weights[3];
	int n = 0, rv;
	ngram_model_t *lm;
	if (stock) { models[n] = stock; names[n] = "stock"; weights[n++] = wstock; }
	if (domain) { models[n] = domain; names[n] = "domain"; weights[n++] = wdomain; }
	if (vocab) { models[n] = vocab; names[n] = "vocabulary"; weights[n++] = wvocab; }
	if (n == 0)
		return -1;
	if (n == 1)
		lm = ngram_model_retain(models[0]);
	else
		lm = ngram_model_set_init(ps_get_config(ps), models, names, weights, n);
	if (lm == NULL)
		return -1;
	rv = ps_set_lm(ps, name, lm);
	ngram_model_free(lm);
	if (rv < 0)
		return rv;
	return ps_set_search(ps, name);
}

// mi_known reports whether the dictionary has a pronunciation for word.
static int mi_known(ps_decoder_t *ps, const char *word) {
	char *p = ps_lookup_word(ps, word);
	if (p == NULL)
		return 0;
	free(p);
	return 1;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

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
	spare      *spareWords     // the whole configured dictionary, for vocabularies

	slots  chan struct{} // one token per decoder that may exist
	mu     sync.Mutex
	idle   []*decoder
	all    int // decoders loaded or loading
	closed bool
}

type pronunciation struct{ word, phones string }

var quietOnce sync.Once

// loadMu makes decoders load one at a time. Loading touches the library's
// process-wide state (its log, above all: a "-logfn" given to each decoder
// made every load close and reopen the one log file while other decoders
// wrote to it, which hung or crashed loads that overlapped); decoding
// touches only the decoder's own.
var loadMu sync.Mutex

// New checks the model files and builds one decoder, so that a
// broken model is reported at start and not on the first answer.
func New(cfg Config) (*Engine, error) {
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
	quietOnce.Do(func() { C.mi_quiet() })
	dict, err := e.dictionaryFor()
	if err != nil {
		return nil, err
	}
	e.dict, e.spare = dict, &spareWords{path: cfg.Dict}

	// The language model is not given here: each decoder reads it and
	// builds its search itself (see newDecoder), so that the domain and
	// vocabulary models can be mixed in.
	e.argv = []string{"mockinterview",
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
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.argv = append(e.argv, "-"+k, options[k])
	}
	d, err := e.newDecoder()
	if err != nil {
		return nil, err
	}
	e.idle = append(e.idle, d)
	e.all = 1
	return e, nil
}

// Name implements Engine.
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

// decoder is one libpocketsphinx decoder with the language models its
// searches share. It is used by one goroutine at a time.
type decoder struct {
	ps            *C.ps_decoder_t
	stock, domain *C.ngram_model_t
	weight        float64 // the domain model's
	boosted       bool    // the vocabulary search is selected
	dirty         bool    // words were added to the dictionary for one stream
	spare         *spareWords
}

// baseSearch and vocabularySearch name the decoder's two language-model
// searches: the stock model mixed with the domain one, and the same with a
// stream's vocabulary mixed in.
var (
	baseSearch       = C.CString("base")
	vocabularySearch = C.CString("vocabulary")
)

func (e *Engine) newDecoder() (*decoder, error) {
	loadMu.Lock()
	defer loadMu.Unlock()
	dictPath, err := writeTemp("mockinterview-*.dict", e.dict)
	if err != nil {
		return nil, err
	}
	defer os.Remove(dictPath)
	args := slices.Clone(e.argv)
	args[slices.Index(args, "-dict")+1] = dictPath
	argc := C.int(len(args))
	argv := C.malloc(C.size_t(len(args)) * C.size_t(unsafe.Sizeof(uintptr(0))))
	defer C.free(argv)
	cargs := unsafe.Slice((**C.char)(argv), len(args))
	for i, a := range args {
		cargs[i] = C.CString(a)
	}
	defer func() {
		for _, p := range cargs {
			C.free(unsafe.Pointer(p))
		}
	}()
	config := C.mi_config(argc, (**C.char)(argv))
	if config == nil {
		return nil, fmt.Errorf("pocketsphinx: bad decoder options %q", e.argv[1:])
	}
	ps := C.ps_init(config)
	C.cmd_ln_free_r(config)
	if ps == nil {
		return nil, fmt.Errorf("pocketsphinx: cannot load the model from %s", e.cfg.HMM)
	}
	d := &decoder{ps: ps, weight: e.cfg.DomainWeight, spare: e.spare}
	// Words go into the dictionary before any search exists, so that no
	// language model is touched.
	for _, p := range e.extraWords {
		if !d.known(p.word) {
			d.addWord(p.word, p.phones)
		}
	}
	if d.stock, err = d.readLM(e.cfg.LM); err != nil {
		d.free()
		return nil, err
	}
	if e.cfg.DomainWeight > 0 {
		if d.domain, err = e.readDomainLM(d); err != nil {
			d.free()
			return nil, err
		}
	}
	if err := d.useLM(baseSearch, nil, 0); err != nil {
		d.free()
		return nil, err
	}
	return d, nil
}

func (d *decoder) readLM(path string) (*C.ngram_model_t, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	lm := C.mi_read_lm(d.ps, cpath)
	if lm == nil {
		return nil, fmt.Errorf("pocketsphinx: cannot read the language model %s", path)
	}
	return lm, nil
}

// useLM selects a search over the stock model, the domain model (when the
// engine has one) and a vocabulary model (when not nil) given weight
// vocabWeight; the others share the rest in their usual proportion.
func (d *decoder) useLM(name *C.char, vocab *C.ngram_model_t, vocabWeight float64) error {
	rest := 1 - vocabWeight
	stockWeight, domainWeight := rest, 0.0
	if d.domain != nil {
		stockWeight, domainWeight = rest*(1-d.weight), rest*d.weight
	}
	if C.mi_use_lm(d.ps, name, d.stock, C.float(stockWeight), d.domain, C.float(domainWeight), vocab, C.float(vocabWeight)) < 0 {
		return fmt.Errorf("pocketsphinx: cannot set up the %s language model search", C.GoString(name))
	}
	return nil
}

func (d *decoder) known(word string) bool {
	w := C.CString(word)
	defer C.free(unsafe.Pointer(w))
	return C.mi_known(d.ps, w) != 0
}

// lookup returns the dictionary's pronunciation of word, or that of the
// whole configured dictionary for a word left out of the decoder's.
func (d *decoder) lookup(word string) (string, bool) {
	w := C.CString(word)
	defer C.free(unsafe.Pointer(w))
	p := C.ps_lookup_word(d.ps, w)
	if p == nil {
		if d.spare != nil {
			return d.spare.lookup(word)
		}
		return "", false
	}
	defer C.free(unsafe.Pointer(p))
	return C.GoString(p), true
}

// addWord puts a word in the dictionary without rebuilding any search; a
// search made afterwards sees it.
func (d *decoder) addWord(word, phones string) bool {
	w, p := C.CString(word), C.CString(phones)
	defer C.free(unsafe.Pointer(w))
	defer C.free(unsafe.Pointer(p))
	C.ps_add_word(d.ps, w, p, 0)
	return C.mi_known(d.ps, w) != 0
}

func (d *decoder) free() {
	if d.ps != nil {
		C.ps_free(d.ps)
		d.ps = nil
	}
	for _, lm := range []**C.ngram_model_t{&d.stock, &d.domain} {
		if *lm != nil {
			C.ngram_model_free(*lm)
			*lm = nil
		}
	}
}

// stream follows pocketsphinx_continuous: one long stream, so that frame
// numbers count from the start of the stream and word times do not drift.
// An utterance begins where the library's own voice detector hears speech.
// It ends at the first pause as long as the stream's, heard by our own VAD,
// or at the library's own half second of silence if that comes first, and
// at maxUtterance in any case.
type stream struct {
	engine       *Engine
	d            *decoder
	inUtt        bool  // the library heard speech in the current utterance
	uttFrom      int64 // where the utterance began
	sincePartial int
	partialEvery int
	received     int64 // samples fed since the stream began
	// pauses hears the pause that ends an utterance; nil when the library
	// decides alone.
	pauses *transcribe.VAD
	// denoise, when set, cleans the audio before the decoder and pauses
	// hear it; clean holds what it gives back.
	denoise *Denoiser
	clean   []int16
}

// ended tells whether vad heard speech stop in samples.
func ended(vad *transcribe.VAD, samples []int16) bool {
	if vad == nil {
		return false
	}
	was := vad.InSpeech()
	vad.Write(samples)
	return was && !vad.InSpeech()
}

var errStreamClosed = errors.New("pocketsphinx: stream is closed")

func (s *stream) start() error {
	if C.ps_start_stream(s.d.ps) < 0 {
		return errors.New("pocketsphinx: start stream failed")
	}
	if C.ps_start_utt(s.d.ps) < 0 {
		return errors.New("pocketsphinx: start utterance failed")
	}
	return nil
}

func samplesIn(d time.Duration) int64 { return int64(d.Seconds() * transcribe.SampleRate) }

// chunk is how much audio goes to the decoder per call: small enough that
// the end of speech is noticed within 100 ms.
const chunk = transcribe.SampleRate / 10

func (s *stream) Accept(ctx context.Context, samples []int16) ([]transcribe.Result, error) {
	if s.d == nil {
		return nil, errStreamClosed
	}
	if s.denoise != nil {
		s.clean = s.denoise.Process(s.clean[:0], samples)
		samples = s.clean
	}
	return s.decode(ctx, samples)
}

// decode feeds samples to the decoder a chunk at a time and gives the
// results they bring.
func (s *stream) decode(ctx context.Context, samples []int16) ([]transcribe.Result, error) {
	var out []transcribe.Result
	for len(samples) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		n := min(len(samples), chunk)
		part := samples[:n]
		samples = samples[n:]
		if C.ps_process_raw(s.d.ps, (*C.int16)(unsafe.Pointer(&part[0])), C.size_t(n), 0, 0) < 0 {
			return out, errors.New("pocketsphinx: decoding failed")
		}
		s.received += int64(n)
		paused := ended(s.pauses, part)
		speaking := C.ps_get_in_speech(s.d.ps) != 0
		switch {
		case speaking && !s.inUtt:
			s.inUtt = true
			s.uttFrom = s.received
			s.sincePartial = 0
		// The library's detector ends an utterance too, half a second into
		// a silence: going on through it, whose frames the library drops,
		// cost two points of WER (docs/BENCHMARKS.md), so a pause longer
		// than that cannot be asked for.
		case s.inUtt && (!speaking || paused || s.pauses != nil && s.received-s.uttFrom >= samplesIn(maxUtterance)):
			r, err := s.endUtt()
			if err != nil {
				return out, err
			}
			if len(r.Words) > 0 {
				out = append(out, r)
			}
		case speaking:
			s.sincePartial += n
			if s.sincePartial >= s.partialEvery {
				s.sincePartial = 0
				if r := s.partial(); len(r.Words) > 0 {
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}

func (s *stream) Flush(ctx context.Context) ([]transcribe.Result, error) {
	if s.d == nil {
		return nil, errStreamClosed
	}
	var out []transcribe.Result
	if s.denoise != nil {
		s.clean = s.denoise.Flush(s.clean[:0])
		rs, err := s.decode(ctx, s.clean)
		if err != nil {
			return rs, err
		}
		out = rs
	}
	if !s.inUtt {
		return out, nil
	}
	r, err := s.endUtt()
	if err != nil || len(r.Words) == 0 {
		return out, err
	}
	return append(out, r), nil
}

func (s *stream) Close() error {
	if s.d == nil {
		return nil
	}
	C.ps_end_utt(s.d.ps)
	s.engine.release(s.d)
	s.d = nil
	if s.denoise != nil {
		s.denoise.Close()
	}
	return nil
}

func (s *stream) endUtt() (transcribe.Result, error) {
	s.inUtt = false
	if C.ps_end_utt(s.d.ps) < 0 {
		return transcribe.Result{}, errors.New("pocketsphinx: end utterance failed")
	}
	r := s.words(true)
	if C.ps_start_utt(s.d.ps) < 0 {
		return r, errors.New("pocketsphinx: start utterance failed")
	}
	return r, nil
}

func (s *stream) partial() transcribe.Result { return s.words(false) }

// words reads the decoder's current best path. Confidence is only
// meaningful once the utterance has ended (the posterior needs the lattice).
func (s *stream) words(final bool) transcribe.Result {
	r := transcribe.Result{Final: final, Engine: "pocketsphinx"}
	var score C.int32
	if C.ps_get_hyp(s.d.ps, &score) == nil {
		return r
	}
	now := float64(s.received) / transcribe.SampleRate
	for seg := C.ps_seg_iter(s.d.ps); seg != nil; seg = C.ps_seg_next(seg) {
		text, ok := cleanWord(C.GoString(C.ps_seg_word(seg)))
		if !ok {
			continue
		}
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		w := transcribe.Word{
			Text:  text,
			Start: float64(sf) / framesPerSecond,
			End:   float64(ef+1) / framesPerSecond,
		}
		w.Start, w.End = min(w.Start, now), min(w.End, now)
		if final {
			var ascr, lscr, lback C.int32
			p := C.ps_seg_prob(seg, &ascr, &lscr, &lback)
			w.Confidence = float64(C.mi_prob(s.d.ps, p))
			w.LowConfidence = w.Confidence < psLowConfidence
		}
		r.Words = append(r.Words, w)
	}
	if len(r.Words) > 0 {
		r.Start, r.End = r.Words[0].Start, r.Words[len(r.Words)-1].End
	}
	return r
}

// psLowConfidence is the posterior under which a final word is marked
// LowConfidence. Measured on four development answers read by flite's slt
// and kal16, clean and spoiled with internal/noisemix (pink noise from 25
// to 10 dB SNR, fan hum, quiet, clipped), each word heard aligned with the
// text read (TestAudioThresholds in cmd/mockinterview): of 12,723 words
// heard, 20 % were wrong; of the 1,990 under 0.1, 52 % were, and they hold
// 41 % of the wrong words and 9 % of the right ones. On clean speech 3 % of
// the words fall under it. Under 0.15 half the words are wrong; higher, a
// dimmed word is more often right than wrong.
const psLowConfidence = 0.1

// cleanWord turns a dictionary entry into the word said: "read(2)" becomes
// "read"; silences, sentence marks and noise models are dropped. Fillers
// the model recognizes as words ("um", "uh") are kept.
func cleanWord(w string) (string, bool) {
	if w == "" || w[0] == '<' || w[0] == '[' || w[0] == '+' {
		return "", false
	}
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		w = w[:i]
	}
	return w, true
}
