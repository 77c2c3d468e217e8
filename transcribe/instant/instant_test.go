package instant

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

// sound is seconds of a loud tone over faint noise, or of the noise alone.
func sound(rng *rand.Rand, seconds float64, loud bool) []int16 {
	out := make([]int16, int(seconds*transcribe.SampleRate))
	for i := range out {
		v := 30 * rng.NormFloat64()
		if loud {
			v += 8000 * math.Sin(2*math.Pi*220*float64(i)/transcribe.SampleRate)
		}
		out[i] = int16(v)
	}
	return out
}

// One stretch of speech gives one final result over it, a word per 0.3 s,
// as soon as the voice detector closes it; Flush gives nothing more.
func TestInstantWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var samples []int16
	samples = append(samples, sound(rng, 1, false)...)
	samples = append(samples, sound(rng, 1.5, true)...)
	samples = append(samples, sound(rng, 2, false)...)

	ctx := context.Background()
	s, err := Engine{}.NewStream(ctx, transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var results []transcribe.Result
	for i := 0; i < len(samples); i += transcribe.SampleRate / 10 {
		rs, err := s.Accept(ctx, samples[i:min(i+transcribe.SampleRate/10, len(samples))])
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, rs...)
	}
	rest, err := s.Flush(ctx)
	if err != nil || len(rest) != 0 {
		t.Errorf("Flush after the speech ended: %+v, %v; want nothing", rest, err)
	}
	if len(results) != 1 {
		t.Fatalf("%d results, want one: %+v", len(results), results)
	}
	r := results[0]
	if !r.Final || r.Engine != "instant" || math.Abs(r.Start-1) > 0.05 || math.Abs(r.End-2.5) > 0.05 {
		t.Errorf("result %.2f-%.2f final %v by %q; want a final one by instant over the tone, 1-2.5 s", r.Start, r.End, r.Final, r.Engine)
	}
	if want := int((r.End - r.Start) / wordEvery); len(r.Words) != want {
		t.Errorf("%d words over %.2f s, want %d", len(r.Words), r.End-r.Start, want)
	}
	for i, w := range r.Words {
		if w.Text != "word" || w.Start < r.Start || w.End > r.End+1e-9 || (i > 0 && w.Start < r.Words[i-1].End-1e-9) {
			t.Errorf("word %d %+v: not a word inside the result, after the one before", i, w)
		}
	}
}
