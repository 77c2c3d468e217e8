package star

import (
	"strings"
	"testing"
)

// minTestAccuracy is the word accuracy the shipped model must keep on the
// test split. The goal is 0.93; the model reaches 0.936 (the training
// split, each series held out in turn: 0.944), so the bound sits just
// below what it truly does and catches regressions (the same model
// decoded without the length score, 0.929, fails it).
const minTestAccuracy = 0.935

func logEval(t *testing.T, e *Eval) {
	t.Helper()
	var b strings.Builder
	e.Print(&b)
	t.Log("\n" + b.String())
}

func TestSegmenterAccuracy(t *testing.T) {
	m := defaultModel(t)
	seg, base := Evaluate(m, loadCorpusDir(t, "../../testdata/star/test"))
	logEval(t, &seg)
	t.Logf("baseline (cut by target-time shares): %.3f", base.Accuracy())
	if acc := seg.Accuracy(); acc < minTestAccuracy {
		t.Errorf("word accuracy on the test split = %.3f, want at least %.3f", acc, minTestAccuracy)
	}
}

// Told where the sentences end (a typed transcript's punctuation, a
// punctuating recognizer's, or pauses), the model must do better than
// without, and keep what it reaches: 0.947 on the test split.
func TestSegmenterUsesSentenceEnds(t *testing.T) {
	m := defaultModel(t)
	answers := loadCorpusDir(t, "../../testdata/star/test")
	typed, _ := Evaluate(m, answers)
	ends := EvaluateWithSentenceEnds(m, answers)
	t.Logf("word accuracy without sentence ends %.3f, with them %.3f", typed.Accuracy(), ends.Accuracy())
	if ends.Accuracy() <= typed.Accuracy() || ends.Accuracy() < minSentenceEndsAccuracy {
		t.Errorf("word accuracy told where sentences end = %.3f, want above %.3f (without) and at least %.3f",
			ends.Accuracy(), typed.Accuracy(), minSentenceEndsAccuracy)
	}
}

const minSentenceEndsAccuracy = 0.945
