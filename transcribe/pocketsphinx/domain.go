package pocketsphinx

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <pocketsphinx.h>
#include <sphinxbase/ngram_model.h>
*/
import "C"

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/transcribe"
)

// The interview-domain language model and the pronunciations of its words
// that the stock dictionary lacks, built by `make domain-lm` from the
// answers in testdata/star/train and testdata/lm.
var (
	//go:embed lm/interview.lm
	interviewLM []byte
	//go:embed lm/interview.dict
	interviewDict string
)

// InterviewModel returns the built-in interview-domain language model (ARPA
// text) and its dictionary additions ("word PH ON ES" lines).
func InterviewModel() (arpa []byte, dict string) { return interviewLM, interviewDict }

// loadDomain reads the domain model's dictionary additions and, when the
// model is the built-in one, keeps its bytes for newDecoder.
func (e *Engine) loadDomain() error {
	dict := ""
	if e.cfg.DomainLM == "" && e.cfg.DomainDict == "" {
		dict = interviewDict
	} else if e.cfg.DomainDict != "" {
		b, err := os.ReadFile(e.cfg.DomainDict)
		if err != nil {
			return fmt.Errorf("pocketsphinx domain dictionary: %w", err)
		}
		dict = string(b)
	}
	words, err := parseDictionary(dict)
	if err != nil {
		return fmt.Errorf("pocketsphinx domain dictionary %s: %w", e.cfg.DomainDict, err)
	}
	e.extraWords = words
	if e.cfg.DomainLM == "" {
		e.domainLM = interviewLM
	} else if _, err := os.Stat(e.cfg.DomainLM); err != nil {
		return fmt.Errorf("pocketsphinx domain model: %w (build it with `make domain-lm`)", err)
	}
	return nil
}

// parseDictionary reads "word PH ON ES" lines; blank lines and lines
// starting with '#' or ';' are skipped.
func parseDictionary(text string) ([]pronunciation, error) {
	var out []pronunciation
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: %q has no phones", n, line)
		}
		for _, ph := range f[1:] {
			if !validPhones[ph] {
				return nil, fmt.Errorf("line %d: %q is not a phone of the en-us model", n, ph)
			}
		}
		out = append(out, pronunciation{word: f[0], phones: strings.Join(f[1:], " ")})
	}
	return out, nil
}

// validPhones are the phones of the en-us acoustic model.
var validPhones = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH") {
		m[p] = true
	}
	return m
}()

// readDomainLM loads the domain model into one decoder. The library reads
// models from files only, so a built-in model goes through a temporary
// file.
func (e *Engine) readDomainLM(d *decoder) (*C.ngram_model_t, error) {
	if e.domainLM == nil {
		return d.readLM(e.cfg.DomainLM)
	}
	path, err := writeTemp("mockinterview-domain-*.lm", e.domainLM)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path)
	return d.readLM(path)
}

func writeTemp(pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return "", fmt.Errorf("pocketsphinx: writing a temporary file: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("pocketsphinx: writing a temporary file: %w", err)
	}
	return f.Name(), nil
}

// boost makes the decoder favour a speaker's words and phrases for one
// stream: words missing from the dictionary get a pronunciation, and a
// small model of the phrases is mixed into the language model. release
// undoes it.
func (e *Engine) boost(d *decoder, terms []string) error {
	phrases := d.vocabularyPhrases(terms)
	if len(phrases) == 0 {
		return nil
	}
	var arpa strings.Builder
	if err := BuildTrigramModel(phrases).WriteARPA(&arpa); err != nil {
		return err
	}
	path, err := writeTemp("mockinterview-vocabulary-*.lm", []byte(arpa.String()))
	if err != nil {
		return err
	}
	defer os.Remove(path)
	vocab, err := d.readLM(path)
	if err != nil {
		return err
	}
	// The search's model set holds its own reference from here on.
	defer C.ngram_model_free(vocab)
	if err := d.useLM(vocabularySearch, vocab, e.cfg.VocabularyWeight); err != nil {
		C.ps_set_search(d.ps, baseSearch)
		return err
	}
	d.boosted = true
	return nil
}

// vocabularyPhrases turns the speaker's terms into phrases of dictionary
// words, adding the words the dictionary lacks (acronyms spelled letter by
// letter, other words by Pronounce).
func (d *decoder) vocabularyPhrases(terms []string) [][]string {
	var phrases [][]string
	for _, term := range terms {
		var phrase []string
		for _, token := range strings.Fields(term) {
			acronym := IsSpelledAcronym(strings.Trim(token, ".,;:!?()\"'"))
			for _, w := range transcribe.SpokenWords(token) {
				if !d.known(w) {
					phones := ""
					if acronym {
						phones = SpellLetters(w)
					} else {
						phones = Pronounce(w, d.lookup)
					}
					if phones == "" {
						continue
					}
					d.dirty = true
					if !d.addWord(w, phones) {
						continue
					}
				}
				phrase = append(phrase, w)
			}
		}
		if len(phrase) > 0 {
			phrases = append(phrases, phrase)
		}
	}
	return phrases
}

// unboost goes back to the decoder's own language model and frees the
// vocabulary search with its model. It must be called between utterances.
func (d *decoder) unboost() {
	if !d.boosted || d.ps == nil {
		return
	}
	C.ps_set_search(d.ps, baseSearch)
	C.ps_unset_search(d.ps, vocabularySearch)
	d.boosted = false
}

// ShippedSetup names what the embedded recognizer hears with by default:
// "ps-" and the first eight hex digits of a SHA-256 of the built-in
// interview model, its dictionary, the default profile's options, the
// default interpolation weight and pause. Benchmark tables measured with
// the shipped set-up carry it, and a test fails when they no longer match
// (docs/BENCHMARKS.md); `mockinterview version` prints it.
func ShippedSetup() string {
	h := sha256.New()
	h.Write(interviewLM)
	io.WriteString(h, interviewDict)
	opts := profileOptions[ProfileFast]
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		fmt.Fprintf(h, "%s=%s\n", k, opts[k])
	}
	fmt.Fprintf(h, "domain weight %g, pause %v, longest utterance %v\n", DefaultDomainWeight, transcribe.DefaultPause, maxUtterance)
	return "ps-" + hex.EncodeToString(h.Sum(nil))[:8]
}
