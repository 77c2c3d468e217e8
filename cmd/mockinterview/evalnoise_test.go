package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// TestEvalASRConditions is the short version of the noise evaluation
// (`make eval-noise`): one answer of the test split, read by slt, heard
// clean and under pink noise 10 dB below the speech, which the recognizer
// hears little of (docs/BENCHMARKS.md, "Recognition in noisy rooms").
func TestEvalASRConditions(t *testing.T) {
	needSpeech(t)
	t.Chdir("../..")
	out, stderr, err := runCLI(t, "eval-asr", "--only", "fast", "--set", "test", "--voices", "slt", "--limit", "1",
		"--librivox", "", "--conditions", "clean,pink10")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var run asrRun
	if err := json.Unmarshal([]byte(out), &run); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	clean, noisy := run.Groups["clean/slt"], run.Groups["pink10/slt"]
	if clean.Words == 0 || clean.Words != noisy.Words {
		t.Fatalf("groups %+v: want the same words in clean/slt and pink10/slt", run.Groups)
	}
	t.Logf("WER clean %.3f, pink 10 dB %.3f; STAR heard %v", clean.wer(), noisy.wer(), run.Star)
	if clean.wer() > 0.3 || noisy.wer() < clean.wer()+0.2 {
		t.Errorf("WER clean %.3f, pink 10 dB %.3f: want the noise to cost at least 20 points", clean.wer(), noisy.wer())
	}
	if _, ok := run.Star["pink10"]; !ok || run.Star["clean"] < 0.5 {
		t.Errorf("STAR heard %v: want both conditions, clean above 0.5", run.Star)
	}
	_, _, err = runCLI(t, "eval-asr", "--conditions", "pink15")
	if err == nil || !strings.Contains(err.Error(), "pink20") {
		t.Errorf("an unknown condition gave %v, want the list of conditions", err)
	}
}

// TestEvalASRConfigFor: the front-end experiments are the service's
// default with their one change, under the flags' options.
func TestEvalASRConfigFor(t *testing.T) {
	base := pocketsphinx.Config{Options: map[string]string{"beam": "1e-50"}}
	agc, err := configFor("agc", base)
	if err != nil {
		t.Fatal(err)
	}
	if agc.Options["agc"] != "emax" || agc.Options["beam"] != "1e-50" || agc.Profile != pocketsphinx.ProfileFast || agc.DomainWeight < 0 {
		t.Errorf("agc: %+v, want the fast mix with -agc emax and the flags' -beam", agc)
	}
	if base.Options["agc"] != "" {
		t.Error("the configuration changed the flags' options")
	}
	over, _ := configFor("agc", pocketsphinx.Config{Options: map[string]string{"agc": "none"}})
	if over.Options["agc"] != "none" {
		t.Errorf("--options -agc=none gave -agc %s: the flags' options must win", over.Options["agc"])
	}
	hp, _ := configFor("highpass", base)
	lv, _ := configFor("level", base)
	if hp.HighPass != 120 || hp.Level || !lv.Level || lv.HighPass != 0 {
		t.Errorf("highpass %v Hz level %v; level %v Hz level %v", hp.HighPass, hp.Level, lv.HighPass, lv.Level)
	}
	if stock, _ := configFor("stock", base); stock.DomainWeight >= 0 || stock.HighPass != 0 {
		t.Errorf("stock: %+v, want no interview model and no filter", stock)
	}
	if _, err := configFor("loud", base); err == nil {
		t.Error("an unknown configuration was accepted")
	}
}
