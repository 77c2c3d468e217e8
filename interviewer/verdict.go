package interviewer

import (
	"fmt"

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
