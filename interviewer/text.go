package interviewer

import (
	"strings"

	"github.com/mockinterview/mockinterview/transcribe"
)

// typedWordsPerMinute is the pace assumed for a typed transcript.
const typedWordsPerMinute = 150

// TextAnswer turns a typed transcript into an answer: one word per
// whitespace-separated token, in order, timed as if spoken evenly at 150
// words per minute. Sentence ends are kept as evidence of boundaries.
func TextAnswer(text string) Answer {
	tokens := strings.Fields(text)
	step := 60.0 / typedWordsPerMinute
	a := Answer{EstimatedTiming: true, Words: make([]transcribe.Word, len(tokens))}
	for i, t := range tokens {
		a.Words[i] = transcribe.Word{Text: t, Start: round2(float64(i) * step), End: round2(float64(i+1) * step), Confidence: 1}
	}
	a.Duration = round2(float64(len(tokens)) * step)
	return a
}
