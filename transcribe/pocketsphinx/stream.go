package pocketsphinx

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <pocketsphinx.h>
#include <sphinxbase/logmath.h>

static double mi_prob(ps_decoder_t *ps, int32 p) {
	return logmath_exp(ps_get_logmath(ps), p);
}
*/
import "C"

import (
	"context"
	"errors"
	"strings"
	"time"
	"unsafe"

	"github.com/mockinterview/mockinterview/transcribe"
)

// stream follows pocketsphinx_continuous: one long stream, so that frame
// numbers count from the start of the stream and word times do not drift.
// An utterance begins where the library's own voice detector hears speech.
// It ends at the first pause as long as the stream's, heard by our own VAD,
// or at the library's own half second of silence if that comes first, and
// at maxUtterance in any case.
type stream struct {
	engine       *Engine
	d            *decoder
	inUtt        bool  // the library heard speech in the current utterance
	uttFrom      int64 // where the utterance began
	sincePartial int
	partialEvery int
	received     int64 // samples fed since the stream began
	// pauses hears the pause that ends an utterance; nil when the library
	// decides alone.
	pauses *transcribe.VAD
	// denoise, when set, cleans the audio before the decoder and pauses
	// hear it; clean holds what it gives back.
	denoise *Denoiser
	clean   []int16
	// highPass and level, when set, filter the audio and raise a quiet
	// voice before the denoiser and the decoder hear it; filtered holds
	// their copy, the caller's samples being left as they are.
	highPass *HighPass
	level    *levelGain
	filtered []int16
}

// prepare gives the audio the decoder hears: samples high-passed, raised
// and denoised by the stages the stream has.
func (s *stream) prepare(samples []int16) []int16 {
	if s.highPass != nil || s.level != nil {
		s.filtered = append(s.filtered[:0], samples...)
		samples = s.filtered
		if s.highPass != nil {
			s.highPass.Process(samples)
		}
		if s.level != nil {
			for i := 0; i < len(samples); i += denoiseFrame {
				s.level.apply(samples[i:min(i+denoiseFrame, len(samples))])
			}
		}
	}
	if s.denoise != nil {
		s.clean = s.denoise.Process(s.clean[:0], samples)
		samples = s.clean
	}
	return samples
}

// ended tells whether vad heard speech stop in samples.
func ended(vad *transcribe.VAD, samples []int16) bool {
	if vad == nil {
		return false
	}
	was := vad.InSpeech()
	vad.Write(samples)
	return was && !vad.InSpeech()
}

var errStreamClosed = errors.New("pocketsphinx: stream is closed")

func (s *stream) start() error {
	if C.ps_start_stream(s.d.ps) < 0 {
		return errors.New("pocketsphinx: start stream failed")
	}
	if C.ps_start_utt(s.d.ps) < 0 {
		return errors.New("pocketsphinx: start utterance failed")
	}
	return nil
}

func samplesIn(d time.Duration) int64 { return int64(d.Seconds() * transcribe.SampleRate) }

// chunk is how much audio goes to the decoder per call: small enough that
// the end of speech is noticed within 100 ms.
const chunk = transcribe.SampleRate / 10

func (s *stream) Accept(ctx context.Context, samples []int16) ([]transcribe.Result, error) {
	if s.d == nil {
		return nil, errStreamClosed
	}
	return s.decode(ctx, s.prepare(samples))
}

