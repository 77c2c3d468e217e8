package server

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
)

// Cue is one subtitle: an utterance, or the part of one that lies in one
// STAR part, labelled with that part (or the probe it answers).
type Cue struct {
	Start, End float64
	Label      string
	Text       string
}

// Cues makes a cue per utterance of a session, split where the
// utterance's words go from one STAR part to the next, so that every cue
// holds the words of one part and is labelled with it; each cue runs from
// its first word's start to its last word's end. With answer at -1 the
// times are on the stream clock, which is also the clock of the answers'
// recordings played one after the other; with answer n, only that
// answer's cues, timed from the start of its recording.
func Cues(d *store.SessionDetail, answer int) []Cue {
	var offset float64
	if answer >= 0 && answer < len(d.Answers) {
		offset = d.Answers[answer].Start
	}
	var cues []Cue
	for i := 0; i < len(d.Words); {
		// words[i:j] are one utterance's words of one part.
		first, label := d.Words[i], cueLabel(d.Words[i])
		j := i + 1
		for j < len(d.Words) && d.Words[j].Utterance == first.Utterance && cueLabel(d.Words[j]) == label {
			j++
		}
		words := d.Words[i:j]
		i = j
		if answer >= 0 && first.Answer != answer {
			continue
		}
		texts := make([]string, len(words))
		for k, w := range words {
			texts[k] = cmp.Or(w.Punctuated, w.Text)
		}
		cues = append(cues, Cue{
			Start: math.Max(0, first.Start-offset),
			End:   math.Max(0, words[len(words)-1].End-offset),
			Label: label,
			Text:  strings.Join(texts, " "),
		})
	}
	sort.SliceStable(cues, func(a, b int) bool { return cues[a].Start < cues[b].Start })
	// Players want each cue to last and to end before the next begins.
	for k := range cues {
		c := &cues[k]
		c.End = math.Max(c.End, c.Start+0.2)
		if k+1 < len(cues) && cues[k+1].Start > c.Start {
			c.End = math.Min(c.End, cues[k+1].Start)
		}
	}
	return cues
}

// cueLabel is the STAR part of a word of the main answer, or the probe a
// reply's word answers; "" for a word not labelled yet.
func cueLabel(w store.WordRecord) string {
	if w.Answer > 0 {
		return fmt.Sprintf("Probe %d", w.Answer)
	}
	return title(w.Part)
}

func (c Cue) line() string {
	if c.Label == "" {
		return c.Text
	}
	return "[" + c.Label + "] " + c.Text
}

// WebVTT renders cues as a WebVTT file.
func WebVTT(cues []Cue) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for i, c := range cues {
		fmt.Fprintf(&b, "\n%d\n%s --> %s\n%s\n", i+1, timestamp(c.Start, '.'), timestamp(c.End, '.'), c.line())
	}
	return b.String()
}

// SRT renders cues as a SubRip file.
func SRT(cues []Cue) string {
	var b strings.Builder
	for i, c := range cues {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n", i+1, timestamp(c.Start, ','), timestamp(c.End, ','), c.line())
	}
	return b.String()
}

// timestamp writes seconds as hh:mm:ss.mmm, with sep before the
// milliseconds.
func timestamp(seconds float64, sep byte) string {
	ms := int64(math.Round(seconds * 1000))
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
}

