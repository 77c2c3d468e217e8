package interviewer

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

const verdictDir = "../testdata/verdicts"

// quoted finds the words a labeled answer's reasons quote.
var quoted = regexp.MustCompile(`"([^"]+)"`)

// plainWords is text lowercased, without punctuation, one space apart.
func plainWords(text string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ")
}

func loadVerdictSplits(t *testing.T) map[string][]LabeledVerdict {
	t.Helper()
	out := map[string][]LabeledVerdict{}
	for _, split := range verdictSplits() {
		v, err := LoadVerdicts(filepath.Join(verdictDir, split))
		if err != nil {
			t.Fatal(err)
		}
		out[split] = v
	}
	return out
}

// verdictSplits are train, then each held-out split whose folder exists
// (blind5, ...): written blind to the verdict, only ever counted,
// held to no floor until its one measurement is recorded
// (testdata/verdicts/README.md, "Split rule").
func verdictSplits() []string {
	out := []string{"train"}
	later, _ := filepath.Glob(filepath.Join(verdictDir, "blind[0-9]*"))
	slices.Sort(later)
	for _, dir := range later {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			out = append(out, filepath.Base(dir))
		}
	}
	return out
}

// TestVerdictCorpus: the labeled verdict set parses, is as large as the
// issue asks, has every step of the scale and every principle in each
// split, and asks only questions the bank has.
func TestVerdictCorpus(t *testing.T) {
	bank, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	splits := loadVerdictSplits(t)
	minimum := map[string]int{"train": 100, "blind5": 20, "blind6": 20, "blind7": 20, "blind8": 20, "blind9": 20}
	total := 0
	for _, split := range verdictSplits() {
		answers := splits[split]
		total += len(answers)
		if len(answers) < minimum[split] {
			t.Errorf("%s: %d answers, want at least %d", split, len(answers), minimum[split])
		}
		steps := map[string]int{}
		principles := map[string]int{}
		for _, v := range answers {
			steps[v.Verdict]++
			q, ok := bank.Question(v.QuestionID)
			if !ok {
				t.Errorf("%s/%s: question %q is not in the bank", split, v.Name, v.QuestionID)
				continue
			}
			p := bank.PrincipleOf(q)
			if p == nil || p.Name != v.Principle {
				t.Errorf("%s/%s: principle %q, but question %s belongs to %q", split, v.Name, v.Principle, q.ID, q.Principle)
				continue
			}
			principles[p.Name]++
			if !strings.HasPrefix(v.Name, p.Slug+"-") {
				t.Errorf("%s/%s: file name should start with the principle's slug %q", split, v.Name, p.Slug)
			}
			if v.Why == "" || len(v.Traits) == 0 {
				t.Errorf("%s/%s: no reasons or no traits", split, v.Name)
			}
			unanswered := slices.ContainsFunc(v.Probes, func(p LabeledProbe) bool { return !p.Answered() })
			if unanswered != v.HasTrait("unanswered-probes") {
				t.Errorf("%s/%s: an unanswered probe %v, trait unanswered-probes %v", split, v.Name, unanswered, v.HasTrait("unanswered-probes"))
			}
			// Words the reasons quote are words of the answer or its replies.
			said := plainWords(v.Transcript())
			for _, pr := range v.Probes {
				said += " " + plainWords(pr.Reply)
			}
			for _, m := range quoted.FindAllStringSubmatch(v.Why, -1) {
				if !strings.Contains(" "+said+" ", " "+plainWords(m[1])+" ") {
					t.Errorf("%s/%s: the reasons quote %q, which the answer does not say", split, v.Name, m[1])
				}
			}
			for _, s := range v.Spans {
				if s.Label == SpanOther && !v.HasTrait("off-topic") && !v.HasTrait("hypothetical") {
					t.Errorf("%s/%s: an [other] span in an answer that is neither off-topic nor hypothetical", split, v.Name)
				}
			}
		}
		for _, s := range VerdictSteps {
			if steps[s] == 0 {
				t.Errorf("%s: no answer labeled %s", split, s)
			}
		}
		for _, name := range bank.PrincipleNames() {
			if principles[name] == 0 {
				t.Errorf("%s: no answer for %s", split, name)
			}
		}
		t.Logf("%s: %d answers; %d %s, %d %s, %d %s, %d %s", split, len(answers),
			steps[VerdictStrongHire], VerdictStrongHire, steps[VerdictLeaningHire], VerdictLeaningHire,
			steps[VerdictLeaningNoHire], VerdictLeaningNoHire, steps[VerdictNoHire], VerdictNoHire)
	}
	if total < 60 {
		t.Errorf("%d answers in all, want at least 60", total)
	}
	// The splits tell different stories: no file name in two.
	seen := map[string]string{}
	for _, split := range verdictSplits() {
		for _, v := range splits[split] {
			if other, ok := seen[v.Name]; ok {
				t.Errorf("%s is in %s and %s", v.Name, other, split)
			}
			seen[v.Name] = split
		}
	}
}

