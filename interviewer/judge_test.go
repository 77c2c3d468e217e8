package interviewer

import (
	"strings"
	"testing"
)

// TestReplyJudgeTrainMisses lists the train replies the judge gets wrong
// (-v), to work on the rules; it asserts nothing.
func TestReplyJudgeTrainMisses(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	train, err := LoadReplies(replyTrainDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range train {
		v := JudgeProbe(replyProbe(b, r), strings.Fields(r.Text))
		if v.Rating != r.Label {
			t.Logf("%s %s/%s judged %s: %s\n    %s", r.File, r.Label, r.Pattern, v.Rating, v.Reason, r.Text)
		}
	}
}
