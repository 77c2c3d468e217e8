package interviewer

import "github.com/mockinterview/mockinterview/transcribe"

// HeardAnswer is a labeled answer as a recognizer heard it: the words it
// gave, with their times, and a gold label for each (see AlignLabels).
type HeardAnswer struct {
	Name  string
	Words []transcribe.Word
	Gold  []Label
}

// NewHeardAnswer carries the labels of a written answer over to the words
// a recognizer heard when it was read aloud.
func NewHeardAnswer(a LabeledAnswer, heard []transcribe.Word) HeardAnswer {
	words, labels, _ := a.Tokens()
	return HeardAnswer{Name: a.Name, Words: heard, Gold: AlignLabels(words, labels, normalizedWords(heard))}
}

// AlignLabels gives each heard word the label of the written word it was
// heard as, by the alignment with fewest word errors: a word heard right
// or heard wrong takes its written word's label, and a word heard where
// none was said takes the label of the written word before it (the first
// label at the very start).
func AlignLabels(written []string, labels []Label, heard []string) []Label {
	n, m := len(written), len(heard)
	if m == 0 {
		return []Label{}
	}
	if n == 0 {
		return make([]Label, m) // nothing to carry over
	}
	// cost[i][j]: fewest errors aligning written[:i] with heard[:j].
	cost := make([][]int, n+1)
	for i := range cost {
		cost[i] = make([]int, m+1)
		cost[i][0] = i
	}
	for j := range m + 1 {
		cost[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			sub := cost[i-1][j-1]
			if written[i-1] != heard[j-1] {
				sub++
			}
			cost[i][j] = min(sub, cost[i-1][j]+1, cost[i][j-1]+1)
		}
	}
	out := make([]Label, m)
	i, j := n, m
	for j > 0 {
		switch {
		case i > 0 && cost[i][j] == cost[i-1][j-1]+boolInt(written[i-1] != heard[j-1]):
			out[j-1] = labels[i-1]
			i, j = i-1, j-1
		case i > 0 && cost[i][j] == cost[i-1][j]+1:
			i-- // a written word not heard
		default: // a heard word not written
			out[j-1] = labels[max(i-1, 0)]
			j--
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// EvaluateHeard labels each heard answer the way Analyze does, from the
// recognizer's words and the pauses between them, and scores it against
// the carried-over labels.
func EvaluateHeard(m *SegmentModel, answers []HeardAnswer) SegmentEval {
	var eval SegmentEval
	for _, h := range answers {
		ans := Answer{Words: h.Words}
		tokens := answerTokens(ans, normalizedWords(h.Words))
		eval.Add(h.Name, h.Gold, m.Segment(tokens))
	}
	return eval
}
