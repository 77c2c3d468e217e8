package interviewer

import (
	"strings"
	"testing"
)

// TestJudgeProbeGeneralises holds the judge to classes of wording found
// when the heldout and blind splits were read as development data
// (docs/BENCHMARKS.md, "Probe replies"). Each case is a pattern written
// again in a story and words of its own, not a reply of those splits; the
// rules were fixed against these cases.
func TestJudgeProbeGeneralises(t *testing.T) {
	tests := []struct {
		gap   Gap
		reply string
		want  string
	}{
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
	}
	for _, tt := range tests {
		v := JudgeProbe(Probe{Gap: tt.gap}, strings.Fields(tt.reply))
		if v.Rating != tt.want {
			t.Errorf("%s reply %q judged %s (%s), want %s", tt.gap, tt.reply, v.Rating, v.Reason, tt.want)
		}
	}
}
