package interviewer

import (
	"strings"
	"testing"
)

// substanceCases, checked by TestJudgeProbeSubstance, hold the judge to
// the patterns of issue 29 and of testdata/replies/README.md, each in wording of its own: what sinks a
// reply whatever cue words it has, and plain replies that are strong
// without them.
var substanceCases = []judgeCase{
	// quantify: a figure needs its source; a disowned one is none.
	{GapQuantify, "It cut the queue time by about sixty percent, that's the figure I heard in the weekly sync, never checked it myself.", RatingWeak},
	{GapQuantify, "Roughly three hundred hours a year, I think, it's hard to be exact.", RatingWeak},
	{GapQuantify, "Fifteen percent fewer calls. We never measured it after the launch though, it was the projection from the business case.", RatingWeak},
	{GapQuantify, "We shipped eleven features that quarter and closed ninety tickets, so a big jump.", RatingWeak},
	{GapQuantify, "I pulled the call-center logs for both months: eight hundred calls about missed reminders in June, a hundred and ten in August.", RatingStrong},
	{GapQuantify, "Scan errors went from one in fifty to one in nine hundred; I counted them in the device logs for the week before and after.", RatingStrong},
	// personal: "I" with steps, not "we", not presence.
	{GapPersonal, "We looked at it together, we rewrote the parser and we tested it, the whole squad really.", RatingWeak},
	{GapPersonal, "I was on all the calls and kept the stakeholders in the loop, I made sure things moved.", RatingWeak},
	{GapPersonal, "I pinged the vendor's support lead, explained the issue and let them handle the rest. I didn't write any of the fix.", RatingWeak},
	{GapPersonal, "I wrote the retry wrapper, load-tested it against the staging scanner fleet, and rolled it out store by store.", RatingStrong},
	// scope: an assignment stays one, whatever words precede it.
	{GapScope, "Nobody owned it, not my team, no ticket. Well, my manager did put it on my quarterly goals, so it was kind of mine to do.", RatingWeak},
	{GapScope, "My director suggested I pick it up since I had a quiet sprint.", RatingWeak},
	{GapScope, "The kiosks belonged to the facilities vendor, not to any engineering team, and nobody had asked me. Our check-in flow broke on them every morning, so I took it.", RatingStrong},
	// reflection: a change in practice, not sameness or a platitude.
	{GapReflection, "Honestly nothing, I would do it exactly the same, I would not change a thing, I would still pick that vendor.", RatingWeak},
	{GapReflection, "Communication is key. I would keep everyone more informed and be more proactive about updates.", RatingWeak},
	{GapReflection, "I'd check certificate expiry dates for every third-party endpoint when we onboard it, not when it breaks; I now keep them in one alert with a thirty day warning.", RatingStrong},
	// outcome: concrete and checked, and an honest miss is strong.
	{GapOutcome, "We were two days late, maybe three, not sure exactly, but most of it shipped.", RatingWeak},
	{GapOutcome, "It went really well, everybody was happy with it in the end.", RatingWeak},
	{GapOutcome, "We missed the date by eleven days. I told the clinic managers on the Monday, and the reminders went live on the twenty-first with the Spanish templates the week after.", RatingStrong},
	// depth: how the candidate knew.
	{GapDepth, "My hunch was the network, it seemed likely given the timing, and after a restart it cleared up.", RatingWeak},
	{GapDepth, "I replayed the failing batch on a spare instance and got the same crash every time; with the old encoder library it went through, which ruled out the input files.", RatingStrong},
	// influence: the candidate's own follow-through, not a hand-off.
	{GapInfluence, "I raised it with their tech lead and showed him the graphs, and after that it was their call.", RatingWeak},
	{GapInfluence, "I posted the findings in their channel with the logs attached and they sorted it out.", RatingWeak},
	{GapInfluence, "I filed a ticket for their team with a full write-up and moved on to my own work.", RatingWeak},
	{GapInfluence, "Their lead was worried about the freeze, so I offered to ship it dark behind a flag, answered his review the same day and sat in their deploy channel until it was on.", RatingStrong},
	// standards: a mechanism that outlives the fix.
	{GapStandards, "I told everyone in standup to keep an eye on the cert dates and added a reminder to my calendar.", RatingWeak},
	{GapStandards, "I added a check to the deploy pipeline that fails when any certificate expires in under twenty days, so nobody has to remember.", RatingStrong},
	// tradeoff: the cost named and bounded.
	{GapTradeoff, "There was no downside really, it was a win-win for everyone involved.", RatingWeak},
	{GapTradeoff, "We gave up live captions for the first month; I picked that because captions could be added later without a data migration, and the deaf-user group had a manual fallback.", RatingStrong},

	// Patterns written after the first test-split measurement showed
	// the judge missing them (see docs/BENCHMARKS.md), each in words
	// of its own, as testdata/replies/README.md asks.
	{GapQuantify, "Four hundred and ten orders a week were never invoiced, about two percent; I matched the shipping export against the ledger for a month to get that.", RatingStrong},
	{GapQuantify, "It shaved maybe a fifth off the wait. That was the number a sales guy floated in a meeting, nobody ever counted it.", RatingWeak},
	{GapQuantify, "Load time dropped a lot, huge win, went from slow to fast. I don't have the real figures, it's more of a feeling than a measurement.", RatingWeak},
	{GapDepth, "The nightly export copied the whole customer table, home addresses included, into a bucket that the marketing contractor could read, and it kept ninety days of copies.", RatingStrong},
	{GapDepth, "Dates were parsed as month first, not day first. For anyone outside the US that swaps every date up to the twelfth.", RatingStrong},
	{GapDepth, "I switched the old endpoint off late on a Thursday and nothing broke, so I guessed it was safe. I hoped nobody depended on it.", RatingWeak},
	{GapInfluence, "Their gripe was that we changed field names without telling them. That was fair. I began posting a changelog to their channel a week before each deploy, and their lead told me last month it has saved them two rollbacks.", RatingStrong},
	{GapOutcome, "I reran the survey analysis with the weighting fixed, the gain wasn't real, and so the redesign didn't go to the other regions.", RatingStrong},
	{GapOutcome, "It held after I left. I changed teams in June, and the schema check still rejects any column without an owner; my old lead mentioned it caught two in October.", RatingStrong},
	{GapPersonal, "I spotted the disk filling up, opened the incident, wrote the cleanup script and ran it on each replica, while a teammate kept the support team updated.", RatingStrong},
	{GapReflection, "Nobody owned the vendor contracts after the buyer left, and the renewal notices went to a dead mailbox. So I put every contract in one tracker with a sixty day alert to our team alias.", RatingStrong},
	{GapScope, "Honestly it wasn't my area, so I flagged it in passing and assumed the platform folks would pick it up eventually.", RatingWeak},
	{GapScope, "No one. The design had been approved and the ticket closed. I reopened it because the retry limit was fine at our volume and would fall over at the partner's.", RatingStrong},
	{GapScope, "Her lead only saw the demos; I was the one pairing with her three afternoons a week, so I had seen it happen ten times.", RatingStrong},
	{GapScope, "No. The database was ours, but the backup bill was charged to infrastructure. I only noticed how much we kept.", RatingStrong},
	{GapStandards, "I pushed for the alert, but the release was late, so the alert went into the backlog, and I don't think anyone has picked it up.", RatingWeak},
	{GapTradeoff, "An extra service to run: a sync job that can fail on its own. I ran both paths side by side for two weeks and the error rate matched, so I took that on.", RatingStrong},
	{GapTradeoff, "No. I brought them a choice: launch on time in the four stores whose hardware was ready, or wait for all nine. I recommended the first and they went with it.", RatingStrong},
	{GapTradeoff, "The Windows build. Every customer we had was on Macs, so it waited a quarter.", RatingStrong},

	// Written blind after the rules above were fixed, to estimate how
	// they do on wording they were not chosen from (17 of 20 right at
	// first; the three misses were then fixed and stay here).
	{GapQuantify, "Refund requests fell from about seventy a week to twelve. I got that from the payments dashboard's refund reason report, filtered to the app store rejection code, for the four weeks either side.", RatingStrong},
	{GapQuantify, "Oh, massive. Probably saved the company a couple hundred grand, if you think about how many users we'd have lost otherwise.", RatingWeak},
	{GapQuantify, "The upgrade made the test suite, like, twice as fast, from what people were saying in the channel. I haven't timed it.", RatingWeak},
	{GapQuantify, "Page weight dropped from two point one megabytes to nine hundred kilobytes; I ran the same twenty product pages through the audit tool before and after the image change.", RatingStrong},
	{GapPersonal, "My contribution was mainly keeping things organized, running the standups and making sure the tickets were updated, and then the others did the technical side.", RatingWeak},
	{GapPersonal, "I wrote the migration plan, did the first dry run on a copy of the patient schedule database, and when it stalled on the index rebuild I split it into three batches and ran those over a weekend.", RatingStrong},
	{GapScope, "It was in my team's charter, the CDN config had always been ours, so it was kind of automatically on me when it broke.", RatingWeak},
	{GapScope, "The CDN belonged to the web platform group and they'd told everyone it was frozen for the quarter. Our image pages were timing out for mobile users in Asia, so I wrote the change, tested it on a staging zone and asked them to review it.", RatingStrong},
	{GapReflection, "Probably to always double-check config changes and to keep learning from mistakes, that's really the main thing for me.", RatingWeak},
	{GapReflection, "I'd stage any CDN change on one region for a day before the rest. Since that outage, every config change I make has a one-region step written into the plan, and it caught a bad header rule last spring.", RatingStrong},
	{GapOutcome, "The schedule migration finished on the Sunday night, nine hours later than planned, and all fourteen clinics opened Monday on the new system; two had missing room bookings that I fixed by ten a.m.", RatingStrong},
	{GapOutcome, "From what I gather it's working well, the clinics seem happy and I haven't heard otherwise.", RatingWeak},
	{GapDepth, "I diffed the response headers from the old and new CDN config for the same URL and the cache key had lost the device type, so phones were getting desktop images. Putting it back fixed it on the staging zone first.", RatingStrong},
	{GapDepth, "I'd guess it was a caching thing, those are usually the culprit, and clearing everything seemed to help.", RatingWeak},
	{GapInfluence, "Web platform said the freeze was there for a reason. I showed them the timeout graph for Asia, offered to make the change behind a path rule that only touched image URLs, and I was on their change call and checked the error rate with them after.", RatingStrong},
	{GapInfluence, "I sent a detailed message to the platform team's channel explaining the issue, and then it was in their hands, they're the owners.", RatingWeak},
	{GapStandards, "I added a synthetic check that loads one image page from three regions every five minutes and pages us if the phone variant ever comes back desktop-sized.", RatingStrong},
	{GapStandards, "We had a retro and everyone agreed to be more careful with config changes from now on.", RatingWeak},
	{GapTradeoff, "Doing it one region at a time meant the fix took three days to reach everyone instead of one, and Asia stayed slow for those days. I accepted that because a bad config at once would have broken images everywhere.", RatingStrong},
	{GapTradeoff, "No trade-off really, it was simply the right thing to do for the users, so we did it.", RatingWeak},
}

