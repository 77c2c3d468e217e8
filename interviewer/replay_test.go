package interviewer

import (
	"encoding/json"
	"testing"
)

// TestReplayGivesTheLiveReport records an interview as the server does
// (what was asked, when, the words of each answer), replays it, and gets
// the report the interview gave live.
func TestReplayGivesTheLiveReport(t *testing.T) {
	iv := newTestInterview(t, ModeInterview)
	iv.Begin(0)
	rec := Recorded{QuestionID: iv.Question().ID, Level: "sde2", Mode: ModeInterview,
		Answers: []RecordedAnswer{{N: 0, Asked: iv.Question().Text}}}
	replies := []string{
		"I estimated it based on gut feeling and told the team",
		"I did escalate it I sent them a slack message and they handled it",
		"I would communicate more with the team",
	}
	words, end := speak(seedWeakAnswer, 3)
	var live *InterviewReport
	for i := 0; live == nil; i++ {
		a := &rec.Answers[len(rec.Answers)-1]
		iv.Hear(words)
		a.Words, a.Audio = words, &AudioLevels{Speech: 0.1, Noise: 0.001, SpeechSeconds: end - a.Start, NoiseSeconds: 1}
		iv.SetAudio(*a.Audio)
		ended := end
		a.End = &ended
		turns := iv.Done(end)
		switch {
		case len(turns) != 1:
			t.Fatalf("Done: %+v", turns)
		case turns[0].Kind == TurnReport:
			live = turns[0].Report
		case i >= len(replies):
			t.Fatal("more probes than replies")
		default:
			p := turns[0].Probe
			rec.Answers = append(rec.Answers, RecordedAnswer{N: i + 1, ProbeID: p.ID, Asked: turns[0].Text, Start: end})
			words, end = speak(replies[i], end+1)
		}
	}
	b, a := iv.cfg.Bank, iv.cfg.Analyzer
	replayed, err := Replay(b, a, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(replayed)
	want, _ := json.Marshal(live)
	if string(got) != string(want) {
		t.Errorf("replayed report:\n%s\nlive:\n%s", got, want)
	}

	// A probe the bank no longer has cannot be replayed.
	rec.Answers[1].ProbeID = "gone"
	if _, err := Replay(b, a, rec); err == nil || err.Error() != `probe "gone" is no longer in the bank` {
		t.Errorf("replay with a lost probe: %v", err)
	}
}
