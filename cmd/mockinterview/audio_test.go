package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

// TestAnalyzeAudio runs `analyze --json` on a flite answer clean, mixed
// with pink noise and with a fan's hum at 30, 20 and 10 dB SNR, made
// quiet and clipped: each report's audio object measures the mix within
// 3 dB, judges the clean one good, and tells the quiet and the clipped
// one what to do.
func TestAnalyzeAudio(t *testing.T) {
	needSpeech(t)
	clean, _, err := transcribe.ReadWAV(synthesize(t, "Last year our checkout service failed during the holiday sale. "+
		"I owned the payment path and I rewrote the retry logic, and the errors dropped by forty percent."))
	if err != nil {
		t.Fatal(err)
	}
	clean = append(make([]int16, transcribe.SampleRate/2), clean...)
	dir := t.TempDir()
	type want struct {
		snr     float64 // the SNR mixed; 0 for none
		quality func(interviewer.AudioQuality) bool
		advice  string // a word the advice holds
		clipped bool
	}
	good := func(q interviewer.AudioQuality) bool { return q == interviewer.AudioGood }
	notGood := func(q interviewer.AudioQuality) bool { return q != interviewer.AudioGood }
	any := func(interviewer.AudioQuality) bool { return true }
	files := map[string]want{}
	add := func(name string, samples []int16, w want) {
		if err := os.WriteFile(filepath.Join(dir, name+".wav"), transcribe.EncodeWAV(samples), 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = w
	}
	add("clean", clean, want{quality: good})
	for _, snr := range []float64{30, 20, 10} {
		q := any
		if snr == 10 {
			q = notGood
		}
		add(fmt.Sprintf("pink%.0f", snr), noisemix.Mix(clean, noisemix.Pink(len(clean), 1), snr), want{snr: snr, quality: q})
		add(fmt.Sprintf("hum%.0f", snr), noisemix.Mix(clean, noisemix.Hum(len(clean), 1), snr), want{snr: snr, quality: q})
	}
	add("quiet", noisemix.Quiet(clean, -50), want{quality: notGood, advice: "closer"})
	add("clipped", noisemix.Clip(clean, 15), want{quality: notGood, advice: "lower the input gain", clipped: true})

	out, stderr, err := runCLI(t, "analyze", "--json", dir)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	seen := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r interviewer.Report
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		name := strings.TrimSuffix(filepath.Base(r.Source), ".wav")
		w, ok := files[name]
		if !ok {
			t.Fatalf("a report for %s", r.Source)
		}
		seen++
		a := r.Audio
		if a == nil {
			t.Errorf("%s: no audio object", name)
			continue
		}
		t.Logf("%-8s %s", name, interviewer.FormatAudio(*a))
		if w.snr != 0 && math.Abs(a.SNRDB-w.snr) > 3 {
			t.Errorf("%s: snr_db %.1f, mixed at %.0f", name, a.SNRDB, w.snr)
		}
		if !w.quality(a.Quality) || (a.Quality == interviewer.AudioGood) != (a.Advice == "") {
			t.Errorf("%s: quality %s, advice %q", name, a.Quality, a.Advice)
		}
		if w.advice != "" && !strings.Contains(a.Advice, w.advice) {
			t.Errorf("%s: advice %q; want one that says %q", name, a.Advice, w.advice)
		}
		if (a.Clipped > 0) != w.clipped {
			t.Errorf("%s: clipped %v", name, a.Clipped)
		}
		if (r.AudioCaveat != "") != (a.Quality == interviewer.AudioPoor) {
			t.Errorf("%s: quality %s, audio_caveat %q", name, a.Quality, r.AudioCaveat)
		}
	}
	if seen != len(files) {
		t.Errorf("%d reports for %d files", seen, len(files))
	}

	// The text report says it too, at the top.
	text, _, err := runCLI(t, "analyze", filepath.Join(dir, "pink10.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.SplitN(text, "\n", 4); len(lines) < 3 || !strings.Contains(lines[1]+lines[2], "audio") {
		t.Errorf("analyze does not open with the audio:\n%s", text)
	}
}
