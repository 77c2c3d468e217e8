package transcribe

import (
	"math"
	"time"
)

// FloorDBFS is the level given to no sound at all (digital silence, or
// nothing measured): a number JSON can carry, where the logarithm of zero
// is minus infinity.
const FloorDBFS = -100.0

// Levels is what a Meter measured of a stretch of audio. Levels are in
// dBFS: decibels relative to the RMS of a full-scale square wave, so that
// a sine at full scale is -3 dBFS.
type Levels struct {
	// Speech is the speech's level: the RMS of the frames the voice
	// detector heard as speech. FloorDBFS when it heard none.
	Speech float64
	// Noise is the noise floor: the RMS of the frames between speech.
	// Digital silence (a muted microphone, a noise gate) is no room's
	// noise and is left out; FloorDBFS when nothing else was there.
	Noise float64
	// Clipped is the share of all samples at full scale (32767, -32767 or
	// -32768), from 0 to 1.
	Clipped float64
	// SpeechSeconds and NoiseSeconds are how much audio Speech and Noise
	// rest on; Seconds is all the audio measured.
	SpeechSeconds, NoiseSeconds, Seconds float64
}

// SNR is the speech's level above the noise floor, in dB.
func (l Levels) SNR() float64 { return l.Speech - l.Noise }

// MeasureLevels measures samples at SampleRate from start to end.
func MeasureLevels(samples []int16) Levels {
	m := NewMeter(0)
	m.Write(samples)
	return m.Total()
}

// frameKind is what the voice detector made of a frame.
type frameKind uint8

const (
	frameOther  frameKind = iota // digital silence, an onset not yet speech, a hangover
	frameSpeech                  // in speech, and voiced
	frameNoise                   // between speech
)

// frameMeasure is one frame as a Meter keeps it for its recent window.
type frameMeasure struct {
	kind    frameKind
	meanSq  float64
	clipped int32
}

// levelSums adds frames up; levels turns the sums into Levels.
type levelSums struct {
	speechSq, noiseSq float64 // sums of the frames' mean squares
	speech, noise     int     // frames
	frames            int
	clipped           int // samples
}

func (s *levelSums) add(f frameMeasure) {
	s.frames++
	s.clipped += int(f.clipped)
	switch f.kind {
	case frameSpeech:
		s.speech++
		s.speechSq += f.meanSq
	case frameNoise:
		s.noise++
		s.noiseSq += f.meanSq
	}
}

func (s *levelSums) levels(frameLen int) Levels {
	seconds := func(frames int) float64 { return float64(frames*frameLen) / SampleRate }
	l := Levels{Speech: FloorDBFS, Noise: FloorDBFS, SpeechSeconds: seconds(s.speech), NoiseSeconds: seconds(s.noise), Seconds: seconds(s.frames)}
	if s.speech > 0 {
		l.Speech = dbfs(s.speechSq / float64(s.speech))
	}
	if s.noise > 0 {
		l.Noise = dbfs(s.noiseSq / float64(s.noise))
	}
	if s.frames > 0 {
		l.Clipped = float64(s.clipped) / float64(s.frames*frameLen)
	}
	return l
}

// fullScale is the RMS of a full-scale square wave, 0 dBFS.
const fullScale = 32768.0

// dbfs gives a mean square in dBFS, FloorDBFS at the quietest.
func dbfs(meanSq float64) float64 {
	if meanSq <= 0 {
		return FloorDBFS
	}
	return max(FloorDBFS, 10*math.Log10(meanSq/(fullScale*fullScale)))
}

// A Meter measures the speech's level, the noise floor between speech and
// clipping in a stream of samples at SampleRate, with the voice detector's
// default settings telling speech from noise frame by frame: over the
// whole stream (Total, since the last Restart) and over its last few
// seconds (Recent). Speech frames are those inside speech that stand
// above the detector's noise floor; noise frames those outside speech.
// The frames in between (the start of speech the detector has not yet
// confirmed, the quiet within and just after speech) count for neither,
// so that a click is not speech and a breath within a sentence is not the
// room. A Meter belongs to one goroutine at a time.
type Meter struct {
	vad *VAD

	// The frame in progress.
	frame   []int16
	clipped int32

	// floors are the detector's noise floor after each of the last
	// floorHeld's frames, a ring.
	floors []float64
	total  levelSums
	recent []frameMeasure // a ring of the last frames; nil with no window
	next   int            // where the next frame goes in recent
	kept   int            // frames in recent
}

// floorHeld is how long the detector's noise floor must have held for a
// frame near it to count as noise. The detector raises its floor at once
// to a sound that has stayed steady for a while (a fan switched on), and a
// long steady vowel can pass for one: until the floor has stayed up that
// long, only frames near the floor it had before count.
const floorHeld = 2 * time.Second

// NewMeter returns a meter whose Recent covers the last window of audio
// (none when window is 0).
func NewMeter(window time.Duration) *Meter {
	m := &Meter{vad: NewVAD(VADConfig{})}
	m.frame = make([]int16, 0, m.vad.frameLen)
	m.floors = make([]float64, int(floorHeld.Seconds()*SampleRate)/m.vad.frameLen)
	if frames := int(window.Seconds() * SampleRate / float64(m.vad.frameLen)); frames > 0 {
		m.recent = make([]frameMeasure, frames)
	}
	return m
}

// Write measures samples, in chunks of any size.
func (m *Meter) Write(samples []int16) {
	for len(samples) > 0 {
		n := min(len(samples), cap(m.frame)-len(m.frame))
		for _, s := range samples[:n] {
			if s >= math.MaxInt16 || s <= -math.MaxInt16 {
				m.clipped++
			}
		}
		m.frame = append(m.frame, samples[:n]...)
		samples = samples[n:]
		if len(m.frame) == cap(m.frame) {
			m.endFrame()
		}
	}
}

// endFrame lets the detector decide the complete frame and keeps its
// measure.
func (m *Meter) endFrame() {
	var sumSq int64
	for _, s := range m.frame {
		sumSq += int64(s) * int64(s)
	}
	f := frameMeasure{meanSq: float64(sumSq) / float64(len(m.frame)), clipped: m.clipped}
	m.vad.Write(m.frame)
	frames := m.vad.frames
	m.floors[(frames-1)%int64(len(m.floors))] = m.vad.floor
	held := m.vad.floor
	for _, floor := range m.floors[:min(frames, int64(len(m.floors)))] {
		held = min(held, floor)
	}
	switch {
	case f.meanSq < 1: // digital silence, as the detector has it
	case m.vad.state == vadSpeech && m.vad.voiced:
		f.kind = frameSpeech
	case !m.vad.voiced && 10*math.Log10(f.meanSq) < held+m.vad.closeDB:
		f.kind = frameNoise
	}
	m.total.add(f)
	if m.recent != nil {
		m.recent[m.next] = f
		m.next = (m.next + 1) % len(m.recent)
		m.kept = min(m.kept+1, len(m.recent))
	}
	m.frame, m.clipped = m.frame[:0], 0
}

// Total is the measure of every complete frame since the meter began or
// was last restarted.
func (m *Meter) Total() Levels { return m.total.levels(cap(m.frame)) }

// Recent is the measure of the last window's frames (fewer at the start).
func (m *Meter) Recent() Levels {
	var s levelSums
	for i := range m.kept {
		s.add(m.recent[(m.next-1-i+len(m.recent))%len(m.recent)])
	}
	return s.levels(cap(m.frame))
}

// Restart begins a new Total. The detector goes on with what it has
// learnt of the noise, and Recent is kept.
func (m *Meter) Restart() { m.total = levelSums{} }
