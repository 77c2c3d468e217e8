package noisemix

import (
	"math"
	"math/cmplx"
	"slices"
	"testing"
)

// speechLike is two seconds of a 200 Hz tone switched on and off every
// quarter second, with digital silence between: speech's on and off
// without its words.
func speechLike() []int16 {
	out := make([]int16, 2*SampleRate)
	for i := range out {
		if (i/(SampleRate/4))%2 == 0 {
			out[i] = int16(8000 * math.Sin(2*math.Pi*200*float64(i)/SampleRate))
		}
	}
	return out
}

func TestSpeechPowerCountsSpeechFramesOnly(t *testing.T) {
	s := speechLike()
	// The tone's power, in full scale squared: half the amplitude squared.
	want := 0.5 * (8000.0 / 32768) * (8000.0 / 32768)
	if got := SpeechPower(s); math.Abs(10*math.Log10(got/want)) > 0.2 {
		t.Errorf("SpeechPower = %.5f, want %.5f (the silence between must not count)", got, want)
	}
	if got := SpeechPower(make([]int16, SampleRate)); got != 0 {
		t.Errorf("SpeechPower of silence = %v, want 0", got)
	}
}

func TestMixReachesTheRatio(t *testing.T) {
	s := speechLike()
	for _, noise := range []struct {
		name string
		make func(int, uint64) []float64
	}{{"pink", Pink}, {"hum", Hum}} {
		for _, snr := range []float64{30, 20, 10, 0} {
			mixed := Mix(s, noise.make(len(s), 1), snr)
			var added float64
			for i := range s {
				d := float64(mixed[i]-s[i]) / 32768
				added += d * d
			}
			added /= float64(len(s))
			got := 10 * math.Log10(SpeechPower(s)/added)
			if math.Abs(got-snr) > 0.2 {
				t.Errorf("%s at %v dB: the noise added stands %.2f dB below the speech", noise.name, snr, got)
			}
		}
	}
}

func TestNoiseIsSeeded(t *testing.T) {
	for _, f := range []func(int, uint64) []float64{Pink, Hum} {
		a, b, c := f(1000, 7), f(1000, 7), f(1000, 8)
		if !slices.Equal(a, b) {
			t.Error("the same seed gave different noise")
		}
		if slices.Equal(a, c) {
			t.Error("two seeds gave the same noise")
		}
	}
}

// bandPower is the power of x between lo and hi Hz, from a plain DFT of
// one window (slow but exact enough for a test).
func bandPower(x []float64, lo, hi float64) float64 {
	n := len(x)
	var sum float64
	for k := int(lo * float64(n) / SampleRate); k < int(hi*float64(n)/SampleRate); k++ {
		var v complex128
		for i, s := range x {
			v += complex(s, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(k*i)/float64(n)))
		}
		sum += real(v)*real(v) + imag(v)*imag(v)
	}
	return sum
}

func TestPinkFallsThreeDecibelsAnOctave(t *testing.T) {
	x := Pink(4096, 3)
	// Pink noise has the same power in every octave; white noise would
	// double it from one octave to the next.
	low, high := bandPower(x, 250, 500), bandPower(x, 2000, 4000)
	if r := 10 * math.Log10(high/low); math.Abs(r) > 2 {
		t.Errorf("the 2-4 kHz octave is %.1f dB from the 250-500 Hz one, want about 0", r)
	}
}

func TestHumIsLowPitched(t *testing.T) {
	x := Hum(4096, 3)
	low, high := bandPower(x, 50, 500), bandPower(x, 2000, 8000)
	if r := 10 * math.Log10(low/high); r < 15 {
		t.Errorf("below 500 Hz the hum is only %.1f dB above 2-8 kHz", r)
	}
}

func TestQuietAndClip(t *testing.T) {
	s := speechLike()
	q := Quiet(s, -35)
	var peak int16
	for _, v := range q {
		peak = max(peak, v, -v)
	}
	if want := int16(32767 * math.Pow(10, -35.0/20)); peak < want-1 || peak > want+1 {
		t.Errorf("Quiet(-35) peaks at %d, want %d", peak, want)
	}
	c := Clip(s, 20)
	clipped := 0
	for _, v := range c {
		if v == math.MaxInt16 || v == math.MinInt16 {
			clipped++
		}
	}
	if clipped == 0 {
		t.Error("Clip(+20 dB) of a tone at a quarter of full scale clipped nothing")
	}
}
