package star

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
	return HeardAnswer{Name: a.Name, Words: heard, Gold: AlignLabels(words, labels, NormalizeWords(heard))}
}

// AlignLabels gives each heard word the label of the written word it was
// heard as, by the alignment with fewest word errors: a word heard right
// or heard wrong takes its written word's label, and a word heard where
// none was said takes the label of the written word before it (the first
// label at the very start).
func AlignLabels(written []string, labels []Label, heard []string) []Label {
	out := make([]Label, len(heard))
	if len(written) == 0 {
		return out // nothing to carry over
	}
	at, _ := transcribe.AlignWords(written, heard)
	for j, a := range at {
		out[j] = labels[max(a.Ref, 0)]
	}
	return out
}

// EvaluateHeard labels each heard answer as an interview's analysis does
// (LabelWords), from the recognizer's words and the pauses between them,
// and scores it against the carried-over labels.
func EvaluateHeard(m *Model, answers []HeardAnswer) Eval {
	var eval Eval
	for _, h := range answers {
		eval.Add(h.Name, h.Gold, LabelWords(h.Words, false, m.Segment))
	}
	return eval
}
