package interviewer

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// The labeled probe replies of testdata/replies: train may be read to
// choose rules, test only scores them (see its README).
// heldout/ was written after the judge, blind to its rules; blind/ after
// its second round, blind to it and to every other split; both were
// measured once and then read as development data (docs/BENCHMARKS.md).
const (
	replyRoot     = "../testdata/replies"
	replyTrainDir = replyRoot + "/train"
	replyTestDir  = replyRoot + "/test"
)

// replyMinimum is the fewest records a gap has in both splits together;
// each split holds at least its share of it (train 60 %, test 40 %).
var replyMinimum = map[Gap]int{
	GapQuantify: 25, GapPersonal: 25, GapScope: 25, GapReflection: 25,
	GapOutcome: 25, GapInfluence: 25,
	GapDepth: 12, GapStandards: 12, GapTradeoff: 12,
}

func loadReplySplits(t *testing.T) (train, test []LabeledReply) {
	t.Helper()
	train, err := LoadReplies(replyTrainDir)
	if err != nil {
		t.Fatal(err)
	}
	test, err = LoadReplies(replyTestDir)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func TestReplyCorpusParses(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	train, test := loadReplySplits(t)
	for _, r := range append(append([]LabeledReply{}, train...), test...) {
		if _, ok := b.Principle(r.Principle); !ok {
			t.Errorf("%s: principle %q is not in the bank", r.File, r.Principle)
		}
		// A question without spaces is a bank id, and the bank's question
		// must have a probe of the record's gap.
		if !strings.Contains(r.Question, " ") {
			q, ok := b.Question(r.Question)
			if !ok {
				t.Errorf("%s: question id %q is not in the bank", r.File, r.Question)
				continue
			}
			has := false
			for _, p := range q.Probes {
				has = has || p.Gap == r.Gap
			}
			if !has {
				t.Errorf("%s: question %q has no %s probe", r.File, r.Question, r.Gap)
			}
		}
		if n := len(strings.Fields(r.Text)); n > 110 {
			t.Errorf("%s: reply of %d words; a probe reply is one to five sentences", r.File, n)
		}
	}
}

func TestReplyCorpusCounts(t *testing.T) {
	train, test := loadReplySplits(t)
	if n := len(train) + len(test); n < 300 {
		t.Errorf("%d records in all, want at least 300", n)
	}
	if share := float64(len(train)) / float64(len(train)+len(test)); share < 0.55 || share > 0.65 {
		t.Errorf("train holds %.0f %% of the records, want about 60 %%", 100*share)
	}
	type count struct{ train, test, strong int }
	per := map[Gap]*count{}
	for g := range replyMinimum {
		per[g] = &count{}
	}
	for _, r := range train {
		per[r.Gap].train++
		if r.Label == RatingStrong {
			per[r.Gap].strong++
		}
	}
	for _, r := range test {
		per[r.Gap].test++
		if r.Label == RatingStrong {
			per[r.Gap].strong++
		}
	}
	for g, min := range replyMinimum {
		c := per[g]
		if c.train+c.test < min {
			t.Errorf("%s: %d records, want at least %d", g, c.train+c.test, min)
		}
		if c.train*10 < min*6 || c.test*10 < min*4 {
			t.Errorf("%s: %d in train and %d in test, want at least %d and %d", g, c.train, c.test, (min*6+9)/10, (min*4+9)/10)
		}
		if share := float64(c.strong) / float64(c.train+c.test); share < 0.35 || share > 0.65 {
			t.Errorf("%s: %.0f %% strong, want 35-65 %%", g, 100*share)
		}
	}
	for _, split := range [][]LabeledReply{train, test} {
		strong := map[Gap]int{}
		all := map[Gap]int{}
		for _, r := range split {
			all[r.Gap]++
			if r.Label == RatingStrong {
				strong[r.Gap]++
			}
		}
		for g, n := range all {
			if share := float64(strong[g]) / float64(n); share < 0.35 || share > 0.65 {
				t.Errorf("%s in %s: %.0f %% strong, want 35-65 %%", g, filepath.Dir(split[0].File), 100*share)
			}
		}
	}
}

// normalizedReply is a reply as compared across splits: lowercase, no
// punctuation, single spaces.
func normalizedReply(text string) string {
	var words []string
	for _, f := range strings.Fields(text) {
		words = append(words, star.Normalize(f)...)
	}
	return strings.Join(words, " ")
}

// shingles are a reply's runs of four words.
func shingles(text string) map[string]bool {
	w := strings.Fields(normalizedReply(text))
	out := map[string]bool{}
	for i := 0; i+4 <= len(w); i++ {
		out[strings.Join(w[i:i+4], " ")] = true
	}
	return out
}

func TestReplyCorpusSplitsDisjoint(t *testing.T) {
	train, test := loadReplySplits(t)
	seen := map[string]string{}
	for _, r := range train {
		k := normalizedReply(r.Text)
		if f, dup := seen[k]; dup {
			t.Errorf("%s repeats the reply of %s", r.File, f)
		}
		seen[k] = r.File
	}
	inTest := map[string]string{}
	for _, r := range test {
		k := normalizedReply(r.Text)
		if f, dup := seen[k]; dup {
			t.Errorf("%s: the same reply is in train (%s)", r.File, f)
		}
		if f, dup := inTest[k]; dup {
			t.Errorf("%s repeats the reply of %s", r.File, f)
		}
		inTest[k] = r.File
	}
	// Near-duplicates: a test reply sharing half its four-word runs with a
	// train reply is the same reply reworded too little.
	trainSh := make([]map[string]bool, len(train))
	for i, r := range train {
		trainSh[i] = shingles(r.Text)
	}
	for _, r := range test {
		sh := shingles(r.Text)
		if len(sh) == 0 {
			continue
		}
		for i, o := range trainSh {
			common := 0
			for s := range sh {
				if o[s] {
					common++
				}
			}
			small := min(len(sh), len(o))
			if small > 0 && common*2 >= small {
				t.Errorf("%s is close to the train reply %s (%d of %d four-word runs shared)", r.File, train[i].File, common, small)
			}
		}
	}
}

func TestReplyCorpusRejectsBadRecords(t *testing.T) {
	good := "# principle: Ownership\n# question: ownership-outside-your-team\n# probe: What was the impact, in numbers?\n# label: strong\n# pattern: number-measured\nI pulled the error counts before and after, from four hundred a day to none.\n"
	tests := []struct {
		name, file, body, want string
	}{
		{"good", "quantify.txt", good + "---\n" + good + "---\n", ""},
		{"unknown gap", "numbers.txt", good, `"numbers" is not a known gap`},
		{"bad label", "quantify.txt", strings.Replace(good, "label: strong", "label: maybe", 1), `quantify.txt:1: label "maybe"`},
		{"empty reply", "quantify.txt", good + "---\n" + strings.SplitAfter(good, "number-measured\n")[0] + "\n---\n", `quantify.txt:8: record has an empty reply`},
		{"missing header", "quantify.txt", strings.Replace(good, "# probe: What was the impact, in numbers?\n", "", 1), `quantify.txt:1: record has no "probe" header`},
		{"empty header", "quantify.txt", strings.Replace(good, "# pattern: number-measured", "# pattern:", 1), `record has no "pattern" header`},
		{"unknown header", "quantify.txt", "# speaker: me\n" + good, `quantify.txt:1: unknown header "speaker"`},
		{"header twice", "quantify.txt", strings.Replace(good, "# label: strong\n", "# label: strong\n# label: weak\n", 1), `quantify.txt:5: header "label" given twice`},
		{"header after text", "quantify.txt", good + "# label: weak\n", `quantify.txt:7: header line after the reply's text`},
		{"not key value", "quantify.txt", "# principle Ownership\n" + good, `quantify.txt:1: header "# principle Ownership"`},
		{"no records", "quantify.txt", "\n---\n\n", "no records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := LoadReplies(dir)
			if tt.want == "" {
				if err != nil || len(got) != 2 {
					t.Fatalf("got %d records, error %v; want 2 and no error", len(got), err)
				}
				if got[1].Gap != GapQuantify || got[1].Label != RatingStrong || got[1].Pattern != "number-measured" ||
					!strings.HasPrefix(got[1].Text, "I pulled") || !strings.HasSuffix(got[1].File, "quantify.txt:8") {
					t.Errorf("second record read as %+v", got[1])
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := LoadReplies(t.TempDir()); err == nil {
		t.Error("an empty folder read without error")
	}
}

// replyProbe is the bank probe a record was asked: the question's probe of
// that gap with the same words, else the question's first of that gap, else
// the generic probe with the same words, else the first generic of the gap.
func replyProbe(b *Bank, r LabeledReply) Probe {
	same := func(p Probe) bool { return normalizedReply(p.Text) == normalizedReply(r.Probe) }
	if q, ok := b.Question(r.Question); ok {
		for _, p := range q.Probes {
			if p.Gap == r.Gap && same(p) {
				return p
			}
		}
		for _, p := range q.Probes {
			if p.Gap == r.Gap {
				return p
			}
		}
	}
	for _, p := range b.Generic {
		if p.Gap == r.Gap && same(p) {
			return p
		}
	}
	for _, p := range b.Generic {
		if p.Gap == r.Gap {
			return p
		}
	}
	return Probe{Gap: r.Gap}
}

// replyScore counts how a judge did on some labeled replies.
type replyScore struct{ n, right, weakPassed, weak, strongFailed, strong int }

func (s *replyScore) accuracy() float64 { return float64(s.right) / float64(s.n) }

func (s *replyScore) String() string {
	return fmt.Sprintf("accuracy %.2f (%3d/%3d)  weak judged strong %2d/%2d  strong judged weak %2d/%2d",
		s.accuracy(), s.right, s.n, s.weakPassed, s.weak, s.strongFailed, s.strong)
}

// scoreReplies judges every record with JudgeProbe and scores it, per gap
// and over all.
func scoreReplies(b *Bank, recs []LabeledReply) (map[Gap]*replyScore, *replyScore) {
	per := map[Gap]*replyScore{}
	all := &replyScore{}
	for _, r := range recs {
		v := JudgeProbe(replyProbe(b, r), strings.Fields(r.Text))
		s := per[r.Gap]
		if s == nil {
			s = &replyScore{}
			per[r.Gap] = s
		}
		for _, s := range []*replyScore{s, all} {
			s.n++
			if v.Rating == r.Label {
				s.right++
			}
			if r.Label == RatingWeak {
				s.weak++
				if v.Rating == RatingStrong {
					s.weakPassed++
				}
			} else {
				s.strong++
				if v.Rating != RatingStrong {
					s.strongFailed++
				}
			}
		}
	}
	return per, all
}

// replyAccuracyFloor is, per split and gap ("" for all), the accuracy
// JudgeProbe must keep: the figure measured when the rules were last
// changed (docs/BENCHMARKS.md, "Probe replies"), less one more miss. Raise
// it when the judge improves; lower it only with a reason in the commit.
var replyAccuracyFloor = map[string]map[Gap]float64{
	"train": {
		"": 0.99, GapQuantify: 0.97, GapPersonal: 0.96, GapScope: 0.96, GapReflection: 0.97,
		GapOutcome: 0.96, GapDepth: 0.94, GapInfluence: 0.96, GapStandards: 0.94, GapTradeoff: 0.94,
	},
	"test": {
		"": 0.99, GapQuantify: 0.94, GapPersonal: 0.93, GapScope: 0.92, GapReflection: 0.95,
		GapOutcome: 0.94, GapDepth: 0.90, GapInfluence: 0.93, GapStandards: 0.90, GapTradeoff: 0.90,
	},
	// heldout and blind were each measured once (heldout 0.89, blind 0.83
	// over all, in docs/BENCHMARKS.md) and then read as development data:
	// these are "after" floors, no longer held-out figures.
	"heldout": {
		"": 0.99, GapQuantify: 0.92, GapPersonal: 0.92, GapScope: 0.92, GapReflection: 0.92,
		GapOutcome: 0.92, GapDepth: 0.92, GapInfluence: 0.92, GapStandards: 0.92, GapTradeoff: 0.92,
	},
	"blind": {
		"": 0.99, GapQuantify: 0.92, GapPersonal: 0.92, GapScope: 0.92, GapReflection: 0.92,
		GapOutcome: 0.92, GapDepth: 0.92, GapInfluence: 0.92, GapStandards: 0.92, GapTradeoff: 0.92,
	},
	// blind2, written blind to the judge and measured once, 2026-12-07
	// 22:00: 0.96 over all (138/144), no gap under 0.88. Its floor is that
	// figure less one more miss per gap; it is held out still, so a rule
	// is never to be chosen from it.
	"blind2": {
		"": 0.95, GapQuantify: 0.87, GapPersonal: 0.81, GapScope: 0.93, GapReflection: 0.93,
		GapOutcome: 0.87, GapDepth: 0.87, GapInfluence: 0.87, GapStandards: 0.93, GapTradeoff: 0.93,
	},
	// A later blind split (blind3, ...) gets its entry after its one
	// measurement; until then TestReplyJudgeAccuracy only logs it.
}

// replySplits are the splits TestReplyJudgeAccuracy scores, in order:
// the four that must be there, then any later blind split
// (testdata/replies/blind2, ...) once its folder exists. A split with no
// entry in replyAccuracyFloor is scored and logged but held to no floor
// until its one measurement is recorded.
func replySplits(t *testing.T) []replySplit {
	t.Helper()
	out := []replySplit{}
	for _, name := range []string{"train", "test", "heldout", "blind"} {
		recs, err := LoadReplies(filepath.Join(replyRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, replySplit{name, recs})
	}
	later, _ := filepath.Glob(filepath.Join(replyRoot, "blind[0-9]*"))
	sort.Strings(later)
	for _, dir := range later {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		recs, err := LoadReplies(dir)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, replySplit{filepath.Base(dir), recs})
	}
	return out
}

type replySplit struct {
	name string
	recs []LabeledReply
}

// TestReplyJudgeAccuracy scores JudgeProbe on the labeled replies, per gap
// and split (-v logs the figures), and fails when a figure falls below its
// floor. Issue 29's targets: 0.90 over all, no gap below 0.80.
func TestReplyJudgeAccuracy(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	for _, split := range replySplits(t) {
		per, all := scoreReplies(b, split.recs)
		floor, held := replyAccuracyFloor[split.name]
		if !held {
			t.Logf("%s has no floor yet: its figures are logged, not checked", split.name)
		}
		var gaps []string
		for g := range per {
			gaps = append(gaps, string(g))
		}
		sort.Strings(gaps)
		for _, g := range gaps {
			s := per[Gap(g)]
			t.Logf("%-10s %-7s %v", g, split.name, s)
			if held && s.accuracy() < floor[Gap(g)] {
				t.Errorf("%s on %s: accuracy %.3f, below its floor %.2f", g, split.name, s.accuracy(), floor[Gap(g)])
			}
		}
		t.Logf("%-10s %-7s %v", "all", split.name, all)
		if held && all.accuracy() < floor[""] {
			t.Errorf("all gaps on %s: accuracy %.3f, below its floor %.2f", split.name, all.accuracy(), floor[""])
		}
	}
}

var listReplyMisses = flag.Bool("list-reply-misses", false, "TestReplyJudgeMisses: list the labeled replies the judge gets wrong")

// TestReplyJudgeMisses lists, per split, the replies the judge gets wrong,
// to work on the rules: `go test ./interviewer -run
// 'TestReplyJudgeMisses/heldout' -v -list-reply-misses` (one split). It is
// a listing, not a check, so it runs only when asked. Do not list a blind
// split before that split's one measurement is recorded, nor a held-out
// one after.
func TestReplyJudgeMisses(t *testing.T) {
	if !*listReplyMisses {
		t.Skip("a listing: run with -list-reply-misses")
	}
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	for _, split := range replySplits(t) {
		t.Run(split.name, func(t *testing.T) {
			for _, r := range split.recs {
				v := JudgeProbe(replyProbe(b, r), strings.Fields(r.Text))
				if v.Rating != r.Label {
					t.Logf("%s %s/%s judged %s: %s\n    %s", r.File, r.Label, r.Pattern, v.Rating, v.Reason, r.Text)
				}
			}
		})
	}
}
