package transcribe

import (
	"math"
	"slices"
	"time"
)

// Segment is a stretch of audio between two times, in seconds on the stream
// clock.
type Segment struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Duration is the segment's length in seconds.
func (s Segment) Duration() float64 { return s.End - s.Start }

// VADConfig tunes a VAD. Every field is optional; zero means the default
// given beside it.
type VADConfig struct {
	// Frame is the stretch of audio whose energy makes one decision: 20ms,
	// and never under 5ms.
	Frame time.Duration
	// MinSpeech is how long energy must stay up before a segment opens, so
	// that clicks and knocks do not count as speech: 100ms.
	MinSpeech time.Duration
	// Hangover is how long the quiet must last to close a segment; shorter
	// pauses stay inside it: 300ms.
	Hangover time.Duration
	// OpenDB is how far above the noise floor a frame's energy must rise to
	// start speech: 10 dB. CloseDB is how far above the floor it must stay
	// for speech to go on: 5 dB. The gap between them keeps a level near one
	// threshold from flickering in and out. A CloseDB above OpenDB is
	// lowered to OpenDB.
	OpenDB, CloseDB float64
}

// The noise floor follows the quietest frames: it falls to a quieter frame
// within a few frames, and rises at most floorRiseDB a second, too slowly to
// follow speech; floorRiseSpeechDB while speech goes on, which says little
// about the noise. A sound that has stayed above the floor for steadyFor
// without varying as much as speech does (steadySpreadDB between its 10th and
// 90th percentile levels) is taken for noise at once: a fan that has been
// switched on, say.
const (
	floorRiseDB       = 3.0
	floorRiseSpeechDB = 1.0
	floorFall         = 60 * time.Millisecond // time constant of the fall
	steadyFor         = 1500 * time.Millisecond
	steadySpreadDB    = 8.0
)

// A VAD (voice activity detector) finds speech in a stream of samples at
// SampleRate by comparing each frame's energy with an estimate of the
// background noise, so it works the same at any recording level. Digital
// silence (all-zero samples, as before a microphone starts or behind a noise
// gate) is never speech and leaves the noise estimate alone; the first sound
// after it stands for the noise until quieter frames come, so speech that
// starts straight out of digital silence may be found a frame or two late.
// A VAD belongs to one goroutine at a time.
type VAD struct {
	frameLen   int   // samples in a frame
	minSpeech  int64 // frames
	hangover   int64 // frames
	openDB     float64
	closeDB    float64
	riseQuiet  float64 // dB per frame
	riseSpeech float64 // dB per frame
	fall       float64 // fraction of the distance per frame

	sumSq  int64 // over the samples of the frame in progress
	filled int   // samples in the frame in progress
	frames int64 // complete frames analysed

	floor     float64 // dB relative to one quantization step squared
	haveFloor bool
	recent    []float64 // the levels of the last steadyFor of sound, a ring
	heard     int       // frames of sound (not digital silence) so far
	sorted    []float64 // room to sort recent in
	above     int       // frames of sound in a row at least CloseDB above the floor

	state  vadState
	voiced bool    // the last frame decided stood CloseDB above the floor
	start  int64   // first frame of the onset or segment
	last   int64   // last frame that kept speech going
	peak   float64 // loudest level in the onset or segment
}

type vadState int

const (
	vadQuiet  vadState = iota
	vadOnset           // loud, but not yet for MinSpeech
	vadSpeech          // in a segment, perhaps in its hangover
)

// NewVAD returns a detector whose clock starts at zero.
func NewVAD(cfg VADConfig) *VAD {
	orDefault := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	frame := max(orDefault(cfg.Frame, 20*time.Millisecond), 5*time.Millisecond)
	frameLen := max(1, int(frame.Seconds()*SampleRate+0.5))
	frame = time.Duration(frameLen) * time.Second / SampleRate
	frames := func(d time.Duration) int64 {
		return max(1, int64(math.Ceil(float64(d)/float64(frame))))
	}
	v := &VAD{
		frameLen:   frameLen,
		minSpeech:  frames(orDefault(cfg.MinSpeech, 100*time.Millisecond)),
		hangover:   frames(orDefault(cfg.Hangover, 300*time.Millisecond)),
		openDB:     cfg.OpenDB,
		closeDB:    cfg.CloseDB,
		riseQuiet:  floorRiseDB * frame.Seconds(),
		riseSpeech: floorRiseSpeechDB * frame.Seconds(),
		fall:       1 - math.Exp(-frame.Seconds()/floorFall.Seconds()),
		recent:     make([]float64, frames(steadyFor)),
	}
	if v.openDB == 0 {
		v.openDB = 10
	}
	if v.closeDB == 0 {
		v.closeDB = 5
	}
	v.closeDB = min(v.closeDB, v.openDB)
	return v
}

// Write consumes samples, in chunks of any size, and returns the speech
// segments that closed during them. Times count from the first sample ever
// written. The same samples give the same segments however they are chunked.
// A segment that turns out to have been the noise getting louder is dropped
// when it closes, though InSpeech and Open reported it while it lasted.
func (v *VAD) Write(samples []int16) []Segment {
	var closed []Segment
	for len(samples) > 0 {
		n := min(len(samples), v.frameLen-v.filled)
		for _, s := range samples[:n] {
			v.sumSq += int64(s) * int64(s)
		}
		v.filled += n
		samples = samples[n:]
		if v.filled == v.frameLen {
			if seg, ok := v.decide(float64(v.sumSq) / float64(v.frameLen)); ok {
				closed = append(closed, seg)
			}
			v.sumSq, v.filled = 0, 0
		}
	}
	return closed
}

