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
	"fmt"
	"os"
	"slices"
	"sync"
	"unsafe"
)

// quietLibrary turns the library's log off, for the whole process, once.
func quietLibrary() { quietOnce.Do(func() { C.mi_quiet() }) }

var quietOnce sync.Once

// loadMu makes decoders load one at a time. Loading touches the library's
// process-wide state (its log, above all: a "-logfn" given to each decoder
// made every load close and reopen the one log file while other decoders
// wrote to it, which hung or crashed loads that overlapped); decoding
// touches only the decoder's own.
var loadMu sync.Mutex

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
	if e.featParams != nil {
		fpPath, err := writeTemp("mockinterview-*.params", e.featParams)
		if err != nil {
			return nil, err
		}
		defer os.Remove(fpPath)
		args = append(args, "-featparams", fpPath)
	}
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
