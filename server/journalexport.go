package server

import (
	"fmt"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
)

// JournalMarkdown writes a journal as a Markdown document: the plan, the
// principle map, then each story with its notes and a table of its
// attempts.
func JournalMarkdown(e JournalExport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Story journal\n\n- Journal: `%s`\n- Created: %s\n- Stories: %d\n\n",
		e.ID, e.Created.UTC().Format("2006-01-02"), len(e.Stories))
	if len(e.Plan) > 0 {
		b.WriteString("## What to practise next\n\n")
		for i, s := range e.Plan {
			fmt.Fprintf(&b, "%d. %s\n", i+1, markdownText(s.Message))
		}
		b.WriteByte('\n')
	}
	b.WriteString("## Principles\n\n| Principle | Stories | Attempts | Latest verdict | Status |\n| --- | ---: | ---: | --- | --- |\n")
	for _, p := range e.Principles {
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s |\n", markdownText(p.Name), p.Stories, p.Attempts, orDash(p.LatestVerdict), p.Status)
	}
	b.WriteByte('\n')
	for _, s := range e.StoryViews {
		writeStoryMarkdown(&b, s)
	}
	return b.String()
}

func writeStoryMarkdown(b *strings.Builder, s StoryView) {
	fmt.Fprintf(b, "## %s\n\nPrinciples: %s\n\n", markdownText(s.Title), markdownText(strings.Join(s.Principles, "; ")))
	if s.Notes != "" {
		fmt.Fprintf(b, "%s\n\n", markdownText(s.Notes))
	}
	if len(s.Vocabulary) > 0 {
		fmt.Fprintf(b, "Vocabulary: %s\n\n", markdownText(strings.Join(s.Vocabulary, ", ")))
	}
	if len(s.Attempts) == 0 {
		b.WriteString("_Not told yet._\n\n")
		return
	}
	b.WriteString("| Date | Length | Situation | Task | Action | Result | Reflection | wpm | Fillers/min | Findings | Verdict |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, a := range s.Attempts {
		mark := a.Marks(" (%s)")
		if !a.Reported {
			fmt.Fprintf(b, "| %s%s | – | | | | | | | | _no report yet_ | |\n", a.Created.UTC().Format("2006-01-02 15:04"), mark)
			continue
		}
		fmt.Fprintf(b, "| %s%s | %s (%s) |", a.Created.UTC().Format("2006-01-02 15:04"), mark, interviewer.FormatDuration(a.Duration), a.Budget.Status)
		for _, p := range a.Parts {
			fmt.Fprintf(b, " %s |", partCell(p))
		}
		fmt.Fprintf(b, " %.0f | %.1f | %s | %s |\n", a.WPM, a.FillersPerMinute, markdownText(strings.Join(a.Findings, ", ")), orDash(a.Verdict))
	}
	b.WriteByte('\n')
	if p := s.Progress; len(p.Gone)+len(p.Back) > 0 {
		if len(p.Gone) > 0 {
			fmt.Fprintf(b, "Gone since earlier attempts: %s\n\n", markdownText(strings.Join(p.Gone, ", ")))
		}
		if len(p.Back) > 0 {
			fmt.Fprintf(b, "Back in the latest attempt: %s\n\n", markdownText(strings.Join(p.Back, ", ")))
		}
	}
}

// partCell writes a part's time, and its status when off target.
func partCell(p journal.Part) string {
	if p.Status == interviewer.StatusOK {
		return interviewer.FormatDuration(p.Duration)
	}
	return fmt.Sprintf("%s %s", interviewer.FormatDuration(p.Duration), p.Status)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return markdownText(s)
}
