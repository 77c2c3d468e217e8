package star

import (
	"math"
	"slices"
	"testing"
)

// EvaluateLive scores a reading that knows the gold labels as right at
// every cut, and shows each new part at the first update after it starts
// (with one confirming update, one update later); a reading that says
// situation throughout is right only on the situation's words, and never
// shows a change.
func TestEvaluateLive(t *testing.T) {
	a, err := ParseLabeledAnswer("shape.txt", "[situation] Our nightly billing export failed twice a week and finance had to rerun it by hand every time.\n"+
		"[task] I had to make it reliable before the quarter closed.\n"+
		"[action] I traced the failures to a lock on the invoices table, so I moved the export to a read replica and added a retry with a backoff, then I watched it for two weeks.\n"+
		"[result] It has not failed since, and finance got back about four hours a week.\n")
	if err != nil {
		t.Fatal(err)
	}
	_, gold, _ := a.Tokens()
	oracle := func() func([]Token) []Label {
		return func(tokens []Token) []Label { return gold[:len(tokens)] }
	}
	situation := func() func([]Token) []Label {
		return func(tokens []Token) []Label {
			out := make([]Label, len(tokens))
			for i := range out {
				out[i] = Situation
			}
			return out
		}
	}
	opt := DefaultLiveEvalOptions()
	opt.Every = 1
	for _, confirm := range []int{1, 2} {
		opt.Confirm = confirm
		e := EvaluateLive(oracle, []LabeledAnswer{a}, opt)
		if e.Cuts != len(gold) || e.LastAccuracy() != 1 {
			t.Errorf("confirm %d: the gold reading's last words right %d of %d cuts", confirm, e.LastRight, e.Cuts)
		}
		if e.Missed != 0 || len(e.Lags) != 3 || e.ShownChanges != 3 {
			t.Errorf("confirm %d: %d changes, %d missed, %d shown, want 3, 0, 3", confirm, len(e.Lags), e.Missed, e.ShownChanges)
		}
		// A change is shown at the first whole second after its first
		// word ends, and each confirming update adds a second.
		if max := e.Lag(1); max > float64(confirm)+1/opt.WordsPerSecond+1e-9 {
			t.Errorf("confirm %d: the gold reading's longest lag %.2f s", confirm, max)
		}
		if e.RawAccuracy() < 0.9 || e.ShownAccuracy() > e.RawAccuracy() {
			t.Errorf("confirm %d: the gold reading shown right %.3f, unconfirmed %.3f", confirm, e.ShownAccuracy(), e.RawAccuracy())
		}
	}
	// A reading that says result for one update in the situation flashes
	// once.
	flash := func() func([]Token) []Label {
		calls := 0
		return func(tokens []Token) []Label {
			calls++
			out := slices.Clone(gold[:len(tokens)])
			if calls == 3 {
				out[len(out)-1] = Result
			}
			return out
		}
	}
	opt.Confirm = 1
	if e := EvaluateLive(flash, []LabeledAnswer{a}, opt); e.Flashes != 1 || e.ShownChanges != 5 {
		t.Errorf("one update read as result: %d flashes, %d changes shown, want 1 and 5", e.Flashes, e.ShownChanges)
	}
	if e := EvaluateLive(oracle, []LabeledAnswer{a}, opt); e.Flashes != 0 {
		t.Errorf("the gold reading flashes %d times", e.Flashes)
	}
	e := EvaluateLive(situation, []LabeledAnswer{a}, opt)
	share := 0.0
	for _, l := range gold {
		if l == Situation {
			share++
		}
	}
	share /= float64(len(gold))
	if math.Abs(e.LastAccuracy()-share) > 1e-9 || e.ShownChanges != 0 || e.Missed != 3 {
		t.Errorf("always situation: last words right %.3f (want %.3f), %d changes shown, %d missed", e.LastAccuracy(), share, e.ShownChanges, e.Missed)
	}
}
