package pocketsphinx

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <stdlib.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>

// mi_open_lm reads a language model on its own, to list its words.
static ngram_model_t *mi_open_lm(const char *path) {
	logmath_t *lmath = logmath_init(1.0001, 0, 0);
	ngram_model_t *lm;
	if (lmath == NULL)
		return NULL;
	lm = ngram_model_read(NULL, path, NGRAM_AUTO, lmath);
	logmath_free(lmath);
	return lm;
}
static int mi_lm_size(ngram_model_t *lm) { return ngram_model_get_counts(lm)[0]; }
static const char *mi_lm_word(ngram_model_t *lm, int i) { return ngram_word(lm, i); }
*/
import "C"

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// The stock dictionary has 134,723 pronunciations, and a decoder can only
// ever recognize the words its language models know: 72,547 in the stock
// model plus the interview model's. Each decoder keeps its own copy of the
// dictionary, so loading only the words the models know saves about 13 MB
// per decoder and changes no hypothesis (the same hypotheses, word for
// word, on the answers of the benchmarks); reading the models' word lists
// adds about 0.05 s to the engine's start-up.
// The words left out stay at hand for a speaker's vocabulary (spareWords).

// lmVocabulary lists the words of a language model file (ARPA or binary).
func lmVocabulary(path string) ([]string, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	lm := C.mi_open_lm(cpath)
	if lm == nil {
		return nil, fmt.Errorf("pocketsphinx: cannot read the language model %s", path)
	}
	defer C.ngram_model_free(lm)
	n := int(C.mi_lm_size(lm))
	words := make([]string, 0, n)
	for i := range n {
		if w := C.mi_lm_word(lm, C.int(i)); w != nil {
			words = append(words, C.GoString(w))
		}
	}
	return words, nil
}

// arpaVocabulary lists the words of an ARPA model's unigram section.
func arpaVocabulary(arpa []byte) []string {
	var words []string
	sc := bufio.NewScanner(bytes.NewReader(arpa))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	in := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "\\1-grams:"):
			in = true
		case strings.HasPrefix(line, "\\"):
			if in {
				return words
			}
		case in:
			if f := strings.Fields(line); len(f) >= 2 {
				words = append(words, f[1])
			}
		}
	}
	return words
}

// pruneDictionary keeps the lines of a dictionary whose word (alternate
// pronunciations "word(2)" included) is in keep.
func pruneDictionary(dict []byte, keep map[string]bool) []byte {
	var out bytes.Buffer
	out.Grow(len(dict) / 2)
	for line := range bytes.Lines(dict) {
		word, _, _ := bytes.Cut(line, []byte(" "))
		if i := bytes.IndexByte(word, '('); i > 0 {
			word = word[:i]
		}
		if keep[string(word)] {
			out.Write(line)
		}
	}
	return out.Bytes()
}

// dictionaryFor gives the dictionary the decoders load: the lines of the
// configured one whose words the stock or the domain model knows.
func (e *Engine) dictionaryFor() ([]byte, error) {
	full, err := os.ReadFile(e.cfg.Dict)
	if err != nil {
		return nil, fmt.Errorf("pocketsphinx dictionary: %w", err)
	}
	words, err := lmVocabulary(e.cfg.LM)
	if err != nil {
		return nil, err
	}
	if e.cfg.DomainWeight > 0 {
		var domain []string
		if e.domainLM != nil {
			domain = arpaVocabulary(e.domainLM)
		} else if domain, err = lmVocabulary(e.cfg.DomainLM); err != nil {
			return nil, err
		}
		words = append(words, domain...)
	}
	keep := make(map[string]bool, len(words))
	for _, w := range words {
		keep[w] = true
	}
	return pruneDictionary(full, keep), nil
}

// spareWords holds the pronunciations of the configured dictionary,
// read the first time a speaker's vocabulary has a word the decoders'
// dictionary lacks: the words pruned away are still pronounced as the
// dictionary says rather than guessed.
type spareWords struct {
	path  string
	once  sync.Once
	words map[string]string
}

func (s *spareWords) lookup(word string) (string, bool) {
	s.once.Do(func() {
		s.words = map[string]string{}
		b, err := os.ReadFile(s.path)
		if err != nil {
			return // the decoders loaded it, so this does not happen
		}
		for line := range bytes.Lines(b) {
			f := strings.Fields(string(line))
			if len(f) >= 2 && !strings.Contains(f[0], "(") {
				s.words[f[0]] = strings.Join(f[1:], " ")
			}
		}
	})
	p, ok := s.words[word]
	return p, ok
}
