package interviewer

import (
	"fmt"
	"strings"
)

// The hiring verdict: the lenses' scores weighed for the principle, the
// step on the four-step scale they earn (verdictmodel.go), the deciders a
// bar raiser does not weigh (a miss owned or blamed, a problem handed
// off, a question not answered), and the verdict's reasons and summary.
// The lenses are read in rubric.go.

// initiativePrinciples are those for which a task handed over counts
// against the story: ownership and the principles about initiative.
var initiativePrinciples = map[string]bool{"ownership": true, "bias-for-action": true}

// lensWeights are how much each lens counts, by principle: the
// principle's lens leads (testdata/verdicts/README.md).
func lensWeights(p *Principle) [lensCount]float64 {
	w := [lensCount]float64{1.25, 1.25, 0.5, 0.75, 0.75}
	if p == nil {
		return w
	}
	switch p.Slug {
	case "ownership", "broad-responsibility":
		w[lensOwnership] = 1.75
	case "deliver-results", "frugality", "think-big":
		w[lensMeasured] = 1.75
	case "dive-deep", "are-right-a-lot", "invent-and-simplify":
		w[lensDepth] = 1.25
	case "highest-standards":
		w[lensSecond] = 1
	case "earn-trust", "learn-and-be-curious", "hire-and-develop":
		w[lensReflection] = 1
	}
	return w
}

// hiringVerdict is the bar raiser's call on the answer, with the reasons
// point by point.
func hiringVerdict(r *InterviewReport, p *Principle) *HiringVerdict {
	v := &HiringVerdict{Reasons: []string{}}
	if r.Skipped || len(r.Words) == 0 {
		v.Decision = VerdictNoHire
		v.Summary = "No answer to judge."
		v.Reasons = append(v.Reasons, "The question was skipped or nothing was heard.")
		return v
	}
	rb := readRubric(r, p)
	step, why := rb.decide(shippedVerdictModel, verdictFeatures(rb, p), r.Question, r.Principle)
	v.Decision = VerdictSteps[step]
	if why != "" {
		v.Reasons = append(v.Reasons, why)
	}
	if step == 2 && rb.held != "" {
		v.Reasons = append(v.Reasons, fmt.Sprintf("Not Strong Hire: %s.", rb.held))
	}
	v.Reasons = append(v.Reasons, rb.reasons(r.Probes)...)
	v.Summary = rb.summary(step, why, v.Decision, r.Principle)
	return v
}

// decide is the verdict's step on the four-step scale, and the one
// reason that decides it when there is one: model m's step for the
// weighed lenses x sets the step, and
// the readings that decide (a miss, a hand-off, an answer off the
// question) cap or set it, in that order, each later one having the last
// word.
func (rb *rubric) decide(m verdictModel, x [lensCount]float64, question, principle string) (step int, why string) {
	step = rb.scoreStep(m, x, principle)
	step, why = rb.decideMiss(m, step, x, question)
	step, why = rb.decideHandOff(step, why)
	step, why = rb.decideAnswered(step, why, principle)
	if step == 0 && rb.retold != "" && (rb.offTopic != "" || rb.offPrinciple) {
		// Asked again, the candidate told a real time: the first answer
		// still missed the question, and the story told in its place
		// was heard once, not probed like a first answer.
		step = 1
		why += " Asked again, the candidate told a real time: " + rb.retold + " Needing the question twice keeps the answer below Leaning Hire."
	}
	return step, why
}

// scoreStep is the step the evidence x earns on its own (model m's step,
// at least Leaning No Hire), noting what kept a Leaning Hire from Strong
// Hire (rb.held).
func (rb *rubric) scoreStep(m verdictModel, x [lensCount]float64, principle string) int {
	// Weak evidence alone is Leaning No Hire: No Hire takes a
	// disqualifier or no answer to the question.
	step := max(1, m.step(m.score(x)))
	// An unanswered probe is missing evidence: it cannot lift or sink the
	// answer, but a lens it went after with no other evidence keeps the
	// answer from Strong Hire.
	for _, g := range rb.unanswered {
		if l, ok := lensOfGap[g]; ok && rb.lenses[l].score < 0.75 && step > 2 {
			step = 2
			rb.held = fmt.Sprintf("the follow-up on %s went unanswered, and the answer gives no other evidence of %s", g, strings.ToLower(lensNames[l]))
		}
	}
	if step == 2 && rb.held == "" {
		rb.held = rb.strongHireGap(principle)
	}
	return step
}

// decideMiss weighs a result that was a miss. A miss owned and learned
// from is on the Hire side; one put on others is not, and with no lesson
// drawn from it is No Hire. Unless the question asked for a mistake, a
// miss is not the clean result a Strong Hire shows.
func (rb *rubric) decideMiss(m verdictModel, step int, x [lensCount]float64, question string) (int, string) {
	if rb.miss == "" {
		return step, ""
	}
	why := ""
	switch {
	case rb.blamed != "" && rb.owned == "":
		step = min(step, 1)
		if m.step(m.score(x)) == 0 || rb.lenses[lensReflection].score < 0 {
			step = 0
			why = fmt.Sprintf("The result was a miss (%q) put on others (%q), with nothing owned or learned.", rb.miss, rb.blamed)
		}
	case rb.owned != "" && rb.lenses[lensReflection].score > 0:
		step = max(step, 2)
	case rb.owned == "" && rb.lenses[lensReflection].score <= 0:
		step = min(step, 1) // neither owned nor learned from
	}
	if !asksForMistake.MatchString(strings.ToLower(question)) {
		step = min(step, 2)
	}
	return step, why
}

