package star

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

// typed gives the words of a typed transcript as the interviewer makes
// them: one per whitespace-separated token, punctuation kept, evenly timed.
func typed(text string) []transcribe.Word {
	var words []transcribe.Word
	for i, t := range strings.Fields(text) {
		words = append(words, transcribe.Word{Text: t, Start: float64(i) * 0.4, End: float64(i+1) * 0.4, Confidence: 1})
	}
	return words
}

// A written sentence end reads to the segmenter as a pause, whether it
// comes from a typed transcript or from a recognizer that punctuates; a
// longer pause heard there stays.
func TestAnswerTokensSentenceEnds(t *testing.T) {
	heard := []transcribe.Word{
		{Text: "we", Start: 0, End: 0.3, Punctuated: "We"},
		{Text: "shipped", Start: 0.3, End: 0.6, Punctuated: "shipped."},
		{Text: "then", Start: 0.6, End: 0.9, Punctuated: "Then,"},
		{Text: "it", Start: 0.9, End: 1.2, Punctuated: "it."},
		{Text: "so", Start: 2.0, End: 2.3},
	}
	for _, c := range []struct {
		words     []transcribe.Word
		estimated bool
	}{{heard, false}, {typed("We shipped. Then, it. so"), true}} {
		tokens, _ := answerTokens(c.words, c.estimated)
		var got []float64
		for _, tk := range tokens {
			got = append(got, tk.Pause)
		}
		want := []float64{0, 0, sentencePause, 0, 0.8}
		if c.estimated {
			want[4] = sentencePause // typed: no pause heard, the sentence end alone
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Errorf("estimated %v: pauses %v, want %v", c.estimated, got, want)
				break
			}
		}
	}
}

// The segmenter reads a typed transcript's words as it learned them: a
// hyphenated word as two tokens, a lone dash as none, a sentence end
// before a dash still a pause; each word is labeled from its first token.
func TestAnswerTokensSplitWords(t *testing.T) {
	words := typed("I took on-call. — Twenty-six pages went")
	tokens, first := answerTokens(words, true)
	var got []string
	for _, tk := range tokens {
		got = append(got, fmt.Sprintf("%s/%.1f", tk.Text, tk.Pause))
	}
	want := "i/0.0 took/0.0 on/0.0 call/0.0 twenty/0.5 six/0.0 pages/0.0 went/0.0"
	if strings.Join(got, " ") != want {
		t.Errorf("tokens %v, want %s", got, want)
	}
	if fmt.Sprint(first) != "[0 1 2 4 4 6 7]" {
		t.Errorf("first tokens %v, want [0 1 2 4 4 6 7]", first)
	}
	labels := LabelWords(words, true, func(tokens []Token) []Label {
		out := make([]Label, len(tokens))
		for i, tk := range tokens {
			out[i] = Action
			if tk.Text == "twenty" || tk.Text == "six" {
				out[i] = Result
			}
		}
		return out
	})
	if fmt.Sprint(labels) != "[action action action result result action action]" {
		t.Errorf("labels %v", labels)
	}
}
