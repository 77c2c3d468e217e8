package transcribe

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sine returns secs of a freq Hz sine of amplitude amp at rate.
func sine(rate int, secs, freq, amp float64) []float32 {
	x := make([]float32, int(secs*float64(rate)))
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return x
}

// measureTone returns the frequency of a tone at rate, from its rising zero
// crossings, and its amplitude, from its RMS over the whole cycles between
// the first and last of them.
func measureTone(x []float32, rate int) (freq, amp float64) {
	var crossings []float64
	for i := 1; i < len(x); i++ {
		if x[i-1] < 0 && x[i] >= 0 {
			crossings = append(crossings, float64(i-1)+float64(x[i-1])/float64(x[i-1]-x[i]))
		}
	}
	if len(crossings) < 2 {
		return 0, 0
	}
	first, last := crossings[0], crossings[len(crossings)-1]
	freq = float64(len(crossings)-1) * float64(rate) / (last - first)
	var sum float64
	n := 0
	for i := int(math.Ceil(first)); float64(i) < last; i++ {
		sum += float64(x[i]) * float64(x[i])
		n++
	}
	return freq, math.Sqrt(2 * sum / float64(n))
}

// middle drops the first and last tenth of x, where the filter meets the
// edges of the input.
func middle(x []float32) []float32 { return x[len(x)/10 : len(x)*9/10] }

func rmsOf(x []float32) float64 {
	var sum float64
	for _, v := range x {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(x)))
}

func TestResamplePassesTones(t *testing.T) {
	tests := []struct {
		from, to int
		freq     float64
	}{
		{44100, 16000, 1000},
		{48000, 16000, 1000},
		{22050, 16000, 1000},
		{11025, 16000, 1000},
		{8000, 16000, 1000},
		{44100, 16000, 6000}, // near the top of the pass band
		{16000, 8000, 3000},
		{16000, 44100, 5000},
	}
	const amp = 0.5
	for _, tt := range tests {
		out := Resample(sine(tt.from, 1, tt.freq, amp), tt.from, tt.to)
		if want := tt.to; len(out) != want {
			t.Errorf("%d→%d Hz: %d samples from one second, want %d", tt.from, tt.to, len(out), want)
		}
		freq, got := measureTone(middle(out), tt.to)
		db := 20 * math.Log10(got/amp)
		t.Logf("%d→%d Hz, %.0f Hz tone: comes out at %.3f Hz, %+.4f dB", tt.from, tt.to, tt.freq, freq, db)
		if math.Abs(freq-tt.freq) > tt.freq*0.001 {
			t.Errorf("%d→%d Hz: %.0f Hz tone came out at %.3f Hz", tt.from, tt.to, tt.freq, freq)
		}
		if math.Abs(db) > 0.5 {
			t.Errorf("%d→%d Hz: %.0f Hz tone changed by %+.3f dB, want within 0.5 dB", tt.from, tt.to, tt.freq, db)
		}
	}
}

func TestResampleStopsAliases(t *testing.T) {
	tests := []struct {
		from, to int
		freq     float64
	}{
		{44100, 16000, 12000},
		{48000, 16000, 12000},
		{44100, 16000, 8500},
		{22050, 16000, 9000},
		{11025, 16000, 4000}, // no alias, but an image at 7025 Hz to remove
		{8000, 16000, 3000},  // and one at 5 kHz
	}
	const amp = 0.5
	for _, tt := range tests {
		out := middle(Resample(sine(tt.from, 1, tt.freq, amp), tt.from, tt.to))
		if tt.freq < float64(min(tt.from, tt.to))/2 {
			// Take the tone itself out and measure what is left.
			ideal := sine(tt.to, 1, tt.freq, amp)
			ideal = middle(ideal)
			for i := range out {
				out[i] -= ideal[i]
			}
		}
		db := 20 * math.Log10(rmsOf(out)*math.Sqrt2/amp)
		t.Logf("%d→%d Hz, %.0f Hz tone: what should not be there is at %.1f dB", tt.from, tt.to, tt.freq, db)
		if db > -40 {
			t.Errorf("%d→%d Hz: %.0f Hz tone leaves %.1f dB, want at most -40 dB", tt.from, tt.to, tt.freq, db)
		}
	}
}

func TestResampleKeepsTime(t *testing.T) {
	// A click at input sample 4410 (0.1 s) peaks at output sample 1600.
	in := make([]float32, 44100)
	in[4410] = 1
	out := Resample(in, 44100, 16000)
	peak := 0
	for i := range out {
		if out[i] > out[peak] {
			peak = i
		}
	}
	if peak != 1600 {
		t.Errorf("click at 0.1 s peaks at output sample %d, want 1600", peak)
	}

	// A constant stays constant.
	dc := slices.Repeat([]float32{0.25}, 11025)
	for i, v := range middle(Resample(dc, 11025, 16000)) {
		if math.Abs(float64(v)-0.25) > 1e-5 {
			t.Fatalf("constant 0.25 became %v at %d", v, i)
		}
	}
}

func TestResampleEdges(t *testing.T) {
	in := []float32{1, 2, 3}
	same := Resample(in, 16000, 16000)
	if !slices.Equal(same, in) {
		t.Errorf("same rate: got %v", same)
	}
	same[0] = 9
	if in[0] != 1 {
		t.Error("same rate: result shares the input's memory")
	}
	if got := Resample(in, 0, 16000); got != nil {
		t.Errorf("rate 0: got %v, want nil", got)
	}
	if got := Resample(nil, 44100, 16000); len(got) != 0 {
		t.Errorf("no input: got %v", got)
	}
	for _, n := range []int{1, 2, 3, 440, 441, 442} {
		want := (n*160 + 440) / 441
		if got := len(Resample(make([]float32, n), 44100, 16000)); got != want {
			t.Errorf("%d samples at 44.1 kHz make %d at 16 kHz, want %d", n, got, want)
		}
	}
}

// Feeding a resampler in blocks, as DecodeWAV does, gives exactly what
// Resample gives, including for rates that interpolate between phases.
func TestResamplerBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, rates := range [][2]int{{44100, 16000}, {8000, 16000}, {11025, 16000}, {44099, 16000}, {48000, 16000}} {
		in := make([]float32, 30000)
		for i := range in {
			in[i] = float32(rng.NormFloat64() * 0.1)
		}
		want := Resample(in, rates[0], rates[1])

		rs := newResampler(rates[0], rates[1])
		var got []float32
		for rest := in; len(rest) > 0; {
			n := min(len(rest), rng.IntN(3000))
			got = rs.feed(got, rest[:n])
			rest = rest[n:]
		}
		got = rs.finish(got)
		if !slices.Equal(got, want) {
			t.Errorf("%d→%d Hz: blocks give %d samples that differ from Resample's %d", rates[0], rates[1], len(got), len(want))
		}
		if len(rs.buf) > 2*rs.half+3000 {
			t.Errorf("%d→%d Hz: resampler holds %d samples", rates[0], rates[1], len(rs.buf))
		}
	}
}

func BenchmarkResample44k(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := make([]float32, 60*44100)
	for i := range in {
		in[i] = float32(rng.NormFloat64() * 0.1)
	}
	b.SetBytes(int64(4 * len(in)))
	for b.Loop() {
		Resample(in, 44100, 16000)
	}
}
