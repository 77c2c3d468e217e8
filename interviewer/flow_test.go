package interviewer

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
)

// speak times the words of text at 150 words a minute from start.
func speak(text string, start float64) ([]transcribe.Word, float64) {
	var words []transcribe.Word
	t := start
	for _, w := range strings.Fields(text) {
		words = append(words, transcribe.Word{Text: w, Start: t, End: t + 0.35, Confidence: 0.9})
		t += 0.4
	}
	return words, t
}

func newTestInterview(t *testing.T, mode Mode) *Interview {
	t.Helper()
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := b.Question("highest-standards-refused-to-ship")
	iv, err := NewInterview(InterviewConfig{Bank: b, Analyzer: a, Question: q, Level: "sde2", Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return iv
}

const seedWeakAnswer = "I noticed the webhook was dropping occasionally. I escalated the issue by sending a Slack message to the Platform team. They eventually fixed the problem after some time. The drop rate improved, and the team was satisfied with the outcome."

func TestInterviewFlow(t *testing.T) {
	iv := newTestInterview(t, ModeInterview)
	turns := iv.Begin(0)
	if len(turns) != 1 || turns[0].Kind != TurnQuestion || iv.State() != StateListening {
		t.Fatalf("Begin: %+v, state %s", turns, iv.State())
	}
	words, end := speak(seedWeakAnswer, 3)
	if turns := iv.Hear(words); len(turns) != 0 {
		t.Fatalf("Hear: unexpected %+v", turns)
	}
	if turns := iv.Tick(end + 1); len(turns) != 0 {
		t.Fatalf("one second of silence ended the answer: %+v", turns)
	}
	if live := iv.Live(end + 1); live.Final || live.Current == "" || live.Elapsed < end+1-3-0.01 {
		t.Errorf("live view of an answer going on: %+v", live)
	}
	turns = iv.Tick(end + 4.5)
	if len(turns) != 1 || turns[0].Kind != TurnProbe || iv.State() != StateProbing {
		t.Fatalf("after 4 s of silence: %+v, state %s", turns, iv.State())
	}
	// Once the answer is over, the live view is the whole answer's: the
	// report's parts, none current, ending with the last word.
	live := iv.Live(end + 20)
	var got, want []star.Label
	for _, p := range live.Parts {
		got = append(got, p.Label)
	}
	for _, p := range iv.Report().Parts {
		want = append(want, p.Label)
	}
	if !live.Final || live.Current != "" || !slices.Equal(got, want) || math.Abs(live.Elapsed-(words[len(words)-1].End-words[0].Start)) > 0.01 {
		t.Errorf("live view after the answer: %+v, parts %v, the report's %v", live, got, want)
	}
	asked := map[string]bool{turns[0].Probe.ID: true}
	gaps := []Gap{turns[0].Probe.Gap}
	now := end + 5
	replies := []string{
		"I estimated it based on gut feeling and told the team",
		"I did escalate it I sent them a slack message and they handled it",
		"I would communicate more with the team",
	}
	for i := 0; iv.State() == StateProbing; i++ {
		if i >= len(replies) {
			t.Fatal("more than three probes")
		}
		w, e := speak(replies[i], now+1)
		iv.Hear(w)
		turns = iv.Done(e + 0.5)
		now = e + 1
		if len(turns) != 1 {
			t.Fatalf("Done: %+v", turns)
		}
		if turns[0].Kind == TurnProbe {
			if asked[turns[0].Probe.ID] {
				t.Fatalf("probe %s asked twice", turns[0].Probe.ID)
			}
			asked[turns[0].Probe.ID] = true
			gaps = append(gaps, turns[0].Probe.Gap)
		}
	}
	if turns[0].Kind != TurnReport || iv.State() != StateDone {
		t.Fatalf("end: %+v", turns)
	}
	r := turns[0].Report
	if len(r.Probes) != 3 {
		t.Fatalf("%d probes in the report", len(r.Probes))
	}
	// The weak answer has no number in its result: the first probe asks to quantify.
	if gaps[0] != GapQuantify && gaps[0] != GapScope {
		t.Errorf("first probe's gap %s, want quantify or scope", gaps[0])
	}
	for _, p := range r.Probes {
		if p.Verdict == nil || p.Verdict.Rating != "weak" {
			t.Errorf("probe %s reply %q judged %+v, want weak", p.ID, p.Answer, p.Verdict)
		}
	}
	if r.Verdict == nil || !strings.Contains(r.Verdict.Decision, "No Hire") {
		t.Errorf("verdict %+v, want a No Hire", r.Verdict)
	}
	if len(r.Improvements) != 3 {
		t.Errorf("improvements %q", r.Improvements)
	}
	if iv.Tick(now+100) != nil || iv.Done(now+100) != nil {
		t.Error("a finished interview still answers")
	}
}

func TestInterviewPracticeHasNoProbes(t *testing.T) {
	iv := newTestInterview(t, ModePractice)
	iv.Begin(0)
	words, end := speak(seedWeakAnswer, 1)
	iv.Hear(words)
	turns := iv.Done(end)
	if len(turns) != 1 || turns[0].Kind != TurnReport || turns[0].Report.Verdict != nil || len(turns[0].Report.Probes) != 0 {
		t.Fatalf("practice: %+v", turns)
	}
}

func TestInterviewInterruptsLongSituation(t *testing.T) {
	iv := newTestInterview(t, ModeInterview)
	iv.Begin(0)
	background := strings.Repeat("our platform team ran a payment notification service with a queue in front of a database and a cache and several consumers that retried deliveries ", 12)
	var interrupts int
	now := 1.0
	for _, chunk := range strings.SplitAfter(background, "retried deliveries ") {
		w, e := speak(chunk, now)
		now = e
		for _, turn := range iv.Hear(w) {
			if turn.Kind == TurnInterrupt {
				interrupts++
				if now < 60 {
					t.Errorf("cut in at %.0f s, before the situation ran to twice its 30 s target", now)
				}
			}
		}
	}
	if interrupts != 1 {
		t.Fatalf("%d interrupts after %.0f s of background, want exactly one", interrupts, now)
	}
	live := iv.Live(now)
	if len(live.Parts) == 0 || live.Parts[0].Label != star.Situation || live.Parts[0].Status != "over" {
		t.Errorf("live %+v", live)
	}
}

func TestInterviewSkipAndFinish(t *testing.T) {
	iv := newTestInterview(t, ModeInterview)
	iv.Begin(0)
	turns := iv.Skip(2)
	if len(turns) != 1 || turns[0].Kind != TurnReport || !turns[0].Report.Skipped {
		t.Fatalf("skip main question: %+v", turns)
	}
	iv = newTestInterview(t, ModeInterview)
	iv.Begin(0)
	words, end := speak(seedWeakAnswer, 1)
	iv.Hear(words)
	turns = iv.Finish(end)
	if len(turns) != 1 || turns[0].Kind != TurnReport || len(turns[0].Report.Words) != len(words) {
		t.Fatalf("finish mid-answer: %+v", turns)
	}
}

// TestUnansweredProbe: a probe that ends with nothing heard, because the
// speaker pressed End (Done) or the session closed (Finish), is reported
// as unanswered and leaves the hiring verdict as it would be had it never
// been asked; a skipped probe is the speaker declining it, and is weak.
func TestUnansweredProbe(t *testing.T) {
	// Each interview: the coaching material's weak answer, a weak reply to
	// the first probe, then the second probe ends with no reply.
	run := func(t *testing.T, maxProbes int, end func(iv *Interview, now float64) []Turn) *InterviewReport {
		t.Helper()
		iv := newTestInterview(t, ModeInterview)
		iv.cfg.MaxProbes = maxProbes
		iv.Begin(0)
		words, now := speak(seedWeakAnswer, 1)
		iv.Hear(words)
		if turns := iv.Done(now); len(turns) != 1 || turns[0].Kind != TurnProbe {
			t.Fatalf("after the answer: %+v", turns)
		}
		reply, now := speak("I would communicate more with the team", now+1)
		iv.Hear(reply)
		turns := iv.Done(now)
		if maxProbes == 1 {
			if len(turns) != 1 || turns[0].Kind != TurnReport {
				t.Fatalf("after the only probe: %+v", turns)
			}
			return turns[0].Report
		}
		if len(turns) != 1 || turns[0].Kind != TurnProbe {
			t.Fatalf("after the first reply: %+v", turns)
		}
		turns = end(iv, now+3)
		if len(turns) != 1 || turns[0].Kind != TurnReport || iv.State() != StateDone {
			t.Fatalf("ending the second probe with no reply: %+v, state %s", turns, iv.State())
		}
		return turns[0].Report
	}
	once := run(t, 1, nil)
	if once.Verdict == nil || len(once.Probes) != 1 || once.Probes[0].Verdict.Rating != RatingWeak {
		t.Fatalf("one probe, answered weakly: %+v", once)
	}
	for _, c := range []struct {
		name   string
		end    func(iv *Interview, now float64) []Turn
		rating string
	}{
		{"End pressed (AnswerDone)", (*Interview).Done, RatingUnanswered},
		{"session closed (CloseStream)", (*Interview).Finish, RatingUnanswered},
		{"skipped", (*Interview).Skip, RatingWeak},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, 2, c.end)
			if len(r.Probes) != 2 {
				t.Fatalf("%d probes in the report, want 2", len(r.Probes))
			}
			p := r.Probes[1]
			if p.Answer != "" || p.Verdict == nil || p.Verdict.Rating != c.rating {
				t.Fatalf("second probe %+v, verdict %+v; want rated %s", p, p.Verdict, c.rating)
			}
			if c.rating != RatingUnanswered {
				return
			}
			v := r.Verdict
			if v.Decision != once.Verdict.Decision {
				t.Errorf("decision %q with the unanswered probe, %q without it: it was scored", v.Decision, once.Verdict.Decision)
			}
			want := "Probe on " + string(p.Gap) + ": not answered, so not scored."
			if !slices.Contains(v.Reasons, want) || len(v.Reasons) != len(once.Verdict.Reasons)+1 {
				t.Errorf("reasons %q; want those without it (%q) and %q", v.Reasons, once.Verdict.Reasons, want)
			}
			if !strings.HasSuffix(v.Summary, "The follow-up on "+string(p.Gap)+" was not answered.") {
				t.Errorf("summary %q does not say the follow-up was not answered", v.Summary)
			}
			if !slices.Equal(r.Improvements, once.Improvements) {
				t.Errorf("improvements %q; want those without it, %q", r.Improvements, once.Improvements)
			}
		})
	}
}

