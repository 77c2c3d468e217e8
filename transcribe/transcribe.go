// Package transcribe turns speech into timed words: it holds what every
// engine shares, and the engines live below it.
//
// Audio comes in as 16 kHz mono 16-bit samples (see ReadWAV and Resample for
// getting there); words come out with start and end times in seconds on the
// stream's own clock, counted from the samples received since the stream
// began. Engines sit behind the Engine interface: transcribe/pocketsphinx
// (the embedded recognizer), transcribe/openai (any OpenAI-compatible
// endpoint) and transcribe/instant (made-up words, for load tests). Here are
// the types, WAV reading and writing, resampling, voice-activity detection,
// the audio meter, text normalisation and word error rate, and the checks
// on word times.
//
// This package imports nothing else of ours, needs neither cgo nor the
// network, and knows nothing about interviews: it must stay usable by any
// program that wants timed words, and by interviewer for its Word.
package transcribe

import (
	"context"
	"strings"
	"time"
)

// SampleRate is the rate, in samples per second, of all audio the engines take.
const SampleRate = 16000

// Word is one recognized word with its place on the stream clock.
type Word struct {
	Text       string  `json:"text"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Confidence float64 `json:"confidence"`
	// Punctuated is the word as the engine wrote it in its transcript,
	// with the punctuation after it ("migration."), when the engine
	// punctuates: Whisper does, PocketSphinx does not.
	Punctuated string `json:"punctuated,omitempty"`
	// LowConfidence marks a final word whose Confidence is below the level
	// under which the engine's words are often wrong (each engine measures
	// its own: see transcribe/pocketsphinx and transcribe/openai): a word
	// to show dimmed and not to rest a judgement on. Words of a partial
	// result never carry it.
	LowConfidence bool `json:"low_confidence,omitempty"`
}

// EndsSentence reports whether the word ends a written sentence: its
// punctuated form, or its text (a typed transcript keeps its
// punctuation), ends in '.', '?', '!' or ';', closing quotes and brackets
// aside.
func (w Word) EndsSentence() bool {
	s := w.Punctuated
	if s == "" {
		s = w.Text
	}
	s = strings.TrimRight(s, `"')]}”’`)
	return s != "" && strings.ContainsAny(s[len(s)-1:], ".?!;")
}

// Result is an engine's hypothesis for one utterance. A partial result
// (Final false) may still change; a final one will not, and the next result
// belongs to the next utterance.
type Result struct {
	Words []Word  `json:"words"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Final bool    `json:"is_final"`
	// Engine names the engine that produced the words. It differs from the
	// stream's own engine when a fallback transcribed this utterance.
	Engine string `json:"engine,omitempty"`
	// TimesRepaired says the engine's word times were broken (not finite,
	// out of order, far outside the utterance) and the words were spread
	// over the utterance instead; see RepairTimes.
	TimesRepaired bool `json:"times_repaired,omitempty"`
}

// Text joins the result's words with single spaces.
func (r Result) Text() string { return JoinWords(r.Words) }

// JoinWords joins the words' texts with single spaces.
func JoinWords(words []Word) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

// ShiftWords returns a copy of words moved by seconds on the clock.
func ShiftWords(words []Word, by float64) []Word {
	out := make([]Word, len(words))
	for i, w := range words {
		w.Start, w.End = w.Start+by, w.End+by
		out[i] = w
	}
	return out
}

// Engine makes streams. An engine is safe for concurrent use; each stream
// belongs to one goroutine at a time.
type Engine interface {
	// Name is the engine's short name, such as "pocketsphinx" or "openai".
	Name() string
	// NewStream starts a stream whose clock starts at zero. It blocks while
	// every recognizer the engine may run at once is busy, until ctx ends.
	NewStream(ctx context.Context, opts StreamOptions) (Stream, error)
	// Close releases what the engine holds. Streams must be closed first.
	Close() error
}

// StreamOptions tune one stream.
type StreamOptions struct {
	// Vocabulary lists words and phrases the speaker is likely to say
	// (names, products, numbers); engines that can use it favour them.
	Vocabulary []string
	// Pause is the silence that ends an utterance (Deepgram's
	// endpointing); zero means the engine's default, usually DefaultPause.
	Pause time.Duration
	// Denoise is how many decibels of steady noise the embedded engine
	// takes out before it decodes: zero means the engine's default, a
	// negative value none (audio a browser has already cleaned).
	Denoise int
}

// DefaultPause is the silence that ends an utterance by default: fluent
// speakers leave about 0.4 s between sentences (see docs/BENCHMARKS.md for
// how it was chosen).
const DefaultPause = 300 * time.Millisecond

// Stream recognizes one continuous audio stream.
type Stream interface {
	// Accept feeds samples at SampleRate and returns whatever results they
	// completed: partial results while an utterance goes on, and a final
	// result when one ends. It may block while an engine works.
	Accept(ctx context.Context, samples []int16) ([]Result, error)
	// Flush ends the utterance in progress, if any, and returns its final
	// result. The stream stays usable; its clock goes on.
	Flush(ctx context.Context) ([]Result, error)
	// Close releases the stream (a pooled recognizer goes back to its pool).
	Close() error
}