// Markdown renders a session's report for reading or printing. Every text
// in it that is not the export's own, from the recognizer's words to a
// language model's probe, goes through markdownText.
func Markdown(d *store.SessionDetail) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Mock interview: %s\n\n", markdownText(d.Principle))
	fmt.Fprintf(&b, "- Session: `%s`\n- Date: %s\n- Mode: %s, level %s\n- Engine: %s%s\n- Audio: %s\n\n",
		d.ID, d.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), markdownText(d.Mode), markdownText(d.Level), markdownText(d.Engine), fallbackNote(d.Utterances), interviewer.FormatDuration(d.Duration))
	fmt.Fprintf(&b, "## Question\n\n> %s\n\n", markdownText(d.Question))
	r := d.Report
	if r == nil {
		b.WriteString("_No report: the session ended before one was made._\n")
		return b.String()
	}
	if r.AudioCaveat != "" {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", markdownText(r.AudioCaveat))
	}
	if r.Audio != nil {
		fmt.Fprintf(&b, "Audio of the answer: %s\n\n", interviewer.FormatAudio(*r.Audio))
	}
	if r.Verdict != nil {
		fmt.Fprintf(&b, "## Verdict: %s\n\n%s\n\n", markdownText(r.Verdict.Decision), markdownText(r.Verdict.Summary))
		for _, reason := range r.Verdict.Reasons {
			fmt.Fprintf(&b, "- %s\n", markdownText(reason))
		}
		if len(r.Verdict.Reasons) > 0 {
			b.WriteByte('\n')
		}
	}
	if len(r.Improvements) > 0 {
		b.WriteString("## What to improve\n\n")
		for i, s := range r.Improvements {
			fmt.Fprintf(&b, "%d. %s\n", i+1, markdownText(s))
		}
		b.WriteByte('\n')
	}
	b.WriteString("## Timing\n\n| Part | Time | Target | Status | Words |\n| --- | ---: | ---: | --- | ---: |\n")
	for _, t := range r.Timing {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d |\n", title(string(t.Label)), interviewer.FormatDuration(t.Duration), interviewer.FormatDuration(t.Target), t.Status, t.Words)
	}
	fmt.Fprintf(&b, "\nWhole answer: %s (%s; the target is %s).\n\n",
		interviewer.FormatDuration(r.Budget.Length), r.Budget.Status, interviewer.FormatBand(r.Budget.Min, r.Budget.Max))
	p := r.Pacing
	fmt.Fprintf(&b, "## Pacing\n\n- %.0f words a minute (%s), %.0f while speaking\n- Fillers: %d (%.1f a minute)\n- Pauses over 250 ms: %d; over 2 s: %d\n- In the action: \"I\" %d, \"we\" %d\n\n",
		p.WPM, p.Band, p.WPMSpeaking, p.Fillers.Count, p.Fillers.PerMinute, p.Pauses.Count, len(p.Pauses.Long), r.Ownership.ActionI, r.Ownership.ActionWe)
	b.WriteString("## The answer\n\n")
	if len(r.Parts) == 0 {
		b.WriteString("_Nothing was heard._\n\n")
	}
	for _, part := range r.Parts {
		fmt.Fprintf(&b, "**%s** (%s–%s): %s\n\n", title(string(part.Label)), clock(part.Start), clock(part.End), markdownText(part.Text))
	}
	writeProbesMarkdown(&b, r.Probes)
	if len(r.Feedback) > 0 {
		b.WriteString("## Feedback\n\n")
		for _, f := range r.Feedback {
			where := ""
			if f.Part != "" {
				where = title(string(f.Part)) + ": "
			}
			fmt.Fprintf(&b, "- **%s** %s%s\n", f.Severity, where, markdownText(f.Message))
			if f.Evidence != "" {
				fmt.Fprintf(&b, "  - heard: \"%s\"\n", markdownText(f.Evidence))
			}
		}
	}
	return b.String()
}

// writeProbesMarkdown writes the follow-up questions, each with its reply
// (or why there is none), its verdict and, when the reply's audio was not
// good, how it sounded.
func writeProbesMarkdown(b *strings.Builder, probes []interviewer.ProbeExchange) {
	if len(probes) == 0 {
		return
	}
	b.WriteString("## Follow-up questions\n\n")
	for i, pr := range probes {
		fmt.Fprintf(b, "### %d. %s\n\n", i+1, markdownText(pr.Asked))
		switch {
		case pr.Answer != "":
			fmt.Fprintf(b, "> %s\n\n", markdownText(pr.Answer))
		case pr.Skipped:
			b.WriteString("_Skipped._\n\n")
		case pr.Verdict == nil || pr.Verdict.Rating != interviewer.RatingUnanswered: // the verdict says it
			b.WriteString("_No reply heard._\n\n")
		}
		if pr.Verdict != nil {
			fmt.Fprintf(b, "**%s**: %s\n\n", title(pr.Verdict.Rating), markdownText(pr.Verdict.Reason))
		}
		if pr.Audio != nil && pr.Audio.Quality != interviewer.AudioGood && pr.Answer != "" {
			fmt.Fprintf(b, "Audio of the reply: %s\n\n", interviewer.FormatAudio(*pr.Audio))
		}
	}
}

// fallbackNote says how many utterances a fallback engine heard, if any.
func fallbackNote(utterances []store.UtteranceRecord) string {
	n, by := 0, ""
	for _, u := range utterances {
		if u.Fallback {
			n, by = n+1, u.Engine
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d of %d utterances heard by the fallback, %s, when it failed)", n, len(utterances), markdownText(by))
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clock writes a moment of a recording as m:ss, as a player shows it (a
// length is written by interviewer.FormatDuration).
func clock(seconds float64) string {
	s := int(math.Round(seconds))
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// markdownEscapes turn what Markdown or HTML would read as markup into the
// characters themselves: a tag or an entity, emphasis, code, a link or an
// image, a heading, a table cell, a strikethrough.
var markdownEscapes = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "#", `\#`, "|", `\|`, "~", `\~`)

// listMarker is what would start a list at the start of a line.
var listMarker = regexp.MustCompile(`^(?:[-+]|[0-9]+[.)])`)

// markdownText writes text that came from outside the export (the
// recognizer's words, a language model's wording of a probe, the bank's
// question) so that a reader that renders Markdown shows it as it is: on
// one line, its HTML as text rather than markup, and its punctuation as
// punctuation rather than emphasis, a link, a heading or a list.
func markdownText(s string) string {
	s = markdownEscapes.Replace(strings.Join(strings.Fields(s), " "))
	if m := listMarker.FindStringIndex(s); m != nil {
		s = s[:m[1]-1] + `\` + s[m[1]-1:]
	}
	return s
}
