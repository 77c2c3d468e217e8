package pocketsphinx

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

// stockLMEngine decodes with the stock language model alone and otherwise
// the default settings, to compare the interview mix against.
func stockLMEngine(t *testing.T) *Engine {
	t.Helper()
	testEngine(t) // skips when the model is not installed
	e, err := New(Config{PoolSize: 1, DomainWeight: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// Sentences of the kind the interview model was trained on, written for
// this test and in none of its training text (the test checks that): the
// mix must recognize them at least as well as the stock model.
func TestPocketSphinxDomainMix(t *testing.T) {
	mixed := testEngine(t)
	stock := stockLMEngine(t)
	training := lmTrainingText(t)
	cases := []struct {
		text  string
		bound float64 // measured with the mix: 0.182, 0.000, 0.176 (stock model: 0.273, 0.263, 0.412)
	}{
		{"My manager asked me to own the rollout, so I split the backlog into weekly milestones and reviewed them with the team.", 0.19},
		{"As a result, the error rate dropped by forty percent within two sprints, and support tickets fell by half.", 0.06},
		{"Looking back, I would involve the customer earlier and write the rollback plan before the first deploy.", 0.18},
	}
	for _, c := range cases {
		if strings.Contains(training, strings.Join(transcribe.NormalizeText(c.text), " ")) {
			t.Fatalf("%q is in the interview model's training text: test on a sentence it never saw", c.text)
		}
		samples := synth(t, "slt", c.text)
		var wer [2]float64
		for i, e := range []*Engine{stock, mixed} {
			tr, err := transcribe.TranscribeSamples(context.Background(), e, samples, transcribe.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wer[i] = transcribe.WordErrorRate(c.text, tr.Text)
			t.Logf("%s WER %.3f: %q", []string{"stock", "mix"}[i], wer[i], tr.Text)
		}
		if wer[1] > wer[0] {
			t.Errorf("%q: the mix (WER %.3f) does worse than the stock model (%.3f)", c.text, wer[1], wer[0])
		}
		if wer[1] > c.bound {
			t.Errorf("%q: mix WER %.3f above %.2f", c.text, wer[1], c.bound)
		}
	}
}

// lmTrainingText is the text the interview language model is built from
// (testdata/lm and the STAR training split, as build-lm reads them),
// normalized to lower-case words separated by single spaces.
func lmTrainingText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, pattern := range []string{"../../testdata/lm/*.txt", "../../testdata/star/train/*.txt"} {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("no training text at %s (%v)", pattern, err)
		}
		for _, f := range files {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(strings.Join(transcribe.NormalizeText(string(text)), " "))
			b.WriteString(" ")
		}
	}
	return b.String()
}

// A speaker's vocabulary makes the decoder hear a name it otherwise misses,
// for that stream only: the next stream from the pool must not know it.
func TestPocketSphinxVocabulary(t *testing.T) {
	testEngine(t)
	cases := []struct {
		name, text, word string
		vocabulary       []string
		addsWord         bool // the word is not in the dictionary
	}{
		{"new word", "Our vendor Zorvex missed the deadline twice.", "zorvex", []string{"Zorvex"}, true},
		{"known word", "We moved the alerts to Sequoia before the launch.", "sequoia", []string{"Sequoia"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A fresh decoder each time: what a decoder hears depends a
			// little on the audio it heard before.
			engine, err := New(Config{PoolSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer engine.Close()
			samples := synth(t, "slt", c.text)
			heard := func(opts transcribe.StreamOptions) bool {
				t.Helper()
				tr, err := transcribe.TranscribeSamples(context.Background(), engine, samples, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("vocabulary %q: %q", opts.Vocabulary, tr.Text)
				return slices.Contains(transcribe.NormalizeText(tr.Text), c.word)
			}
			if heard(transcribe.StreamOptions{}) {
				t.Fatalf("%q heard without a vocabulary: pick a harder word", c.word)
			}
			engine.mu.Lock()
			before := engine.idle[0]
			engine.mu.Unlock()
			if !heard(transcribe.StreamOptions{Vocabulary: c.vocabulary}) {
				t.Errorf("%q not heard with the vocabulary %q", c.word, c.vocabulary)
			}
			engine.mu.Lock()
			reused := len(engine.idle) == 1 && engine.idle[0] == before
			engine.mu.Unlock()
			if reused == c.addsWord {
				t.Errorf("decoder reused after the stream: %v, want %v (a decoder given new words must be replaced)", reused, !c.addsWord)
			}
			if heard(transcribe.StreamOptions{}) {
				t.Errorf("%q still heard by the next stream without a vocabulary", c.word)
			}
		})
	}
}

// The built-in model's extra words must reach the decoder's dictionary.
func TestPocketSphinxDomainDictionary(t *testing.T) {
	engine := testEngine(t)
	words, err := parseDictionary(interviewDict)
	if err != nil {
		t.Fatal(err)
	}
	s, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := s.(*stream).d
	for _, w := range words {
		if !d.known(w.word) {
			t.Errorf("%q from the interview dictionary is not in the decoder's dictionary", w.word)
		}
	}
}
