package pocketsphinx

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

func TestPruneDictionary(t *testing.T) {
	dict := []byte("launch L AO N CH\nlaunched L AO N CH T\nread R IY D\nread(2) R EH D\nzyzzyva Z IH Z IH V AH\n")
	keep := map[string]bool{"launched": true, "read": true}
	got := string(pruneDictionary(dict, keep))
	want := "launched L AO N CH T\nread R IY D\nread(2) R EH D\n"
	if got != want {
		t.Errorf("pruned to %q, want %q", got, want)
	}
}

func TestARPAVocabulary(t *testing.T) {
	arpa, _ := InterviewModel()
	words := arpaVocabulary(arpa)
	for _, w := range []string{"<s>", "</s>", "runbook", "stakeholders", "latency"} {
		if !slices.Contains(words, w) {
			t.Errorf("%q missing from the interview model's %d words", w, len(words))
		}
	}
	if len(words) < 1000 {
		t.Errorf("only %d words read", len(words))
	}
}

// The decoders load only the words their models know; a word left out
// ("aardvarks", in the stock dictionary but in neither model) is still
// pronounced as the dictionary says when a speaker's vocabulary asks for
// it.
func TestPocketSphinxPrunedDictionary(t *testing.T) {
	e := freshEngine(t)
	full, err := os.ReadFile(e.cfg.Dict)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.dict) == 0 || len(e.dict) > len(full)*3/4 {
		t.Errorf("the decoders' dictionary has %d bytes of the stock one's %d", len(e.dict), len(full))
	}
	d := e.idle[0]
	if d.known("aardvarks") {
		t.Fatal(`"aardvarks" is in the decoder's dictionary; it should have been pruned`)
	}
	if !d.known("stakeholders") || !d.known("runbook") {
		t.Fatal("words of the models were pruned")
	}
	if p, ok := d.lookup("aardvarks"); !ok || p != "AA R D V AA R K S" {
		t.Errorf("lookup(aardvarks) = %q, %v; want the stock dictionary's AA R D V AA R K S", p, ok)
	}
	s, err := e.NewStream(context.Background(), transcribe.StreamOptions{Vocabulary: []string{"aardvarks"}})
	if err != nil {
		t.Fatal(err)
	}
	if !d.known("aardvarks") {
		t.Error("the vocabulary did not add aardvarks")
	}
	s.Close()
}