// TestLoadVerdictsRejects: a malformed file is refused with its name and
// line.
func TestLoadVerdictsRejects(t *testing.T) {
	const head = "# principle: Ownership\n# question: ownership-nobody-owned\n# level: sde2\n# verdict: Leaning Hire\n# traits: standard\n# why: fine\n"
	const body = "[situation] so our nightly export kept failing\n[action] I fixed it\n"
	good := head + body + "[probe quantify] How much did it help?\n[reply] it went from four failures a week to none\n"
	if _, err := ParseVerdict("good.txt", good); err != nil {
		t.Fatalf("a good file: %v", err)
	}
	v, err := ParseVerdict("unanswered.txt", head+body+"[probe scope] Whose job was it?\n[reply]\n")
	if err != nil || len(v.Probes) != 1 || v.Probes[0].Answered() || v.Probes[0].Gap != GapScope {
		t.Fatalf("an unanswered probe: %+v, %v", v.Probes, err)
	}
	tests := []struct {
		name, text, want string
	}{
		{"verdict", strings.Replace(good, "Leaning Hire", "Hire", 1), "verdict.txt:4: verdict \"Hire\""},
		{"level", strings.Replace(good, "sde2", "staff", 1), "level.txt:3: level \"staff\""},
		{"trait", strings.Replace(good, "standard", "standard, brilliant", 1), "trait.txt:5: unknown trait \"brilliant\""},
		{"header", strings.Replace(good, "# why:", "# reason:", 1), "header.txt:6: unknown header \"reason\""},
		{"twice", "# level: sde1\n" + good, "twice.txt:4: header \"level\" given twice"},
		{"missing", strings.Replace(good, "# question: ownership-nobody-owned\n", "", 1), "missing.txt: missing header \"question\""},
		{"tag", strings.Replace(good, "[action]", "[actions]", 1), "tag.txt:8: unknown tag [actions]"},
		{"gap", strings.Replace(good, "[probe quantify]", "[probe numbers]", 1), "gap.txt:9: probe gap \"numbers\""},
		{"no reply", head + body + "[probe quantify] How much?\n", "no reply.txt:9: the last probe has no [reply]"},
		{"reply first", head + body + "[reply] it went well\n", "reply first.txt:9: [reply] with no [probe"},
		{"two probes", head + body + "[probe quantify] How much?\n[probe scope] Whose?\n[reply] mine\n", "two probes.txt:10: [probe scope] before the previous probe's [reply]"},
		{"span after", good + "[result] and it worked\n", "span after.txt:11: [result] span after the probes"},
		{"empty span", strings.Replace(good, "I fixed it", "", 1), "empty span.txt:8: empty [action] span"},
		{"prose", good + "and then some loose text\n", "prose.txt:11: line is neither"},
		{"header late", head + body + "# note: late\n", "header late.txt:9: header line after the answer began"},
		{"no spans", head, "no spans.txt: no answer spans"},
		{"four probes", head + body + strings.Repeat("[probe depth] Why?\n[reply] because of the lock order\n", 4), "four probes.txt:15: more than three probes"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		_, err := ParseVerdict(tt.name+".txt", tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
		// LoadVerdicts gives the same error, with the file's path.
		sub := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "a.txt"), []byte(good), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "b.txt"), []byte(tt.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = LoadVerdicts(sub)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(sub, "b.txt")) {
			t.Errorf("%s: LoadVerdicts error %v, want one naming %s", tt.name, err, filepath.Join(sub, "b.txt"))
		}
	}
	if _, err := LoadVerdicts(t.TempDir()); err == nil {
		t.Error("an empty directory loaded without error")
	}
	for _, tt := range []struct {
		decision string
		step     int
	}{{"Strong Hire", 3}, {"Hire", 2}, {"Leaning Hire", 2}, {"Leaning No Hire", 1}, {"No Hire", 0}} {
		if s, ok := VerdictStep(tt.decision); !ok || s != tt.step {
			t.Errorf("VerdictStep(%q) = %d, %v; want %d", tt.decision, s, ok, tt.step)
		}
	}
	if _, ok := VerdictStep("Maybe"); ok {
		t.Error("VerdictStep accepts \"Maybe\"")
	}
}

