package journal

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
)

// Entry is one story with its attempts, oldest first: what the map, the
// plan and the story list are made from.
type Entry struct {
	Story    Story
	Attempts []Attempt
}

// StoryRow is one story in a journal's list.
type StoryRow struct {
	Story
	Attempts      int    `json:"attempts"`
	LatestVerdict string `json:"latest_verdict"`
	// Latest is when the story was last told.
	Latest time.Time `json:"latest,omitzero"`
}

// Principle names one of the principles the map lists.
type Principle struct {
	Name string
	Slug string
}

// Principle statuses on the map.
const (
	StatusNone      = "none"      // no story serves it
	StatusWeak      = "weak"      // stories not told yet, or told and judged below Leaning Hire
	StatusPractised = "practised" // told, judged Leaning Hire or only practised without a verdict
	StatusStrong    = "strong"    // a story's latest telling was judged Strong Hire
)

// PrincipleRow is one principle on the map.
type PrincipleRow struct {
	Name          string `json:"name"`
	Slug          string `json:"slug"`
	Stories       int    `json:"stories"`
	Attempts      int    `json:"attempts"`
	LatestVerdict string `json:"latest_verdict"`
	Status        string `json:"status"`
}

// Rows summarizes each story, in the order given.
func Rows(entries []Entry) []StoryRow {
	out := make([]StoryRow, 0, len(entries))
	for _, e := range entries {
		r := StoryRow{Story: e.Story, Attempts: len(e.Attempts)}
		if n := len(e.Attempts); n > 0 {
			r.Latest = e.Attempts[n-1].Created
		}
		r.LatestVerdict = latestVerdict(e.Attempts)
		out = append(out, r)
	}
	return out
}

// latestVerdict is the verdict of the latest attempt that has one.
func latestVerdict(attempts []Attempt) string {
	for i := len(attempts) - 1; i >= 0; i-- {
		if attempts[i].Verdict != "" {
			return attempts[i].Verdict
		}
	}
	return ""
}

// Map lays the stories over the principles, one row per principle in the
// order given.
func Map(principles []Principle, entries []Entry) []PrincipleRow {
	out := make([]PrincipleRow, 0, len(principles))
	for _, p := range principles {
		row := PrincipleRow{Name: p.Name, Slug: p.Slug, Status: StatusNone}
		var latest time.Time
		best, told := -1, false
		for _, e := range entries {
			if !slices.Contains(e.Story.Principles, p.Name) {
				continue
			}
			row.Stories++
			row.Attempts += len(e.Attempts)
			for _, a := range e.Attempts {
				if a.Verdict != "" && !a.Created.Before(latest) {
					latest, row.LatestVerdict = a.Created, a.Verdict
				}
			}
			if v := latestVerdict(e.Attempts); v != "" {
				step, _ := interviewer.VerdictStep(v)
				best = max(best, step)
			}
			told = told || slices.ContainsFunc(e.Attempts, func(a Attempt) bool { return a.Reported })
		}
		switch {
		case row.Stories == 0:
		case best == len(interviewer.VerdictSteps)-1:
			row.Status = StatusStrong
		case best >= 2 || (told && best < 0):
			row.Status = StatusPractised
		default:
			row.Status = StatusWeak
		}
		out = append(out, row)
	}
	return out
}

// Step is one thing to practise next.
type Step struct {
	Principle string `json:"principle"`
	StoryID   string `json:"story_id,omitempty"`
	// Kind is no_story, finding, timing or untold.
	Kind    string `json:"kind"`
	Message string `json:"message"`
	score   int
}

// planLength is how many steps a plan offers.
const planLength = 3

