package star

import (
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

func TestAlignLabels(t *testing.T) {
	S, T, A := Situation, Task, Action
	written := strings.Fields("i was the backend lead my job was to fix the cache so i traced it")
	labels := []Label{S, S, S, S, S, T, T, T, T, T, T, T, A, A, A, A}
	cases := []struct {
		heard string
		want  []Label
	}{
		{"i was the backend lead my job was to fix the cache so i traced it", labels},
		// "backend" heard as two words, "to" lost, "uh" added after "cache".
		{"i was the back and lead my job was fix the cache uh so i traced it",
			[]Label{S, S, S, S, S, S, T, T, T, T, T, T, T, A, A, A, A}},
		// A word heard before the first word takes the first label.
		{"um i was the backend lead", []Label{S, S, S, S, S, S}},
		{"", []Label{}},
	}
	for _, c := range cases {
		got := AlignLabels(written, labels, strings.Fields(c.heard))
		if !slices.Equal(got, c.want) {
			t.Errorf("%q:\n got %v\nwant %v", c.heard, got, c.want)
		}
	}
}

// Heard words said without a gap are labeled exactly as the typed words
// with no pauses are: EvaluateHeard scores what Evaluate scores.
func TestEvaluateHeardMatchesTyped(t *testing.T) {
	m := defaultModel(t)
	answers := loadCorpusDir(t, "../../testdata/star/test")[:3]
	var heard []HeardAnswer
	for _, a := range answers {
		words, _, _ := a.Tokens()
		timed := make([]transcribe.Word, len(words))
		for i, w := range words {
			timed[i] = transcribe.Word{Text: w, Start: float64(i) * 0.4, End: float64(i+1) * 0.4}
		}
		heard = append(heard, NewHeardAnswer(a, timed))
	}
	typed, _ := Evaluate(m, answers)
	got := EvaluateHeard(m, heard)
	if got.Words != typed.Words || got.Correct != typed.Correct {
		t.Errorf("heard without gaps: %d of %d words right; typed: %d of %d", got.Correct, got.Words, typed.Correct, typed.Words)
	}
}
