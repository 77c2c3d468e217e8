package interviewer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
)

// An answer that does not answer the question (no real time of the
// candidate's, an "I would", another principle's story) is not probed for
// its gaps: a bar raiser says so and asks again for a specific time, then
// probes the story told in its place.

// retellID is the id of the probe that asks the question again.
const retellID = "ask-again"

// offTopicOf returns the main answer's off_topic finding, or nil.
func offTopicOf(r *Report) *Finding {
	i := slices.IndexFunc(r.Feedback, func(f Finding) bool { return f.Code == "off_topic" })
	if i < 0 {
		return nil
	}
	return &r.Feedback[i]
}

// retellProbe asks the question again, saying why the answer did not
// answer it.
func retellProbe(q *Question, p *Principle, off *Finding) Probe {
	why := "That didn't tell me about a specific time of your own."
	switch {
	case strings.Contains(off.Message, "would do"):
		why = "You told me what you would do; I'm asking about a time it actually happened."
	case p != nil && strings.Contains(off.Message, "the principle the question asks about"):
		why = fmt.Sprintf("That may be a good story, but it doesn't show me %s.", p.Name)
	}
	return Probe{ID: retellID, Gap: GapRetell, Probes: "a real, specific time that answers the question",
		Text: why + " Let me ask again: " + q.Text + " Pick one real situation: what happened, what you did, and how it turned out."}
}

// judgeRetell judges the story told when the question was asked again:
// strong when it now tells a real time with the candidate's own past
// actions, weak when it is still views, an "I would" or too thin.
func judgeRetell(words []string) Verdict {
	if why, quote := offTopicReading(words); why == "hypothetical" {
		return Verdict{RatingWeak, fmt.Sprintf("Still what you would do (%q), not a time it happened.", quote)}
	} else if why != "" {
		return Verdict{RatingWeak, fmt.Sprintf("Still no specific time of your own (%q): name the situation, your steps and the outcome.", quote)}
	}
	mine, _, examples := storyClauses(words)
	if mine < 2 {
		return Verdict{RatingWeak, "Still no specific time told with your own steps: say what happened and what you did, with \"I\"."}
	}
	return Verdict{RatingStrong, fmt.Sprintf("Told a real time with your own steps (%q).", strings.Join(examples[:min(2, len(examples))], "; "))}
}

// probeRetold chooses the probes that follow a retold story: its gaps,
// found the way the main answer's are, grounded in its words, never a
// probe already asked. n is how many more may be asked.
func (iv *Interview) probeRetold(reply []transcribe.Word, n int) []Probe {
	if n <= 0 || len(reply) == 0 {
		return nil
	}
	r := iv.cfg.Analyzer.Analyze(Answer{Words: reply}, iv.cfg.Profile)
	gaps := FindGaps(r, iv.principle, iv.level)
	said := star.Normalize(transcribe.JoinWords(reply))
	var out []Probe
	for _, p := range iv.cfg.Bank.ChooseProbes(iv.cfg.Question, gaps, iv.level, n+len(iv.probes)) {
		asked := slices.ContainsFunc(iv.probes, func(q Probe) bool { return q.ID == p.ID })
		if !asked && len(out) < n {
			out = append(out, p.Grounded(said))
		}
	}
	return out
}
