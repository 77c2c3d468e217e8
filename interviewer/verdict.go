package interviewer

import (
	"fmt"
	"strings"

	"github.com/mockinterview/mockinterview/transcribe"
)

// ProbeExchange is one probe, the reply and its verdict.
type ProbeExchange struct {
	ID      string            `json:"id"`
	Gap     Gap               `json:"gap"`
	Probes  string            `json:"probes"`
	Asked   string            `json:"asked"`
	Answer  string            `json:"answer"`
	Words   []transcribe.Word `json:"words"`
	Skipped bool              `json:"skipped,omitempty"`
	Verdict *Verdict          `json:"verdict,omitempty"`
	// Audio judges the reply's recording, when it was measured.
	Audio *Audio `json:"audio,omitempty"`
}

// HiringVerdict is the bar raiser's call on the principle.
type HiringVerdict struct {
	Decision string   `json:"decision"`
	Summary  string   `json:"summary"`
	Reasons  []string `json:"reasons"`
}

// InterviewReport is the analysis report of the main answer extended with
// the interview: question, probes, improvements and the verdict.
type InterviewReport struct {
	Report
	Mode         Mode            `json:"mode"`
	QuestionID   string          `json:"question_id"`
	Question     string          `json:"question"`
	Principle    string          `json:"principle"`
	Skipped      bool            `json:"skipped,omitempty"`
	Probes       []ProbeExchange `json:"probes"`
	Improvements []string        `json:"improvements"`
	Verdict      *HiringVerdict  `json:"verdict,omitempty"`
}

// Report builds the report from what has been heard so far.
func (iv *Interview) Report() *InterviewReport {
	if iv.main == nil && len(iv.answers) > 0 {
		iv.analyzeMain()
	}
	out := &InterviewReport{Mode: iv.cfg.Mode, QuestionID: iv.cfg.Question.ID, Question: iv.cfg.Question.Text,
		Principle: iv.cfg.Question.Principle, Probes: []ProbeExchange{}, Improvements: []string{}}
	if iv.main != nil {
		out.Report = *iv.main
	}
	out.Level = iv.cfg.Profile.Name
	if len(iv.answers) > 0 {
		out.Skipped = iv.answers[0].skipped
	}
	// Each probe's reply is judged as it ends (endAnswer, Finish); one
	// still going has no verdict yet.
	for _, a := range iv.answers[min(1, len(iv.answers)):] {
		words := a.words
		if words == nil {
			words = []transcribe.Word{}
		}
		p := ProbeExchange{ID: a.probe.ID, Gap: a.probe.Gap, Probes: a.probe.Probes, Asked: a.asked,
			Answer: transcribe.JoinWords(a.words), Words: words, Skipped: a.skipped, Verdict: a.verdict}
		if a.audio != nil {
			audio := JudgeAudio(*a.audio)
			p.Audio = &audio
		}
		out.Probes = append(out.Probes, p)
	}
	out.Improvements = improvements(out)
	if iv.cfg.Mode == ModeInterview {
		out.Verdict = hiringVerdict(out, iv.principle)
	}
	return out
}

// improvements picks the three findings that cost the most, one per part,
// then the weak probe replies.
func improvements(r *InterviewReport) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Feedback {
		key := string(f.Part)
		if key == "" {
			key = f.Code
		}
		if seen[key] || f.Severity == SeverityInfo {
			continue
		}
		seen[key] = true
		out = append(out, f.Message)
		if len(out) == 3 {
			return out
		}
	}
	for _, p := range r.Probes {
		if p.Verdict != nil && p.Verdict.Rating == RatingWeak && len(out) < 3 {
			out = append(out, fmt.Sprintf("On %q: %s", p.Asked, p.Verdict.Reason))
		}
	}
	for _, f := range r.Feedback {
		if len(out) == 3 {
			break
		}
		if f.Severity == SeverityInfo && !seen[f.Code] {
			seen[f.Code] = true
			out = append(out, f.Message)
		}
	}
	return out
}

// hiringVerdict scores the answer the way the coaching material's bar
// raiser does: content first (ownership, I over we, numbers, a specific
// reflection), weighted by the principle's lens, then the probes.
func hiringVerdict(r *InterviewReport, p *Principle) *HiringVerdict {
	v := &HiringVerdict{Reasons: []string{}}
	if r.Skipped || len(r.Words) == 0 {
		v.Decision = "No Hire"
		v.Summary = "No answer to judge."
		v.Reasons = append(v.Reasons, "The question was skipped or nothing was heard.")
		return v
	}
	score := 3.0
	content := 0
	for _, f := range r.Feedback {
		w := 1.0
		if p != nil && f.Part != "" {
			if x, ok := p.Lens.Weight[f.Part]; ok {
				w = x
			}
		}
		switch f.Severity {
		case SeverityHigh:
			score -= 1.5 * w
		case SeverityWarn:
			score -= 0.5 * w
		default:
			continue
		}
		if f.Part != "" {
			content++
			v.Reasons = append(v.Reasons, reasonFor(f, r))
		}
	}
	var unanswered []string
	for _, pr := range r.Probes {
		if pr.Verdict == nil {
			continue
		}
		switch pr.Verdict.Rating {
		case RatingStrong:
			score += 1
		case RatingUnanswered:
			unanswered = append(unanswered, string(pr.Gap))
			v.Reasons = append(v.Reasons, fmt.Sprintf("Probe on %s: not answered, so not scored.", pr.Gap))
		default:
			score -= 1
			v.Reasons = append(v.Reasons, fmt.Sprintf("Probe on %s: %s", pr.Gap, pr.Verdict.Reason))
		}
	}
	switch {
	case score >= 3.5:
		v.Decision = "Strong Hire"
	case score >= 2:
		v.Decision = "Hire"
	case score >= 0.5:
		v.Decision = "Leaning Hire"
	case score >= -2:
		v.Decision = "Leaning No Hire"
	default:
		v.Decision = "No Hire"
	}
	delivery := r.Pacing.Band == "comfortable" && r.Pacing.Fillers.PerMinute <= fillersFine
	principle := r.Principle
	switch {
	case content > 0 && delivery && score < 2:
		v.Summary = fmt.Sprintf("Sounds competent but fails on content. %s for %s.", v.Decision, principle)
	case content > 0 && score < 2:
		v.Summary = fmt.Sprintf("Gaps in content and delivery. %s for %s.", v.Decision, principle)
	default:
		v.Summary = fmt.Sprintf("A clear, owned story with evidence. %s for %s.", v.Decision, principle)
	}
	switch len(unanswered) {
	case 0:
	case 1:
		v.Summary += fmt.Sprintf(" The follow-up on %s was not answered.", unanswered[0])
	default:
		v.Summary += fmt.Sprintf(" The follow-ups on %s were not answered.", joinAnd(unanswered))
	}
	return v
}

func reasonFor(f Finding, r *InterviewReport) string {
	switch f.Code {
	case "action_we":
		return fmt.Sprintf("Uses \"we\" (%d) more than \"I\" (%d) in the action.", r.Ownership.ActionWe, r.Ownership.ActionI)
	case "result_no_number":
		return "No numbers in the result."
	case "task_no_scope":
		return "No explicit scope boundary: ownership is not proven."
	case "task_assigned":
		return "The task was handed over by a manager."
	case "reflection_generic":
		return "A generic reflection."
	}
	msg := f.Message
	if i := strings.Index(msg, ". "); i > 0 {
		msg = msg[:i+1]
	}
	return msg
}

// joinAnd lists items as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
