package llm

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mockinterview/mockinterview/interviewer"
)

// The rules never put a fact to a candidate that the candidate did not
// say (interviewer.Probe.Grounded); a model's wording must not either. A
// worded probe that names a figure or a name found neither in the answer
// nor in the question and the probe it was given is refused, and the
// bank's wording, grounded already, is asked instead.

// numberWords are the words a figure is said in.
var numberWords = wordSet(`zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
	fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
	thousand million billion percent dollars euros pounds half quarter double triple`)

func wordSet(list string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(list) {
		out[w] = true
	}
	return out
}

// groundedIn checks that every figure and name of text was said in the
// answer, or stands in the question or the probe's template.
func groundedIn(text string, q *interviewer.Question, transcript string, probe interviewer.Probe) error {
	said := map[string]bool{}
	for _, s := range []string{transcript, q.Text, probe.Text} {
		for _, w := range tokens(s) {
			said[strings.ToLower(w)] = true
		}
	}
	for _, m := range tokenPattern.FindAllStringIndex(text, -1) {
		w := text[m[0]:m[1]]
		lower := strings.ToLower(w)
		fact := numberWords[lower] || strings.ContainsFunc(w, unicode.IsDigit) ||
			(unicode.IsUpper([]rune(w)[0]) && !sentenceStart(text[:m[0]]) && lower != "i" && !strings.HasPrefix(lower, "i'"))
		if fact && !said[lower] {
			return fmt.Errorf("probe names %q, which the candidate did not say", w)
		}
	}
	return nil
}

// sentenceStart says whether a word after before starts a sentence (or a
// clause after a colon), where any word is capitalized.
func sentenceStart(before string) bool {
	before = strings.TrimRightFunc(before, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(before)
	return before == "" || strings.ContainsRune(".?!:;\"“", r)
}

var tokenPattern = regexp.MustCompile(`[\p{L}\p{N}']+`)

// tokens splits text into words and figures, dropping punctuation around
// them ("$8K," gives "8K").
func tokens(s string) []string { return tokenPattern.FindAllString(s, -1) }
