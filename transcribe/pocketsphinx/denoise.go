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
}

// NewDenoiser makes a denoiser that lowers noise by up to suppressDB
// decibels (a positive number; Speex's own default is 15).
func NewDenoiser(suppressDB int) (*Denoiser, error) {
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

// Process denoises samples and appends to out the whole frames now ready.
func (d *Denoiser) Process(out, samples []int16) []int16 {
	for len(samples) > 0 {
		n := min(denoiseFrame-len(d.pending), len(samples))
		d.pending = append(d.pending, samples[:n]...)
		samples = samples[n:]
		if len(d.pending) == denoiseFrame {
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
