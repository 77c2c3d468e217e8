package transcribe

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <stdlib.h>
#include <stdio.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>

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
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// DefaultModelDir is where Debian's pocketsphinx-en-us package puts the
// stock US English model.
const DefaultModelDir = "/usr/share/pocketsphinx/model/en-us"

// framesPerSecond is PocketSphinx's default -frate: one frame per 10 ms.
const framesPerSecond = 100

// PocketSphinxConfig configures the embedded recognizer.
type PocketSphinxConfig struct {
	// ModelDir holds en-us/ (the acoustic model), en-us.lm.bin and
	// cmudict-en-us.dict. Default DefaultModelDir.
	ModelDir string
	// HMM, LM and Dict override the files inside ModelDir.
	HMM, LM, Dict string
	// PoolSize bounds the decoders alive at once, and so the streams that
	// can run at once and the memory (about 90 MB per decoder with the stock
	// model). Default: the number of CPUs.
	PoolSize int
	// PartialEvery is how much audio, in samples, passes between partial
	// results while someone speaks. Default 0.4 s.
	PartialEvery int
	// Options are extra decoder options such as "-beam": "1e-40".
	Options map[string]string
}

// PocketSphinx is the embedded engine: Debian's libpocketsphinx, one decoder
// per active stream, decoders kept in a bounded pool.
type PocketSphinx struct {
	cfg  PocketSphinxConfig
	argv []string

	slots chan struct{} // one token per decoder that may exist
	mu    sync.Mutex
	idle  []*decoder
	all   int
}

var quietOnce sync.Once

// NewPocketSphinx checks the model files and builds one decoder, so that a
// broken model is reported at start and not on the first answer.
func NewPocketSphinx(cfg PocketSphinxConfig) (*PocketSphinx, error) {
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
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = runtime.NumCPU()
	}
	if cfg.PartialEvery <= 0 {
		cfg.PartialEvery = SampleRate * 4 / 10
	}
	// The library calls exit() on some missing files, so look first.
	for _, p := range []string{filepath.Join(cfg.HMM, "mdef"), cfg.LM, cfg.Dict} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("pocketsphinx model: %w (install the Debian package pocketsphinx-en-us, or set --model-dir to a folder with en-us/, en-us.lm.bin and cmudict-en-us.dict)", err)
		}
	}
	quietOnce.Do(func() { C.mi_quiet() })

	argv := []string{"mockinterview",
		"-hmm", cfg.HMM, "-lm", cfg.LM, "-dict", cfg.Dict,
		"-remove_silence", "yes", "-bestpath", "yes", "-logfn", os.DevNull,
	}
	keys := make([]string, 0, len(cfg.Options))
	for k := range cfg.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		argv = append(argv, "-"+strings.TrimPrefix(k, "-"), cfg.Options[k])
	}
	e := &PocketSphinx{cfg: cfg, argv: argv, slots: make(chan struct{}, cfg.PoolSize)}
	d, err := e.newDecoder()
	if err != nil {
		return nil, err
	}
	e.idle = append(e.idle, d)
	e.all = 1
	return e, nil
}

// Name implements Engine.
func (e *PocketSphinx) Name() string { return "pocketsphinx" }

// PoolSize is the number of streams that can run at once.
func (e *PocketSphinx) PoolSize() int { return e.cfg.PoolSize }

// NewStream takes a decoder from the pool, waiting while all are busy.
func (e *PocketSphinx) NewStream(ctx context.Context, opts StreamOptions) (Stream, error) {
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
	}
	e.mu.Unlock()
	if d == nil {
		var err error
		if d, err = e.newDecoder(); err != nil {
			<-e.slots
			return nil, err
		}
		e.mu.Lock()
		e.all++
		e.mu.Unlock()
	}
	s := &psStream{engine: e, d: d, partialEvery: e.cfg.PartialEvery}
	if err := s.start(); err != nil {
		e.release(d)
		return nil, err
	}
	return s, nil
}

func (e *PocketSphinx) release(d *decoder) {
	e.mu.Lock()
	e.idle = append(e.idle, d)
	e.mu.Unlock()
	<-e.slots
}

// Close frees the idle decoders.
func (e *PocketSphinx) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.idle {
		d.free()
	}
	e.all -= len(e.idle)
	e.idle = nil
	return nil
}

