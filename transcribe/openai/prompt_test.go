package openai

import (
	"strings"
	"testing"
)

func TestOpenAIPrompt(t *testing.T) {
	many := make([]string, 200)
	for i := range many {
		many[i] = "term" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
	}
	tests := []struct {
		name       string
		vocabulary []string
		want       string // the prompt's end
	}{
		{"no vocabulary", nil, "split the work."},
		{"vocabulary", []string{"Kubernetes", " Postgres ", "", "kubernetes", "on-call  rotation"}, "Vocabulary: Kubernetes, Postgres, on-call rotation."},
		{"too much vocabulary", many, "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := transcriptionPrompt(tt.vocabulary)
			if !strings.HasPrefix(p, fillerPrompt) || !strings.HasSuffix(p, tt.want) {
				t.Errorf("prompt %q, want the fillers then ...%q", p, tt.want)
			}
			if n := len(strings.Fields(p)); n > maxPromptWords {
				t.Errorf("prompt has %d words, more than %d", n, maxPromptWords)
			}
		})
	}
}
