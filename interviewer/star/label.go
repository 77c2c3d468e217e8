package star

import "strings"

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

const numLabels = len(Labels)

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
