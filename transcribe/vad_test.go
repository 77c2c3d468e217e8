package transcribe

import (
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// speechLike returns secs of audio at SampleRate: a steady hiss at hissDB
// (RMS, dB below full scale) with speech-like bursts at the given segments,
// everything scaled by gain and clipped. A burst is a buzz of harmonics on a
// wandering pitch with some breath noise, its loudness swinging 14 dB four
// times a second like syllables, faded in and out over 10ms.
func speechLike(seed uint64, secs float64, bursts []Segment, hissDB, gain float64) []int16 {
	rng := rand.New(rand.NewPCG(seed, 0))
	hiss := math.Pow(10, hissDB/20)
	out := make([]int16, int(secs*SampleRate))
	phase := 0.0
	for i := range out {
		t := float64(i) / SampleRate
		v := hiss * rng.NormFloat64()
		for k, b := range bursts {
			if t < b.Start || t >= b.End {
				continue
			}
			pitch := 120 + 30*math.Sin(2*math.Pi*0.7*t+float64(k))
			phase += 2 * math.Pi * pitch / SampleRate
			var buzz float64
			for h := 1.0; h <= 12; h++ {
				buzz += math.Sin(h*phase) / h
			}
			syllables := 0.6 + 0.4*math.Sin(2*math.Pi*4*(t-b.Start)-math.Pi/2+0.5)
			fade := min(1, (t-b.Start)/0.01, (b.End-t)/0.01)
			fade = 0.5 - 0.5*math.Cos(math.Pi*fade)
			v += 0.25 * fade * syllables * (buzz + 0.3*rng.NormFloat64())
		}
		out[i] = int16(max(-32768, min(32767, math.Round(v*gain*32768))))
	}
	return out
}

// speechTimeline is where speechLike puts its bursts, and where a VAD with
// the default settings should find speech: the 150ms gap is shorter than the
// hangover and does not split its segment.
var (
	speechBursts = []Segment{{0.81, 1.63}, {2.337, 3.52}, {4.005, 4.41}, {5.512, 7.03}, {7.49, 8.21}, {8.36, 9.017}}
	speechTruth  = []Segment{{0.81, 1.63}, {2.337, 3.52}, {4.005, 4.41}, {5.512, 7.03}, {7.49, 9.017}}
)

const speechSecs = 10.0

// boundaryError is the largest distance between a boundary in got and the
// same boundary in want, or +Inf when their counts differ.
func boundaryError(got, want []Segment) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range got {
		worst = max(worst, math.Abs(got[i].Start-want[i].Start), math.Abs(got[i].End-want[i].End))
	}
	return worst
}

func TestDetectSpeechBursts(t *testing.T) {
	tests := []struct {
		name         string
		hissDB, gain float64
	}{
		{"quiet recording", -55, 0.03},
		{"normal recording", -55, 1},
		{"loud clipped recording", -55, 4},
		{"noisy room", -40, 1},
		{"quiet and noisy", -40, 0.03},
		{"noise gate: digital silence between", math.Inf(-1), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audio := speechLike(1, speechSecs, speechBursts, tt.hissDB, tt.gain)
			got := DetectSpeech(audio, VADConfig{})
			worst := boundaryError(got, speechTruth)
			t.Logf("%s, hiss %v dB, gain %v: largest boundary error %.0f ms", tt.name, tt.hissDB, tt.gain, worst*1000)
			if worst > 0.060 {
				t.Errorf("got segments %v, want within 60ms of %v", got, speechTruth)
			}
		})
	}
}

func TestDetectSpeechQuiet(t *testing.T) {
	zeros := func(secs float64) []int16 { return make([]int16, int(secs*SampleRate)) }
	tests := []struct {
		name  string
		audio []int16
	}{
		{"hiss", speechLike(2, 20, nil, -55, 1)},
		{"quiet hiss", speechLike(3, 20, nil, -55, 0.03)},
		{"loud hiss", speechLike(4, 20, nil, -20, 1)},
		{"digital silence", zeros(5)},
		{"digital silence, then hiss", slices.Concat(zeros(2), speechLike(5, 5, nil, -40, 1))},
		{"hiss with dropouts", slices.Concat(speechLike(6, 2, nil, -45, 1), zeros(1), speechLike(7, 3, nil, -45, 1))},
		{"a click", slices.Concat(zeros(1), []int16{20000, -20000, 15000}, zeros(1))},
		{"a 40ms knock", speechLike(8, 2, []Segment{{1, 1.04}}, -55, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectSpeech(tt.audio, VADConfig{}); len(got) > 0 {
				t.Errorf("found speech in %s: %v", tt.name, got)
			}
		})
	}
}

