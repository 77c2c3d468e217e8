package transcribe

import (
	"strings"
	"unicode"
)

// NormalizeText lowercases text and keeps only letters, digits and
// apostrophes inside words, the way a recognizer writes its output, and
// returns the words.
func NormalizeText(s string) []string {
	return strings.FieldsFunc(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			return unicode.ToLower(r)
		}
		return ' '
	}, s), func(r rune) bool { return r == ' ' })
}

// WordErrors counts the substitutions, deletions and insertions that turn
// ref into hyp (a word-level Levenshtein distance).
func WordErrors(ref, hyp []string) int {
	prev := make([]int, len(hyp)+1)
	cur := make([]int, len(hyp)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(hyp); j++ {
			sub := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(hyp)]
}

// WordErrorRate is WordErrors divided by the length of the reference, after
// both are normalized with NormalizeText. An empty reference gives 0 for an
// empty hypothesis and 1 otherwise.
func WordErrorRate(ref, hyp string) float64 {
	r, h := NormalizeText(ref), NormalizeText(hyp)
	if len(r) == 0 {
		if len(h) == 0 {
			return 0
		}
		return 1
	}
	return float64(WordErrors(r, h)) / float64(len(r))
}
