package transcribe

import "math"

// The resampler's low-pass filter is a Kaiser-windowed sinc. Its -6 dB point
// sits at 92% of the lower of the two Nyquist frequencies; it passes up to
// 86% (6.9 kHz when the lower rate is 16 kHz) and stops, by resampleStopDB,
// from 98% (7.84 kHz) up, so nothing that would alias survives.
const (
	resampleCutoff     = 0.92 // -6 dB point, as a fraction of the lower Nyquist frequency
	resampleTransition = 0.12 // pass-to-stop width, as a fraction of the lower Nyquist frequency
	resampleStopDB     = 80.0
	// Rate pairs that need more filter phases than this (rates with a small
	// common divisor) interpolate between neighbouring phases instead.
	resampleMaxPhases = 1024
)

// Resample converts samples at rate from to rate to, low-pass filtering them
// first so that nothing above the lower rate's Nyquist frequency aliases into
// the result. Output sample n stands at input time n*from/to: the filter is
// symmetric, so the two clocks stay aligned. The rates are in Hz; the filter
// grows with their ratio, so it is meant for audio rates such as 8 to 48 kHz.
// When from equals to Resample returns a copy; when either rate is not
// positive it returns nil.
func Resample(in []float32, from, to int) []float32 {
	if from <= 0 || to <= 0 {
		return nil
	}
	if from == to {
		return append([]float32(nil), in...)
	}
	rs := newResampler(from, to)
	rs.buf, rs.fed = in, int64(len(in))
	return rs.emit(make([]float32, 0, rs.outputs()), true)
}

// A resampler converts a stream fed to it in blocks; all blocks together give
// exactly what Resample gives for the whole input.
type resampler struct {
	up, down int64 // to and from, divided by their greatest common divisor
	half     int   // the filter reaches half input samples either side
	phases   int   // rows in table, not counting the extra one kept for interpolation
	table    []float32
	scratch  []float32 // an interpolated row

	buf  []float32 // the input still needed; buf[0] is input sample base
	base int64
	fed  int64 // input samples fed so far
	next int64 // the next output sample
}

func newResampler(from, to int) *resampler {
	g := gcd(from, to)
	rs := &resampler{up: int64(to / g), down: int64(from / g)}

	// Frequencies below are in cycles per input sample.
	lower := float64(min(from, to)) / float64(from)
	cutoff := resampleCutoff * lower / 2
	width := 2 * math.Pi * resampleTransition * lower / 2
	// Kaiser's estimates of the length and window shape for the attenuation.
	taps := (resampleStopDB - 7.95) / (2.285 * width)
	beta := 0.1102 * (resampleStopDB - 8.7)
	rs.half = max(1, int(math.Ceil(taps/2)))

	rs.phases = int(min(rs.up, resampleMaxPhases))
	rows := rs.phases
	if int64(rs.phases) != rs.up {
		rows++
		rs.scratch = make([]float32, 2*rs.half)
	}
	rs.table = make([]float32, rows*2*rs.half)
	row := make([]float64, 2*rs.half)
	norm := besselI0(beta)
	for p := range rows {
		// Row p weighs input samples around an output that falls frac of the
		// way from one input sample to the next; tap m is input sample
		// m-half+1 counted from the earlier one.
		frac := float64(p) / float64(rs.phases)
		var sum float64
		for m := range row {
			x := float64(m-rs.half+1) - frac
			w := 0.0
			if r := x / float64(rs.half); r > -1 && r < 1 {
				w = besselI0(beta*math.Sqrt(1-r*r)) / norm
			}
			row[m] = 2 * cutoff * sinc(2*cutoff*x) * w
			sum += row[m]
		}
		// Unit gain at 0 Hz in every phase, so a constant stays constant.
		for m, v := range row {
			rs.table[p*2*rs.half+m] = float32(v / sum)
		}
	}
	return rs
}

// outputs is how many output samples the input fed so far makes.
func (rs *resampler) outputs() int64 {
	return (rs.fed*rs.up + rs.down - 1) / rs.down
}

// feed takes the next block of input and appends to out every output sample
// that no longer depends on input still to come.
func (rs *resampler) feed(out, in []float32) []float32 {
	rs.buf = append(rs.buf, in...)
	rs.fed += int64(len(in))
	out = rs.emit(out, false)

	// Drop the input that the next output sample no longer reaches.
	need := rs.next*rs.down/rs.up - int64(rs.half) + 1
	if drop := min(need-rs.base, int64(len(rs.buf))); drop > 0 {
		rs.buf = rs.buf[:copy(rs.buf, rs.buf[drop:])]
		rs.base += drop
	}
	return out
}

// finish appends the remaining output samples to out, taking the input to
// be silent after its end.
func (rs *resampler) finish(out []float32) []float32 { return rs.emit(out, true) }

func (rs *resampler) emit(out []float32, final bool) []float32 {
	span := 2 * rs.half
	for last := rs.outputs(); rs.next < last; rs.next++ {
		pos := rs.next * rs.down
		centre := pos / rs.up
		if !final && centre+int64(rs.half) >= rs.fed {
			break
		}
		row := rs.row(pos % rs.up)
		// Taps that fall before the start of the input or after what has
		// been fed meet silence.
		start := centre - int64(rs.half) + 1 - rs.base
		lo, hi := max(0, -start), min(int64(span), int64(len(rs.buf))-start)
		var acc float32
		if lo < hi {
			x := rs.buf[start+lo : start+hi]
			h := row[lo:hi]
			h = h[:len(x)]
			for i, v := range x {
				acc += h[i] * v
			}
		}
		out = append(out, acc)
	}
	return out
}

// row returns the filter for an output that falls phase/up of the way from
// one input sample to the next.
func (rs *resampler) row(phase int64) []float32 {
	span := 2 * rs.half
	if int64(rs.phases) == rs.up {
		return rs.table[int(phase)*span : int(phase+1)*span]
	}
	pos := float64(phase) * float64(rs.phases) / float64(rs.up)
	p := int(pos)
	a := float32(pos - float64(p))
	r0 := rs.table[p*span : (p+1)*span]
	r1 := rs.table[(p+1)*span : (p+2)*span]
	for m := range rs.scratch {
		rs.scratch[m] = r0[m] + a*(r1[m]-r0[m])
	}
	return rs.scratch
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// summed from its power series.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; term > 1e-12*sum; k++ {
		f := x / (2 * float64(k))
		term *= f * f
		sum += term
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
