package interviewer

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// FormatReport renders a report for a terminal: a bar per part against its
// target, pacing, and the feedback.
func FormatReport(r Report) string {
	var b strings.Builder
	timing := "heard"
	if r.EstimatedTiming {
		timing = "estimated at 150 words a minute"
	}
	fmt.Fprintf(&b, "%s: level %s, engine %s, times %s\n", r.Source, r.Level, r.Engine, timing)
	if r.AudioCaveat != "" {
		fmt.Fprintf(&b, "NOTE: %s\n", r.AudioCaveat)
	}
	if r.Audio != nil {
		fmt.Fprintf(&b, "audio %s\n", FormatAudio(*r.Audio))
	}
	fmt.Fprintf(&b, "length %s, target %s (%s)\n\n", FormatDuration(r.Budget.Length), FormatBand(r.Budget.Min, r.Budget.Max), r.Budget.Status)
	b.WriteString(FormatTimingBars(r.Timing))
	if len(r.Parts) > 0 {
		order := make([]string, len(r.Parts))
		for i, p := range r.Parts {
			order[i] = string(p.Label)
		}
		fmt.Fprintf(&b, "\norder: %s\n", strings.Join(order, " > "))
	}
	p := r.Pacing
	if len(r.Words) == 0 {
		b.WriteString("\nno words, so no pace, fillers or I/we counts\n")
	} else {
		fmt.Fprintf(&b, "\npace %.0f words/min (%s), %.0f while speaking; fillers %d (%.1f/min)", p.WPM, p.Band, p.WPMSpeaking, p.Fillers.Count, p.Fillers.PerMinute)
		if !r.EstimatedTiming {
			fmt.Fprintf(&b, "; pauses %d, long %d", p.Pauses.Count, len(p.Pauses.Long))
		}
		fmt.Fprintf(&b, "\naction: \"I\" %d, \"we\" %d\n", r.Ownership.ActionI, r.Ownership.ActionWe)
	}
	if len(r.Feedback) > 0 {
		b.WriteString("\nfeedback:\n")
		for _, f := range r.Feedback {
			where := ""
			if f.Part != "" {
				where = string(f.Part) + ": "
			}
			fmt.Fprintf(&b, "  [%s] %s%s\n", f.Severity, where, f.Message)
			if f.Evidence != "" {
				fmt.Fprintf(&b, "         heard: %s\n", f.Evidence)
			}
		}
	}
	return b.String()
}

// FormatAudio says in a sentence how a recording sounded and what to do
// about it: "fair (speech -24.3 dBFS, noise -42.0 dBFS, 17.7 dB apart,
// 0.00 % clipped). Background noise is ...".
func FormatAudio(a Audio) string {
	s := fmt.Sprintf("%s (speech %.1f dBFS, noise %.1f dBFS, %.1f dB apart, %.2f %% clipped)", a.Quality, a.LevelDBFS, a.NoiseDBFS, a.SNRDB, a.Clipped*100)
	if a.Advice == "" {
		return s + "."
	}
	return s + ". " + a.Advice
}

// FormatTimingBars draws each part's time as a bar with its target marked:
// '#' up to the target, '!' past it, '|' where the target ends.
func FormatTimingBars(timing []LabelTiming) string {
	var b strings.Builder
	const secondsPerCell = 3.0
	for _, t := range timing {
		cells := int(math.Round(t.Duration / secondsPerCell))
		target := int(math.Round(t.Target / secondsPerCell))
		var bar strings.Builder
		for i := range max(cells, target) {
			switch {
			case i < cells && i < target:
				bar.WriteByte('#')
			case i < cells:
				bar.WriteByte('!')
			case i == target-1:
				bar.WriteByte('|')
			default:
				bar.WriteByte('.')
			}
		}
		fmt.Fprintf(&b, "%-10s %10s / %-10s %-7s %s\n", t.Label, FormatDuration(t.Duration), FormatDuration(t.Target), t.Status, bar.String())
	}
	return b.String()
}

// FormatInterviewReport renders the whole interview: the analysis of the
// main answer, each probe with its verdict, the improvements and the
// verdict.
func FormatInterviewReport(r InterviewReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Question (%s): %s\n\n", r.Principle, r.Question)
	b.WriteString(FormatReport(r.Report))
	if len(r.Probes) > 0 {
		b.WriteString("\nprobes:\n")
		for _, p := range r.Probes {
			fmt.Fprintf(&b, "  [%s] %s\n", p.Gap, p.Asked)
			fmt.Fprintf(&b, "      answer: %s\n", p.Answer)
			if p.Verdict != nil {
				fmt.Fprintf(&b, "      %s: %s\n", p.Verdict.Rating, p.Verdict.Reason)
			}
		}
	}
	if len(r.Improvements) > 0 {
		b.WriteString("\nthree things to improve:\n")
		for i, s := range r.Improvements {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
		}
	}
	if v := r.Verdict; v != nil {
		fmt.Fprintf(&b, "\nbar raiser: %s\n", v.Summary)
		for _, reason := range v.Reasons {
			fmt.Fprintf(&b, "  - %s\n", reason)
		}
	}
	return b.String()
}

// FormatSummary compares several answers in one table, one row each: the
// length against the level's budget, the pace, the fillers, each part's
// time and status, and the findings that cost the hire (high and warn).
func FormatSummary(reports []Report) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "answer\tlength\tbudget\twords/min\tfillers/min")
	for _, l := range star.Labels {
		fmt.Fprintf(tw, "\t%s", l)
	}
	fmt.Fprint(tw, "\tfindings\n")
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.1f", r.Source, FormatDuration(r.Budget.Length), r.Budget.Status, r.Pacing.WPM, r.Pacing.Fillers.PerMinute)
		for _, t := range r.Timing {
			if t.Status == StatusMissing {
				fmt.Fprint(tw, "\tmissing")
				continue
			}
			fmt.Fprintf(tw, "\t%s %s", FormatDuration(t.Duration), t.Status)
		}
		serious := 0
		for _, f := range r.Feedback {
			if f.Severity != SeverityInfo {
				serious++
			}
		}
		fmt.Fprintf(tw, "\t%d\n", serious)
	}
	tw.Flush()
	return b.String()
}

// FormatDuration writes a length of time the one way every text of the
// product writes it, in whole seconds: "42 s" under a minute, "1 min 55 s"
// from one, "3 min" on the minute. The browser client follows the same
// rule, so a report reads alike on the page, in the exports and in a
// terminal.
func FormatDuration(seconds float64) string {
	s := int(math.Round(seconds))
	if seconds != seconds || s < 0 { // NaN, or a negative length
		s = 0
	}
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// FormatBand writes an answer's length target, which is always its band:
// "2 min 30 s to 3 min 15 s".
func FormatBand(lo, hi float64) string {
	return FormatDuration(lo) + " to " + FormatDuration(hi)
}
