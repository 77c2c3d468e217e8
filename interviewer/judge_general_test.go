package interviewer

import "testing"

// generalisingCases, checked by TestJudgeProbeGeneralises, hold the
// judge to classes of wording found when the heldout and blind splits were
// read as development data (docs/BENCHMARKS.md, "Probe replies"). Each case is a pattern written
// again in a story and words of its own, not a reply of those splits; the
// rules were fixed against these cases.
var generalisingCases = []judgeCase{
	// A figure or a cause whose basis is disowned: a verb of working it
	// out negated ("haven't gone through", "didn't work out"), a check
	// put off ("I'd have to dig out"), someone else's word as the basis.
	{GapQuantify, "Tickets to the help desk dropped by a third, roughly. I haven't gone through the queue export myself, that's the number the support manager keeps quoting in standups.", RatingWeak},
	{GapQuantify, "About nine hundred euros a month saved on the mail provider. The figure is from our account rep's slide, I'd have to dig out the invoice to be sure.", RatingWeak},
	{GapQuantify, "Checkout got forty percent faster. I didn't work that out myself, the agency that did the redesign put it in their wrap-up email.", RatingWeak},
	{GapDepth, "A colleague on the payments side mentioned it was the cron overlap, so I went with that and moved the schedule by an hour.", RatingWeak},
	{GapQuantify, "Our PM had quoted twenty percent in the review, so I pulled the order table for both months myself: eleven percent, not twenty, and that's what went in the write-up.", RatingStrong},
	// Negation scope: a negation whose subject is not the speaker, or a
	// not-knowing the speaker then resolved, disowns nothing.
	{GapDepth, "We didn't know if the old firmware had the bug too, so I flashed two spare kiosks, one on each version, and ran the payment loop on both overnight: only the new one froze, at the same step each time.", RatingStrong},
	{GapStandards, "New dashboards can't see customer emails any more; the warehouse masks that column for every role except the export service, and a nightly test fails if a new view unmasks it.", RatingStrong},
	{GapStandards, "Because support staff never see the raw error, they'd just tell customers to retry. So I made the alert fire on the fourth failed retry of the same account, which pages us before support gets the call.", RatingStrong},
	{GapQuantify, "The savings were about two thousand a month on paper, we never checked the bill afterwards.", RatingWeak},
	// Personal: generic learning activity is no step of one's own; a
	// shared moment among several own steps does not hide them.
	{GapPersonal, "I basically jumped in headfirst, asked around, read what I could find, figured it out as I went, the normal stuff.", RatingWeak},
	{GapPersonal, "I wrote the load test and ran it against the staging cluster, then my teammate and I went through the flame graphs together; I found the lock on the session table and moved it out of the request path.", RatingStrong},
	// Reflection: growth talk is no change; a step moved earlier is.
	{GapReflection, "Mostly it taught me I'm more resilient than I thought. Stepping out of my comfort zone like that was really good for my growth.", RatingWeak},
	{GapReflection, "Ask for the vendor's sandbox keys at kickoff, not the week before launch. Waiting on them cost us the first test window.", RatingStrong},
	// Scope: work that arrived by events, or waited on someone else,
	// is no boundary crossed.
	{GapScope, "After the reorg the billing exporter ended up on my desk; before that I'd assumed somebody on the data side would deal with it.", RatingWeak},
	{GapScope, "The flaky alert fell into my lap when the old owner left, and it sort of became my thing after that.", RatingWeak},
	{GapScope, "Nobody would have touched it: the exporter belonged to a team that had been dissolved, so I took it on without asking.", RatingStrong},
	// Trade-off: bringing the problem and leaving the choice to others.
	{GapTradeoff, "I told the client it would slip a month and left the rest to them, they know their launch plans better than I do.", RatingWeak},
	{GapTradeoff, "I flagged that we'd miss the date by two sprints and let product work out what to do.", RatingWeak},
	// Depth: a symptom that went away is evidence when the speaker made
	// it go away on purpose, one factor at a time.
	{GapDepth, "I kept everything else fixed and toggled only the connection pool size: at fifty the timeouts came back within a minute, at twenty they stopped happening for the whole hour.", RatingStrong},
	{GapDepth, "We bounced the service and the timeouts went away, so that was that, we moved on.", RatingWeak},

	// Classes found in the blind split's misses, again in stories and
	// words of their own. A not-knowing the speaker then bounded is a
	// risk handled; a negation of what a mechanism can do is the bar.
	{GapDepth, "I didn't know whether the older handhelds could hold a full day's route in memory, and the vendor had no figure. So I loaded only the short rural routes on them for the first week and kept the long city routes on the new devices.", RatingStrong},
	{GapStandards, "Price files can't reach the tills without passing the range check now: I put the check in the import job, and anything outside half to double last week's price stops the batch and pages the merchandising on-call.", RatingStrong},
	// A word that is both a noun and a verb of saying ("claims",
	// "reports") is no one's word.
	{GapQuantify, "Chargebacks fell from sixty a month to fourteen; I counted them in the disputes export for the quarter before and after, and the claims team's own reports match within two.", RatingStrong},
	// Influence: a message left, then others acting with no step of the
	// speaker's after it, is a hand-off whatever the verb; no objection
	// and complaints to peers are no influence.
	{GapInfluence, "I left a comment on their design doc explaining the problem, and a couple of months later they changed it.", RatingWeak},
	{GapInfluence, "I fired off an email to their lead with the numbers, and they fixed the mapping sometime the next quarter.", RatingWeak},
	{GapInfluence, "I wrote a note in their channel with the failing requests, then paired with their engineer on the fix that afternoon and watched the error rate with her after the deploy.", RatingStrong},
	{GapInfluence, "Honestly nobody pushed back at all. I shared the new checklist and teams started using it.", RatingWeak},
	{GapInfluence, "I grumbled about the release process with my teammates over coffee for months; we all agreed it was broken, but nothing changed.", RatingWeak},
	// A claim taken back ("well, strictly speaking...") is no claim.
	{GapPersonal, "I led the whole rollout, I drove it end to end. Well, truthfully, the architect made every decision and I mostly relayed them to the developers.", RatingWeak},
	{GapScope, "No one had asked me to, I took the initiative entirely. Well, strictly speaking, it was already in my name in the tracker from the planning session.", RatingWeak},
	{GapTradeoff, "I weighed the options and the costs very carefully. Well, really, the director had already picked the vendor, so there was nothing to weigh.", RatingWeak},
	// Scope: work that came back by events, blame; another team's
	// work named by its owner, and going beyond what was asked.
	{GapScope, "It came back to me when support reopened the bug, so I looked at it again and pushed another fix.", RatingWeak},
	{GapScope, "Honestly that's on the product managers, they should be writing clearer specs; it wasn't my place to fix their process.", RatingWeak},
	{GapScope, "The data team's. Nobody there could get to it before our launch, so I fixed the column mapping myself and had one of them review it.", RatingStrong},
	{GapScope, "I was asked to patch the receipts for the one store that called. I went further, because the same rounding code ran in all forty stores and fixing one would have left thirty-nine wrong.", RatingStrong},
	// Depth: an intervention and its effect, a staged removal; a sense
	// of the whole with nothing specific is no way of knowing.
	{GapDepth, "I unplugged the second scanner and the duplicate scans stopped; plugged it back in and they came back within a minute.", RatingStrong},
	{GapDepth, "Before deleting the old endpoint I logged every request to it for a month: three, all from our own health check. Then I turned it off for two weeks, nothing broke, and only then I removed the code.", RatingStrong},
	{GapDepth, "I had a strong sense of where the platform was going, I can't point to a specific moment, it was the whole picture of the data.", RatingWeak},
	// Reflection: a root cause beyond the code and the change made for
	// it; sameness and hoping others do better.
	{GapReflection, "The real cause was that nobody read the vendor's release notes; the code only did what it was told. I set up a monthly review of them with the two teams that use the vendor, and it caught a breaking change in March.", RatingStrong},
	{GapReflection, "I'd do all of it again. The part that failed was ops not watching the disk, so next time I'd hope they keep an eye on it.", RatingWeak},
	// Influence: defending oneself and telling them what they should
	// have done is no influence; scope: waiting to be allowed is none.
	{GapInfluence, "Their PM said our exports broke her reports every month. I told her the format was documented and they should read the changelog, and after that the complaints stopped.", RatingWeak},
	{GapScope, "The search index was the catalogue team's. I checked with my lead if it was okay to touch it, he said leave it with them, so I held off until they had a slot.", RatingWeak},
	// Standards: a mechanism said as what can no longer happen.
	{GapStandards, "Refunds over five hundred can't go through on one person's say-so any more. The payment service holds them until a second agent approves, and it rolls the request back itself after a day without one.", RatingStrong},
	// Scope: what the speaker would have done otherwise ("if I had
	// waited for...") is no deed of theirs.
	{GapScope, "The certificate was nobody's job after the move. If I had waited for the platform team's next sprint it would have expired over the weekend, so I renewed it myself and sent them the steps.", RatingStrong},
	{GapScope, "Because the bucket held patient names and I had found it. If I'd just mentioned it in passing to their lead, it would have sat for a month, so I locked it down that afternoon and told them after.", RatingStrong},
	// Trade-off: a risk with its consequence and why it was acceptable.
	{GapTradeoff, "Redundancy. One server, no standby, so if it fails the kiosk app is offline for an hour or two while I rebuild it. For a museum gift shop with a card reader fallback, that was acceptable.", RatingStrong},
}

func TestJudgeProbeGeneralises(t *testing.T) {
	checkJudgeCases(t, generalisingCases)
}
