package transcribe

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/internal/testenv"
)

// fliteAnswer is a short spoken answer, read by voice, after a second of
// the recording's own quiet.
func fliteAnswer(t *testing.T, voice string) []int16 {
	t.Helper()
	if !flite.Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	const text = "Last year our checkout service failed during the holiday sale. " +
		"I owned the payment path and I had to fix it within one week. " +
		"I rewrote the retry logic and I added alerts on the error rate. " +
		"As a result the errors dropped by forty percent."
	path, err := flite.Synthesize(context.Background(), flite.CacheDir(), voice, text)
	if err != nil {
		t.Fatal(err)
	}
	samples, _, err := ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	return append(make([]int16, SampleRate), samples...)
}

// TestMeasureLevelsNoisy: on flite answers mixed with pink noise and a
// fan's hum at a known speech-to-noise ratio (measured on speech frames,
// as noisemix does), the measured SNR is within 3 dB of it; clean, the
// speech stands far above flite's own faint floor.
func TestMeasureLevelsNoisy(t *testing.T) {
	for _, voice := range []string{"slt", "kal16"} {
		clean := fliteAnswer(t, voice)
		l := MeasureLevels(clean)
		if l.SNR() < 40 || l.Speech < -30 || l.Clipped != 0 {
			t.Errorf("%s clean: %+v (SNR %.1f); want speech above -30 dBFS, 40 dB over the floor, nothing clipped", voice, l, l.SNR())
		}
		for _, noise := range []struct {
			name string
			make func(int, uint64) []float64
		}{{"pink", noisemix.Pink}, {"hum", noisemix.Hum}} {
			for _, snr := range []float64{30, 20, 10} {
				l := MeasureLevels(noisemix.Mix(clean, noise.make(len(clean), 7), snr))
				t.Logf("%s %s %2.0f dB: speech %.1f dBFS, noise %.1f dBFS, SNR %.1f", voice, noise.name, snr, l.Speech, l.Noise, l.SNR())
				if math.Abs(l.SNR()-snr) > 3 {
					t.Errorf("%s with %s at %v dB: measured SNR %.1f (speech %.1f, noise %.1f)", voice, noise.name, snr, l.SNR(), l.Speech, l.Noise)
				}
			}
		}
	}
}

func TestMeasureLevelsScale(t *testing.T) {
	square := make([]int16, SampleRate)
	sine := make([]int16, SampleRate)
	for i := range square {
		square[i] = 32767
		if i/40%2 == 1 {
			square[i] = -32768
		}
		sine[i] = int16(math.Round(16384 * math.Sin(2*math.Pi*440*float64(i)/SampleRate)))
	}
	for _, c := range []struct {
		name    string
		samples []int16
		speech  float64 // dBFS, for the whole file taken as speech or noise
		clipped float64
	}{
		{"silence", make([]int16, SampleRate), FloorDBFS, 0},
		{"full-scale square", square, 0, 1},
		{"sine at half scale", sine, -9.03, 0},
	} {
		l := MeasureLevels(c.samples)
		level := max(l.Speech, l.Noise) // a steady sound is noise to the detector
		if math.Abs(level-c.speech) > 0.05 || math.Abs(l.Clipped-c.clipped) > 1e-9 {
			t.Errorf("%s: %+v; want a level of %.2f dBFS, clipped %v", c.name, l, c.speech, c.clipped)
		}
		if l.Speech < FloorDBFS || l.Noise < FloorDBFS || math.IsNaN(l.SNR()) {
			t.Errorf("%s: %+v is below the floor or not a number", c.name, l)
		}
	}
}

// TestMeterRecent: the recent window forgets what is older than it, and
// Restart starts a new total without forgetting the noise.
func TestMeterRecent(t *testing.T) {
	clean := fliteAnswer(t, "slt")
	loud := noisemix.Clip(clean, 20)
	m := NewMeter(3 * time.Second)
	m.Write(loud)
	if l := m.Recent(); l.Clipped == 0 {
		t.Fatalf("recent after clipped speech: %+v", l)
	}
	m.Restart()
	m.Write(clean)
	if l := m.Recent(); l.Clipped != 0 || l.Seconds > 3.01 {
		t.Errorf("recent after clean speech: %+v; want nothing clipped in the last 3 s", l)
	}
	if l, want := m.Total(), MeasureLevels(clean); l.Clipped != 0 || math.Abs(l.Speech-want.Speech) > 0.5 || math.Abs(l.Seconds-want.Seconds) > 0.03 {
		t.Errorf("total after Restart: %+v; want the clean speech alone, as %+v", l, want)
	}
}
