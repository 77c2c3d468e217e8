package main

import (
	"encoding/json"
	"strings"
	"testing"
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