// TestProbeWaitsForItsWords: with WordProbes, the chosen probe waits in
// StateWording, where nothing said counts and nothing ends an answer,
// until Ask puts it in the caller's words; its answer starts then. An
// interview finished while a probe waits reports it as never asked.
func TestProbeWaitsForItsWords(t *testing.T) {
	iv := newTestInterview(t, ModeInterview)
	iv.cfg.WordProbes = true
	iv.Begin(0)
	words, end := speak(seedWeakAnswer, 1)
	iv.Hear(words)
	turns := iv.Done(end)
	if len(turns) != 1 || turns[0].Kind != TurnWording || iv.State() != StateWording {
		t.Fatalf("after the answer: %+v, state %s", turns, iv.State())
	}
	w := turns[0]
	if w.Probe == nil || w.Text != w.Probe.Text || w.Transcript != transcribe.JoinWords(words) {
		t.Fatalf("wording turn %+v; want the bank's probe and the answer's transcript", w)
	}
	meanwhile, later := speak("um so yes that was it", end+1)
	if iv.Hear(meanwhile) != nil || iv.Tick(later+10) != nil || iv.Done(later+10) != nil || iv.Skip(later+10) != nil {
		t.Fatal("the interview acted while its probe waited for words")
	}
	worded := "You said the drop rate improved: by how much, and how did you measure it?"
	turns = iv.Ask(later+11, worded)
	if len(turns) != 1 || turns[0].Kind != TurnProbe || turns[0].Text != worded || turns[0].Probe.ID != w.Probe.ID || iv.State() != StateProbing {
		t.Fatalf("Ask: %+v, state %s", turns, iv.State())
	}
	if iv.Ask(later+12, "again?") != nil {
		t.Error("Ask with no probe waiting asked one")
	}
	reply, now := speak("it fell from five percent to three percent", later+12)
	iv.Hear(reply)
	r := iv.Finish(now)[0].Report
	if len(r.Probes) != 1 || r.Probes[0].Asked != worded || r.Probes[0].Answer != transcribe.JoinWords(reply) {
		t.Errorf("report's probes %+v; want the worded probe with only its reply", r.Probes)
	}

	// Finished while the probe waits: it was never asked.
	iv = newTestInterview(t, ModeInterview)
	iv.cfg.WordProbes = true
	iv.Begin(0)
	iv.Hear(words)
	iv.Done(end)
	turns = iv.Finish(end + 5)
	if len(turns) != 1 || turns[0].Kind != TurnReport || len(turns[0].Report.Probes) != 0 || iv.Ask(end+6, "") != nil {
		t.Errorf("finished while wording: %+v", turns)
	}
}

