package interviewer

import (
	"encoding/json"
	"testing"
)

// TestRestore cuts a live interview in the middle of an answer, restores
// it from what was recorded, and goes on with both alike: in the main
// answer the restored interview asks what the live one asks; in a reply
// it asks the probes that were asked, then reports.
func TestRestore(t *testing.T) {
	live := newTestInterview(t, ModeInterview)
	cfg := InterviewConfig{Bank: live.cfg.Bank, Analyzer: live.cfg.Analyzer}
	live.Begin(0)
	words, end := speak(seedWeakAnswer, 3)
	half := len(words) / 2
	live.Hear(words[:half])
	rec := Recorded{QuestionID: live.Question().ID, Level: "sde2", Mode: ModeInterview,
		Answers: []RecordedAnswer{{N: 0, Asked: live.Question().Text, Words: words[:half]}}}
	restored, err := Restore(cfg, rec)
	if err != nil {
		t.Fatal(err)
	}
	if restored.State() != StateListening {
		t.Fatalf("restored in the main answer: state %v", restored.State())
	}
	gotLive, _ := json.Marshal(restored.LiveView(words[half-1].End))
	wantLive, _ := json.Marshal(live.LiveView(words[half-1].End))
	if string(gotLive) != string(wantLive) {
		t.Errorf("restored live view:\n%s\nlive:\n%s", gotLive, wantLive)
	}
	live.Hear(words[half:])
	restored.Hear(words[half:])
	liveTurns, restoredTurns := live.Done(end), restored.Done(end)
	if len(liveTurns) != 1 || liveTurns[0].Kind != TurnProbe {
		t.Fatalf("the live interview's turns after the answer: %+v", liveTurns)
	}
	if len(restoredTurns) != 1 || restoredTurns[0].Kind != TurnProbe || restoredTurns[0].Probe.ID != liveTurns[0].Probe.ID {
		t.Errorf("the restored interview asks %+v, the live one %s", restoredTurns, liveTurns[0].Probe.ID)
	}

	// Cut again in the reply to that probe.
	p := liveTurns[0]
	rec.Answers[0].Words = words
	ended := end
	rec.Answers[0].End = &ended
	reply, replyEnd := speak("I estimated it based on gut feeling and told the team", end+1)
	live.Hear(reply[:3])
	rec.Answers = append(rec.Answers, RecordedAnswer{N: 1, ProbeID: p.Probe.ID, Asked: p.Text, Start: end, Words: reply[:3]})
	restored, err = Restore(cfg, rec)
	if err != nil {
		t.Fatal(err)
	}
	if restored.State() != StateProbing {
		t.Fatalf("restored in the reply: state %v", restored.State())
	}
	restored.Hear(reply[3:])
	turns := restored.Done(replyEnd)
	if len(turns) != 1 || turns[0].Kind != TurnReport || len(turns[0].Report.Probes) != 1 || turns[0].Report.Probes[0].ID != p.Probe.ID {
		t.Errorf("after the reply the restored interview gives %+v; want the report, with the probe asked", turns)
	}

	rec.Answers[1].ProbeID = "another"
	if _, err := Restore(cfg, rec); err == nil {
		t.Error("restored with a probe the bank does not have")
	}
}
