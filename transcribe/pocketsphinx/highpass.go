package pocketsphinx

import (
	"math"

	"github.com/mockinterview/mockinterview/transcribe"
)

// HighPass is a second-order Butterworth high-pass filter (12 dB per
// octave below its cut-off), for taking a fan's hum and a room's rumble
// out before the decoder hears the audio. It keeps its state from one call
// to the next, so a stream can be filtered in pieces of any size. Not safe
// for concurrent use.
type HighPass struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

// NewHighPass makes a filter with its cut-off (-3 dB) at hz, for audio
// at transcribe.SampleRate.
func NewHighPass(hz float64) *HighPass {
	w := 2 * math.Pi * hz / transcribe.SampleRate
	alpha := math.Sin(w) / math.Sqrt2 // sin(w)/2Q, with Q = 1/√2
	cos := math.Cos(w)
	a0 := 1 + alpha
	return &HighPass{
		b0: (1 + cos) / 2 / a0,
		b1: -(1 + cos) / a0,
		b2: (1 + cos) / 2 / a0,
		a1: -2 * cos / a0,
		a2: (1 - alpha) / a0,
	}
}

// Process filters samples in place.
func (h *HighPass) Process(samples []int16) {
	for i, s := range samples {
		x := float64(s)
		y := h.b0*x + h.b1*h.x1 + h.b2*h.x2 - h.a1*h.y1 - h.a2*h.y2
		h.x2, h.x1 = h.x1, x
		h.y2, h.y1 = h.y1, y
		samples[i] = int16(max(-32768, min(32767, math.Round(y))))
	}
}