// decode feeds samples to the decoder a chunk at a time and gives the
// results they bring.
func (s *stream) decode(ctx context.Context, samples []int16) ([]transcribe.Result, error) {
	var out []transcribe.Result
	for len(samples) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		n := min(len(samples), chunk)
		part := samples[:n]
		samples = samples[n:]
		if C.ps_process_raw(s.d.ps, (*C.int16)(unsafe.Pointer(&part[0])), C.size_t(n), 0, 0) < 0 {
			return out, errors.New("pocketsphinx: decoding failed")
		}
		s.received += int64(n)
		paused := ended(s.pauses, part)
		speaking := C.ps_get_in_speech(s.d.ps) != 0
		switch {
		case speaking && !s.inUtt:
			s.inUtt = true
			s.uttFrom = s.received
			s.sincePartial = 0
		// The library's detector ends an utterance too, half a second into
		// a silence: going on through it, whose frames the library drops,
		// cost two points of WER (docs/BENCHMARKS.md), so a pause longer
		// than that cannot be asked for.
		case s.inUtt && (!speaking || paused || s.pauses != nil && s.received-s.uttFrom >= samplesIn(maxUtterance)):
			r, err := s.endUtt()
			if err != nil {
				return out, err
			}
			if len(r.Words) > 0 {
				out = append(out, r)
			}
		case speaking:
			s.sincePartial += n
			if s.sincePartial >= s.partialEvery {
				s.sincePartial = 0
				if r := s.partial(); len(r.Words) > 0 {
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}

func (s *stream) Flush(ctx context.Context) ([]transcribe.Result, error) {
	if s.d == nil {
		return nil, errStreamClosed
	}
	var out []transcribe.Result
	if s.denoise != nil {
		s.clean = s.denoise.Flush(s.clean[:0])
		rs, err := s.decode(ctx, s.clean)
		if err != nil {
			return rs, err
		}
		out = rs
	}
	if !s.inUtt {
		return out, nil
	}
	r, err := s.endUtt()
	if err != nil || len(r.Words) == 0 {
		return out, err
	}
	return append(out, r), nil
}

func (s *stream) Close() error {
	if s.d == nil {
		return nil
	}
	C.ps_end_utt(s.d.ps)
	s.engine.release(s.d)
	s.d = nil
	if s.denoise != nil {
		s.denoise.Close()
	}
	return nil
}

func (s *stream) endUtt() (transcribe.Result, error) {
	s.inUtt = false
	if C.ps_end_utt(s.d.ps) < 0 {
		return transcribe.Result{}, errors.New("pocketsphinx: end utterance failed")
	}
	r := s.words(true)
	if C.ps_start_utt(s.d.ps) < 0 {
		return r, errors.New("pocketsphinx: start utterance failed")
	}
	return r, nil
}

func (s *stream) partial() transcribe.Result { return s.words(false) }

// words reads the decoder's current best path. Confidence is only
// meaningful once the utterance has ended (the posterior needs the lattice).
func (s *stream) words(final bool) transcribe.Result {
	r := transcribe.Result{Final: final, Engine: "pocketsphinx"}
	var score C.int32
	if C.ps_get_hyp(s.d.ps, &score) == nil {
		return r
	}
	now := float64(s.received) / transcribe.SampleRate
	for seg := C.ps_seg_iter(s.d.ps); seg != nil; seg = C.ps_seg_next(seg) {
		text, ok := cleanWord(C.GoString(C.ps_seg_word(seg)))
		if !ok {
			continue
		}
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		w := transcribe.Word{
			Text:  text,
			Start: float64(sf) / framesPerSecond,
			End:   float64(ef+1) / framesPerSecond,
		}
		w.Start, w.End = min(w.Start, now), min(w.End, now)
		if final {
			var ascr, lscr, lback C.int32
			p := C.ps_seg_prob(seg, &ascr, &lscr, &lback)
			w.Confidence = float64(C.mi_prob(s.d.ps, p))
			w.LowConfidence = w.Confidence < lowConfidence
		}
		r.Words = append(r.Words, w)
	}
	if len(r.Words) > 0 {
		r.Start, r.End = r.Words[0].Start, r.Words[len(r.Words)-1].End
	}
	return r
}

// lowConfidence is the posterior under which a final word is marked
// LowConfidence. Measured on four development answers read by flite's slt
// and kal16, clean and spoiled with internal/noisemix (pink noise from 25
// to 10 dB SNR, fan hum, quiet, clipped), each word heard aligned with the
// text read (TestAudioThresholds in cmd/mockinterview): of 12,723 words
// heard, 20 % were wrong; of the 1,990 under 0.1, 52 % were, and they hold
// 41 % of the wrong words and 9 % of the right ones. On clean speech 3 % of
// the words fall under it. Under 0.15 half the words are wrong; higher, a
// dimmed word is more often right than wrong.
const lowConfidence = 0.1

// cleanWord turns a dictionary entry into the word said: "read(2)" becomes
// "read"; silences, sentence marks and noise models are dropped. Fillers
// the model recognizes as words ("um", "uh") are kept.
func cleanWord(w string) (string, bool) {
	if w == "" || w[0] == '<' || w[0] == '[' || w[0] == '+' {
		return "", false
	}
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		w = w[:i]
	}
	return w, true
}
