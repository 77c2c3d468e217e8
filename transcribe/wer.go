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
	_, errors := AlignWords(ref, hyp)
	return errors
}

// Aligned tells which reference word a hypothesis word stands for.
type Aligned struct {
	// Ref is the index of the reference word the hypothesis word was
	// heard as, rightly or wrongly; for an inserted word, the index of the
	// reference word before it, -1 at the very start.
	Ref      int
	Inserted bool // no reference word was said where this word was heard
}

// AlignWords aligns hyp with ref by the fewest word errors and returns,
// for each hypothesis word, the reference word it stands for, and the
// number of errors (as WordErrors).
func AlignWords(ref, hyp []string) ([]Aligned, int) {
	n, m := len(ref), len(hyp)
	// cost[i][j]: fewest errors aligning ref[:i] with hyp[:j].
	cost := make([][]int, n+1)
	for i := range cost {
		cost[i] = make([]int, m+1)
		cost[i][0] = i
	}
	for j := range m + 1 {
		cost[0][j] = j
	}
	sub := func(i, j int) int { // ref[i-1] heard as hyp[j-1]
		if ref[i-1] == hyp[j-1] {
			return cost[i-1][j-1]
		}
		return cost[i-1][j-1] + 1
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost[i][j] = min(sub(i, j), cost[i-1][j]+1, cost[i][j-1]+1)
		}
	}
	out := make([]Aligned, m)
	i, j := n, m
	for j > 0 {
		switch {
		case i > 0 && cost[i][j] == sub(i, j):
			out[j-1] = Aligned{Ref: i - 1}
			i, j = i-1, j-1
		case i > 0 && cost[i][j] == cost[i-1][j]+1:
			i-- // a reference word not heard
		default:
			out[j-1] = Aligned{Ref: i - 1, Inserted: true}
			j--
		}
	}
	return out, cost[n][m]
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
