package interviewer

import (
	"errors"
	"fmt"
	"strings"
)

// The defaults of an interview whose choices are left empty.
const (
	// DefaultLevel is the coaching material's reference story.
	DefaultLevel = "sde2"
	// DefaultEndSilence is the silence, in seconds, that ends an answer:
	// long enough to think in, short enough not to feel like waiting.
	DefaultEndSilence = 4.0
	// DefaultMaxProbes is how many follow-ups an interview asks.
	DefaultMaxProbes = 3
	// ExampleQuestion is the coaching material's own story, which the
	// command line asks when it is given no question or principle.
	ExampleQuestion = "highest-standards-refused-to-ship"
)

// levelNames and modeNames say what a level or a mode may be, for errors.
const (
	levelNames = "sde1, sde2 or senior"
	modeNames  = "interview or practice"
)

// Choices are what a person picks for an interview. Any may be left
// empty: Choose fills in the defaults.
type Choices struct {
	// QuestionID names the question. Without it one is drawn from
	// Principle's questions, or from the whole bank.
	QuestionID string
	Principle  string
	// Level is sde1, sde2 or senior, in any case; DefaultLevel when empty.
	Level string
	// Mode is interview or practice, in any case; ModeInterview when empty.
	Mode string
}

// Chosen is an interview's setup once its choices are checked.
type Chosen struct {
	Question *Question
	Level    string // in lower case
	Mode     Mode
}

// The choices a ChoiceError names, spelled as a Start message spells them.
const (
	ChoiceQuestion  = "question_id"
	ChoicePrinciple = "principle"
	ChoiceLevel     = "level"
	ChoiceMode      = "mode"
)

// ChoiceError is a choice that names nothing the interviewer knows.
type ChoiceError struct {
	Choice string // ChoiceQuestion, ChoicePrinciple, ChoiceLevel or ChoiceMode
	Value  string // as it was given
	Use    string // what to send instead
}

func (e *ChoiceError) Error() string {
	return fmt.Sprintf("unknown %s %q: %s", e.Choice, e.Value, e.Use)
}

// Choose checks choices against the bank and settles them, the defaults
// filled in: the question first, then the level, then the mode. draw(n)
// picks one of n questions (rand.IntN) when the question is not named.
// A refused choice is a *ChoiceError.
func (b *Bank) Choose(c Choices, draw func(n int) int) (Chosen, error) {
	q, err := b.pickQuestion(c.QuestionID, c.Principle, draw)
	if err != nil {
		return Chosen{}, err
	}
	level, _, err := b.settleLevel(c.Level)
	if err != nil {
		return Chosen{}, err
	}
	mode, err := settleMode(Mode(c.Mode))
	if err != nil {
		return Chosen{}, err
	}
	return Chosen{Question: q, Level: level, Mode: mode}, nil
}

// pickQuestion finds the question by id, or draws one of a principle's,
// or one of the whole bank's.
func (b *Bank) pickQuestion(id, principle string, draw func(n int) int) (*Question, error) {
	switch {
	case id != "":
		q, ok := b.Question(id)
		if !ok {
			return nil, &ChoiceError{ChoiceQuestion, id, "use the id of a question in the bank"}
		}
		return q, nil
	case principle != "":
		p, ok := b.Principle(principle)
		if !ok || len(p.Questions) == 0 {
			return nil, &ChoiceError{ChoicePrinciple, principle, "use one of " + strings.Join(b.PrincipleNames(), ", ")}
		}
		return &p.Questions[draw(len(p.Questions))], nil
	}
	var all []*Question
	for i := range b.Principles {
		for j := range b.Principles[i].Questions {
			all = append(all, &b.Principles[i].Questions[j])
		}
	}
	if len(all) == 0 {
		return nil, errors.New("the question bank is empty")
	}
	return all[draw(len(all))], nil
}

// settleLevel checks a level, DefaultLevel when empty, and gives its id
// in lower case.
func (b *Bank) settleLevel(name string) (string, *Level, error) {
	id := strings.ToLower(name)
	if id == "" {
		id = DefaultLevel
	}
	lvl, ok := b.Level(id)
	if !ok {
		return "", nil, &ChoiceError{ChoiceLevel, name, "use " + levelNames}
	}
	return id, lvl, nil
}

// settleMode checks a mode, ModeInterview when empty.
func settleMode(m Mode) (Mode, error) {
	switch mode := Mode(strings.ToLower(string(m))); mode {
	case "":
		return ModeInterview, nil
	case ModeInterview, ModePractice:
		return mode, nil
	}
	return "", &ChoiceError{ChoiceMode, string(m), "use " + modeNames}
}
