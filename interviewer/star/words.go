package star

import (
	"strings"
	"unicode"

	"github.com/mockinterview/mockinterview/transcribe"
)

// LabelWords labels each of an answer's words by segmenting its tokens
// (see answerTokens): a word takes the label of its first token, and a word
// with none (a dash, a lone symbol) the label of the token after it (of
// the last token at the very end). estimatedTiming says the words' times
// were made up from a typed transcript, so the gaps between them are not
// pauses. segment is Model.Segment or, for an answer still being told,
// Model.SegmentUnfinished.
func LabelWords(words []transcribe.Word, estimatedTiming bool, segment func([]Token) []Label) []Label {
	tokens, first := answerTokens(words, estimatedTiming)
	out := make([]Label, len(words))
	if len(tokens) == 0 {
		for i := range out {
			out[i] = Situation
		}
		return out
	}
	labels := segment(tokens)
	for i := range out {
		out[i] = labels[min(first[i], len(tokens)-1)]
	}
	return out
}

// answerTokens are the answer's words as the segmenter reads them and as
// it learned them, one token per normalized word ("twenty-six" is two),
// with the pauses heard between the words, and after a written sentence
// end (a typed transcript's, or a punctuating recognizer's) at least
// sentencePause. first[i] is the index of word i's first token, or of the
// token after it when the word has none.
func answerTokens(words []transcribe.Word, estimatedTiming bool) (tokens []Token, first []int) {
	norm := NormalizeWords(words)
	first = make([]int, len(words))
	pause := 0.0 // before the next token
	for i, w := range words {
		if i > 0 {
			gap := 0.0
			if !estimatedTiming {
				gap = w.Start - words[i-1].End
			}
			if words[i-1].EndsSentence() {
				gap = max(gap, sentencePause)
			}
			pause = max(pause, gap)
		}
		first[i] = len(tokens)
		for _, t := range strings.Fields(norm[i]) {
			tokens = append(tokens, Token{Text: t, Pause: pause})
			pause = 0
		}
	}
	return tokens, first
}

// sentencePause is how long a written sentence end reads to the segmenter:
// it learned from answers with a pause after most written sentences.
const sentencePause = 0.5

// NormalizeWords gives each word as the segmenter and the coaching rules
// read it: lowercase, no punctuation ("$8K," is "8k"), a word that
// normalizes to several ("twenty-six") as those joined by a space.
func NormalizeWords(words []transcribe.Word) []string {
	norm := make([]string, len(words))
	for i, w := range words {
		norm[i] = strings.Join(Normalize(w.Text), " ")
	}
	return norm
}

// Normalize turns one written token into the words a recognizer would give:
// lowercase, punctuation dropped ("$8K," becomes "8k", "40%" becomes "40",
// "re-run" becomes "re" "run"). Apostrophes inside words stay ("didn't").
func Normalize(token string) []string {
	fields := strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case r == '\'' || r == '’':
			return '\''
		}
		return ' '
	}, token))
	out := fields[:0]
	for _, f := range fields {
		if f = strings.Trim(f, "'"); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// textTokens are the words of text as a recognizer would give them
// (lowercase, no punctuation), untimed.
func textTokens(text string) []Token {
	var tokens []Token
	for _, raw := range strings.Fields(text) {
		for _, w := range Normalize(raw) {
			tokens = append(tokens, Token{Text: w})
		}
	}
	return tokens
}
