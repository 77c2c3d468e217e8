package interviewer

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// typed is a labeled answer made up for a test: the whole answer as one
// span (the analyzer segments it), with its probes.
func typed(question, level, answer string, probes ...LabeledProbe) LabeledVerdict {
	return LabeledVerdict{Name: "typed", QuestionID: question, Level: level,
		Spans: []star.LabeledSpan{{Label: star.Action, Text: answer}}, Probes: probes}
}

func judgeTyped(t *testing.T, v LabeledVerdict) *InterviewReport {
	t.Helper()
	bank, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	analyzer, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	r, err := judgeLabeled(bank, analyzer, v)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hasCode(r *InterviewReport, code string) (Finding, bool) {
	i := slices.IndexFunc(r.Feedback, func(f Finding) bool { return f.Code == code })
	if i < 0 {
		return Finding{}, false
	}
	return r.Feedback[i], true
}

// TestVerdictWalkthroughWeakAnswer: the coaching material's weak answer,
// with the weak replies, is No Hire for the material's reasons: the
// problem routed to the Platform team by a Slack message and left with
// them, nothing measured, and the replies confirm it.
func TestVerdictWalkthroughWeakAnswer(t *testing.T) {
	iv := newTestInterview(t, ModeInterview)
	iv.Begin(0)
	words, now := speak(seedWeakAnswer, 1)
	iv.Hear(words)
	turns := iv.Done(now)
	for _, reply := range []string{
		"I estimated it based on gut feeling and told the team",
		"I did escalate it I sent them a slack message and they handled it",
		"I would communicate more with the team",
	} {
		if len(turns) != 1 || turns[0].Kind != TurnProbe {
			break
		}
		w, e := speak(reply, now+1)
		iv.Hear(w)
		turns, now = iv.Done(e+0.5), e+1
	}
	r := iv.Report()
	if _, ok := hasCode(r, "hand_off"); !ok {
		t.Errorf("no hand_off finding in %+v", r.Feedback)
	}
	v := r.Verdict
	if v == nil || v.Decision != VerdictNoHire {
		t.Fatalf("verdict %+v, want %s", v, VerdictNoHire)
	}
	all := strings.ToLower(strings.Join(v.Reasons, " "))
	for _, want := range []string{"handed off", "slack message", "routing is not ownership", "they handled it", "nothing is measured"} {
		if !strings.Contains(all, want) {
			t.Errorf("the reasons do not say %q: %q", want, v.Reasons)
		}
	}
	// The main answer alone, before any reply confirms the hand-off, is
	// Leaning No Hire, as the material's bar raiser has it.
	alone := judgeTyped(t, typed("highest-standards-refused-to-ship", "sde2", seedWeakAnswer))
	if alone.Verdict.Decision != VerdictLeaningNoHire {
		t.Errorf("the weak answer without replies: %+v, want %s", alone.Verdict, VerdictLeaningNoHire)
	}
}

// TestHandOffWordings: the hand-off is found however it is worded, in the
// answer or confirmed by a reply, and is No Hire; carrying the fix
// oneself after telling the owners is not a hand-off.
func TestHandOffWordings(t *testing.T) {
	const opening = "So our nightly invoice export from the billing team kept skipping a few invoices, and our finance reports came out wrong. "
	influence := func(reply string) LabeledProbe {
		return LabeledProbe{Gap: GapInfluence, Text: "How did you get the other team to actually take the change?", Reply: reply}
	}
	tests := []struct {
		name, answer string
		reply        string
		handOff      bool
	}{
		{"escalated and moved on", "I noticed it twice, so I escalated it to their manager and moved on to my own sprint. It got better after a while and finance was happy.", "", true},
		{"channel, they sorted it", "I posted it in their channel with a screenshot, and they sorted it out after a few weeks. Things improved and people were happy.", "I made sure they knew, and after that it was really their call how to fix it.", true},
		{"ticket for their team", "I filed a ticket for their team with the examples and went back to my work. Eventually they fixed it and the reports were fine again.", "", true},
		{"their call", "I flagged it to the billing team in slack with two examples. A month later it was fixed and the reports looked right.", "I told them about it, then it was their call, it's their system.", true},
		{"a note in their queue", "I dropped a note in the billing team's queue and left it with them. It got sorted eventually.", "", true},
		{"carried it through", "It was not my team's job and nobody had asked me, but I pulled a week of exports and diffed them against the ledger, and I traced the gap to a timezone cutoff. I wrote the fix myself, I sent their lead a ready pull request, and I sat with their on-call through the deploy. Skipped invoices went from about forty a week to zero.",
			"I brought a tested pull request, answered their review the same day, and watched the first three nightly runs myself.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var probes []LabeledProbe
			if tt.reply != "" {
				probes = append(probes, influence(tt.reply))
			}
			r := judgeTyped(t, typed("ownership-outside-your-team", "sde2", opening+tt.answer, probes...))
			got := strings.Contains(strings.Join(r.Verdict.Reasons, " "), "handed off")
			if got != tt.handOff {
				t.Fatalf("hand-off named %v, want %v: %+v", got, tt.handOff, r.Verdict)
			}
			if tt.handOff && r.Verdict.Decision != VerdictNoHire {
				t.Errorf("decision %s, want %s: %q", r.Verdict.Decision, VerdictNoHire, r.Verdict.Reasons)
			}
		})
	}
}

