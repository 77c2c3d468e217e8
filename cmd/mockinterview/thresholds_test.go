package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

var measureThresholds = flag.Bool("audio-thresholds", false,
	"measure what the audio grades and the low-confidence threshold rest on (minutes of CPU)")

// TestAudioThresholds is the measurement behind the audio grades
// (interviewer/audio.go) and PocketSphinx's low-confidence threshold
// (transcribe/pocketsphinx/stream.go), run only when asked for:
//
//	go test ./cmd/mockinterview -run TestAudioThresholds -audio-thresholds -v -timeout 2h
//
// Four development answers (never the test split), read by flite's slt and
// kal16 in turn, are heard clean and spoiled by internal/noisemix; it
// prints each condition's word error rate and measured levels, then, over
// every word heard aligned with the text read, how many words under each
// confidence threshold were wrong.
func TestAudioThresholds(t *testing.T) {
	if !*measureThresholds {
		t.Skip("a measurement: run with -audio-thresholds")
	}
	needSpeech(t)
	ctx := context.Background()
	answers, err := loadCorpus("../../testdata/star/train")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := pocketsphinx.New(pocketsphinx.Config{PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	mix := func(noise func(int, uint64) []float64, snr float64) func([]int16) []int16 {
		return func(s []int16) []int16 { return noisemix.Mix(s, noise(len(s), 3), snr) }
	}
	conditions := []struct {
		name  string
		spoil func([]int16) []int16
	}{
		{"clean", func(s []int16) []int16 { return s }},
		{"pink 25 dB", mix(noisemix.Pink, 25)},
		{"pink 20 dB", mix(noisemix.Pink, 20)},
		{"pink 15 dB", mix(noisemix.Pink, 15)},
		{"pink 10 dB", mix(noisemix.Pink, 10)},
		{"hum 15 dB", mix(noisemix.Hum, 15)},
		{"peak -45 dBFS", func(s []int16) []int16 { return noisemix.Quiet(s, -45) }},
		{"+10 dB clipped", func(s []int16) []int16 { return noisemix.Clip(s, 10) }},
		{"+20 dB clipped", func(s []int16) []int16 { return noisemix.Clip(s, 20) }},
	}
	type heardWord struct {
		confidence float64
		right      bool
		clean      bool
	}
	var words []heardWord
	n := 0
	for i, a := range answers {
		if !isDevAnswer(i) || n == 4 {
			continue
		}
		voice := []string{"slt", "kal16"}[n%2]
		n++
		text, path, err := readAloud(ctx, a, voice)
		if err != nil {
			t.Fatal(err)
		}
		read, _, err := transcribe.ReadWAV(path)
		if err != nil {
			t.Fatal(err)
		}
		read = append(make([]int16, transcribe.SampleRate/2), read...)
		ref := transcribe.NormalizeText(text)
		for _, c := range conditions {
			samples := c.spoil(read)
			levels := transcribe.MeasureLevels(samples)
			tr, err := transcribe.TranscribeSamples(ctx, engine, samples, transcribe.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var hyp []string
			var confidence []float64
			for _, w := range tr.Words {
				for _, h := range transcribe.NormalizeText(w.Text) {
					hyp = append(hyp, h)
					confidence = append(confidence, w.Confidence)
				}
			}
			aligned, errors := transcribe.AlignWords(ref, hyp)
			for j, h := range hyp {
				words = append(words, heardWord{confidence[j], !aligned[j].Inserted && ref[aligned[j].Ref] == h, c.name == "clean"})
			}
			t.Logf("%-24s %-5s %-15s WER %.3f  speech %6.1f dBFS  SNR %5.1f dB  clipped %.3f",
				a.Name, voice, c.name, float64(errors)/float64(len(ref)), levels.Speech, levels.SNR(), levels.Clipped)
		}
	}
	wrong := 0
	for _, w := range words {
		if !w.right {
			wrong++
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%d words heard, %d wrong (%.2f)\n", len(words), wrong, float64(wrong)/float64(len(words)))
	for _, threshold := range []float64{0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5} {
		var under, underWrong, rightUnder, clean, cleanUnder int
		for _, w := range words {
			if w.clean {
				clean++
			}
			if w.confidence >= threshold {
				continue
			}
			under++
			if w.right {
				rightUnder++
			} else {
				underWrong++
			}
			if w.clean {
				cleanUnder++
			}
		}
		fmt.Fprintf(&table, "under %.2f: %4d words, %.2f of them wrong; %.2f of the wrong words, %.3f of the right ones; %.3f of the clean words\n",
			threshold, under, float64(underWrong)/float64(max(under, 1)), float64(underWrong)/float64(max(wrong, 1)),
			float64(rightUnder)/float64(max(len(words)-wrong, 1)), float64(cleanUnder)/float64(max(clean, 1)))
	}
	var right []float64
	for _, w := range words {
		if w.right {
			right = append(right, w.confidence)
		}
	}
	slices.Sort(right)
	fmt.Fprintf(&table, "median confidence of the right words %.3f", right[len(right)/2])
	t.Log("\n" + table.String())
}
