package openai

import (
	"encoding/json"
	"strings"
	"unicode"

	"github.com/mockinterview/mockinterview/transcribe"
)

// verboseTranscription is a verbose_json answer in either shape servers
// send: top-level words (OpenAI, speaches), or words nested in segments as
// whisper.cpp's tokens, each with a probability.
type verboseTranscription struct {
	// Error is set by whisper.cpp's server, which reports some failures
	// ("failed to read WAV file") with status 200.
	Error    json.RawMessage `json:"error"`
	Text     string          `json:"text"`
	Segments []struct {
		Start float64      `json:"start"`
		End   float64      `json:"end"`
		Text  string       `json:"text"`
		Words []answerWord `json:"words"`
	} `json:"segments"`
	Words []answerWord `json:"words"`
}

// answerWord is one entry of a words list: a word, or for whisper.cpp
// a token, which may be part of a word.
type answerWord struct {
	Word        string   `json:"word"`
	Start       float64  `json:"start"`
	End         float64  `json:"end"`
	Probability *float64 `json:"probability"`
}

// words returns the answer's words on the utterance's own clock. An answer
// without word times (json-only models, servers that send "words": null)
// has its text spread evenly over its segments, or over the duration
// seconds of audio sent: approximate times beat losing the words.
func (t verboseTranscription) words(duration float64) []transcribe.Word {
	var words []transcribe.Word
	for _, tw := range t.Words {
		words = appendWord(words, transcribe.Word{Text: tw.Word, Start: tw.Start, End: tw.End, Confidence: probability(tw)})
	}
	if len(words) == 0 {
		for _, seg := range t.Segments {
			words = append(words, joinTokens(seg.Words)...)
		}
	}
	if len(words) > 0 {
		text := t.Text
		if text == "" {
			for _, seg := range t.Segments {
				text += " " + seg.Text
			}
		}
		punctuate(words, text)
		for i := range words {
			words[i].LowConfidence = words[i].Confidence < whisperLowConfidence
		}
		return words
	}
	for _, seg := range t.Segments {
		words = append(words, spreadWords(seg.Text, seg.Start, seg.End)...)
	}
	if len(words) > 0 {
		return words
	}
	return spreadWords(t.Text, 0, duration)
}

// joinTokens turns one segment's whisper.cpp tokens into words. A token
// that starts with a space starts a word; any other continues the word
// before it (" migr", "ation"). Punctuation tokens and special tokens such
// as [_BEG_] are skipped. A word's confidence is the mean of its tokens'
// probabilities.
func joinTokens(tokens []answerWord) []transcribe.Word {
	var words []transcribe.Word
	var tokensInWord int
	for _, tok := range tokens {
		text := strings.TrimSpace(tok.Word)
		if strings.HasPrefix(text, "[_") || strings.HasPrefix(text, "<|") || strings.TrimFunc(text, isWordEdge) == "" {
			continue
		}
		p := probability(tok)
		if len(words) > 0 && !strings.HasPrefix(tok.Word, " ") {
			w := &words[len(words)-1]
			w.Text += tok.Word
			w.End = max(w.End, tok.End)
			w.Confidence = (w.Confidence*float64(tokensInWord) + p) / float64(tokensInWord+1)
			tokensInWord++
			continue
		}
		words = append(words, transcribe.Word{Text: tok.Word, Start: tok.Start, End: tok.End, Confidence: p})
		tokensInWord = 1
	}
	var clean []transcribe.Word
	for _, w := range words {
		clean = appendWord(clean, w)
	}
	return clean
}

// punctuate sets each word's Punctuated to the token of text it is
// written as, matching words and tokens in order. The word lists of
// verbose_json carry no punctuation, while the transcript does. A word
// that no token within the next few matches is left without.
func punctuate(words []transcribe.Word, text string) {
	tokens := strings.Fields(text)
	next := 0
	for i := range words {
		for k := next; k < min(next+punctuateLookahead, len(tokens)); k++ {
			if strings.EqualFold(strings.TrimFunc(tokens[k], isWordEdge), words[i].Text) {
				words[i].Punctuated = tokens[k]
				next = k + 1
				break
			}
		}
	}
}

// punctuateLookahead is how far past the last matched token punctuate
// looks for a word: far enough to step over a token the word list left
// out, near enough not to jump to the same word said later.
const punctuateLookahead = 4

// spreadWords gives the words of text equal shares of start to end.
func spreadWords(text string, start, end float64) []transcribe.Word {
	fields := strings.Fields(text)
	var words []transcribe.Word
	step := max(end-start, 0) / float64(max(len(fields), 1))
	for i, f := range fields {
		at := start + float64(i)*step
		words = appendWord(words, transcribe.Word{Text: f, Start: at, End: at + step, Confidence: 1, Punctuated: f})
	}
	return words
}

// appendWord appends w with the spaces and punctuation around its text
// removed (" Um," becomes "Um"), unless nothing is left.
func appendWord(words []transcribe.Word, w transcribe.Word) []transcribe.Word {
	w.Text = strings.TrimFunc(w.Text, isWordEdge)
	if w.Text == "" {
		return words
	}
	return append(words, w)
}

// isWordEdge reports whether r is trimmed from the ends of a word: spaces
// and punctuation, but not the apostrophes, hyphens and symbols that can
// belong to one ("'90s", "50%", "C#").
func isWordEdge(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`.,!?;:"()[]{}…“”‘’¿¡—–`, r)
}

// whisperLowConfidence is the word probability under which a word from
// the endpoint is marked LowConfidence: a calibrated probability below
// one half says the word is more likely wrong than right. It is not
// measured here, for want of a Whisper server on the build machine;
// PocketSphinx's threshold is (see its lowConfidence).
const whisperLowConfidence = 0.5

// probability is a word's confidence: the server's probability, or 1 from
// servers (OpenAI among them) that give none.
func probability(w answerWord) float64 {
	if w.Probability == nil {
		return 1
	}
	return min(max(*w.Probability, 0), 1)
}
