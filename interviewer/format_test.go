package interviewer

import (
	"math"
	"strings"
	"testing"
)

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		seconds float64
		want    string
	}{
		{0, "0 s"},
		{0.4, "0 s"},
		{2.3, "2 s"},
		{42, "42 s"},
		{59.4, "59 s"},
		{59.6, "1 min"}, // rounds to a whole minute
		{60, "1 min"},
		{113, "1 min 53 s"},
		{115, "1 min 55 s"},
		{180, "3 min"},
		{195, "3 min 15 s"},
		{3725.5, "62 min 6 s"},
		{-3, "0 s"},
		{math.NaN(), "0 s"},
	} {
		if got := FormatDuration(c.seconds); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.seconds, got, c.want)
		}
	}
	if got := FormatBand(150, 195); got != "2 min 30 s to 3 min 15 s" {
		t.Errorf("FormatBand(150, 195) = %q", got)
	}
}

// TestOneWordingOfLength: the terminal report states the answer's length
// and its target as the findings do, with the length the band judged.
func TestOneWordingOfLength(t *testing.T) {
	a, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := LookupProfile("sde2")
	// A short answer that starts 2 s into its recording: its length is
	// from the first word to the last, not the recording's.
	words, _ := speak(seedWeakAnswer, 2)
	r := a.Analyze(Answer{Words: words}, p)
	length := words[len(words)-1].End - words[0].Start
	if math.Abs(r.Budget.Length-length) > 0.01 || r.Budget.Status != StatusUnder {
		t.Fatalf("budget %+v; want length %.2f, under", r.Budget, length)
	}
	var short string
	for _, f := range r.Feedback {
		if f.Code == "answer_short" {
			short = f.Message
		}
	}
	stated := "The answer took " + FormatDuration(length) + "; the sde2 target is 2 min 30 s to 3 min 15 s."
	if !strings.HasPrefix(short, stated) {
		t.Errorf("answer_short says %q; want it to start %q", short, stated)
	}
	text := FormatReport(r)
	if !strings.Contains(text, "length "+FormatDuration(length)+", target 2 min 30 s to 3 min 15 s (under)") {
		t.Errorf("terminal report does not state the length and target as the finding does:\n%s", text)
	}
}