// TestOffTopic: an answer that tells no real time, or says what the
// candidate would do, gets the off_topic finding and is No Hire because
// it did not answer the question; its parts are not coached.
func TestOffTopic(t *testing.T) {
	tests := []struct{ name, question, answer string }{
		{"views", "dive-deep-data-disagreed", "Honestly I'm a big believer in metrics, I think in general teams trust dashboards too much. I'm always the one in planning asking where a chart comes from, and I'm usually reading about observability tools on the weekend. You should always question the data, that's my philosophy, and I think that's one of my biggest strengths."},
		// The same as the embedded recognizer heard it read by flite:
		// "I have not" as "i had not", two of the "I would"s as "pilot".
		{"hypothetical, heard", "highest-standards-refused-to-ship", "so i had not really had a big disagreement with the manager yet but if my manager wanted something i thought was wrong pilot asked for one on one first pilot bring a pilot explain the risks calmly and i would listen to their side if they still disagreed i would come in and may it worked because that is when a good teammate does"},
		{"hypothetical", "have-backbone-disagreed-manager", "So I haven't had a big disagreement with a manager yet, but if my manager wanted something I thought was wrong, I would ask for a one on one first. I'd bring data, I'd explain the risks calmly, and I would listen to their side. If they still disagreed I would commit and make it work, because that's what a good teammate does."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judgeTyped(t, typed(tt.question, "sde2", tt.answer))
			f, ok := hasCode(r, "off_topic")
			if !ok || f.Severity != SeverityHigh {
				t.Fatalf("no high off_topic finding: %+v", r.Feedback)
			}
			for _, f := range r.Feedback {
				if f.Part != "" {
					t.Errorf("the off-topic answer is coached on its %s: %s", f.Part, f.Code)
				}
			}
			if r.Verdict.Decision != VerdictNoHire || !strings.Contains(r.Verdict.Reasons[0], "did not answer the question") {
				t.Errorf("verdict %+v, want No Hire because it did not answer the question", r.Verdict)
			}
			// No story, so no lens is read in it: an "I would" is not
			// a lesson, nor a view a step.
			for _, reason := range r.Verdict.Reasons {
				if strings.Contains(reason, "(evidenced)") || strings.Contains(reason, "(against)") {
					t.Errorf("a lens read in an answer that tells no time: %s", reason)
				}
			}
			if strings.HasPrefix(tt.name, "hypothetical") && !strings.Contains(f.Evidence, "would") {
				t.Errorf("the hypothetical is quoted as %q, not by what the candidate would do", f.Evidence)
			}
		})
	}
	// A good story told to another principle's question.
	r := judgeTyped(t, typed("frugality-cut-costs", "sde2", "So a new grad joined my team and struggled with our deploy tooling for a month. I offered to mentor him, and I paired with him twice a week, I wrote down every question he asked and turned them into a guide, and I gave him a small migration to lead. He shipped his project three weeks later and led the next migration on his own, and the guide has been used by four new people since. I learned to explain systems from what a release looks like, not from how I built them, and I teach it that way now."))
	if _, ok := hasCode(r, "off_topic"); !ok || r.Verdict.Decision != VerdictNoHire {
		t.Errorf("a mentoring story to a cost question: %+v, findings %+v", r.Verdict, r.Feedback)
	}
}

