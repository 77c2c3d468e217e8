package pocketsphinx

/*
#cgo pkg-config: speexdsp
#include <speex/speex_preprocess.h>

static int mi_denoise_set(SpeexPreprocessState *st, int request, int value) {
	return speex_preprocess_ctl(st, request, &value);
}
*/
import "C"

import (
	"errors"
	"math"
	"unsafe"

	"github.com/mockinterview/mockinterview/transcribe"
)

// denoiseFrame is the denoiser's frame: 20 ms, as the preprocessor
// expects at 16 kHz.
const denoiseFrame = transcribe.SampleRate / 50

// Denoiser takes steady noise (a fan, an air conditioner, hiss) out of
// speech before the recognizer hears it, with the Speex preprocessor's
// spectral noise suppression, which learns the noise from the audio
// itself. Samples come out as they go in, delayed by less than a frame;
// it keeps no more than one frame of audio. Not safe for concurrent use.
type Denoiser struct {
	st      *C.SpeexPreprocessState
	pending []int16 // the start of the next frame
	level   *levelGain
}

// levelGain raises quiet speech to a working level before the denoiser
// hears it: the Speex preprocessor takes a voice that peaks near -35 dBFS
// for the steady floor its noise estimate settles on, and suppresses it
// (WER 0.55 and 0.59 on the development answers read quietly, 0.06 and
// 0.05 with this stage; docs/BENCHMARKS.md). The gain follows the input's
// peaks, which rise at once and fall by half every two seconds, from a
// start at the working level; it only ever amplifies, up to maxLevelGain,
// so speech at an ordinary level passes untouched.
type levelGain struct {
	peak float64 // the input's recent peak, on the raw scale; 0 before the first frame
}

const (
	targetPeak   = 8000 // about -12 dBFS
	maxLevelGain = 24   // about 28 dB
	peakFloor    = targetPeak / maxLevelGain
	peakDecay    = 0.99307 // per 20 ms frame: halves in two seconds
)

// apply scales one frame in place.
func (l *levelGain) apply(frame []int16) {
	p := 0.0
	for _, s := range frame {
		p = max(p, math.Abs(float64(s)))
	}
	if l.peak == 0 {
		l.peak = targetPeak
	}
	l.peak = max(l.peak*peakDecay, p, peakFloor)
	g := min(targetPeak/l.peak, maxLevelGain)
	if g <= 1 {
		return
	}
	for i, s := range frame {
		frame[i] = int16(max(-32768, min(32767, math.Round(float64(s)*g))))
	}
}

// NewDenoiser makes a denoiser that raises quiet speech to a working
// level and then lowers noise by up to suppressDB decibels (a positive
// number; Speex's own default is 15).
func NewDenoiser(suppressDB int) (*Denoiser, error) {
	d, err := newSuppressor(suppressDB)
	if err != nil {
		return nil, err
	}
	d.level = &levelGain{}
	return d, nil
}

// newSuppressor is the Speex noise suppression alone, without the level
// stage.
func newSuppressor(suppressDB int) (*Denoiser, error) {
	st := C.speex_preprocess_state_init(denoiseFrame, transcribe.SampleRate)
	if st == nil {
		return nil, errors.New("denoise: the Speex preprocessor did not start")
	}
	C.mi_denoise_set(st, C.SPEEX_PREPROCESS_SET_DENOISE, 1)
	C.mi_denoise_set(st, C.SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, C.int(-suppressDB))
	C.mi_denoise_set(st, C.SPEEX_PREPROCESS_SET_AGC, 0)
	C.mi_denoise_set(st, C.SPEEX_PREPROCESS_SET_DEREVERB, 0)
	return &Denoiser{st: st, pending: make([]int16, 0, denoiseFrame)}, nil
}

// raise brings a quiet frame up to the working level, if the denoiser
// has a level stage.
func (d *Denoiser) raise(frame []int16) {
	if d.level != nil {
		d.level.apply(frame)
	}
}

// Process denoises samples and appends to out the whole frames now ready.
func (d *Denoiser) Process(out, samples []int16) []int16 {
	for len(samples) > 0 {
		n := min(denoiseFrame-len(d.pending), len(samples))
		d.pending = append(d.pending, samples[:n]...)
		samples = samples[n:]
		if len(d.pending) == denoiseFrame {
			d.raise(d.pending)
			C.speex_preprocess_run(d.st, (*C.spx_int16_t)(unsafe.Pointer(&d.pending[0])))
			out = append(out, d.pending...)
			d.pending = d.pending[:0]
		}
	}
	return out
}

// Flush gives the last part frame, denoised as if followed by silence.
func (d *Denoiser) Flush(out []int16) []int16 {
	n := len(d.pending)
	if n == 0 {
		return out
	}
	d.pending = append(d.pending, make([]int16, denoiseFrame-n)...)
	d.raise(d.pending)
	C.speex_preprocess_run(d.st, (*C.spx_int16_t)(unsafe.Pointer(&d.pending[0])))
	out = append(out, d.pending[:n]...)
	d.pending = d.pending[:0]
	return out
}

// Close frees the preprocessor.
func (d *Denoiser) Close() {
	if d.st != nil {
		C.speex_preprocess_state_destroy(d.st)
		d.st = nil
	}
}
