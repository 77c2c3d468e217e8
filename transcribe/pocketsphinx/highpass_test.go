package pocketsphinx

import (
	"math"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

func tone(hz float64, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/transcribe.SampleRate))
	}
	return s
}

// TestHighPass: a tone well below the cut-off loses most of its power, the
// cut-off itself about 3 dB, speech frequencies nothing; pieces of any size
// give what the whole does.
func TestHighPass(t *testing.T) {
	n := transcribe.SampleRate
	cases := []struct {
		hz, minLoss, maxLoss float64
	}{
		{30, 20, 40},   // 12 dB an octave: about 24 dB two octaves down
		{120, 2, 4},    // the cut-off
		{1000, 0, 0.2}, // speech
	}
	for _, c := range cases {
		in := tone(c.hz, n)
		out := append([]int16(nil), in...)
		NewHighPass(120).Process(out)
		// Past the filter's first tenth of a second, where it settles.
		loss := powerDB(in[n/10:]) - powerDB(out[n/10:])
		if loss < c.minLoss || loss > c.maxLoss {
			t.Errorf("%g Hz: %.1f dB lower, want between %g and %g", c.hz, loss, c.minLoss, c.maxLoss)
		}
	}
	whole := tone(50, 5000)
	pieces := append([]int16(nil), whole...)
	NewHighPass(120).Process(whole)
	h := NewHighPass(120)
	for i := 0; i < len(pieces); i += 777 {
		h.Process(pieces[i:min(i+777, len(pieces))])
	}
	for i := range whole {
		if whole[i] != pieces[i] {
			t.Fatalf("sample %d: %d filtered whole, %d in pieces", i, whole[i], pieces[i])
		}
	}
}

// TestStreamPrepare: a stream's high-pass and level stages work on a copy,
// leaving the caller's samples as they were.
func TestStreamPrepare(t *testing.T) {
	in := tone(30, transcribe.SampleRate)
	for i := range in {
		in[i] /= 40 // about -38 dBFS: quiet
	}
	orig := append([]int16(nil), in...)
	s := &stream{highPass: NewHighPass(120)}
	out := s.prepare(in)
	if loss := powerDB(in[1600:]) - powerDB(out[1600:]); loss < 20 {
		t.Errorf("the high-pass stage took %.1f dB off a 30 Hz hum, want at least 20", loss)
	}
	s = &stream{level: &levelGain{}}
	voice := tone(1000, 6*transcribe.SampleRate) // the gain rises over seconds
	for i := range voice {
		voice[i] /= 40
	}
	last := 5 * transcribe.SampleRate
	if gain := powerDB(s.prepare(voice)[last:]) - powerDB(voice[last:]); gain < 10 {
		t.Errorf("the level stage raised a quiet voice by %.1f dB after five seconds, want at least 10", gain)
	}
	for i := range in {
		if in[i] != orig[i] {
			t.Fatalf("sample %d of the caller's audio changed", i)
		}
	}
}
