package transfer

import (
	"fmt"
	"io"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Summary is what a copy did and found.
type Summary struct {
	// Tables are the rows of each table, and the recordings, on both
	// sides: the source's, and the destination's of the same sessions
	// and journals after the copy.
	Tables []Count
	// What happened to each session's rows, journal and recording.
	Sessions, Journals, Recordings Tally
	// Samples is the audio of the source's recordings, in samples.
	Samples int64
	// ExtraSessions and ExtraJournals are held by the destination and
	// not by the source; they stay.
	ExtraSessions, ExtraJournals int
	// Problems are the differences found: conflicts left as they were,
	// and copies that read back otherwise than their source. A copy
	// without any is whole.
	Problems []string
}

// Count is the rows of one table on both sides.
type Count struct {
	Table               string
	Source, Destination int
}

// Tally is what happened to the sessions, journals or recordings.
type Tally struct {
	// Copied were not at the destination; Same were, alike; Replaced
	// were, otherwise, and were overwritten (Options.Replace);
	// Conflicts were, otherwise, and were left.
	Copied, Same, Replaced, Conflicts int
}

// The two sides, as Count's columns.
const (
	source = iota
	destination
)

// tables are Summary.Tables' rows, in order.
var tables = []string{"sessions", "answers", "words", "utterances", "parts", "probes", "reports",
	"journals", "stories", "attempts", "recordings"}

func newSummary() *Summary {
	s := &Summary{}
	for _, t := range tables {
		s.Tables = append(s.Tables, Count{Table: t})
	}
	return s
}

// count adds n rows of table on side.
func (s *Summary) count(table string, side, n int) {
	for i := range s.Tables {
		if c := &s.Tables[i]; c.Table == table {
			if side == source {
				c.Source += n
			} else {
				c.Destination += n
			}
		}
	}
}

func (s *Summary) countSession(r *store.SessionRows, side int) {
	report := 0
	if r.Report != nil {
		report = 1
	}
	for table, n := range map[string]int{"sessions": 1, "answers": len(r.Answers), "words": len(r.Words),
		"utterances": len(r.Utterances), "parts": len(r.Parts), "probes": len(r.Probes), "reports": report} {
		s.count(table, side, n)
	}
}

func (s *Summary) countJournal(r *store.JournalRows, side int) {
	for table, n := range map[string]int{"journals": 1, "stories": len(r.Stories), "attempts": len(r.Attempts)} {
		s.count(table, side, n)
	}
}

// Print writes the summary for a person: the rows of each table on both
// sides, what was copied, and each problem.
func (s *Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "%-12s %10s %12s\n", "", "source", "destination")
	for _, c := range s.Tables {
		mark := ""
		if c.Source != c.Destination {
			mark = "  differs"
		}
		fmt.Fprintf(w, "%-12s %10d %12d%s\n", c.Table, c.Source, c.Destination, mark)
	}
	fmt.Fprintf(w, "audio in the source's recordings: %s\n", interviewer.FormatDuration(float64(s.Samples)/transcribe.SampleRate))
	for _, t := range []struct {
		name  string
		tally Tally
	}{{"sessions", s.Sessions}, {"journals", s.Journals}, {"recordings", s.Recordings}} {
		fmt.Fprintf(w, "%s: %d copied, %d already there alike, %d replaced, %d in conflict\n",
			t.name, t.tally.Copied, t.tally.Same, t.tally.Replaced, t.tally.Conflicts)
	}
	if s.ExtraSessions > 0 || s.ExtraJournals > 0 {
		fmt.Fprintf(w, "the destination also holds %d sessions and %d journals that the source does not; they were left\n",
			s.ExtraSessions, s.ExtraJournals)
	}
	for _, p := range s.Problems {
		fmt.Fprintln(w, "problem:", p)
	}
	if len(s.Problems) == 0 {
		fmt.Fprintln(w, "verified: every session's and journal's rows and every recording's samples read back from the destination "+
			"match the source (SHA-256)")
	}
}