// verdictFloor is the agreement the calibrated verdict must keep on each
// split: what it reached when it was written (docs/BENCHMARKS.md,
// "Verdict"), less a small margin, so that a change that costs an answer
// or two more than that fails here.
var verdictFloor = map[string]struct{ exact, within float64 }{
	// train, 177 answers since the 2026-12-07 and -08 refits (the first
	// test and blind splits, blind2 to blind4, each measured once, then
	// read and folded in), with the upper cuts tuned for the whole
	// verdict: exact 154/177, within one 172/177; the floor is about
	// three answers less of each.
	"train": {0.85, 0.96},
	// blind5, measured once 2026-12-08 00:25 (26/40, 37/40); with the
	// tuned cuts exact 29/40, within one 37/40. The floor is one answer
	// less of each.
	"blind5": {0.70, 0.90},
	// blind6, measured once 2026-12-08 01:03 (21/32, 31/32); with the
	// tuned cuts exact 22/32, within one 31/32. One answer less of each.
	"blind6": {0.65, 0.93},
	// blind7, measured once 2026-12-08 02:05, with the tuned cuts: exact
	// 25/32, within one 31/32. One answer less of each.
	"blind7": {0.75, 0.93},
	// blind8, measured once 2026-12-08 02:05, with the tuned cuts: exact
	// 23/32, within one 31/32. One answer less of each.
	"blind8": {0.68, 0.93},
	// blind9, written while blind7 and blind8's figures were being
	// recorded and measured once 2026-12-08 03:11: exact 23/32, within
	// one 32/32. One answer less of each.
	"blind9": {0.68, 0.96},
}

// verdictTools are the question bank and the analyzer the verdict tests
// judge labeled answers with.
func verdictTools(t *testing.T) (*Bank, *Analyzer) {
	t.Helper()
	bank, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	analyzer, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	return bank, analyzer
}