// TestInterviewAsksAgain: an answer that does not answer the question is
// not probed for its gaps; the interviewer says why and asks again. A real
// time told then is probed on its own words and lifts the verdict off No
// Hire, but not to the Hire side; a second answer that still tells no time
// ends the probing.
func TestInterviewAsksAgain(t *testing.T) {
	const hypothetical = "So I haven't really had that happen yet, but if a release had a quality problem I would stop it. I'd bring data to my manager and I would explain the risk, and I'd propose a fix. I would make sure we held the bar, because I think standards matter."
	cases := []struct {
		name, reply string
		want        string // the verdict
		more        bool   // probes follow the reply
	}{
		{"retold", "Last spring our mobile release had a crash in the payment screen two days before launch. I found it in the beta crash reports, I reproduced it on an old Android phone, and I held the release. I wrote the fix myself and I added a crash test for that screen to our release checklist. We shipped four days late and the crash rate stayed under a tenth of a percent.", VerdictLeaningNoHire, true},
		{"still hypothetical", "Well I would probably look at the data first and I would talk to the team, and then I'd decide whether to ship it or not.", VerdictNoHire, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			iv := newTestInterview(t, ModeInterview)
			iv.cfg.MaxProbes = 3
			iv.Begin(0)
			words, end := speak(hypothetical, 2)
			iv.Hear(words)
			turns := iv.Done(end + 0.5)
			if len(turns) != 1 || turns[0].Kind != TurnProbe || turns[0].Probe.Gap != GapRetell {
				t.Fatalf("after an answer that says what the candidate would do: %+v", turns)
			}
			if text := turns[0].Text; !strings.Contains(text, "what you would do") || !strings.Contains(text, iv.Question().Text) {
				t.Errorf("the question asked again: %q", text)
			}
			reply, end := speak(c.reply, end+2)
			iv.Hear(reply)
			turns = iv.Done(end + 0.5)
			if c.more != (turns[0].Kind == TurnProbe) {
				t.Fatalf("after the reply: %+v", turns[0])
			}
			if c.more {
				said := star.Normalize(c.reply)
				if p := turns[0].Probe; p.Gap == GapRetell || !reflect.DeepEqual(*p, p.Grounded(said)) {
					t.Errorf("the next probe %+v is not grounded in the story told again", p)
				}
			}
			r := iv.Report()
			for iv.State() != StateDone {
				turns = iv.Done(end + 1)
				r = iv.Report()
			}
			if r.Verdict.Decision != c.want || !strings.Contains(r.Verdict.Reasons[0], "did not answer the question") {
				t.Errorf("verdict %s, reasons %q; want %s", r.Verdict.Decision, r.Verdict.Reasons, c.want)
			}
			if c.more && !strings.Contains(r.Verdict.Reasons[0], "Asked again, the candidate told a real time") {
				t.Errorf("the verdict does not say the story was told when asked again: %q", r.Verdict.Reasons[0])
			}
		})
	}
}
