// Package journal is a person's stories as an idea: each story's attempts
// with the figures of their reports, what changed from one attempt to the
// next, the map of the principles the stories serve, and the plan of what
// to practise next.
//
// It holds no I/O: the store keeps stories and attempts, the server reads
// them and asks this package what they mean.
package journal

import (
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
)

// Limits on what a journal holds, so that one journal cannot fill the
// store and every list stays quick to read.
const (
	MaxStories    = 200  // stories in one journal
	MaxTitle      = 120  // characters of a story's title
	MaxNotes      = 4000 // bytes of a story's notes
	MaxVocabulary = 50   // terms of a story's vocabulary
	MaxTerm       = 100  // bytes of one term
)

// Story is one story a person tells, for one or more principles.
type Story struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Principles []string  `json:"principles"`
	Notes      string    `json:"notes"`
	Vocabulary []string  `json:"vocabulary"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

// Attempt is one telling of a story: a session's main answer, with the
// figures of that session's report.
type Attempt struct {
	SessionID string    `json:"session_id"`
	Answer    int       `json:"answer"`
	Created   time.Time `json:"created"`
	Figures
	// First and Best mark the story's first attempt and its best one.
	First bool `json:"first"`
	Best  bool `json:"best"`
}

// Marks writes "first" and "best", those that apply, each through
// format (" (%s)").
func (a Attempt) Marks(format string) string {
	out := ""
	if a.First {
		out += fmt.Sprintf(format, "first")
	}
	if a.Best {
		out += fmt.Sprintf(format, "best")
	}
	return out
}

// Figures are what a report says of one attempt, kept small so that a
// journal of hundreds of attempts reads quickly.
type Figures struct {
	// Reported is false while the session is live, or when it ended
	// without a report; the other figures are then empty.
	Reported   bool   `json:"reported"`
	Mode       string `json:"mode"`
	Level      string `json:"level"`
	QuestionID string `json:"question_id"`
	Principle  string `json:"principle"`
	// Duration is the answer's length as the level's budget judges it,
	// from its first word to its last, in seconds.
	Duration         float64  `json:"duration"`
	Budget           Budget   `json:"budget"`
	Parts            []Part   `json:"parts"`
	WPM              float64  `json:"wpm"`
	FillersPerMinute float64  `json:"fillers_per_minute"`
	Findings         []string `json:"findings"`
	Probes           []Probe  `json:"probes"`
	// Verdict is the hiring decision; empty in practice mode.
	Verdict string `json:"verdict"`
}

// Budget is the level's band for the whole answer and how the answer fell.
type Budget struct {
	Min    float64            `json:"min"`
	Max    float64            `json:"max"`
	Status interviewer.Status `json:"status"`
}

// Part is one STAR part's time against its target.
type Part struct {
	Label    star.Label         `json:"label"`
	Duration float64            `json:"duration"`
	Target   float64            `json:"target"`
	Status   interviewer.Status `json:"status"`
}

// Probe is one probe asked after the answer and how its reply was judged.
type Probe struct {
	Gap     interviewer.Gap `json:"gap"`
	Verdict string          `json:"verdict"`
}

// Measure takes an attempt's figures from its session's report; a nil
// report gives figures marked not reported.
func Measure(r *interviewer.InterviewReport) Figures {
	if r == nil {
		return emptyFigures()
	}
	f := Figures{Reported: true, Mode: string(r.Mode), Level: r.Level, QuestionID: r.QuestionID, Principle: r.Principle,
		Duration: r.Budget.Length, Budget: Budget{Min: r.Budget.Min, Max: r.Budget.Max, Status: r.Budget.Status},
		WPM: r.Pacing.WPM, FillersPerMinute: r.Pacing.Fillers.PerMinute,
		Parts: []Part{}, Findings: []string{}, Probes: []Probe{}}
	for _, t := range r.Timing {
		f.Parts = append(f.Parts, Part{Label: t.Label, Duration: t.Duration, Target: t.Target, Status: t.Status})
	}
	for _, fd := range r.Feedback {
		f.Findings = append(f.Findings, fd.Code)
	}
	for _, p := range r.Probes {
		v := interviewer.RatingUnanswered
		if p.Verdict != nil {
			v = p.Verdict.Rating
		}
		f.Probes = append(f.Probes, Probe{Gap: p.Gap, Verdict: v})
	}
	if r.Verdict != nil {
		f.Verdict = r.Verdict.Decision
	}
	return f
}

func emptyFigures() Figures {
	return Figures{Parts: []Part{}, Findings: []string{}, Probes: []Probe{}}
}

// StoryProgress is what changed across a story's attempts, as finding
// codes: those that went away by the latest attempt, those that came back
// in it after an attempt without them, and those every attempt had.
type StoryProgress struct {
	Gone []string `json:"gone"`
	Back []string `json:"back"`
	Kept []string `json:"kept"`
}

// Progress marks a story's first and best attempts (attempts oldest
// first, changed in place) and says which findings changed. Attempts
// without a report count for neither.
func Progress(attempts []Attempt) StoryProgress {
	p := StoryProgress{Gone: []string{}, Back: []string{}, Kept: []string{}}
	var told []int
	for i := range attempts {
		attempts[i].First, attempts[i].Best = false, false
		if attempts[i].Reported {
			told = append(told, i)
		}
	}
	if len(told) == 0 {
		return p
	}
	attempts[told[0]].First = true
	best := told[0]
	for _, i := range told[1:] {
		if score(attempts[i].Figures) >= score(attempts[best].Figures) {
			best = i
		}
	}
	attempts[best].Best = true

	latest := codeSet(attempts[told[len(told)-1]].Findings)
	seen := map[string]bool{}
	var earlier []map[string]bool
	for _, i := range told[:len(told)-1] {
		set := codeSet(attempts[i].Findings)
		earlier = append(earlier, set)
		for c := range set {
			seen[c] = true
		}
	}
	for _, c := range sortedKeys(seen) {
		if !latest[c] {
			p.Gone = append(p.Gone, c)
		}
	}
	for _, c := range sortedKeys(latest) {
		switch {
		case len(earlier) == 0:
		case allHave(earlier, c):
			p.Kept = append(p.Kept, c)
		case seen[c] && !earlier[len(earlier)-1][c]:
			p.Back = append(p.Back, c)
		}
	}
	return p
}

// score orders attempts for "best": the verdict first, then the parts on
// target, then fewer findings, then the answer within its budget. A later
// attempt wins a tie.
func score(f Figures) float64 {
	step, ok := interviewer.VerdictStep(f.Verdict)
	if !ok {
		step = -1 // practice mode: no verdict, judged by its figures alone
	}
	s := float64(step+1) * 1000
	for _, p := range f.Parts {
		if p.Status != interviewer.StatusOK {
			s -= 10
		}
	}
	s -= float64(len(f.Findings))
	if f.Budget.Status == interviewer.StatusOK {
		s += 5
	}
	return s
}

func allHave(sets []map[string]bool, c string) bool {
	for _, s := range sets {
		if !s[c] {
			return false
		}
	}
	return true
}

func codeSet(codes []string) map[string]bool {
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = true
	}
	return out
}