func TestJudgeProbeSubstance(t *testing.T) {
	checkJudgeCases(t, substanceCases)
}

// judgeCase is a reply to a probe of gap and the rating it must get.
type judgeCase struct {
	gap   Gap
	reply string
	want  string
}

// checkJudgeCases judges each case's reply and checks its rating and that
// the reason is one sentence.
func checkJudgeCases(t *testing.T, cases []judgeCase) {
	t.Helper()
	for _, tt := range cases {
		v := JudgeProbe(Probe{Gap: tt.gap}, strings.Fields(tt.reply))
		if v.Rating != tt.want {
			t.Errorf("%s reply %q judged %s (%s), want %s", tt.gap, tt.reply, v.Rating, v.Reason, tt.want)
		}
		if v.Reason == "" || strings.Count(strings.TrimSuffix(v.Reason, "."), ". ") > 0 {
			t.Errorf("%s reply %q: reason %q is not one sentence", tt.gap, tt.reply, v.Reason)
		}
	}
}

// TestJudgeProbeBankExamples judges every bank probe's own example replies
// (the weak one should be weak, the strong one strong). The examples were
// written with the bank, before the labeled set; the keyword judge got
// 531 of 592 right, this one 540 when first run on them and 565 after
// (docs/BENCHMARKS.md). -v lists the misses.
func TestJudgeProbeBankExamples(t *testing.T) {
	b, err := LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	probes := append([]Probe{}, b.Generic...)
	for _, pr := range b.Principles {
		for _, q := range pr.Questions {
			probes = append(probes, q.Probes...)
		}
	}
	n, right := 0, 0
	for _, p := range probes {
		for _, ex := range []struct{ reply, want string }{{p.Weak.Reply, RatingWeak}, {p.Strong.Reply, RatingStrong}} {
			n++
			v := JudgeProbe(p, strings.Fields(ex.reply))
			if v.Rating == ex.want {
				right++
				continue
			}
			t.Logf("%s (%s): %q judged %s, want %s: %s", p.ID, p.Gap, ex.reply, v.Rating, ex.want, v.Reason)
		}
	}
	t.Logf("%d of %d example replies judged as written", right, n)
	if float64(right)/float64(n) < 0.94 {
		t.Errorf("%d of %d example replies judged as written, want at least 94 %%", right, n)
	}
}