type decoder struct{ ps *C.ps_decoder_t }

func (e *PocketSphinx) newDecoder() (*decoder, error) {
	argc := C.int(len(e.argv))
	argv := C.malloc(C.size_t(len(e.argv)) * C.size_t(unsafe.Sizeof(uintptr(0))))
	defer C.free(argv)
	cargs := unsafe.Slice((**C.char)(argv), len(e.argv))
	for i, a := range e.argv {
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
	return &decoder{ps: ps}, nil
}

func (d *decoder) free() {
	if d.ps != nil {
		C.ps_free(d.ps)
		d.ps = nil
	}
}

// psStream follows pocketsphinx_continuous: one long stream, utterances cut
// where the library's own voice detector says speech stopped, so that frame
// numbers count from the start of the stream and word times do not drift.
type psStream struct {
	engine       *PocketSphinx
	d            *decoder
	inUtt        bool // the library heard speech in the current utterance
	sincePartial int
	partialEvery int
	received     int64 // samples fed since the stream began
}

var errStreamClosed = errors.New("pocketsphinx: stream is closed")

func (s *psStream) start() error {
	if C.ps_start_stream(s.d.ps) < 0 {
		return errors.New("pocketsphinx: start stream failed")
	}
	if C.ps_start_utt(s.d.ps) < 0 {
		return errors.New("pocketsphinx: start utterance failed")
	}
	return nil
}

// chunk is how much audio goes to the decoder per call: small enough that
// the end of speech is noticed within 100 ms.
const chunk = SampleRate / 10

func (s *psStream) Accept(ctx context.Context, samples []int16) ([]Result, error) {
	if s.d == nil {
		return nil, errStreamClosed
	}
	var out []Result
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
		speaking := C.ps_get_in_speech(s.d.ps) != 0
		switch {
		case speaking && !s.inUtt:
			s.inUtt = true
			s.sincePartial = 0
		case !speaking && s.inUtt:
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

func (s *psStream) Flush(ctx context.Context) ([]Result, error) {
	if s.d == nil {
		return nil, errStreamClosed
	}
	if !s.inUtt {
		return nil, nil
	}
	r, err := s.endUtt()
	if err != nil || len(r.Words) == 0 {
		return nil, err
	}
	return []Result{r}, nil
}

func (s *psStream) Close() error {
	if s.d == nil {
		return nil
	}
	C.ps_end_utt(s.d.ps)
	s.engine.release(s.d)
	s.d = nil
	return nil
}

func (s *psStream) endUtt() (Result, error) {
	s.inUtt = false
	if C.ps_end_utt(s.d.ps) < 0 {
		return Result{}, errors.New("pocketsphinx: end utterance failed")
	}
	r := s.words(true)
	if C.ps_start_utt(s.d.ps) < 0 {
		return r, errors.New("pocketsphinx: start utterance failed")
	}
	return r, nil
}

func (s *psStream) partial() Result { return s.words(false) }

// words reads the decoder's current best path. Confidence is only
// meaningful once the utterance has ended (the posterior needs the lattice).
func (s *psStream) words(final bool) Result {
	r := Result{Final: final, Engine: "pocketsphinx"}
	var score C.int32
	if C.ps_get_hyp(s.d.ps, &score) == nil {
		return r
	}
	now := float64(s.received) / SampleRate
	for seg := C.ps_seg_iter(s.d.ps); seg != nil; seg = C.ps_seg_next(seg) {
		text, ok := cleanWord(C.GoString(C.ps_seg_word(seg)))
		if !ok {
			continue
		}
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		w := Word{
			Text:  text,
			Start: float64(sf) / framesPerSecond,
			End:   float64(ef+1) / framesPerSecond,
		}
		w.Start, w.End = min(w.Start, now), min(w.End, now)
		if final {
			var ascr, lscr, lback C.int32
			p := C.ps_seg_prob(seg, &ascr, &lscr, &lback)
			w.Confidence = float64(C.mi_prob(s.d.ps, p))
		}
		r.Words = append(r.Words, w)
	}
	if len(r.Words) > 0 {
		r.Start, r.End = r.Words[0].Start, r.Words[len(r.Words)-1].End
	}
	return r
}

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
