package transcribe

import (
	"context"
	"fmt"
	"time"
)

// Transcript is everything an engine heard in one recording.
type Transcript struct {
	Engine     string      `json:"engine"`
	Duration   float64     `json:"duration"`
	Text       string      `json:"text"`
	Words      []Word      `json:"words"`
	Utterances []Utterance `json:"utterances"`
	// RTF is the wall-clock seconds spent per second of audio.
	RTF float64 `json:"rtf"`
}

// Utterance is one stretch of speech the engine finalized.
type Utterance struct {
	Start  float64 `json:"start"`
	End    float64 `json:"end"`
	Text   string  `json:"text"`
	Engine string  `json:"engine,omitempty"`
}

// AddResult appends a final result's words and utterance.
func (t *Transcript) AddResult(r Result) {
	if !r.Final || len(r.Words) == 0 {
		return
	}
	t.Words = append(t.Words, r.Words...)
	t.Utterances = append(t.Utterances, Utterance{Start: r.Start, End: r.End, Text: r.Text(), Engine: r.Engine})
	t.Text = JoinWords(t.Words)
}

// TranscribeSamples runs a whole recording of 16 kHz samples through a new
// stream of engine, in 100 ms pieces as a live client would send them. The
// words' times are checked (see CheckTimes).
func TranscribeSamples(ctx context.Context, engine Engine, samples []int16, opts StreamOptions) (Transcript, error) {
	t := Transcript{Engine: engine.Name(), Duration: float64(len(samples)) / SampleRate}
	began := time.Now()
	stream, err := engine.NewStream(ctx, opts)
	if err != nil {
		return t, err
	}
	defer stream.Close()
	stream = CheckTimes(stream)
	const piece = SampleRate / 10
	for i := 0; i < len(samples); i += piece {
		results, err := stream.Accept(ctx, samples[i:min(i+piece, len(samples))])
		for _, r := range results {
			t.AddResult(r)
		}
		if err != nil {
			return t, fmt.Errorf("%s at %.1f s: %w", engine.Name(), float64(i)/SampleRate, err)
		}
	}
	results, err := stream.Flush(ctx)
	for _, r := range results {
		t.AddResult(r)
	}
	if t.Duration > 0 {
		t.RTF = time.Since(began).Seconds() / t.Duration
	}
	return t, err
}
