package interviewer

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

//go:embed questions/*.json
var questionFiles embed.FS

// Gap is something an answer lacked that a probe goes after.
type Gap string

// The gaps the rules find, and the ones only a question's own probes cover.
const (
	GapQuantify   Gap = "quantify"   // no number in the result
	GapPersonal   Gap = "personal"   // the action told with "we"
	GapScope      Gap = "scope"      // no scope boundary, or a manager-directed task
	GapReflection Gap = "reflection" // missing or generic reflection
	GapOutcome    Gap = "outcome"    // no result
	GapDepth      Gap = "depth"
	GapInfluence  Gap = "influence"
	GapStandards  Gap = "standards"
	GapTradeoff   Gap = "tradeoff"
	// GapRetell asks the question again after an answer that did not
	// answer it (see retell.go).
	GapRetell Gap = "retell"
)

// Reply is an example reply to a probe and why it is judged so.
type Reply struct {
	Reply string `json:"reply"`
	Why   string `json:"why"`
}

// Probe is a follow-up question.
type Probe struct {
	ID            string   `json:"id"`
	Text          string   `json:"text"`
	Probes        string   `json:"probes"` // what it tests
	Gap           Gap      `json:"gap"`
	Weak          Reply    `json:"weak"`
	Strong        Reply    `json:"strong"`
	WeakSignals   []string `json:"weak_signals"`
	StrongSignals []string `json:"strong_signals"`
	// Facts are the facts of the story the probe was written for that its
	// Text names (a team, a system, a figure), each a "|"-separated list
	// of ways to say it; General asks the same without them. A candidate
	// who did not say every fact is asked General (see Grounded).
	Facts   []string `json:"facts,omitempty"`
	General string   `json:"general,omitempty"`
}

// Grounded returns the probe as it may be put to a candidate whose answer
// said these words (normalized, star.Normalize): its own text when the
// answer told every fact it names, else its general wording, so that no
// probe quotes a story the candidate did not tell.
func (p Probe) Grounded(said []string) Probe {
	if len(p.Facts) == 0 {
		return p
	}
	for _, fact := range p.Facts {
		var ways [][]string
		for _, way := range strings.Split(fact, "|") {
			if w := star.Normalize(way); len(w) > 0 {
				ways = append(ways, w)
			}
		}
		if i, _ := findPhrase(said, ways); i < 0 {
			p.Text = p.General
			return p
		}
	}
	return p
}

// Question is a main behavioral question with its probes.
type Question struct {
	ID           string  `json:"id"`
	Principle    string  `json:"principle"`
	Text         string  `json:"text"`
	StrongAnswer string  `json:"strong_answer"`
	Probes       []Probe `json:"probes"`
	Seed         bool    `json:"seed,omitempty"`
}

// Lens is how a principle reads a story: what to put first, what to keep
// short, which gaps matter most and how much each part weighs.
type Lens struct {
	Emphasize   string                 `json:"emphasize"`
	Downplay    string                 `json:"downplay"`
	LeadWith    star.Label             `json:"lead_with"`
	GapPriority []Gap                  `json:"gap_priority"`
	Weight      map[star.Label]float64 `json:"weight"`
}

// Principle is one Leadership Principle with its questions.
type Principle struct {
	Name      string     `json:"principle"`
	Slug      string     `json:"slug"`
	Summary   string     `json:"summary"`
	Lens      Lens       `json:"lens"`
	Questions []Question `json:"questions"`
}

// Level is what the bar expects at one seniority.
type Level struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	BudgetSeconds     float64  `json:"budget_seconds"`
	BudgetMin         float64  `json:"budget_min"`
	BudgetMax         float64  `json:"budget_max"`
	Reflection        string   `json:"reflection"` // technical or systemic
	Expect            string   `json:"expect"`
	ExampleReflection string   `json:"example_reflection"`
	GapPriority       []Gap    `json:"gap_priority"`
	ReflectionCues    []string `json:"reflection_cues"`
	ProbeBonus        []Gap    `json:"probe_bonus"`
}

// Bank is the question bank embedded in the binary.
type Bank struct {
	Principles []Principle
	Generic    []Probe
	Levels     []Level
	questions  map[string]*Question
	principle  map[string]*Principle // by slug and by lowercased name
}

// LoadBank reads the embedded question bank and checks it.
func LoadBank() (*Bank, error) {
	b := &Bank{questions: map[string]*Question{}, principle: map[string]*Principle{}}
	entries, err := questionFiles.ReadDir("questions")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		data, err := questionFiles.ReadFile(path.Join("questions", e.Name()))
		if err != nil {
			return nil, err
		}
		switch e.Name() {
		case "generic.json":
			var g struct {
				Probes []Probe `json:"probes"`
			}
			if err := json.Unmarshal(data, &g); err != nil {
				return nil, fmt.Errorf("question bank %s: %w", e.Name(), err)
			}
			b.Generic = g.Probes
		case "levels.json":
			var l struct {
				Levels []Level `json:"levels"`
			}
			if err := json.Unmarshal(data, &l); err != nil {
				return nil, fmt.Errorf("question bank %s: %w", e.Name(), err)
			}
			b.Levels = l.Levels
		default:
			var p Principle
			if err := json.Unmarshal(data, &p); err != nil {
				return nil, fmt.Errorf("question bank %s: %w", e.Name(), err)
			}
			b.Principles = append(b.Principles, p)
		}
	}
	sort.Slice(b.Principles, func(i, j int) bool { return b.Principles[i].Name < b.Principles[j].Name })
	for i := range b.Principles {
		p := &b.Principles[i]
		b.principle[p.Slug] = p
		b.principle[strings.ToLower(p.Name)] = p
		for j := range p.Questions {
			q := &p.Questions[j]
			if b.questions[q.ID] != nil {
				return nil, fmt.Errorf("question bank: question id %q used twice", q.ID)
			}
			b.questions[q.ID] = q
		}
	}
	return b, nil
}

// Question finds a question by id.
func (b *Bank) Question(id string) (*Question, bool) {
	q, ok := b.questions[id]
	return q, ok
}

// Principle finds a principle by slug or name, in any case; punctuation
// and spacing do not matter ("have backbone", "Have Backbone; Disagree and
// Commit", "have-backbone").
func (b *Bank) Principle(name string) (*Principle, bool) {
	if p, ok := b.principle[strings.ToLower(strings.TrimSpace(name))]; ok {
		return p, true
	}
	want := strings.Join(star.Normalize(name), "-")
	for i := range b.Principles {
		p := &b.Principles[i]
		if want != "" && (p.Slug == want || strings.HasPrefix(strings.Join(star.Normalize(p.Name), "-"), want)) {
			return p, true
		}
	}
	return nil, false
}

// PrincipleOf returns the principle a question belongs to.
func (b *Bank) PrincipleOf(q *Question) *Principle {
	for i := range b.Principles {
		if b.Principles[i].Name == q.Principle {
			return &b.Principles[i]
		}
	}
	return nil
}

// Level finds a level by id ("sde1", "sde2", "senior").
func (b *Bank) Level(id string) (*Level, bool) {
	for i := range b.Levels {
		if b.Levels[i].ID == strings.ToLower(id) {
			return &b.Levels[i], true
		}
	}
	return nil, false
}

// PrincipleNames lists the principles' names.
func (b *Bank) PrincipleNames() []string {
	out := make([]string, len(b.Principles))
	for i, p := range b.Principles {
		out[i] = p.Name
	}
	return out
}
