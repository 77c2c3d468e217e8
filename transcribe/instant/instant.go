// Package instant is a test engine: it decodes nothing and gives, as soon
// as the voice detector closes a stretch of speech, a final result of
// made-up words spread over it. `serve --engine instant` runs on it so that
// a load test measures the service and not a recognizer.
//
// It must not be used where the words matter: every word is "word".
package instant

import (
	"context"

	"github.com/mockinterview/mockinterview/transcribe"
)

// wordEvery is the length of speech, in seconds, each made-up word takes.
const wordEvery = 0.3

// Engine is the instant engine. Its zero value is ready to use.
type Engine struct{}

// Name returns "instant".
func (Engine) Name() string { return "instant" }

// Close does nothing: the engine holds nothing.
func (Engine) Close() error { return nil }

// NewStream starts a stream; it never waits.
func (Engine) NewStream(ctx context.Context, _ transcribe.StreamOptions) (transcribe.Stream, error) {
	return &stream{vad: transcribe.NewVAD(transcribe.VADConfig{})}, ctx.Err()
}

type stream struct{ vad *transcribe.VAD }

func (s *stream) Accept(_ context.Context, samples []int16) ([]transcribe.Result, error) {
	return results(s.vad.Write(samples)), nil
}

func (s *stream) Flush(context.Context) ([]transcribe.Result, error) {
	return results(s.vad.Flush()), nil
}

func (s *stream) Close() error { return nil }

// results makes a final result per segment, a word per wordEvery seconds.
func results(segs []transcribe.Segment) []transcribe.Result {
	var out []transcribe.Result
	for _, seg := range segs {
		n := max(1, int(seg.Duration()/wordEvery))
		r := transcribe.Result{Start: seg.Start, End: seg.End, Final: true, Engine: "instant"}
		step := seg.Duration() / float64(n)
		for i := range n {
			at := seg.Start + float64(i)*step
			r.Words = append(r.Words, transcribe.Word{Text: "word", Start: at, End: at + step, Confidence: 1})
		}
		out = append(out, r)
	}
	return out
}
