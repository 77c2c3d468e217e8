// Package noisemix makes the rooms the recognizer is measured in: seeded
// noise of known colour mixed into clean speech at a known speech-to-noise
// ratio, and speech made too quiet or clipped. It is for tests and
// evaluations only; the service never calls it.
//
// The ratio is measured the way a listener hears it: the speech's power is
// the mean power of the frames where someone speaks, not of the whole file,
// so the pauses between sentences do not make a file seem noisier than it
// sounds.
package noisemix

import (
	"math"
	"math/rand/v2"
	"slices"
)

// SampleRate is the rate every function here assumes.
const SampleRate = 16000

// frame is 20 ms: short enough to tell a word from the gap after it.
const frame = SampleRate / 50

// activeBelowLoud is how far below the loud frames (the 95th percentile of
// frame power) a frame may be and still count as speech: 35 dB keeps the
// quiet ends of words and leaves out the digital silence between flite's
// sentences and the hiss of a recording room.
const activeBelowLoud = 35.0

// SpeechPower is the mean square, in units of full scale squared, of the
// frames of samples that hold speech. It is 0 for silence.
func SpeechPower(samples []int16) float64 {
	var powers []float64
	for i := 0; i+frame <= len(samples); i += frame {
		powers = append(powers, meanSquare(samples[i:i+frame]))
	}
	if len(powers) == 0 {
		return meanSquare(samples)
	}
	sorted := slices.Clone(powers)
	slices.Sort(sorted)
	loud := sorted[len(sorted)*95/100]
	if loud == 0 {
		return 0
	}
	floor := loud * math.Pow(10, -activeBelowLoud/10)
	var sum float64
	n := 0
	for _, p := range powers {
		if p >= floor {
			sum += p
			n++
		}
	}
	return sum / float64(n)
}

func meanSquare(samples []int16) float64 {
	if len(samples) == 0 {
		return 0
	}
	var sum float64
	for _, s := range samples {
		v := float64(s) / 32768
		sum += v * v
	}
	return sum / float64(len(samples))
}

// Pink gives n samples of pink noise (power falling 3 dB an octave, as
// most room noise does) with an RMS of 1, the same for the same seed. It
// filters white noise with a sum of first-order low-pass sections whose
// corners are spread across the audible band.
func Pink(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x70696e6b))
	// Poles and gains of the sections: a classic economy approximation of
	// a -3 dB/octave slope within half a decibel over the speech band.
	poles := [...]float64{0.99886, 0.99332, 0.96900, 0.86650, 0.55000, -0.7616}
	gains := [...]float64{0.0555179, 0.0750759, 0.1538520, 0.3104856, 0.5329522, -0.0168980}
	var state [len(poles)]float64
	out := make([]float64, n)
	for i := range out {
		white := rng.NormFloat64()
		var sum float64
		for k := range poles {
			state[k] = poles[k]*state[k] + gains[k]*white
			sum += state[k]
		}
		out[i] = sum + 0.5362*white
	}
	return unitRMS(out)
}

// Hum gives n samples of a fan-like noise with an RMS of 1, the same for
// the same seed: the blade tone at 110 Hz and its harmonics, slowly
// wavering in strength, over the rumble of moving air (white noise through
// two low-passes at about 400 Hz).
func Hum(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x68756d))
	const blade = 110.0
	out := make([]float64, n)
	// Two one-pole low-passes with corners near 400 Hz: 12 dB an octave.
	a := math.Exp(-2 * math.Pi * 400 / SampleRate)
	var air, rumble float64
	wobble := rng.Float64() * 2 * math.Pi
	for i := range out {
		t := float64(i) / SampleRate
		strength := 1 + 0.2*math.Sin(2*math.Pi*0.3*t+wobble)
		var tone float64
		for h, amp := range [...]float64{1, 0.5, 0.3, 0.15} {
			tone += amp * math.Sin(2*math.Pi*blade*float64(h+1)*t)
		}
		air = a*air + (1-a)*rng.NormFloat64()
		rumble = a*rumble + (1-a)*air
		out[i] = strength*tone + 10*rumble
	}
	return unitRMS(out)
}

func unitRMS(x []float64) []float64 {
	var sum float64
	for _, v := range x {
		sum += v * v
	}
	if sum == 0 {
		return x
	}
	k := 1 / math.Sqrt(sum/float64(len(x)))
	for i := range x {
		x[i] *= k
	}
	return x
}

// Mix adds noise to speech so that the speech's power (SpeechPower) stands
// snrDB above the noise's, and gives the mix; a sample beyond full scale
// is clipped. The noise is repeated if it is shorter than the speech.
func Mix(speech []int16, noise []float64, snrDB float64) []int16 {
	out := make([]int16, len(speech))
	if len(noise) == 0 {
		copy(out, speech)
		return out
	}
	var noisePower float64
	for _, v := range noise {
		noisePower += v * v
	}
	noisePower /= float64(len(noise))
	gain := 0.0
	if noisePower > 0 {
		gain = math.Sqrt(SpeechPower(speech)/math.Pow(10, snrDB/10)/noisePower) * 32768
	}
	for i, s := range speech {
		out[i] = saturate(float64(s) + gain*noise[i%len(noise)])
	}
	return out
}

// Quiet scales speech so that its loudest sample peaks at peakDBFS (say
// -35: a microphone across the room or its gain turned down).
func Quiet(speech []int16, peakDBFS float64) []int16 {
	var peak float64
	for _, s := range speech {
		peak = max(peak, math.Abs(float64(s)))
	}
	out := make([]int16, len(speech))
	if peak == 0 {
		return out
	}
	k := 32767 * math.Pow(10, peakDBFS/20) / peak
	for i, s := range speech {
		out[i] = saturate(float64(s) * k)
	}
	return out
}

// Clip raises speech by gainDB and cuts what goes past full scale, as an
// input gain set too high does.
func Clip(speech []int16, gainDB float64) []int16 {
	k := math.Pow(10, gainDB/20)
	out := make([]int16, len(speech))
	for i, s := range speech {
		out[i] = saturate(float64(s) * k)
	}
	return out
}

func saturate(v float64) int16 {
	switch {
	case v >= math.MaxInt16:
		return math.MaxInt16
	case v <= math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(v))
}