// TestResultNegative: a miss is read as such, and is not a flaw in itself:
// owned and learned from it is on the Hire side; put on others it is not.
func TestResultNegative(t *testing.T) {
	const owned = "So I led the checkout rewrite for a florist's app, and the date was fixed for Valentine's week. I owned the plan. Two weeks in, the payment provider's test account was missing the refund calls, and I wrote a stub so we could keep going and cut gift notes to win back a week. But I kept hoping we'd catch up and didn't tell marketing until a week out. We missed the date by four days, so the campaign ran on the old checkout, and conversion came in about eight percent under the forecast. That's on me, because I didn't raise it sooner. What I do now is put a red date in the plan the day an outside dependency slips, and tell everyone who planned on my date that same day."
	const blamed = "So I was building the screen for delivery estimates in our grocery app. I had to build the screen. I built the components, but the estimates service from the logistics team wasn't ready, and I asked about it in standup a few times. The logistics team was late, so there wasn't really anything I could do and the feature slipped to the next quarter. I learned that dependencies can be really risky."
	r := judgeTyped(t, typed("deliver-results-tight-deadline", "sde2", owned))
	f, ok := hasCode(r, "result_negative")
	if !ok || f.Severity != SeverityInfo || !strings.Contains(f.Message, "owned") {
		t.Errorf("owned miss: finding %+v in %+v", f, r.Feedback)
	}
	if s, _ := VerdictStep(r.Verdict.Decision); s < 2 {
		t.Errorf("owned miss: %+v, want the Hire side", r.Verdict)
	}
	if !strings.Contains(strings.Join(r.Verdict.Reasons, " "), "owned and learned from counts for the candidate") {
		t.Errorf("owned miss: the reasons do not say a miss owned counts for the candidate: %q", r.Verdict.Reasons)
	}
	r = judgeTyped(t, typed("deliver-results-tight-deadline", "sde1", blamed))
	if _, ok := hasCode(r, "result_negative"); !ok {
		t.Errorf("blamed miss: no result_negative in %+v", r.Feedback)
	}
	if s, _ := VerdictStep(r.Verdict.Decision); s > 1 {
		t.Errorf("blamed miss: %+v, want the No Hire side", r.Verdict)
	}
}

// TestUnansweredProbesAreMissingEvidence: a strong answer whose probes all
// went unanswered is not No Hire on that alone; it keeps its verdict, or
// falls one step where a lens had no other evidence, and says which
// probes were not answered.
func TestUnansweredProbesAreMissingEvidence(t *testing.T) {
	bank, analyzer := verdictTools(t)
	answers, err := LoadVerdicts(filepath.Join(verdictDir, "train"))
	if err != nil {
		t.Fatal(err)
	}
	strong := 0
	for _, v := range answers {
		if v.Verdict != VerdictStrongHire || len(v.Probes) == 0 {
			continue
		}
		strong++
		answered, err := judgeLabeled(bank, analyzer, v)
		if err != nil {
			t.Fatal(err)
		}
		silent := v
		silent.Probes = slices.Clone(v.Probes)
		for i := range silent.Probes {
			silent.Probes[i].Reply = ""
		}
		r, err := judgeLabeled(bank, analyzer, silent)
		if err != nil {
			t.Fatal(err)
		}
		was, _ := VerdictStep(answered.Verdict.Decision)
		now, _ := VerdictStep(r.Verdict.Decision)
		if now < 2 || was-now > 1 {
			t.Errorf("%s: %s with its replies, %s with none", v.Name, answered.Verdict.Decision, r.Verdict.Decision)
		}
		if !strings.Contains(r.Verdict.Summary, "not answered") {
			t.Errorf("%s: the summary %q does not say the follow-ups were not answered", v.Name, r.Verdict.Summary)
		}
	}
	if strong == 0 {
		t.Fatal("no Strong Hire answer with probes in the training split")
	}
}

// TestRelevanceFindingsOnStories: the STAR corpus's training answers are
// all stories told to their question, none off topic and none a
// hand-off, so off_topic and hand_off there are false alarms; the bound
// sits just past what the rules reach.
func TestRelevanceFindingsOnStories(t *testing.T) {
	answers := trainingAnswers(t)
	sde2 := Profiles()["sde2"]
	const maxFalse = 0.005
	for _, code := range []string{"off_topic", "hand_off"} {
		n := 0
		for _, a := range answers {
			ans, labels := timedAnswer(a.Spans...)
			if _, ok := codes(report(ans, labels, sde2))[code]; ok {
				n++
				t.Logf("%s on %s", code, a.Name)
			}
		}
		t.Logf("%s on %d of %d stories", code, n, len(answers))
		if float64(n) > maxFalse*float64(len(answers)) {
			t.Errorf("%s on %d of %d stories, want at most %.2f of them", code, n, len(answers), maxFalse)
		}
	}
}

