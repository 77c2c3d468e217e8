package pocketsphinx

import (
	"math"
	"testing"

	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/transcribe"
)

// power is the mean square of samples in full scale squared, in dB.
func powerDB(samples []int16) float64 {
	var sum float64
	for _, s := range samples {
		v := float64(s) / 32768
		sum += v * v
	}
	return 10 * math.Log10(sum/float64(max(len(samples), 1))+1e-12)
}

func TestDenoiserLowersSteadyNoise(t *testing.T) {
	// Two seconds of pink noise alone, then a tone over it: the denoiser
	// learns the noise in the first and must lower it while leaving the
	// tone standing.
	n := 4 * transcribe.SampleRate
	clean := make([]int16, n)
	for i := 2 * transcribe.SampleRate; i < n; i++ {
		clean[i] = int16(6000 * math.Sin(2*math.Pi*440*float64(i)/transcribe.SampleRate))
	}
	noise := noisemix.Pink(n, 1)
	mixed := make([]int16, n)
	for i := range mixed {
		mixed[i] = int16(float64(clean[i]) + 300*noise[i])
	}
	d, err := newSuppressor(20)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []int16
	for i := 0; i < n; i += 1234 { // chunks that are not whole frames
		out = d.Process(out, mixed[i:min(i+1234, n)])
	}
	out = d.Flush(out)
	if len(out) != n {
		t.Fatalf("%d samples in, %d out", n, len(out))
	}
	// The second half of the noise alone, once the noise is learned.
	before, after := powerDB(mixed[transcribe.SampleRate:2*transcribe.SampleRate]), powerDB(out[transcribe.SampleRate:2*transcribe.SampleRate])
	if before-after < 6 { // 8 dB measured
		t.Errorf("the noise went from %.1f to %.1f dB: want at least 6 dB less", before, after)
	}
	tone, kept := powerDB(mixed[3*transcribe.SampleRate:]), powerDB(out[3*transcribe.SampleRate:])
	if math.Abs(tone-kept) > 3 {
		t.Errorf("the tone went from %.1f to %.1f dB: want it within 3 dB", tone, kept)
	}
}

// TestLevelGain: a quiet voice is raised to the working level before the
// suppressor hears it, one at an ordinary level is left as it is, and
// nothing is ever made quieter.
func TestLevelGain(t *testing.T) {
	tone := func(peak float64, seconds int) []int16 {
		out := make([]int16, seconds*transcribe.SampleRate)
		for i := range out {
			out[i] = int16(peak * math.Sin(2*math.Pi*220*float64(i)/transcribe.SampleRate))
		}
		return out
	}
	for _, c := range []struct {
		name     string
		peak     float64
		min, max float64 // the output's peak over the last second
	}{
		{"quiet, -35 dBFS", 580, 7000, 8200},
		{"ordinary, -12 dBFS", 8000, 7900, 8100},
		{"loud, -3 dBFS", 23000, 22900, 23100},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l levelGain
			in := tone(c.peak, 12)
			for i := 0; i+denoiseFrame <= len(in); i += denoiseFrame {
				l.apply(in[i : i+denoiseFrame])
			}
			peak := 0.0
			for _, s := range in[len(in)-transcribe.SampleRate:] {
				peak = max(peak, math.Abs(float64(s)))
			}
			if peak < c.min || peak > c.max {
				t.Errorf("peak %.0f after the level stage, want %.0f to %.0f", peak, c.min, c.max)
			}
		})
	}
}