// Speech after digital silence and across a dropout is still found.
func TestDetectSpeechAroundDigitalSilence(t *testing.T) {
	audio := speechLike(9, speechSecs, speechBursts, -50, 1)
	lead := make([]int16, SampleRate/2)
	// A dropout to digital silence in the middle of a gap.
	clear(audio[int(4.6*SampleRate):int(5.2*SampleRate)])
	audio = slices.Concat(lead, audio)
	want := make([]Segment, len(speechTruth))
	for i, s := range speechTruth {
		want[i] = Segment{s.Start + 0.5, s.End + 0.5}
	}
	got := DetectSpeech(audio, VADConfig{})
	worst := boundaryError(got, want)
	t.Logf("largest boundary error %.0f ms", worst*1000)
	if worst > 0.060 {
		t.Errorf("got %v, want within 60ms of %v", got, want)
	}
}

// When the noise steps up, a fan switched on, the floor catches up without
// the noise counting as speech, and speech over the fan is found.
func TestDetectSpeechNoiseStep(t *testing.T) {
	before := speechLike(17, 3, nil, -55, 1)
	after := speechLike(18, 7, []Segment{{3.013, 4.527}}, -35, 1)
	want := []Segment{{6.013, 7.527}}
	got := DetectSpeech(slices.Concat(before, after), VADConfig{})
	worst := boundaryError(got, want)
	t.Logf("largest boundary error %.0f ms", worst*1000)
	if worst > 0.060 {
		t.Errorf("got %v, want within 60ms of %v", got, want)
	}
}

