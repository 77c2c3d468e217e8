package transcribe

import (
	"slices"
	"strings"
	"testing"
)

func TestWordErrorRate(t *testing.T) {
	tests := []struct {
		ref, hyp string
		want     float64
	}{
		{"go forward ten meters", "go forward ten meters", 0},
		{"Go forward, ten meters!", "go forward ten meters", 0},
		{"go forward ten meters", "go for ward ten meters", 0.5}, // 1 sub + 1 ins
		{"go forward ten meters", "forward ten meters", 0.25},    // 1 del
		{"go forward ten meters", "", 1},                         // all deleted
		{"a b c d", "a x c d e", 0.5},                            // sub + ins
		{"", "", 0},
		{"", "noise", 1},
		{"I'm here", "i'm here", 0},
	}
	for _, tt := range tests {
		if got := WordErrorRate(tt.ref, tt.hyp); got != tt.want {
			t.Errorf("WordErrorRate(%q, %q) = %v, want %v", tt.ref, tt.hyp, got, tt.want)
		}
	}
}

func TestAlignWords(t *testing.T) {
	ref := strings.Fields("we cut the build from forty minutes to six")
	cases := []struct {
		hyp    string
		want   []Aligned
		errors int
	}{
		{"we cut the build", []Aligned{{Ref: 0}, {Ref: 1}, {Ref: 2}, {Ref: 3}}, 5},
		// "cut" heard as "cat", "uh" added after "the", "forty" lost.
		{"we cat the uh build from minutes to six", []Aligned{{Ref: 0}, {Ref: 1}, {Ref: 2}, {Ref: 2, Inserted: true},
			{Ref: 3}, {Ref: 4}, {Ref: 6}, {Ref: 7}, {Ref: 8}}, 3},
		{"um we cut the build from forty minutes to six", []Aligned{{Ref: -1, Inserted: true}, {Ref: 0}, {Ref: 1},
			{Ref: 2}, {Ref: 3}, {Ref: 4}, {Ref: 5}, {Ref: 6}, {Ref: 7}, {Ref: 8}}, 1},
		{"", []Aligned{}, 9},
	}
	for _, c := range cases {
		hyp := strings.Fields(c.hyp)
		got, errors := AlignWords(ref, hyp)
		if !slices.Equal(got, c.want) || errors != c.errors {
			t.Errorf("%q:\n got %v, %d errors\nwant %v, %d errors", c.hyp, got, errors, c.want, c.errors)
		}
		if e := WordErrors(ref, hyp); e != errors {
			t.Errorf("%q: WordErrors %d, AlignWords %d errors", c.hyp, e, errors)
		}
	}
}
