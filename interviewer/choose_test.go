package interviewer

import (
	"errors"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	last := func(n int) int { return n - 1 }
	ownership, _ := b.Principle("Ownership")
	lastOwnership := ownership.Questions[len(ownership.Questions)-1].ID
	lastPrinciple := b.Principles[len(b.Principles)-1]
	lastInBank := lastPrinciple.Questions[len(lastPrinciple.Questions)-1].ID
	tests := []struct {
		name     string
		choices  Choices
		question string
		level    string
		mode     Mode
		refused  string // the ChoiceError's choice
		message  string
	}{
		{"defaults", Choices{}, lastInBank, DefaultLevel, ModeInterview, "", ""},
		{"by id", Choices{QuestionID: ExampleQuestion, Level: "Senior", Mode: "PRACTICE"}, ExampleQuestion, "senior", ModePractice, "", ""},
		{"by principle", Choices{Principle: "ownership"}, lastOwnership, DefaultLevel, ModeInterview, "", ""},
		{"the id wins over the principle", Choices{QuestionID: ExampleQuestion, Principle: "ownership"}, ExampleQuestion, DefaultLevel, ModeInterview, "", ""},
		{"unknown question", Choices{QuestionID: "nope", Level: "intern"}, "", "", "", ChoiceQuestion,
			`unknown question_id "nope": use the id of a question in the bank`},
		{"unknown principle", Choices{Principle: "Be Nice"}, "", "", "", ChoicePrinciple,
			`unknown principle "Be Nice": use one of ` + strings.Join(b.PrincipleNames(), ", ")},
		{"unknown level", Choices{Level: "intern", Mode: "karaoke"}, "", "", "", ChoiceLevel,
			`unknown level "intern": use sde1, sde2 or senior`},
		{"unknown mode", Choices{Mode: "Karaoke"}, "", "", "", ChoiceMode,
			`unknown mode "Karaoke": use interview or practice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.Choose(tt.choices, last)
			if tt.refused != "" {
				var bad *ChoiceError
				if !errors.As(err, &bad) || bad.Choice != tt.refused || err.Error() != tt.message {
					t.Fatalf("Choose = %v; want a ChoiceError on %s: %s", err, tt.refused, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Question.ID != tt.question || got.Level != tt.level || got.Mode != tt.mode {
				t.Errorf("Choose = %s, %s, %s; want %s, %s, %s", got.Question.ID, got.Level, got.Mode, tt.question, tt.level, tt.mode)
			}
		})
	}
}

// TestNewInterviewDefaults: an interview set up with nothing but a
// question takes the same defaults as Choose and the server.
func TestNewInterviewDefaults(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := b.Question(ExampleQuestion)
	iv, err := NewInterview(InterviewConfig{Bank: b, Analyzer: a, Question: q})
	if err != nil {
		t.Fatal(err)
	}
	if iv.EndSilence() != DefaultEndSilence || iv.cfg.Level != DefaultLevel || iv.cfg.Mode != ModeInterview || iv.cfg.MaxProbes != DefaultMaxProbes {
		t.Errorf("defaults: end silence %v, level %s, mode %s, probes %d", iv.EndSilence(), iv.cfg.Level, iv.cfg.Mode, iv.cfg.MaxProbes)
	}
	for _, cfg := range []InterviewConfig{{Level: "intern"}, {Mode: "karaoke"}} {
		cfg.Bank, cfg.Analyzer, cfg.Question = b, a, q
		var bad *ChoiceError
		if _, err := NewInterview(cfg); !errors.As(err, &bad) {
			t.Errorf("NewInterview(level %q, mode %q) = %v; want a ChoiceError", cfg.Level, cfg.Mode, err)
		}
	}
}
