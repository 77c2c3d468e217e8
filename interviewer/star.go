package interviewer

import (
	"strings"
	"unicode"
)

// Label names a part of a STAR answer.
type Label string

// The five parts of an answer, in the order a story usually tells them.
const (
	Situation  Label = "situation"
	Task       Label = "task"
	Action     Label = "action"
	Result     Label = "result"
	Reflection Label = "reflection"
)

// Labels lists the parts in story order.
var Labels = [...]Label{Situation, Task, Action, Result, Reflection}

// Index is the label's place in Labels, or -1.
func (l Label) Index() int {
	for i, x := range Labels {
		if x == l {
			return i
		}
	}
	return -1
}

// ParseLabel accepts a label's name in any case.
func ParseLabel(s string) (Label, bool) {
	l := Label(strings.ToLower(strings.TrimSpace(s)))
	return l, l.Index() >= 0
}

// Normalize turns one written token into the words a recognizer would give:
// lowercase, punctuation dropped ("$8K," becomes "8k", "40%" becomes "40",
// "re-run" becomes "re" "run"). Apostrophes inside words stay ("didn't").
func Normalize(token string) []string {
	fields := strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case r == '\'' || r == '’':
			return '\''
		}
		return ' '
	}, token))
	out := fields[:0]
	for _, f := range fields {
		if f = strings.Trim(f, "'"); f != "" {
			out = append(out, f)
		}
	}
	return out
}