func TestVADChunkSizes(t *testing.T) {
	audio := speechLike(10, speechSecs, speechBursts, -50, 1)
	want := DetectSpeech(audio, VADConfig{})
	if len(want) == 0 {
		t.Fatal("no speech found")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	sizes := []func() int{
		func() int { return 1 },
		func() int { return 7 },
		func() int { return 160 },
		func() int { return 320 },
		func() int { return 321 },
		func() int { return 4096 },
		func() int { return rng.IntN(2000) }, // including empty writes
	}
	for i, size := range sizes {
		v := NewVAD(VADConfig{})
		var got []Segment
		for rest := audio; len(rest) > 0; {
			n := min(len(rest), size())
			got = append(got, v.Write(rest[:n])...)
			rest = rest[n:]
		}
		got = append(got, v.Flush()...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("chunking %d: got %v, want %v", i, got, want)
		}
		if v.Elapsed() != speechSecs {
			t.Errorf("chunking %d: Elapsed = %v, want %v", i, v.Elapsed(), speechSecs)
		}
	}
}

func TestVADStreaming(t *testing.T) {
	audio := speechLike(13, 3, []Segment{{0.5, 2.0}}, -50, 1)
	v := NewVAD(VADConfig{})
	at := func(secs float64) []int16 { return audio[:int(secs*SampleRate)] }

	if segs := v.Write(at(0.45)); len(segs) > 0 || v.InSpeech() {
		t.Fatalf("before the speech: %v, in speech %v", segs, v.InSpeech())
	}
	if segs := v.Write(audio[len(at(0.45)):len(at(1.0))]); len(segs) > 0 {
		t.Fatalf("during the speech: closed %v", segs)
	}
	start, ok := v.Open()
	if !v.InSpeech() || !ok || math.Abs(start-0.5) > 0.06 {
		t.Fatalf("during the speech: in speech %v, open at %v, %v", v.InSpeech(), start, ok)
	}
	// Flushing mid-speech ends the segment at the audio so far.
	segs := v.Flush()
	if len(segs) != 1 || segs[0].End != 1.0 || v.InSpeech() {
		t.Fatalf("flush at 1.0 s: %v, in speech %v", segs, v.InSpeech())
	}
	if _, ok := v.Open(); ok {
		t.Error("a segment is open after Flush")
	}
	// The rest of the speech opens a new segment, which closes in silence.
	segs = v.Write(audio[len(at(1.0)):])
	if len(segs) != 1 || math.Abs(segs[0].Start-1.0) > 0.06 || math.Abs(segs[0].End-2.0) > 0.06 {
		t.Errorf("after the flush: %v, want one segment about 1.0–2.0 s", segs)
	}
	if segs := v.Flush(); len(segs) > 0 {
		t.Errorf("flush in silence: %v", segs)
	}
	if v.Elapsed() != 3 {
		t.Errorf("Elapsed = %v, want 3", v.Elapsed())
	}
}

func TestVADConfig(t *testing.T) {
	audio := speechLike(14, speechSecs, speechBursts, -50, 1)
	// A shorter hangover splits the burst pair 150ms apart.
	got := DetectSpeech(audio, VADConfig{Hangover: 100 * time.Millisecond})
	if len(got) != len(speechBursts) {
		t.Errorf("100ms hangover: %d segments %v, want %d", len(got), got, len(speechBursts))
	}
	// A MinSpeech longer than the shortest burst drops it.
	got = DetectSpeech(audio, VADConfig{MinSpeech: 500 * time.Millisecond})
	if len(got) != len(speechTruth)-1 {
		t.Errorf("500ms MinSpeech: %d segments %v, want %d", len(got), got, len(speechTruth)-1)
	}
	// A 10ms frame finds the same speech.
	got = DetectSpeech(audio, VADConfig{Frame: 10 * time.Millisecond})
	if worst := boundaryError(got, speechTruth); worst > 0.060 {
		t.Errorf("10ms frames: got %v, want %v", got, speechTruth)
	}
}

// TestDetectSpeechRecorded runs the detector over a real recording from the
// pocketsphinx-testdata package: "go forward ten meters", spoken between
// about 0.46 s and 2.11 s.
func TestDetectSpeechRecorded(t *testing.T) {
	raw, err := os.ReadFile("/usr/share/pocketsphinx/test/data/goforward.raw")
	if err != nil {
		testenv.Missing(t, "pocketsphinx-testdata is not installed: %v", err)
	}
	audio, err := PCM16(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, gain := range []float64{1, 0.1} {
		scaled := make([]int16, len(audio))
		for i, s := range audio {
			scaled[i] = int16(math.Round(float64(s) * gain))
		}
		segs := DetectSpeech(scaled, VADConfig{})
		t.Logf("gain %v: %v", gain, segs)
		if len(segs) != 1 {
			t.Fatalf("gain %v: got %d segments %v, want one", gain, len(segs), segs)
		}
		if s := segs[0]; math.Abs(s.Start-0.46) > 0.1 || s.End < 2.05 || s.End > 2.8 {
			t.Errorf("gain %v: speech at %.2f–%.2f s, want about 0.46–2.11 s", gain, s.Start, s.End)
		}
	}
}

func TestPauses(t *testing.T) {
	segs := []Segment{{0.5, 1.0}, {1.2, 2.0}, {3.0, 3.5}, {3.5, 4.0}, {4.75, 5.0}}
	tests := []struct {
		atLeast float64
		want    []Segment
	}{
		{0, []Segment{{1.0, 1.2}, {2.0, 3.0}, {4.0, 4.75}}},
		{0.2, []Segment{{1.0, 1.2}, {2.0, 3.0}, {4.0, 4.75}}},
		{0.5, []Segment{{2.0, 3.0}, {4.0, 4.75}}},
		{0.75, []Segment{{2.0, 3.0}, {4.0, 4.75}}},
		{1, []Segment{{2.0, 3.0}}},
		{2, nil},
	}
	for _, tt := range tests {
		if got := Pauses(segs, tt.atLeast); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Pauses(%v) = %v, want %v", tt.atLeast, got, tt.want)
		}
	}
	if got := Pauses(segs[:1], 0); got != nil {
		t.Errorf("one segment: %v", got)
	}
	if d := (Segment{1.25, 2}).Duration(); d != 0.75 {
		t.Errorf("Duration = %v", d)
	}

	// And from detected speech: the gaps between the bursts.
	got := Pauses(DetectSpeech(speechLike(15, speechSecs, speechBursts, -50, 1), VADConfig{}), 0.3)
	want := Pauses(speechTruth, 0.3)
	if worst := boundaryError(got, want); worst > 0.060 {
		t.Errorf("pauses in detected speech: %v, want %v", got, want)
	}
}

func BenchmarkVAD(b *testing.B) {
	audio := speechLike(16, 60, []Segment{{1, 20}, {25, 50}}, -50, 1)
	b.SetBytes(int64(2 * len(audio)))
	for b.Loop() {
		v := NewVAD(VADConfig{})
		for rest := audio; len(rest) > 0; {
			n := min(len(rest), 1600)
			v.Write(rest[:n])
			rest = rest[n:]
		}
		v.Flush()
	}
}
