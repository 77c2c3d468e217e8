package interviewer

import (
	"strings"
	"testing"
	"unicode"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// An answer that names no team, system or figure of any story in the bank.
const neutralAnswer = "At my last job a report in our billing tool was slow. It was mine to fix. " +
	"I measured where the time went, rewrote the slowest query myself and checked it with the users. " +
	"It got much faster and people used it again. I learned to measure before I change anything."

// bankFacts lists every way of saying every fact a bank probe names.
func bankFacts(b *Bank) [][]string {
	var out [][]string
	add := func(probes []Probe) {
		for _, p := range probes {
			for _, f := range p.Facts {
				for _, way := range strings.Split(f, "|") {
					out = append(out, star.Normalize(way))
				}
			}
		}
	}
	add(b.Generic)
	for i := range b.Principles {
		for _, q := range b.Principles[i].Questions {
			add(q.Probes)
		}
	}
	return out
}

// No probe a candidate hears names a number, a team or a system they did
// not say: every probe of every question, grounded in an answer that tells
// none of the bank's facts, says none of them and no figure, and a probe
// with facts has a general wording.
func TestProbesNameOnlyWhatWasSaid(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	facts := bankFacts(b)
	if len(facts) == 0 {
		t.Fatal("no probe of the bank names a fact; the walkthrough question's do")
	}
	said := star.Normalize(neutralAnswer)
	check := func(q string, p Probe) {
		if len(p.Facts) > 0 && p.General == "" {
			t.Errorf("%s %s names facts %q but has no general wording", q, p.ID, p.Facts)
		}
		g := p.Grounded(said)
		if strings.ContainsFunc(g.Text, func(r rune) bool { return unicode.IsDigit(r) || r == '$' || r == '€' || r == '£' }) {
			t.Errorf("%s %s asks a candidate who gave no figure %q", q, p.ID, g.Text)
		}
		if i, f := findPhrase(star.Normalize(g.Text), facts); i >= 0 {
			t.Errorf("%s %s asks a candidate who never said %q: %q", q, p.ID, f, g.Text)
		}
	}
	for _, p := range b.Generic {
		check("generic", p)
	}
	for i := range b.Principles {
		for _, q := range b.Principles[i].Questions {
			for _, p := range q.Probes {
				check(q.ID, p)
			}
		}
	}
}

// A candidate who told the walkthrough's story is asked about its facts;
// one who told another story through the interview is not.
func TestInterviewGroundsProbes(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := b.Question("highest-standards-refused-to-ship")
	told := star.Normalize(seedWeakAnswer + " It was costing about $8K a week, and I added a dead letter queue alert.")
	for _, p := range q.Probes {
		if len(p.Facts) > 0 && p.Grounded(told).Text != p.Text {
			t.Errorf("%s: the story told its facts %q, but the probe was reworded to %q", p.ID, p.Facts, p.Grounded(told).Text)
		}
	}

	facts := bankFacts(b)
	iv := newTestInterview(t, ModeInterview)
	iv.Begin(0)
	words, end := speak(neutralAnswer, 3)
	iv.Hear(words)
	turns := iv.Tick(end + 4.5)
	asked := 0
	for len(turns) == 1 && turns[0].Kind == TurnProbe {
		asked++
		if i, f := findPhrase(star.Normalize(turns[0].Text), facts); i >= 0 {
			t.Errorf("probe %q names %q, which the candidate never said", turns[0].Text, f)
		}
		reply, at := speak("I am not sure.", end+6)
		iv.Hear(reply)
		end = at
		turns = iv.Tick(end + 4.5)
	}
	if asked == 0 {
		t.Fatalf("no probe was asked: %+v", turns)
	}
}