// decide takes the next frame's mean square and returns the segment it
// closes, if any.
func (v *VAD) decide(meanSq float64) (Segment, bool) {
	idx := v.frames
	v.frames++

	// Digital silence, quieter than one quantization step, is no sound at
	// all: not speech, and no measure of the room's noise either, so it
	// leaves the floor alone (and never takes the log of zero).
	silent := meanSq < 1
	level := 10 * math.Log10(max(meanSq, 1))
	if !v.haveFloor && !silent {
		v.floor, v.haveFloor = level, true
	}
	loud := !silent && level >= v.floor+v.openDB
	voiced := !silent && level >= v.floor+v.closeDB
	v.voiced = voiced

	var closed Segment
	ok := false
	switch {
	case v.state == vadQuiet && loud:
		v.state, v.start, v.last, v.peak = vadOnset, idx, idx, level
	case v.state != vadQuiet && voiced:
		v.last, v.peak = idx, max(v.peak, level)
	case v.state == vadOnset:
		v.state = vadQuiet
	case v.state == vadSpeech && idx-v.last >= v.hangover:
		closed, ok = v.close(v.frameTime(v.last + 1))
	}
	if v.state == vadOnset && v.last-v.start+1 >= v.minSpeech {
		v.state = vadSpeech
	}

	if silent {
		v.above = 0
	} else {
		v.track(level, voiced)
	}
	return closed, ok
}

// track moves the noise floor on from a frame at level that is not digital
// silence.
func (v *VAD) track(level float64, voiced bool) {
	if level < v.floor {
		v.floor += (level - v.floor) * v.fall
	} else {
		rise := v.riseQuiet
		if v.state != vadQuiet {
			rise = v.riseSpeech
		}
		v.floor += min(level-v.floor, rise)
	}

	v.recent[v.heard%len(v.recent)] = level
	v.heard++
	v.above++
	if !voiced {
		v.above = 0
	}
	if v.above < len(v.recent) {
		return
	}
	v.sorted = append(v.sorted[:0], v.recent...)
	slices.Sort(v.sorted)
	low, high := v.sorted[len(v.sorted)/10], v.sorted[len(v.sorted)*9/10]
	if high-low <= steadySpreadDB {
		v.floor, v.above = low, 0
	}
}

// close ends the segment in progress at end. A segment that is no louder
// than the noise floor has become was noise the floor had not yet caught
// up with, and is dropped.
func (v *VAD) close(end float64) (Segment, bool) {
	v.state = vadQuiet
	if v.peak < v.floor+v.openDB {
		return Segment{}, false
	}
	return Segment{Start: v.frameTime(v.start), End: end}, true
}

// InSpeech reports whether the detector is inside a speech segment now,
// counting its hangover.
func (v *VAD) InSpeech() bool { return v.state == vadSpeech }

// Open returns the start of the segment in progress, if there is one.
func (v *VAD) Open() (start float64, ok bool) {
	if v.state != vadSpeech {
		return 0, false
	}
	return v.frameTime(v.start), true
}

// Flush closes the segment in progress, if any, and returns it. A segment
// still voiced in the last frame ends with the audio written so far; one in
// its hangover ends where its speech did. An onset shorter than MinSpeech is
// dropped. The detector goes on from here with its clock and noise floor.
func (v *VAD) Flush() []Segment {
	if v.state != vadSpeech {
		v.state = vadQuiet
		return nil
	}
	end := v.frameTime(v.last + 1)
	if v.last == v.frames-1 {
		end = v.Elapsed()
	}
	if seg, ok := v.close(end); ok {
		return []Segment{seg}
	}
	return nil
}

// Elapsed is the seconds of audio written so far.
func (v *VAD) Elapsed() float64 {
	return float64(v.frames*int64(v.frameLen)+int64(v.filled)) / SampleRate
}

func (v *VAD) frameTime(frame int64) float64 {
	return float64(frame*int64(v.frameLen)) / SampleRate
}

// DetectSpeech runs a fresh VAD over samples at SampleRate and returns every
// speech segment, the last one closed at the end of the samples.
func DetectSpeech(samples []int16, cfg VADConfig) []Segment {
	v := NewVAD(cfg)
	return append(v.Write(samples), v.Flush()...)
}

// Pauses returns the gaps between consecutive segments that last at least
// atLeast seconds, as segments of their own. The quiet before the first
// segment and after the last is not a pause.
func Pauses(segs []Segment, atLeast float64) []Segment {
	var gaps []Segment
	for i := 1; i < len(segs); i++ {
		gap := Segment{Start: segs[i-1].End, End: segs[i].Start}
		// The tolerance keeps a gap of exactly atLeast, computed from frame
		// times, from falling short by a rounding error.
		if d := gap.Duration(); d > 0 && d >= atLeast-1e-9 {
			gaps = append(gaps, gap)
		}
	}
	return gaps
}