// TestVerdictInOtherVoices: answers written after the rules, in voices
// the verdict set does not use (a story told in the present, fillers, a
// colleague's mistake in place of one's own, "my approach would be", a
// Jira ticket left in another team's queue), each with the step the
// set's README would give it.
func TestVerdictInOtherVoices(t *testing.T) {
	cases := []struct {
		want, q, lvl, text string
		probes             []LabeledProbe
	}{
		{VerdictStrongHire, "customer-obsession-beyond-expected", "sde2", "So at a meal kit startup, our support queue kept getting the same complaint: people in apartments missed deliveries because drivers couldn't get in. Nobody owned delivery instructions, it sat between the app team and logistics. So I go and pull three months of failed deliveries, and about sixty percent are apartment addresses with no buzzer code. I build a required buzzer code field for apartment addresses, I test it with ten customers over the phone, and I ship it behind a flag. Failed deliveries to apartments dropped from about nine percent to three percent in six weeks, and the logistics team now uses the field in their driver app too. What stuck with me is that the complaint looked like a driver problem for a year, and it was a form problem. Now before I accept a problem's owner, I look at where the data is first missing.", nil},
		{VerdictLeaningHire, "deliver-results-biggest-impact", "sde2", "So my biggest impact was on our invoicing service, which was timing out for large customers at month end. I profiled it and found we were loading every line item into memory. I rewrote the export to stream the rows and I added pagination to the API. Month-end timeouts went from about two hundred a month to under ten. I learned that communication is really important and you have to keep stakeholders updated.", nil},
		{VerdictNoHire, "are-right-a-lot-were-wrong", "sde2", "So I've seen a lot of people be wrong. At my last job, our director decided to rewrite the whole billing system, and he pushed it through even though people warned him. He hired contractors, they built a new service, and it failed in production twice. Then they rolled it back and he left the company. I think the lesson is that leaders should listen more.", nil},
		{VerdictNoHire, "think-big-changed-direction", "senior", "Well, my approach would be to start from the customer and work backwards. I'd write a vision doc first, and I'd get buy-in from the leads before committing any engineers. Then I would pick a small first milestone to prove it out. I think that's how you set a bold direction without betting the company.", nil},
		{VerdictNoHire, "ownership-outside-your-team", "sde2", "So the shared login service was dropping sessions for some of our users on mobile. I noticed it in our error logs, so I created a jira for the identity team with the stack traces. A few weeks later it stopped happening and our users were happier.", []LabeledProbe{{Gap: GapInfluence, Text: "How did you get the other team to actually take the change?", Reply: "Honestly once it's in their queue it's theirs, they own that service, so I went back to my own work."}}},
		{VerdictLeaningHire, "deliver-results-tight-deadline", "sde2", "So our team had to ship a tax reporting export before the end of the fiscal year, and I owned the backend. Halfway through, the accounting API we depended on changed its format. I wrote an adapter over a weekend and cut the PDF version to save time. We still missed the deadline by three days, which meant finance filed a manual report that year. That's on me, I should have flagged the risk the day the API changed. Now I put any outside dependency's changes in our risk list the same day and tell the people waiting on my date.", nil},
		{VerdictLeaningNoHire, "highest-standards-raised-the-bar", "sde2", "So um our team's code reviews were kind of rubber stamps. We talked about it in a retro and we agreed to do better. We made a review guide together and we started pairing on bigger changes. Reviews got a lot more thorough and everyone felt better about quality. I learned that standards matter.", []LabeledProbe{{Gap: GapQuantify, Text: "How do you know quality actually went up? What did you measure?", Reply: "It was very data-driven, the impact was significant and people really bought into the culture of quality."}}},
		{VerdictStrongHire, "ownership-outside-your-team", "senior", "Um so I was a senior engineer on payments, and the fraud team's scoring service kept timing out during our evening peak, like two percent of checkouts just failed open. That service wasn't ours, there was no ticket, and their team was heads down on a launch. I pulled a week of traces and saw every timeout was a cold cache after their hourly deploy. I wrote a warm-up step for their deploy pipeline, I tested it in staging against a replay of our peak, and I walked their lead through the change before I opened the pull request. Timeouts went from two percent of checkouts to under point one percent, and about forty thousand dollars a month of fraud we'd been letting through failed open stopped. Their team made the warm-up step part of the service template, so four other services got it. The thing I keep from it is that the owner being busy isn't a reason to wait, it's a reason to bring them something finished.", []LabeledProbe{{Gap: GapInfluence, Text: "How did you get the other team to actually take the change?", Reply: "I brought a tested pull request and the replay results, I answered their review comments the same day, and I watched the first three deploys with their on-call."}, {Gap: GapQuantify, Text: "What was the impact, in numbers?", Reply: ""}}},
		{VerdictLeaningHire, "ownership-nobody-owned", "sde2", "So our on-call alerts were super noisy, like a hundred pages a week, and my manager asked me to take a look since I had some time that sprint. I went through every alert from the last month and tagged which ones anyone acted on. I deleted thirty alerts nobody had acted on, and I rewrote the thresholds on twelve more with the people who owned them. Pages went from about a hundred a week to twenty five, and nobody missed a real incident in the next quarter. Next time I'd look at the alerts as they're written, not a year later.", nil},
		{VerdictLeaningHire, "highest-standards-refused-to-ship", "sde2", "So I was about to ship a new image upload flow for our listings app, and in the last test pass I saw uploads from older Android phones came through rotated. It was my feature and my call to hold it. I held the release two days, I traced it to us dropping the orientation tag when we resized, and I wrote the fix plus a test with photos from six old phones. After we shipped, support said the rotated photo complaints went down something like eighty percent, that's what they told me, I didn't pull the numbers myself. I learned to test with the oldest devices our users actually have, and I keep a folder of their photos for that now.", nil},
		{VerdictLeaningNoHire, "think-big-bigger-than-asked", "sde2", "So I was asked to add search to our internal wiki. I thought we could do something bigger, like a knowledge platform for the whole company. I pitched the vision at an all hands and people were really excited. We set up a working group and had some great conversations. It got a lot of visibility. I learned that it's important to think big and inspire people.", []LabeledProbe{{Gap: GapQuantify, Text: "What did it deliver, measured?", Reply: "It was a huge success in terms of engagement, people were super bought in to the vision."}}},
		{VerdictStrongHire, "hire-and-develop-mentored", "senior", "So I led a team of six, and we hired two engineers straight out of a bootcamp. Their first pull requests took a week of review each, and one of them told me she was thinking of leaving. Nobody had a plan for bootcamp hires, so I wrote one. I paired with each of them twice a week for a month, I picked their first tickets so each one touched a different part of the system, and I had them present what they learned to the team every Friday. Within three months their review rounds went from about five to under two, and by six months one of them was on the on-call rotation. The plan is now how our whole org onboards bootcamp hires, nine people so far. What I took from it is that a first ticket teaches the system, not just the task, so I choose them on purpose now.", nil},
	}
	for _, c := range cases {
		r := judgeTyped(t, typed(c.q, c.lvl, c.text, c.probes...))
		if r.Verdict.Decision != c.want {
			t.Errorf("%.60s...: %s, want %s; %q", c.text, r.Verdict.Decision, c.want, r.Verdict.Reasons)
		}
	}
}

