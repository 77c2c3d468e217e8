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

// JudgeProbe reads a reply for the evidence its probe's gap looks for
// (see judge.go): a hedge, a negated check, a hand-off or a platitude sinks
// it whatever cue words it has; with nothing sinking it, it must show what
// the gap demands (a figure with its source, steps taken with "I", a
// boundary that was the speaker's own, a change in practice...). A probe of
// a gap without rules is judged by its own signals.
func JudgeProbe(p Probe, reply []string) Verdict {
	words := make([]string, 0, len(reply))
	for _, w := range reply {
		words = append(words, star.Normalize(w)...)
	}
	if len(words) < 6 {
		return Verdict{RatingWeak, "The reply was too short to show anything; answer a probe with two or three specific sentences."}
	}
	if p.Gap == GapRetell {
		return judgeRetell(words)
	}
	if v := judgeReply(p.Gap, words); v.Rating != "" {
		return v
	}
	weakAt, weakPhrase := findPhrase(words, phrases(strings.Join(p.WeakSignals, "|")))
	strongAt, strongPhrase := findPhrase(words, phrases(strings.Join(p.StrongSignals, "|")))
	switch {
	case weakAt >= 0 && strongAt < 0:
		return Verdict{RatingWeak, fmt.Sprintf("%q is the weak reply: %s", weakPhrase, p.Weak.Why)}
	case strongAt >= 0:
		return Verdict{RatingStrong, fmt.Sprintf("%q: %s", strongPhrase, p.Strong.Why)}
	}
	return Verdict{RatingWeak, "Too general to show " + strings.ToLower(p.Probes) + "."}
}
