package interviewer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
)

func TestMarkFillers(t *testing.T) {
	tests := []struct {
		text string
		want string // the filler phrases found, in order
	}{
		{"um so i uh pulled the logs", "um,uh"},
		{"it was like ten percent you know", "like,you know"},
		{"i'd like to say it looks like a race", ""},
		{"a tool like this", ""},
		{"what kind of bug was it", ""},
		{"it was kind of slow and sort of broken", "kind of,sort of"},
		{"i mean the team was basically done so yeah", "i mean,basically,so yeah"},
		{"do you know what happened", ""},
		{"what i mean is simple", ""},
	}
	for _, tt := range tests {
		_, phrases := MarkFillers(strings.Fields(tt.text))
		var got []string
		for _, p := range phrases {
			if p != "" {
				got = append(got, p)
			}
		}
		if g := strings.Join(got, ","); g != tt.want {
			t.Errorf("MarkFillers(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}

func TestSpeakingTime(t *testing.T) {
	words := []transcribe.Word{{Text: "a", Start: 0, End: 1}, {Text: "b", Start: 1, End: 3}, {Text: "c", Start: 5, End: 6}}
	speech := []Span{{0.5, 1.5}, {2.5, 5.5}}
	// a: 0.5-1 (0.5), b: 1-1.5 and 2.5-3 (1.0), c: 5-5.5 (0.5)
	if got := speakingTime(words, speech); got != 2 {
		t.Fatalf("speakingTime = %v, want 2", got)
	}
}

// TestPartSpeakingTime times two parts, the second with a pause inside it
// and a word the engine stretched over part of that pause: a part's
// speaking time is its words clipped to the speech heard, not its span on
// the clock, and its pace is words per minute of that speaking time.
func TestPartSpeakingTime(t *testing.T) {
	ans := Answer{
		Words: []transcribe.Word{
			{Text: "we", Start: 0, End: 0.5}, {Text: "shipped", Start: 0.5, End: 1},
			{Text: "i", Start: 1.5, End: 2}, {Text: "rewrote", Start: 2, End: 3.5}, // speech stops at 2.5
			{Text: "the", Start: 5.5, End: 6}, {Text: "cache", Start: 6, End: 6.5},
		},
		Speech: []Span{{0, 1}, {1.5, 2.5}, {5.5, 6.5}},
	}
	labels := []star.Label{star.Situation, star.Situation, star.Action, star.Action, star.Action, star.Action}
	r := report(ans, labels, Profiles()["sde2"])
	want := []struct {
		label                   star.Label
		duration, speaking, wpm float64
	}{
		{star.Situation, 1.5, 1, 120}, // 2 words in 1 s of speech; the part runs to the action's first word
		{star.Action, 5, 2, 120},      // 4 words in 2 s of speech over 5 s on the clock
	}
	if len(r.Parts) != len(want) {
		t.Fatalf("parts %+v; want %d", r.Parts, len(want))
	}
	for i, w := range want {
		p := r.Parts[i]
		if p.Label != w.label || p.Duration != w.duration || p.Speaking != w.speaking || p.WPM != w.wpm {
			t.Errorf("part %d: %s, %v s, speaking %v s, %v wpm; want %s, %v s, speaking %v s, %v wpm",
				i, p.Label, p.Duration, p.Speaking, p.WPM, w.label, w.duration, w.speaking, w.wpm)
		}
		if lt := r.Timing[w.label.Index()]; lt.Speaking != w.speaking {
			t.Errorf("%s timing: speaking %v s; want %v", w.label, lt.Speaking, w.speaking)
		}
	}
	// The whole answer: 6 words in 3 s of speech, over 6.5 s on the clock.
	if p := r.Pacing; p.Speaking != 3 || p.WPMSpeaking != 120 || p.WPM != 55.4 {
		t.Errorf("pacing: speaking %v s, %v wpm speaking, %v wpm; want 3 s, 120, 55.4", p.Speaking, p.WPMSpeaking, p.WPM)
	}
}

func TestPartStatus(t *testing.T) {
	tests := []struct {
		d, target float64
		words     int
		want      Status
	}{
		{30, 30, 70, StatusOK}, {40, 30, 90, StatusOver}, {37, 30, 90, StatusOK},
		{10, 30, 20, StatusUnder}, {0, 30, 0, StatusMissing},
	}
	for _, tt := range tests {
		if got := PartStatus(tt.d, tt.target, tt.words); got != tt.want {
			t.Errorf("PartStatus(%v, %v, %d) = %s, want %s", tt.d, tt.target, tt.words, got, tt.want)
		}
	}
}

func TestProfiles(t *testing.T) {
	p := Profiles()
	if b := p["sde2"].Budget(); b != 175 {
		t.Errorf("sde2 budget %v, want the coaching material's 175 s", b)
	}
	if b := p["sde1"].Budget(); b < 115 || b > 125 {
		t.Errorf("sde1 budget %v, want about two minutes", b)
	}
	if b := p["senior"].Budget(); b < 150 || b > 180 {
		t.Errorf("senior budget %v, want 2.5 to 3 minutes", b)
	}
	good := `{"name":"coach","targets":{"situation":20,"task":15,"action":80,"result":25,"reflection":10}}`
	c, err := ParseProfile([]byte(good))
	if err != nil || c.Budget() != 150 || c.BudgetMax <= c.BudgetMin {
		t.Fatalf("ParseProfile(good) = %+v, %v", c, err)
	}
	for _, bad := range []string{`{`, `{"targets":{"situation":20}}`, `{"targets":{"situation":20,"task":15,"action":80,"result":25,"reflection":10,"intro":5}}`} {
		if _, err := ParseProfile([]byte(bad)); err == nil {
			t.Errorf("ParseProfile(%s) accepted", bad)
		}
	}
}

// span is one labeled run of a test answer's words.
func span(l star.Label, text string) star.LabeledSpan { return star.LabeledSpan{Label: l, Text: text} }

// timedAnswer speaks labeled spans at 150 words a minute with a pause of
// 0.6 s between spans, and returns the gold label of each word.
func timedAnswer(spans ...star.LabeledSpan) (Answer, []star.Label) {
	var a Answer
	var labels []star.Label
	t := 0.5
	for _, s := range spans {
		for _, w := range strings.Fields(s.Text) {
			a.Words = append(a.Words, transcribe.Word{Text: w, Start: t, End: t + 0.35, Confidence: 0.9})
			labels = append(labels, s.Label)
			t += 0.4
		}
		t += 0.6
	}
	a.Duration = t + 0.5
	return a, labels
}

// flags reports whether the sde2 report of the timed spans has a finding
// with the code.
func flags(code string, spans ...star.LabeledSpan) bool {
	ans, labels := timedAnswer(spans...)
	_, ok := codes(report(ans, labels, Profiles()["sde2"]))[code]
	return ok
}

func codes(r Report) map[string]Finding {
	m := map[string]Finding{}
	for _, f := range r.Feedback {
		m[f.Code] = f
	}
	return m
}

func TestFeedbackWeakAnswer(t *testing.T) {
	ans, labels := timedAnswer(
		span(star.Situation, "so our checkout service was timing out for some users"),
		span(star.Task, "my manager asked me to look into it since i had bandwidth"),
		span(star.Action, "we looked at the dashboards and we talked to the other team and we figured out the root cause together and then we fixed it"),
		span(star.Result, "things got a lot better and the team was happy"),
		span(star.Reflection, "i learned that communication is important"),
	)
	r := report(ans, labels, Profiles()["sde2"])
	got := codes(r)
	for _, want := range []string{"task_assigned", "action_we", "result_no_number", "result_no_business_impact", "result_no_second_order", "reflection_generic", "answer_short"} {
		if _, ok := got[want]; !ok {
			t.Errorf("weak answer: no %s finding; got %v", want, r.Feedback)
		}
	}
	if r.Ownership.ActionWe != 4 || r.Ownership.ActionI != 0 {
		t.Errorf("ownership %+v, want we 4, I 0", r.Ownership)
	}
	if r.Feedback[0].Severity != SeverityHigh {
		t.Errorf("findings not sorted by severity: %v", r.Feedback)
	}
}

func TestFeedbackStrongAnswer(t *testing.T) {
	ans, labels := timedAnswer(
		span(star.Situation, "while i was on the growth team i noticed our signup emails were bouncing for about four percent of new users which cost us roughly twelve thousand dollars a month"),
		span(star.Task, "the email service belonged to the platform team not mine and nobody had asked me to look at it"),
		span(star.Action, "i pulled the bounce logs and grouped them by domain and i found that one provider rejected our sender record so i wrote a fix for the dns record and i added a bounce rate alert and i sent the platform team a ready pull request and i walked their lead through it"),
		span(star.Result, "the bounce rate went from four percent to under half a percent which recovered about ten thousand dollars a month and the platform team adopted the alert as a standard for every sender"),
		span(star.Reflection, "next time i would add a bounce rate alert on day one because the platform team had no shared view of sender health"),
	)
	r := report(ans, labels, Profiles()["sde2"])
	got := codes(r)
	for _, bad := range []string{"task_assigned", "task_no_scope", "action_we", "result_no_number", "result_no_business_impact", "result_no_second_order", "reflection_generic", "situation_long"} {
		if f, ok := got[bad]; ok {
			t.Errorf("strong answer flagged %s: %s", bad, f.Message)
		}
	}
	if len(r.Parts) != 5 {
		t.Fatalf("parts %+v", r.Parts)
	}
	total := 0.0
	for _, p := range r.Parts {
		total += p.Duration
		if p.Speaking <= 0 || p.Speaking > p.Duration || p.WPM <= 0 {
			t.Errorf("part %s: speaking %.2f of %.2f, wpm %.1f", p.Label, p.Speaking, p.Duration, p.WPM)
		}
	}
	span := ans.Words[len(ans.Words)-1].End - ans.Words[0].Start
	if d := total - span; d > 0.01 || d < -0.01 {
		t.Errorf("parts add up to %.2f s, the answer spans %.2f s", total, span)
	}
	if r.Pacing.Pauses.Count != 4 {
		t.Errorf("pauses %d, want the 4 between parts", r.Pacing.Pauses.Count)
	}
}

func TestSituationLongAndLongPause(t *testing.T) {
	long := strings.Repeat("our platform had a queue and a cache and three services in front of a database ", 10)
	ans, labels := timedAnswer(span(star.Situation, long), span(star.Action, "i rewrote the cache layer and i shipped it"))
	// A three-second silence before the action.
	for i := range ans.Words {
		if labels[i] == star.Action {
			ans.Words[i].Start += 3
			ans.Words[i].End += 3
		}
	}
	r := report(ans, labels, Profiles()["sde2"])
	got := codes(r)
	if f, ok := got["situation_long"]; !ok || f.Severity != SeverityHigh {
		t.Errorf("a %0.f s situation: finding %+v", r.Timing[0].Duration, f)
	}
	if len(r.Pacing.Pauses.Long) != 1 {
		t.Errorf("long pauses %+v, want one", r.Pacing.Pauses.Long)
	}
	for _, l := range []string{"task_missing", "result_missing", "reflection_missing"} {
		if _, ok := got[l]; !ok {
			t.Errorf("no %s finding", l)
		}
	}
}

func TestTextAnswerKeepsEveryToken(t *testing.T) {
	text := "So, um — I noticed the 0.3% drop.  Nobody owned it!\n\nI wrote a fix; it saved $8K/week."
	a := TextAnswer(text)
	if len(a.Words) != len(strings.Fields(text)) {
		t.Fatalf("%d words for %d tokens", len(a.Words), len(strings.Fields(text)))
	}
	analyzer, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	r := analyzer.Analyze(a, Profiles()["sde1"])
	if len(r.Words) != len(strings.Fields(text)) || !r.EstimatedTiming {
		t.Fatalf("report has %d words, estimated %v", len(r.Words), r.EstimatedTiming)
	}
	for i, w := range strings.Fields(text) {
		if r.Words[i].Text != w {
			t.Errorf("word %d = %q, want %q", i, r.Words[i].Text, w)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"source"`, `"level"`, `"engine"`, `"estimated_timing":true`, `"duration"`, `"transcript"`, `"words"`, `"part"`, `"filler"`, `"parts"`, `"speaking"`, `"target"`, `"status"`, `"wpm"`, `"pacing"`, `"fillers"`, `"per_minute"`, `"top"`, `"pauses"`, `"long"`, `"feedback"`, `"severity"`, `"message"`, `"evidence"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("report JSON lacks %s", key)
		}
	}
}

func TestAnalyzeEmpty(t *testing.T) {
	analyzer, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	r := analyzer.Analyze(Answer{}, Profiles()["sde2"])
	if len(r.Feedback) != 1 || r.Feedback[0].Code != "no_answer" {
		t.Fatalf("empty answer feedback %+v", r.Feedback)
	}
	if text := FormatReport(r); strings.Contains(text, "words/min") || !strings.Contains(text, "no words") {
		t.Errorf("the report of an empty answer shows a pace:\n%s", text)
	}
}

// A three-minute answer of about 450 words.
func BenchmarkAnalyze(b *testing.B) {
	analyzer, err := NewAnalyzer()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("so i noticed the queue was dropping messages and nobody owned it so i pulled the logs and i wrote a fix and the drop rate went from three percent to zero which saved us eight thousand dollars a week and looking back i would add alerts earlier ", 9)
	ans := TextAnswer(text)
	ans.EstimatedTiming = false
	b.ResetTimer()
	for b.Loop() {
		analyzer.Analyze(ans, Profiles()["sde2"])
	}
}

// A task proves ownership in many ways besides the coaching material's own
// words; each of these says whose the work was, and the last says nothing
// of the kind.
func TestTaskScopeBoundary(t *testing.T) {
	for _, c := range []struct {
		task  string
		scope bool
	}{
		{"the backup rules belonged to infrastructure and restores weren't written down as anyone's job", true},
		{"it wasn't on my roadmap but i told my manager i'd own proving we could restore", true},
		{"onboarding didn't have an owner on the team so i decided it was mine to fix", true},
		{"the flaky tests fell through the cracks between two teams and i picked them up", true},
		{"nobody told me to do anything and billing wasn't my area but renewals ran all weekend", true},
		{"signing off on the test results was my call so i wanted to hold it", true},
		{"i needed to make the deploys faster before the launch", false},
	} {
		flagged := flags("task_no_scope",
			span(star.Situation, "our deploys took forty minutes and the launch was three weeks away"),
			span(star.Task, c.task),
			span(star.Action, "i split the pipeline into stages and i cached the build and i moved the slow tests to a nightly run"),
		)
		if flagged == c.scope {
			t.Errorf("task %q: task_no_scope finding %v, want %v", c.task, flagged, !c.scope)
		}
	}
}

// A result that made the fix a rule for others has a second-order effect,
// however it is worded; one that stops at the metric has none.
func TestResultSecondOrder(t *testing.T) {
	for _, c := range []struct {
		result string
		after  bool
	}{
		{"restores went from nineteen hours to three and the platform team made restore drills a requirement for every new datastore", true},
		{"restores went from nineteen hours to three and drills became mandatory across the company", true},
		{"restores went from nineteen hours to three which saved about forty thousand dollars a year", false},
	} {
		flagged := flags("result_no_second_order",
			span(star.Situation, "our restores had never been tested and nobody knew how long one would take"),
			span(star.Action, "i ran a full restore into a test account and i fixed the gaps it found and i scheduled the drill every week"),
			span(star.Result, c.result),
		)
		if flagged == c.after {
			t.Errorf("result %q: result_no_second_order finding %v, want %v", c.result, flagged, !c.after)
		}
	}
}

// Business impact is money, customers or time in any of their everyday
// words; a result that only says people were pleased names none.
func TestResultBusinessImpact(t *testing.T) {
	for _, c := range []struct {
		result string
		impact bool
	}{
		{"we shipped four days late instead of two weeks and support calls about results went down by a quarter", true},
		{"the pantry went from serving three hundred households a week to four hundred and sixty", true},
		{"readmissions for that problem went from eight to two over six months", true},
		{"everyone was really pleased with it and the team liked the new process", false},
	} {
		flagged := flags("result_no_business_impact",
			span(star.Situation, "our results page was hard to read and the audit was coming up"),
			span(star.Action, "i rewrote the page with the clinicians and i tested it with screen readers and i fixed what the testers found"),
			span(star.Result, c.result),
		)
		if flagged == c.impact {
			t.Errorf("result %q: result_no_business_impact finding %v, want %v", c.result, flagged, !c.impact)
		}
	}
}

// A number in words counts as a number, hyphenated or not; "one" alone
// does not.
func TestResultNumber(t *testing.T) {
	for _, c := range []struct {
		result string
		number bool
	}{
		{"the vendor confirmed they had deleted twenty-six files", true},
		{"the vendor confirmed they had deleted forty files", true},
		{"the vendor confirmed they had deleted every one of the files", false},
	} {
		flagged := flags("result_no_number",
			span(star.Situation, "a vendor had been sent more patient data than the contract allowed"),
			span(star.Action, "i called their privacy lead and i asked for written confirmation of the deletion"),
			span(star.Result, c.result),
		)
		if flagged == c.number {
			t.Errorf("result %q: result_no_number finding %v, want %v", c.result, flagged, !c.number)
		}
	}
}

// A platitude is generic however it is phrased; a reflection that names
// the story's own things is not, even when it says "it's important".
func TestReflectionGeneric(t *testing.T) {
	for _, c := range []struct {
		reflection string
		generic    bool
	}{
		{"i learned that it's really important to listen to your team", true},
		{"i think the lesson is that small things add up", true},
		{"i learned to think big and not be afraid to ask for things", true},
		{"i guess i learned that the customer always comes first", true},
		{"it's important to rehearse the restore because a backup only counts once a restore from it has worked", false},
		{"next time i would run the restore drill before trusting any backup", false},
	} {
		flagged := flags("reflection_generic",
			span(star.Situation, "our nightly backup had never been restored and nobody knew whether it worked"),
			span(star.Action, "i ran a full restore into a spare account and i fixed the two gaps in the backup that it found"),
			span(star.Result, "restores went from nineteen hours to three and the drill now runs every week"),
			span(star.Reflection, c.reflection),
		)
		if flagged != c.generic {
			t.Errorf("reflection %q: reflection_generic finding %v, want %v", c.reflection, flagged, c.generic)
		}
	}
}

// A task handed down is an assignment however the asker is named and
// whatever fillers come between; a speaker who asks their own team is not
// being assigned anything.
func TestTaskAssigned(t *testing.T) {
	for _, c := range []struct {
		task     string
		assigned bool
	}{
		{"so my regional manager asked me pretty much my first month to get the evening staffing sorted", true},
		{"my manager um she basically asked us to like get all the testing done before the release", true},
		{"our ceo asked me to run it and said a bad application would hurt us", true},
		{"my boss handed it to me because i had the most free time that sprint", true},
		{"as the tech lead i asked my team to split the migration by service", false},
		{"nobody had asked me and the queue belonged to the platform team", false},
	} {
		flagged := flags("task_assigned",
			span(star.Situation, "our release testing took two weeks and the deadline was close"),
			span(star.Task, c.task),
			span(star.Action, "i split the test plan by risk and i automated the slowest checks and i ran the rest in parallel"),
		)
		if flagged != c.assigned {
			t.Errorf("task %q: task_assigned finding %v, want %v", c.task, flagged, c.assigned)
		}
	}
}

// thinAnswer is a weak answer of about a minute: a long, rambling
// situation, a task handed over, "we" actions, and a one-sentence result
// far shorter than a result usually is.
const thinAnswer = `So um basically we had this like really old system, it was built on a monolith with a Postgres
	database and about forty services talking to it through a shared library, and uh the library was written in Java
	eight, and you know we had a lot of different teams using it, and the build took like forty minutes, and um the
	deploys were weekly, and the database was on a single big instance, and I mean it was sort of kind of a mess, and
	the schema had about three hundred tables, and uh nobody really knew who owned half of them. My manager suggested
	I look into this since I had bandwidth. So we looked at the logs and we set up a meeting and we talked to the other
	teams and we decided to split the database and we moved the tables and we wrote some scripts and we tested it. It
	went well and everyone was happy.`

// A thin answer's short result and reflection are found and called vague,
// not folded into the part before and reported missing.
func TestThinAnswerEnding(t *testing.T) {
	analyzer, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	for _, reflection := range []string{
		"I learned that communication is important.",
		"I learned that communication is important and teamwork matters.",
	} {
		r := analyzer.Analyze(TextAnswer(thinAnswer+" "+reflection), Profiles()["sde2"])
		var shape strings.Builder
		for _, p := range r.Parts {
			shape.WriteByte("STARF"[p.Label.Index()])
		}
		if s := shape.String(); s != "STARF" {
			t.Errorf("%q: shape %s, want STARF", reflection, s)
		}
		got := codes(r)
		for code, want := range map[string]bool{
			"result_missing": false, "reflection_missing": false,
			"result_no_number": true, "reflection_generic": true,
		} {
			if _, given := got[code]; given != want {
				t.Errorf("%q: finding %s given %v, want %v", reflection, code, given, want)
			}
		}
	}
}
