package transcribe

import "testing"

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