// Plan picks the next things to practise, most needed first: a finding
// that stays across tellings of a story, a principle with no story, a
// part off its target in most tellings, a story never told. One step of
// each kind comes before a second of any kind.
func Plan(principles []Principle, entries []Entry) []Step {
	var all []Step
	for _, row := range Map(principles, entries) {
		if row.Status == StatusNone {
			all = append(all, Step{Principle: row.Name, Kind: "no_story", Message: row.Name + ": no story yet", score: 25})
		}
	}
	for _, e := range entries {
		all = append(all, storySteps(e)...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	out := []Step{}
	kinds := map[string]bool{}
	for _, s := range all {
		if len(out) < planLength && !kinds[s.Kind] {
			kinds[s.Kind] = true
			out = append(out, s)
		}
	}
	for _, s := range all {
		if len(out) < planLength && !slices.ContainsFunc(out, func(o Step) bool { return o == s }) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// storySteps is one story's step, if it needs one: its most frequent
// lasting finding, else its part most often off target, else that it was
// never told. One step a story, so that the plan spreads over the
// journal.
func storySteps(e Entry) []Step {
	steps := storyCandidates(e)
	if len(steps) > 1 {
		steps = steps[:1]
	}
	return steps
}

// storyCandidates are a story's possible steps, the most needed first.
func storyCandidates(e Entry) []Step {
	principle := ""
	if len(e.Story.Principles) > 0 {
		principle = e.Story.Principles[0]
	}
	name := fmt.Sprintf("%s story “%s”", principle, e.Story.Title)
	var told []Attempt
	for _, a := range e.Attempts {
		if a.Reported {
			told = append(told, a)
		}
	}
	if len(told) == 0 {
		return []Step{{Principle: principle, StoryID: e.Story.ID, Kind: "untold", Message: name + ": not told yet", score: 15}}
	}
	latest := told[len(told)-1]
	var out []Step
	bestCount, bestCode := 0, ""
	for _, code := range latest.Findings {
		if findingWeight[code] == 0 {
			continue
		}
		n := countTold(told, func(a Attempt) bool { return slices.Contains(a.Findings, code) })
		if n*findingWeight[code] > bestCount*findingWeight[bestCode] {
			bestCount, bestCode = n, code
		}
	}
	if bestCode != "" && bestCount >= 2 {
		out = append(out, Step{Principle: principle, StoryID: e.Story.ID, Kind: "finding",
			Message: name + ": " + findingPhrase(bestCode) + tries(bestCount, len(told)), score: 30 + 3*findingWeight[bestCode] + bestCount})
	}
	bestCount = 0
	var bestPart Part
	for _, p := range latest.Parts {
		if p.Status == interviewer.StatusOK {
			continue
		}
		n := countTold(told, func(a Attempt) bool {
			return slices.ContainsFunc(a.Parts, func(q Part) bool { return q.Label == p.Label && q.Status == p.Status })
		})
		if n > bestCount {
			bestCount, bestPart = n, p
		}
	}
	if bestCount >= 2 && 2*bestCount >= len(told) {
		out = append(out, Step{Principle: principle, StoryID: e.Story.ID, Kind: "timing",
			Message: name + ": " + partPhrase(bestPart) + tries(bestCount, len(told)), score: 20 + bestCount})
	}
	return out
}

func countTold(told []Attempt, has func(Attempt) bool) int {
	n := 0
	for _, a := range told {
		if has(a) {
			n++
		}
	}
	return n
}

// tries says how often: "after 3 tries" when every telling had it, "in 4
// of 5 tries" when not.
func tries(n, of int) string {
	if n == of {
		return fmt.Sprintf(" after %d tries", n)
	}
	return fmt.Sprintf(" in %d of %d tries", n, of)
}

func partPhrase(p Part) string {
	switch p.Status {
	case interviewer.StatusMissing:
		return string(p.Label) + " missing"
	case interviewer.StatusUnder:
		return string(p.Label) + " under target"
	}
	return string(p.Label) + " over target"
}

// findingWeight says how much a lasting finding matters for the plan: 3
// for what sinks an answer, 2 for what costs it, none for nudges (a long
// pause, a brisk pace), which are no reason to practise a story again.
var findingWeight = map[string]int{
	"hand_off": 3, "action_we": 3, "task_assigned": 3, "off_topic": 3, "action_missing": 3, "result_missing": 3,
	"result_no_number": 2, "situation_long": 2, "task_no_scope": 2, "reflection_generic": 2,
	"result_no_business_impact": 2, "answer_long": 2, "answer_short": 2, "pace_fast": 2, "fillers": 2,
	"situation_missing": 2, "task_missing": 2, "reflection_missing": 2,
}

var findingPhrases = map[string]string{
	"hand_off":                  "the problem is still handed to another team",
	"action_we":                 `the action still says "we" more than "I"`,
	"task_assigned":             "the task is still one you were given, not one you took",
	"off_topic":                 "still does not answer the question",
	"result_no_number":          "result still has no number",
	"situation_long":            "situation still too long",
	"task_no_scope":             "task still has no scope",
	"reflection_generic":        "reflection still generic",
	"result_no_business_impact": "result still has no business impact",
	"answer_long":               "answer still over its budget",
	"answer_short":              "answer still under its budget",
	"pace_fast":                 "still spoken too fast",
	"fillers":                   "still many fillers",
}

// findingPhrase words a lasting finding for the plan.
func findingPhrase(code string) string {
	if p, ok := findingPhrases[code]; ok {
		return p
	}
	if part, ok := strings.CutSuffix(code, "_missing"); ok {
		return part + " still missing"
	}
	return code
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
