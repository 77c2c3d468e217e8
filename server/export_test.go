package server

import (
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
)

// TestCues: a cue per utterance, split where its words go from one STAR
// part to another, each labelled with the part of its words and timed
// by them.
func TestCues(t *testing.T) {
	d := &store.SessionDetail{
		Answers: []store.AnswerRecord{{N: 0, Start: 0}, {N: 1, Start: 10}},
		Words: []store.WordRecord{
			// One utterance that goes from the situation to the task and back.
			{Answer: 0, Utterance: 0, Text: "we", Start: 0.5, End: 0.7, Part: "situation"},
			{Answer: 0, Utterance: 0, Text: "had", Punctuated: "had,", Start: 0.7, End: 0.9, Part: "situation"},
			{Answer: 0, Utterance: 0, Text: "I", Start: 1.1, End: 1.2, Part: "task"},
			{Answer: 0, Utterance: 0, Text: "owned", Start: 1.2, End: 1.6, Part: "task"},
			{Answer: 0, Utterance: 0, Text: "it", Start: 1.6, End: 1.7, Part: "situation"},
			// Two utterances in one part stay two cues.
			{Answer: 0, Utterance: 1, Text: "done", Punctuated: "done.", Start: 2, End: 2, Part: "result"},
			{Answer: 0, Utterance: 2, Text: "so", Start: 2.5, End: 2.7, Part: "result"},
			{Answer: 0, Utterance: 2, Text: "next", Start: 2.8, End: 3.1, Part: "reflection"},
			{Answer: 1, Utterance: 3, Text: "five", Start: 11, End: 3725.5},
			{Answer: 1, Utterance: 3, Text: "percent", Start: 3725.5, End: 3726},
		},
	}
	for _, c := range []struct {
		name   string
		answer int
		render func([]Cue) string
		want   string
	}{
		{"WebVTT, the whole session", -1, WebVTT, "WEBVTT\n\n" +
			"1\n00:00:00.500 --> 00:00:00.900\n[Situation] we had,\n\n" +
			"2\n00:00:01.100 --> 00:00:01.600\n[Task] I owned\n\n" +
			"3\n00:00:01.600 --> 00:00:01.800\n[Situation] it\n\n" +
			"4\n00:00:02.000 --> 00:00:02.200\n[Result] done.\n\n" +
			"5\n00:00:02.500 --> 00:00:02.700\n[Result] so\n\n" +
			"6\n00:00:02.800 --> 00:00:03.100\n[Reflection] next\n\n" +
			"7\n00:00:11.000 --> 01:02:06.000\n[Probe 1] five percent\n"},
		{"SRT, answer 0", 0, SRT, "1\n00:00:00,500 --> 00:00:00,900\n[Situation] we had,\n\n" +
			"2\n00:00:01,100 --> 00:00:01,600\n[Task] I owned\n\n" +
			"3\n00:00:01,600 --> 00:00:01,800\n[Situation] it\n\n" +
			"4\n00:00:02,000 --> 00:00:02,200\n[Result] done.\n\n" +
			"5\n00:00:02,500 --> 00:00:02,700\n[Result] so\n\n" +
			"6\n00:00:02,800 --> 00:00:03,100\n[Reflection] next\n"},
		{"SRT, answer 1 from its recording's start", 1, SRT, "1\n00:00:01,000 --> 01:01:56,000\n[Probe 1] five percent\n"},
	} {
		got := c.render(Cues(d, c.answer))
		if got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
		if strings.HasPrefix(got, "WEBVTT") {
			if _, err := parseWebVTT(got); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
	md := Markdown(&store.SessionDetail{SessionRecord: store.SessionRecord{Principle: "Ownership", Question: "Q?"}, Report: &interviewer.InterviewReport{}})
	if !strings.HasPrefix(md, "# Mock interview: Ownership") {
		t.Errorf("markdown:\n%s", md)
	}
}