// decideHandOff weighs a problem routed to another team: left with them,
// it is the coaching material's disqualifier.
func (rb *rubric) decideHandOff(step int, why string) (int, string) {
	switch {
	case rb.routed == "":
		return step, why
	case rb.leftToThem != "":
		return 0, fmt.Sprintf("The problem was handed off to the team that owns it (%q) and left with them (%q): routing is not ownership, the coaching material's disqualifier.", rb.routed, rb.leftToThem)
	default:
		return min(step, 1), fmt.Sprintf("The problem was routed to another team (%q): say what you did to carry it to a fix.", rb.routed)
	}
}

// decideAnswered weighs whether the answer answered the question: a
// hypothetical, no real time of the candidate's own, or nothing of the
// principle asked is No Hire; the principle touched in passing is at most
// Leaning No Hire.
func (rb *rubric) decideAnswered(step int, why, principle string) (int, string) {
	switch {
	case rb.offTopic == "hypothetical":
		return 0, fmt.Sprintf("It did not answer the question: it says what the candidate would do (%q), not a time it happened.", rb.offTopicQuote)
	case rb.offTopic != "":
		return 0, fmt.Sprintf("It did not answer the question: no story of a real time of the candidate's own, only views, generalities or what others did (%q).", rb.offTopicQuote)
	case rb.notMine != "":
		return 0, fmt.Sprintf("It did not answer the question: asked for a time the candidate was wrong, it tells of someone else's call (%q).", rb.notMine)
	case rb.offPrinciple:
		return 0, fmt.Sprintf("It did not answer the question: the story may be good, but it shows nothing of %s, the principle asked.", principle)
	case rb.topicKnown && rb.topicHits == 1:
		return min(step, 1), fmt.Sprintf("The story touches %s, the principle asked, only in passing (%q): it is a story for another question.", principle, rb.topicQuote)
	}
	return step, why
}

// reasons are the verdict's points after the deciding one: the miss, each
// lens with what it rests on, and each probe left unanswered.
func (rb *rubric) reasons(probes []ProbeExchange) []string {
	var out []string
	if rb.offTopic != "" && rb.retold == "" {
		// With no real time told there is no story to read the lenses
		// in: an "I would" is not a lesson, nor a view a step taken.
		out = append(out, "The lenses were not weighed: with no real time told, there is no ownership, result, impact, depth or lesson of a story to read.")
		return append(out, unansweredReasons(probes)...)
	}
	if rb.miss != "" {
		switch {
		case rb.owned != "":
			out = append(out, fmt.Sprintf("The result was a miss (%q), owned (%q): a failure owned and learned from counts for the candidate, not against.", rb.miss, rb.owned))
		case rb.blamed != "":
			out = append(out, fmt.Sprintf("The result was a miss (%q) put on others (%q), with nothing owned.", rb.miss, rb.blamed))
		default:
			out = append(out, fmt.Sprintf("The result was a miss (%q): not a flaw in itself, if it is owned and learned from.", rb.miss))
		}
	}
	for i, l := range rb.lenses {
		if len(l.notes) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("%s (%s): %s.", lensNames[i], lensMark(l.score), strings.Join(l.notes, "; ")))
	}
	return append(out, unansweredReasons(probes)...)
}

// unansweredReasons say which probes went unanswered.
func unansweredReasons(probes []ProbeExchange) []string {
	var out []string
	for _, pr := range probes {
		if pr.Verdict != nil && pr.Verdict.Rating == RatingUnanswered {
			out = append(out, fmt.Sprintf("Probe on %s: not answered, so not scored.", pr.Gap))
		}
	}
	return out
}

// summary is the verdict in a sentence or two: the deciding reason or
// the evidence, the decision, and the follow-ups left unanswered.
func (rb *rubric) summary(step int, why, decision, principle string) string {
	var s string
	switch {
	case why != "":
		s = fmt.Sprintf("%s %s for %s.", strings.SplitN(why, ":", 2)[0]+".", decision, principle)
	case step >= 2:
		s = fmt.Sprintf("A clear, owned story with evidence. %s for %s.", decision, principle)
	default:
		s = fmt.Sprintf("The evidence is missing where it matters. %s for %s.", decision, principle)
	}
	switch len(rb.unanswered) {
	case 0:
	case 1:
		s += fmt.Sprintf(" The follow-up on %s was not answered.", rb.unanswered[0])
	default:
		names := make([]string, len(rb.unanswered))
		for i, g := range rb.unanswered {
			names[i] = string(g)
		}
		s += fmt.Sprintf(" The follow-ups on %s were not answered.", joinAnd(names))
	}
	return s
}
