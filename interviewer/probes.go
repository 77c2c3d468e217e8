package interviewer

import (
	"fmt"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// gapOf maps a finding to the gap a probe can go after.
var gapOf = map[string]Gap{
	"result_no_number":   GapQuantify,
	"action_we":          GapPersonal,
	"task_no_scope":      GapScope,
	"task_assigned":      GapScope,
	"task_missing":       GapScope,
	"reflection_missing": GapReflection,
	"reflection_generic": GapReflection,
	"result_missing":     GapOutcome,
	// A miss is not a flaw, but the interviewer asks what changed
	// because of it.
	"result_negative": GapReflection,
}

// FindGaps lists what the answer lacked, most important first: the
// principle's lens decides the order, then the level's.
func FindGaps(r Report, p *Principle, lvl *Level) []Gap {
	found := map[Gap]bool{}
	for _, f := range r.Feedback {
		if g, ok := gapOf[f.Code]; ok && (f.Severity != SeverityInfo || f.Code == "result_negative") {
			found[g] = true
		}
	}
	// A senior story must end on a systemic lesson, an SDE1 story on a
	// technical one: a reflection without the level's cues is a gap.
	if lvl != nil && len(lvl.ReflectionCues) > 0 && r.Timing[star.Reflection.Index()].Words > 0 {
		var text []string
		for _, w := range r.Words {
			if w.Part == star.Reflection {
				text = append(text, star.Normalize(w.Text)...)
			}
		}
		if i, _ := findPhrase(text, phrases(strings.Join(lvl.ReflectionCues, "|"))); i < 0 {
			found[GapReflection] = true
		}
	}
	var order []Gap
	if p != nil {
		order = append(order, p.Lens.GapPriority...)
	}
	if lvl != nil {
		order = append(order, lvl.GapPriority...)
	}
	order = append(order, GapOutcome, GapQuantify, GapPersonal, GapScope, GapReflection)
	var out []Gap
	for _, g := range order {
		if found[g] {
			out = append(out, g)
			delete(found, g)
		}
	}
	return out
}

// ChooseProbes picks up to n probes, never the same twice: one for each
// gap (the question's own probe for that gap, else a generic one), then
// the question's other probes, those the level cares about first.
func (b *Bank) ChooseProbes(q *Question, gaps []Gap, lvl *Level, n int) []Probe {
	var out []Probe
	used := map[string]bool{}
	take := func(p Probe) {
		if len(out) < n && !used[p.ID] {
			used[p.ID] = true
			out = append(out, p)
		}
	}
	for _, g := range gaps {
		if p, ok := probeFor(q.Probes, g, used); ok {
			take(p)
		} else if p, ok := probeFor(b.Generic, g, used); ok {
			take(p)
		}
	}
	if lvl != nil {
		for _, g := range lvl.ProbeBonus {
			if p, ok := probeFor(q.Probes, g, used); ok {
				take(p)
			}
		}
	}
	for _, p := range q.Probes {
		take(p)
	}
	return out
}

func probeFor(probes []Probe, g Gap, used map[string]bool) (Probe, bool) {
	for _, p := range probes {
		if p.Gap == g && !used[p.ID] {
			return p, true
		}
	}
	return Probe{}, false
}

// Verdict is how a reply to a probe was judged.
type Verdict struct {
	Rating string `json:"rating"` // RatingStrong, RatingWeak or RatingUnanswered
	Reason string `json:"reason"`
}

// Ratings of a probe's reply. A probe that ended with nothing heard and
// was not skipped (the speaker pressed End, or the session closed) is
// unanswered: nothing was said to judge, so it neither helps nor costs the
// hiring verdict, which says it was not answered. A skipped probe is the
// speaker declining it, and counts as weak.
const (
	RatingStrong     = "strong"
	RatingWeak       = "weak"
	RatingUnanswered = "unanswered"
)

// JudgeProbe reads a reply for the signal its probe looks for: a number
// for a quantify probe, "I" actions for a personal one, a concrete change
// for a reflection, the scope boundary for an ownership one; the probe's
// own signals decide the rest.
func JudgeProbe(p Probe, reply []string) Verdict {
	words := make([]string, 0, len(reply))
	for _, w := range reply {
		words = append(words, star.Normalize(w)...)
	}
	if len(words) < 6 {
		return Verdict{RatingWeak, "The reply was too short to show anything; answer a probe with two or three specific sentences."}
	}
	weakAt, weakPhrase := findPhrase(words, phrases(strings.Join(p.WeakSignals, "|")))
	strongAt, strongPhrase := findPhrase(words, phrases(strings.Join(p.StrongSignals, "|")))
	countI, countWe := 0, 0
	for _, w := range words {
		switch w {
		case "i", "i'd", "i'm", "i've", "my", "me", "myself":
			countI++
		case "we", "we'd", "we're", "we've", "our", "us":
			countWe++
		}
	}
	switch p.Gap {
	case GapQuantify:
		if !hasNumber(words) {
			return Verdict{RatingWeak, "No number in the reply: say what you measured and the figure it gave."}
		}
		if i, ph := findPhrase(words, phrases("gut feeling|guess|guessed|roughly guessed|no idea|didn't measure|did not measure|didn't track")); i >= 0 {
			return Verdict{RatingWeak, fmt.Sprintf("The figure rests on %q, not on data; the interviewer will doubt the impact.", ph)}
		}
		return Verdict{RatingStrong, "Gives a number and where it came from."}
	case GapPersonal:
		if countWe > countI || countI < 2 {
			return Verdict{RatingWeak, fmt.Sprintf("Still \"we\" (%d) more than \"I\" (%d): name the steps you took yourself.", countWe, countI)}
		}
		return Verdict{RatingStrong, fmt.Sprintf("Names what you did yourself (\"I\" %d, \"we\" %d).", countI, countWe)}
	case GapScope:
		if i, ph := findAssigned(words); i >= 0 {
			return Verdict{RatingWeak, fmt.Sprintf("%q makes it an assignment, not ownership.", ph)}
		}
		if i, _ := findPhrase(words, scopePhrases); i >= 0 || strongAt >= 0 {
			return Verdict{RatingStrong, "States whose it was and that you took it on unasked."}
		}
		return Verdict{RatingWeak, "Does not say whose problem it was or why you took it on."}
	case GapReflection:
		// A platitude stays weak unless the reply goes on to something
		// concrete at some length.
		if i, ph := findPhrase(words, genericReflections); i >= 0 && len(words) < 14 {
			return Verdict{RatingWeak, fmt.Sprintf("Generic (%q): name the specific change you would make.", ph)}
		}
		// "I would" alone is not a change: a specific one takes a sentence.
		if i, _ := findPhrase(words, reflectionSpecifics); i >= 0 && len(words) >= 10 {
			return Verdict{RatingStrong, "Names a specific change tied to this story."}
		}
		return Verdict{RatingWeak, "No specific change: say what you would do differently, and when."}
	case GapOutcome:
		if hasNumber(words) {
			return Verdict{RatingStrong, "Gives a measurable outcome."}
		}
		return Verdict{RatingWeak, "The outcome has no number; say what changed and by how much."}
	}
	switch {
	case weakAt >= 0 && strongAt < 0:
		return Verdict{RatingWeak, fmt.Sprintf("%q is the weak reply: %s", weakPhrase, p.Weak.Why)}
	case strongAt >= 0:
		return Verdict{RatingStrong, fmt.Sprintf("%q: %s", strongPhrase, p.Strong.Why)}
	case countI >= 2 && countI >= countWe && len(words) >= 20:
		return Verdict{RatingStrong, "A specific first-person account."}
	}
	return Verdict{RatingWeak, "Too general to show " + strings.ToLower(p.Probes) + "."}
}