// TestResultNegativeProbesWhatChanged: a story that ended in a miss is
// probed on what changed because of it, though the reading is not a flaw.
func TestResultNegativeProbesWhatChanged(t *testing.T) {
	r := Report{Feedback: []Finding{{Part: star.Result, Code: "result_negative", Severity: SeverityInfo}}}
	if gaps := FindGaps(r, nil, nil); !slices.Equal(gaps, []Gap{GapReflection}) {
		t.Errorf("gaps %v, want reflection: a miss is probed on what changed", gaps)
	}
}

// TestSecondOrderNotFromAPlatitude: a generic lesson that happens to use
// a word of lasting effect ("across teams") is no evidence that anything
// outlived the fix.
func TestSecondOrderNotFromAPlatitude(t *testing.T) {
	r := judgeTyped(t, typed("ownership-outside-your-team", "sde2", "Last month I noticed the nightly export from the billing team was failing and our dashboards were empty every morning. I pulled the job's logs, found the expired credential, rotated it with their lead and reran the export myself, and the dashboards were back by noon. What I learned is that communication across teams is really important."))
	for _, reason := range r.Verdict.Reasons {
		if strings.HasPrefix(reason, "Second-order impact (evidenced)") {
			t.Errorf("second-order impact read in a platitude: %s", reason)
		}
	}
}
