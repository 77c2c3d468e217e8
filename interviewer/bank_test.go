package interviewer

import (
	"strings"
	"testing"
)

func TestBankComplete(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Customer Obsession", "Ownership", "Invent and Simplify", "Are Right, A Lot", "Learn and Be Curious",
		"Hire and Develop the Best", "Insist on the Highest Standards", "Think Big", "Bias for Action", "Frugality",
		"Earn Trust", "Dive Deep", "Have Backbone; Disagree and Commit", "Deliver Results",
		"Strive to be Earth's Best Employer", "Success and Scale Bring Broad Responsibility"}
	if len(b.Principles) != 16 {
		t.Errorf("%d principles, want 16: %v", len(b.Principles), b.PrincipleNames())
	}
	for _, name := range want {
		p, ok := b.Principle(name)
		if !ok {
			t.Errorf("principle %q missing", name)
			continue
		}
		if len(p.Questions) < 3 {
			t.Errorf("%s: %d questions, want at least 3", name, len(p.Questions))
		}
		if len(p.Lens.GapPriority) == 0 || p.Lens.Emphasize == "" || p.Lens.Downplay == "" {
			t.Errorf("%s: lens incomplete: %+v", name, p.Lens)
		}
		for _, q := range p.Questions {
			if q.ID == "" || q.Text == "" || q.StrongAnswer == "" || q.Principle != p.Name {
				t.Errorf("%s: question incomplete: %+v", name, q.ID)
			}
			if len(q.Probes) < 4 {
				t.Errorf("%s: %d probes, want at least 4", q.ID, len(q.Probes))
			}
			for _, pr := range q.Probes {
				if pr.Text == "" || pr.Probes == "" || pr.Gap == "" || pr.Weak.Reply == "" || pr.Strong.Reply == "" || len(pr.WeakSignals) == 0 || len(pr.StrongSignals) == 0 {
					t.Errorf("%s: probe %s incomplete", q.ID, pr.ID)
				}
			}
		}
	}
	for _, g := range []Gap{GapQuantify, GapPersonal, GapScope, GapReflection, GapOutcome} {
		if _, ok := probeFor(b.Generic, g, nil); !ok {
			t.Errorf("no generic probe for gap %s", g)
		}
	}
	for _, id := range []string{"sde1", "sde2", "senior"} {
		if _, ok := b.Level(id); !ok {
			t.Errorf("level %s missing", id)
		}
	}
	seed, ok := b.Question("highest-standards-refused-to-ship")
	if !ok || !strings.Contains(seed.Text, "refused to ship") {
		t.Fatalf("the coaching material's own story is not in the bank")
	}
}

func TestPrincipleLookup(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ownership", "OWNERSHIP", "dive-deep", "Dive Deep", "have backbone", "are right a lot", "deliver-results"} {
		if _, ok := b.Principle(name); !ok {
			t.Errorf("Principle(%q) not found", name)
		}
	}
	if _, ok := b.Principle("teamwork"); ok {
		t.Error("Principle(teamwork) found")
	}
}

func TestChooseProbesFromGaps(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := b.Question("highest-standards-refused-to-ship")
	lvl, _ := b.Level("sde2")
	probes := b.ChooseProbes(q, []Gap{GapQuantify, GapPersonal}, lvl, 3)
	if len(probes) != 3 {
		t.Fatalf("%d probes", len(probes))
	}
	if probes[0].Gap != GapQuantify || probes[1].Gap != GapPersonal {
		t.Errorf("probes by gap: %s, %s; want quantify then personal", probes[0].Gap, probes[1].Gap)
	}
	seen := map[string]bool{}
	for _, p := range probes {
		if seen[p.ID] {
			t.Errorf("probe %s asked twice", p.ID)
		}
		seen[p.ID] = true
	}
	// A gap the question has no probe for falls back to the generic bank.
	noOutcome := &Question{ID: "x", Probes: q.Probes[:1]}
	got := b.ChooseProbes(noOutcome, []Gap{GapOutcome}, lvl, 2)
	if len(got) == 0 || got[0].Gap != GapOutcome || !strings.HasPrefix(got[0].ID, "generic-") {
		t.Errorf("outcome gap: %+v", got)
	}
}

func TestJudgeProbe(t *testing.T) {
	b, _ := LoadBank()
	q, _ := b.Question("highest-standards-refused-to-ship")
	byGap := map[Gap]Probe{}
	for _, p := range q.Probes {
		byGap[p.Gap] = p
	}
	tests := []struct {
		gap   Gap
		reply string
		want  string
	}{
		{GapQuantify, "I estimated based on gut feeling and told the team", "weak"},
		{GapQuantify, "I analyzed payment volume and failure rates and the delayed payments came to about eight thousand dollars a week", "strong"},
		{GapReflection, "I would communicate more with the team", "weak"},
		{GapReflection, "I would propose a shared webhook reliability target across teams earlier so that drops are visible", "strong"},
		{GapInfluence, "I did escalate it I sent them a slack message and they handled it", "weak"},
		{GapInfluence, "I flagged it to their tech lead but I brought a complete fix not just a problem report and I followed up on their feedback and coordinated the rollout", "strong"},
		{GapStandards, "ok", "weak"},
	}
	for _, tt := range tests {
		p, ok := byGap[tt.gap]
		if !ok {
			t.Fatalf("seed question has no %s probe", tt.gap)
		}
		if v := JudgeProbe(p, strings.Fields(tt.reply)); v.Rating != tt.want {
			t.Errorf("%s reply %q judged %s (%s), want %s", tt.gap, tt.reply, v.Rating, v.Reason, tt.want)
		}
	}
}

// TestReflectionProbesVary: the reflection probe that closes a question is
// worded for its question and principle, not one "What would you do
// differently?" for all: no wording closes more than two questions.
func TestReflectionProbesVary(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string][]string{}
	for _, p := range b.Principles {
		for _, q := range p.Questions {
			for _, pr := range q.Probes {
				if pr.Gap == GapReflection {
					uses[pr.Text] = append(uses[pr.Text], q.ID)
				}
			}
		}
	}
	if len(uses) < 40 {
		t.Errorf("%d reflection wordings in the bank; want one for nearly every question", len(uses))
	}
	for text, ids := range uses {
		if len(ids) > 2 {
			t.Errorf("%q closes %d questions: %v", text, len(ids), ids)
		}
	}
}