// TestVerdictAgreement measures the hiring verdict against the labels: the
// typed answer through the analyzer, each labeled reply through
// JudgeProbe (an empty one is unanswered, as the interview rates it), then
// the verdict. It logs each training answer's call; a test answer is only
// counted, never shown one by one, so that no rule is chosen from it
// (testdata/verdicts/README.md, "Split rule").
func TestVerdictAgreement(t *testing.T) {
	bank, analyzer := verdictTools(t)
	splits := loadVerdictSplits(t)
	for _, split := range verdictSplits() {
		answers := splits[split]
		exact, within := 0, 0
		var confusion [4][4]int        // [label][verdict]
		byTrait := map[string][2]int{} // answers and exact agreements
		for _, v := range answers {
			decision, err := todaysVerdict(bank, analyzer, v)
			if err != nil {
				t.Fatalf("%s/%s: %v", split, v.Name, err)
			}
			got, ok := VerdictStep(decision)
			if !ok {
				t.Fatalf("%s/%s: decision %q is not on the scale", split, v.Name, decision)
			}
			want := v.Step()
			confusion[want][got]++
			if got == want {
				exact++
			}
			if got-want <= 1 && want-got <= 1 {
				within++
			}
			for _, tr := range v.Traits {
				c := byTrait[tr]
				c[0]++
				if got == want {
					c[1]++
				}
				byTrait[tr] = c
			}
			if split == "train" {
				t.Logf("%s/%-32s label %-16s verdict %-16s %s", split, v.Name, v.Verdict, decision, strings.Join(v.Traits, ","))
			}
		}
		n := float64(len(answers))
		t.Logf("%s: exact %d/%d = %.2f, within one step %d/%d = %.2f", split, exact, len(answers), float64(exact)/n, within, len(answers), float64(within)/n)
		floor, ok := verdictFloor[split]
		if !ok {
			t.Logf("%s has no floor yet: its figures are logged, not checked", split)
		} else if float64(exact)/n < floor.exact || float64(within)/n < floor.within {
			t.Errorf("%s: exact %.2f, within one %.2f; want at least %.2f and %.2f", split, float64(exact)/n, float64(within)/n, floor.exact, floor.within)
		}
		if split != "train" {
			continue
		}
		var rows []string
		for i, row := range confusion {
			rows = append(rows, fmt.Sprintf("%s: %v", VerdictSteps[i], row))
		}
		var traits []string
		for _, tr := range VerdictTraits {
			if c, ok := byTrait[tr]; ok {
				traits = append(traits, fmt.Sprintf("%s %d/%d", tr, c[1], c[0]))
			}
		}
		t.Logf("%s: exact agreement by trait: %s", split, strings.Join(traits, ", "))
		t.Logf("%s: rows are labels, columns verdicts (No Hire, Leaning No Hire, Leaning Hire, Strong Hire): %s", split, strings.Join(rows, "; "))
	}
}

// todaysVerdict is the interviewer's decision for a labeled answer.
func todaysVerdict(bank *Bank, analyzer *Analyzer, v LabeledVerdict) (string, error) {
	r, err := judgeLabeled(bank, analyzer, v)
	if err != nil {
		return "", err
	}
	return r.Verdict.Decision, nil
}

// judgeLabeled is the interview's report of a labeled answer: the typed
// answer through the analyzer and the principle's findings, each reply
// through JudgeProbe (an empty one unanswered), then the hiring verdict.
func judgeLabeled(bank *Bank, analyzer *Analyzer, v LabeledVerdict) (*InterviewReport, error) {
	q, ok := bank.Question(v.QuestionID)
	if !ok {
		return nil, fmt.Errorf("question %q not in the bank", v.QuestionID)
	}
	profile, err := LookupProfile(v.Level)
	if err != nil {
		return nil, err
	}
	r := analyzer.Analyze(TextAnswer(v.Transcript()), profile)
	addPrincipleFindings(&r, bank.PrincipleOf(q))
	out := &InterviewReport{Report: r, Mode: ModeInterview, QuestionID: q.ID, Question: q.Text, Principle: q.Principle, Probes: []ProbeExchange{}}
	out.Level = profile.Name
	for _, lp := range v.Probes {
		p := bankProbe(bank, q, lp)
		verdict := Verdict{RatingUnanswered, "No reply was heard before the probe ended, so it was not scored."}
		if lp.Answered() {
			verdict = JudgeProbe(p, strings.Fields(lp.Reply))
		}
		out.Probes = append(out.Probes, ProbeExchange{ID: p.ID, Gap: p.Gap, Probes: p.Probes, Asked: lp.Text, Answer: lp.Reply, Verdict: &verdict})
	}
	out.Verdict = hiringVerdict(out, bank.PrincipleOf(q))
	return out, nil
}

// bankProbe is the bank's probe a labeled one stands for: the question's
// or a generic probe with the same text, else the question's first probe
// for the gap, else the first generic one, else a bare probe of that gap.
func bankProbe(bank *Bank, q *Question, lp LabeledProbe) Probe {
	all := append(slices.Clone(q.Probes), bank.Generic...)
	for _, p := range all {
		if strings.EqualFold(strings.TrimSpace(p.Text), lp.Text) {
			return p
		}
	}
	for _, p := range all {
		if p.Gap == lp.Gap {
			return p
		}
	}
	return Probe{ID: "labeled-" + string(lp.Gap), Text: lp.Text, Gap: lp.Gap, Probes: string(lp.Gap)}
}
