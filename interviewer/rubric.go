package interviewer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// The calibrated verdict reads the answer and the probe replies through
// the coaching material's five lenses, each scored from -1 (evidence
// against) through 0 (no evidence) to +1 (evidenced), weighs them by the
// principle, and then applies what a bar raiser does not weigh but
// decides on: an answer that does not answer the question, a problem
// handed off, a failure owned or blamed. The phrases and the principles'
// weights were chosen on testdata/verdicts/train only; the step the
// weighed lenses earn is read by a model fitted there (verdictmodel.go).

// A lens is one of the coaching material's ways of reading a story.
type lens int

const (
	lensOwnership  lens = iota // ownership and scope
	lensMeasured               // measured results
	lensSecond                 // second-order impact
	lensDepth                  // depth
	lensReflection             // reflection
	lensCount
)

var lensNames = [lensCount]string{"Ownership and scope", "Measured results", "Second-order impact", "Depth", "Reflection"}

// lensOfGap is the lens a probe's gap goes after.
var lensOfGap = map[Gap]lens{
	GapQuantify: lensMeasured, GapOutcome: lensMeasured,
	GapPersonal: lensOwnership, GapScope: lensOwnership, GapInfluence: lensOwnership,
	GapStandards: lensSecond, GapDepth: lensDepth, GapTradeoff: lensDepth, GapReflection: lensReflection,
}

// lensReading is one lens's score and what it rests on, in the answer's words.
type lensReading struct {
	score float64
	notes []string
}

func (l *lensReading) add(delta float64, note string, args ...any) {
	l.score += delta
	if note != "" {
		l.notes = append(l.notes, fmt.Sprintf(note, args...))
	}
}

func (l *lensReading) clamp() {
	l.score = max(-1, min(1, l.score))
}

// Phrases the lenses read.
var (
	// unverifiedClauses say a figure was never measured or checked.
	unverifiedClauses = newClause(`what i heard|i heard|heard from|never (?:looked at|checked|measured) it|never checked|
		didn't (?:measure|check|track|really track|follow)|did not (?:measure|check|track)|vendor quoted|number (?:the|that) \w+ quoted|
		not (?:really )?sure how (?:many|much)|i'm not sure|don't have (?:exact|the exact|any) numbers|gut feeling|no idea|
		i think it got|it sounded right|rough guess|i guess|probably some|maybe an hour|a lot of users|someone told me|i was told|
		they said it was|ballpark|never verified|didn't verify|did not verify|couldn't tell you|off the top of my head|
		i'd have to check|wasn't measured|(?:they|support|sales|someone|he|she) told me|didn't pull (?:the )?(?:numbers|data)|never pulled|not measured|didn't have (?:the )?data|no data|i believe it was`)
	// keywordClauses are slogans in place of evidence.
	keywordClauses = newClause(`data driven|drove alignment|drove the whole|took full ownership|championed|the champion|
		end to end|raised the bar|huge success|front of mind|kept the momentum|culture of|super bought in|
		impact was significant|really drove|moved the needle|synergy|synergies|leveraged|best practices|stakeholder alignment|
		value add|above and beyond|game changer|massive impact|really impactful|hugely successful|bias for action|
		customer obsessed|owned it|i own it|thought leadership|north star|big picture thinking|world class`)
	// secondOrderClauses are effects that outlived the fix.
	secondOrderClauses = newClause(`adopted|copied|reused|standard|template|playbook|became|the default way|
		lint rule|fails the build|every night|alert|alerts|counter|dashboard for|check that|check so|guard|
		other teams|another team|across (?:the )?(?:teams|company|org)|(?:the )?teams? (?:now|still)|now (?:has|have|uses|use|runs|checks|fails|blocks|pages|listens)|
		still (?:use|uses|running|in use)|has been used|been used by|rolled (?:it )?out to|part of (?:the|our) (?:checklist|template|onboarding|runbook|process|plan)|
		started (?:looking|pinging|using|doing)|refuses|dry run|since then|ever since|haven't had|has (?:blocked|caught|stopped)|
		none since|moved \S+ people|freed up`)
	// depthClauses show how a cause was found and proven.
	depthClauses = newClause(`traced|diffed|profiled|reproduced|replayed|captured|hashed|compared|root cause|ruled out|
		found (?:that|the|out)|turned out|showed|counted|tagged|broke (?:the|it) down|pulled|went back through|checked (?:whether|with|how)|
		(?:asked|interviewed|called|talked to|sat with|went through|looked at|looked through|checked|read|timed|measured|sampled|scanned|tested) (?:each|every|all|both)|
		lined (?:them |it )?up|inventory|sampled|correlated|cross checked|by hand`)
	// changeClauses are a reflection that changes a later action.
	changeClauses = newClause(`now|these days|i now|next time|differently|i've kept|i've learned to|i learned to|
		since then|from then|i still|i'd do|i would|instead|before i`)
)

// probeReplies are the answered replies with their verdicts and lenses.
type replyReading struct {
	lens    lens
	gap     Gap
	words   []string
	rating  string
	asked   string
	keyword string // a slogan the reply rests on
	hearsay string // a figure the reply says was not measured
}

// rubric is an answer read through the five lenses.
type rubric struct {
	lenses     [lensCount]lensReading
	replies    []replyReading
	unanswered []Gap
	// The readings that decide before the lenses are weighed.
	offTopic, offTopicQuote string
	offPrinciple            bool
	topicHits               int
	topicKnown              bool
	topicQuote              string
	routed, leftToThem      string
	miss, owned, blamed     string
	assigned                string
	// weHeavy: the action is told in "we" more than "I".
	weHeavy bool
	// lead are the lenses the principle weighs above the rest.
	lead []lens
	// held is what kept a story that scored for Strong Hire below it.
	held string
	// notMine: asked when the candidate was wrong, the story says someone
	// else was.
	notMine string
	// retold is the judgement of a real time told when the question was
	// asked again after an answer that did not answer it.
	retold string
}

// readRubric scores the answer and its replies.
func readRubric(r *InterviewReport, p *Principle) *rubric {
	rb := &rubric{}
	rb.lead = leadLenses(p)
	words := reportWords(&r.Report)
	parts := map[star.Label][]string{}
	for _, w := range r.Words {
		parts[w.Part] = append(parts[w.Part], star.Normalize(w.Text)...)
	}
	labels := labelsOf(r)
	replyWords := rb.readProbes(r.Probes)
	rb.readDeciders(p, words, labels, replyWords)
	if asksForMistake.MatchString(strings.ToLower(r.Question)) {
		said := spoken(append(slices.Concat(replyWords...), words...))
		if ownedMissClauses.find(said) == "" {
			rb.notMine = notMineClauses.find(said)
		}
	}
	rb.readOwnership(words, p)
	rb.readMeasured(words, parts)
	rb.readSecondOrder(parts)
	rb.readDepth(words, parts)
	rb.readReflection(words, parts, labels)
	rb.weighReplies()
	for i := range rb.lenses {
		rb.lenses[i].clamp()
	}
	return rb
}

// readProbes sorts the probes that got a verdict: the unanswered, the
// question asked again, and the replies, each read for the lens its gap
// goes after. It returns the replies' words.
func (rb *rubric) readProbes(probes []ProbeExchange) (replyWords [][]string) {
	for _, pr := range probes {
		if pr.Verdict == nil {
			continue
		}
		if pr.Verdict.Rating == RatingUnanswered {
			rb.unanswered = append(rb.unanswered, pr.Gap)
			continue
		}
		if pr.Gap == GapRetell {
			// The question asked again is no lens's evidence: it says
			// whether the candidate could answer it at all.
			if pr.Verdict.Rating == RatingStrong {
				rb.retold = pr.Verdict.Reason
			}
			continue
		}
		var rw []string
		for _, f := range strings.Fields(pr.Answer) {
			rw = append(rw, star.Normalize(f)...)
		}
		replyWords = append(replyWords, rw)
		rt := spoken(rw)
		l, ok := lensOfGap[pr.Gap]
		if !ok {
			l = lensDepth
		}
		rb.replies = append(rb.replies, replyReading{lens: l, gap: pr.Gap, words: rw, rating: pr.Verdict.Rating, asked: pr.Asked,
			keyword: keywordClauses.find(rt), hearsay: unverifiedClauses.find(rt)})
	}
	return replyWords
}

// readDeciders takes the readings that decide before the lenses are
// weighed: off the question or the principle, handed off, a miss owned or
// blamed, work assigned.
func (rb *rubric) readDeciders(p *Principle, words []string, labels []star.Label, replyWords [][]string) {
	rb.offTopic, rb.offTopicQuote = offTopicReading(words)
	hits, quote, known := topicReading(p, words)
	rb.offPrinciple, rb.topicHits, rb.topicKnown, rb.topicQuote = known && hits == 0, hits, known, quote
	rb.routed, rb.leftToThem = handOffReading(words, replyWords)
	ending, after := endingWords(words, labels)
	rb.miss, rb.owned, rb.blamed = outcomeReading(words, ending, after)
	if i, ph := findAssigned(words); i >= 0 {
		rb.assigned = ph
	}
}

// readOwnership scores ownership and scope: whose the work was, and the
// candidate's own steps told in "I", or lost in "we" unless a reply on
// their own part names them.
func (rb *rubric) readOwnership(words []string, p *Principle) {
	mine, ours, acts := storyClauses(words)
	initiative := p == nil || initiativePrinciples[p.Slug]
	o := &rb.lenses[lensOwnership]
	if i, ph := findPhrase(words, scopePhrases); i >= 0 && rb.assigned == "" {
		o.add(0.5, "states whose it was (%q)", excerpt(words, i, len(strings.Fields(ph))+3))
	}
	if rb.assigned != "" {
		if initiative {
			o.add(-0.75, "the work was handed over (%q)", rb.assigned)
		} else {
			o.add(-0.25, "the work was handed over (%q), which says little about going beyond the role", rb.assigned)
		}
	}
	personal := -1 // the reply to a probe on the candidate's own part: 1 strong, 0 weak
	for _, rp := range rb.replies {
		if rp.gap == GapPersonal {
			personal = 0
			if m, o, _ := storyClauses(rp.words); m >= 2 && m > o && rp.keyword == "" {
				personal = 1
			}
		}
	}
	rb.weHeavy = ours > mine
	switch {
	case ours > mine && personal == 1:
		o.add(0.25, "the action is told in \"we\" (%d) more than \"I\" (%d), but the reply on the candidate's own part names their steps", ours, mine)
	case ours > mine:
		o.add(-0.75, "the action is told in \"we\" (%d) more than \"I\" (%d): the candidate's own part cannot be seen", ours, mine)
	case mine >= 3:
		o.add(0.5, "the candidate's own steps, in \"I\" (%s)", quoteList(acts))
	case mine == 0:
		o.add(-0.5, "no step the candidate took is told in \"I\"")
	}
}

// readMeasured scores measured results: a measured change in the result
// leads, a figure that was never checked counts against.
func (rb *rubric) readMeasured(words []string, parts map[star.Label][]string) {
	m := &rb.lenses[lensMeasured]
	resultWords := parts[star.Result]
	if len(resultWords) == 0 {
		resultWords = words
	}
	// Hearsay counts where a figure is told: the action and the result.
	hearsay := unverifiedClauses.find(spoken(append(append([]string{}, parts[star.Action]...), parts[star.Result]...)))
	switch {
	case hearsay != "" && hasNumber(words):
		m.add(-0.5, "the figure was not measured or checked (%q)", hearsay)
	case measuredChange(resultWords) != "":
		m.add(1, "a measured result (%q)", measuredChange(resultWords))
	case measuredChange(words) != "":
		m.add(0.5, "a measure in the story (%q), but none in the result", measuredChange(words))
	case hasNumber(words):
		m.add(0, "a number (%q), but no measure of what changed", numberExcerpt(words))
	default:
		m.add(-1, "nothing is measured%s", quoteSuffix(excerpt(parts[star.Result], 0, 10)))
	}
}

// readSecondOrder scores second-order impact: an effect told in the
// action, result or reflection that outlived the fix. A generic lesson
// tells no effect ("communication across teams is important").
func (rb *rubric) readSecondOrder(parts map[star.Label][]string) {
	s := &rb.lenses[lensSecond]
	told := append(append([]string{}, parts[star.Action]...), parts[star.Result]...)
	if refl := parts[star.Reflection]; findGeneric(refl) == "" {
		told = append(told, refl...)
	}
	lasting := spoken(told)
	if c := secondOrderClauses.find(lasting); c != "" {
		s.add(0.75, "an effect that outlived the fix (%q)", c)
	}
}

// readDepth scores depth: how the cause was found and proven, and an
// action told at length or thinly.
func (rb *rubric) readDepth(words []string, parts map[star.Label][]string) {
	d := &rb.lenses[lensDepth]
	text := spoken(words)
	switch c := depthClauses.count(text); {
	case c >= 2:
		d.add(0.5, "shows how the cause was found (%q)", depthClauses.find(text))
	case c == 1:
		d.add(0.25, "some sign of how it was worked out (%q)", depthClauses.find(text))
	}
	if len(parts[star.Action]) >= 70 {
		d.add(0.25, "")
	} else if len(parts[star.Action]) < 35 {
		d.add(-0.5, "the action is thin (%d words)", len(parts[star.Action]))
	}
}

// readReflection scores reflection: the part read as one, or with none,
// the story's last words from where a lesson begins.
func (rb *rubric) readReflection(words []string, parts map[star.Label][]string, labels []star.Label) {
	rf := &rb.lenses[lensReflection]
	refl := parts[star.Reflection]
	if len(refl) == 0 {
		tail := words[max(0, len(words)-60):]
		if i, _ := findPhrase(tail, lessonOpenings); i >= 0 {
			refl = tail[i:]
		}
	}
	blamed := blamedClauses.find(spoken(refl))
	switch {
	case len(refl) == 0:
	case blamed != "":
		rf.add(-0.75, "the lesson puts it on others (%q)", blamed)
	case findGeneric(refl) != "" && !specificReflection(refl, words, labels):
		rf.add(-0.75, "a generic lesson (%q)", findGeneric(refl))
	case changeClauses.find(spoken(refl)) != "" && len(refl) >= 15, len(refl) >= 25:
		rf.add(1, "a lesson that belongs to this story and changes what the candidate does next (%q)", excerpt(refl, 0, 14))
	case len(refl) >= 15:
		rf.add(0.5, "a lesson specific to the story (%q)", excerpt(refl, 0, 14))
	}
}

// weighReplies counts each reply as evidence for or against its lens.
func (rb *rubric) weighReplies() {
	for _, rp := range rb.replies {
		l := &rb.lenses[rp.lens]
		switch {
		case rp.keyword != "":
			l.add(-0.75, "the reply to %q rests on slogans (%q)", rp.asked, rp.keyword)
		// Asked who owns it now or how it was kept from happening again,
		// a mechanism handed to its owners is the answer; asked anything
		// else, leaving it to others is not.
		case leftClauses.find(spoken(rp.words)) != "" && rp.gap != GapOutcome && rp.gap != GapStandards:
			l.add(-0.75, "the reply to %q leaves it to others (%q)", rp.asked, leftClauses.find(spoken(rp.words)))
		case rp.hearsay != "" && rp.lens == lensMeasured && (rp.gap == GapQuantify || hasNumber(rp.words)):
			// The figure the story rests on was never checked: the
			// answer's number counts for nothing.
			l.score = min(l.score, 0)
			l.add(-0.75, "the reply to %q says %q: the figure was never checked", rp.asked, rp.hearsay)
		case rp.hearsay != "" && rp.lens != lensMeasured:
			l.add(-0.75, "the reply to %q says %q", rp.asked, rp.hearsay)
		case rp.rating == RatingStrong && rp.lens == lensMeasured && hasNumber(rp.words):
			// Asked for the measure, the candidate gives it with where it
			// came from: as good as a measured result in the answer.
			l.add(0.75, "the reply to %q gives the measure (%q)", rp.asked, excerpt(rp.words, 0, 10))
		case rp.rating == RatingStrong:
			l.add(0.5, "the reply to %q backs it (%q)", rp.asked, excerpt(rp.words, 0, 10))
		default:
			l.add(-0.5, "the reply to %q adds nothing (%q)", rp.asked, excerpt(rp.words, 0, 10))
		}
	}
}

// asksForMistake tells a question that asks for a failure or a mistake:
// there a miss is what was asked for, and may be told as a Strong Hire.
var asksForMistake = regexp.MustCompile(`\b(wrong|mistake|fail|failed|failure|missed)\b`)

// disqualified reports whether a decider settles the verdict whatever
// the evidence: an answer off the question, or a problem handed off and
// left with the team that owns it.
func (rb *rubric) disqualified() bool {
	return rb.offTopic != "" || rb.offPrinciple || rb.notMine != "" || rb.routed != "" && rb.leftToThem != ""
}

// strongHireGap is what keeps a story from Strong Hire, in a sentence, or
// "" when it shows all a Strong Hire needs: the candidate's own part, told
// in "I", a measured result, a lesson of its own, the lenses the principle
// leads with clearly evidenced, no lens with evidence against it and no
// reply that failed to back what it was asked about.
func (rb *rubric) strongHireGap(principle string) string {
	for i, l := range rb.lenses {
		switch {
		case lensMark(l.score) == "against":
			return fmt.Sprintf("%s has evidence against it", lensNames[i])
		case l.score < 0:
			return fmt.Sprintf("%s is thin", lensNames[i])
		}
	}
	for _, l := range rb.lead {
		if rb.lenses[l].score < 0.75 {
			return fmt.Sprintf("%s, which %s is read for first, is not clearly evidenced", lensNames[l], principle)
		}
	}
	for _, rp := range rb.replies {
		if rp.rating != RatingStrong {
			return fmt.Sprintf("the reply to %q did not back the story", rp.asked)
		}
	}
	switch {
	case rb.lenses[lensOwnership].score <= 0:
		return "the candidate's own part is not clearly shown"
	case rb.weHeavy:
		return "the action is told in \"we\" more than \"I\", so the candidate's own part is only partly seen"
	case rb.lenses[lensMeasured].score < 0.75:
		return "the result is not clearly measured"
	case rb.lenses[lensReflection].score <= 0:
		return "there is no lesson of the story's own"
	}
	return ""
}

// leadLenses are the lenses a principle weighs above the others.
func leadLenses(p *Principle) []lens {
	base, w := lensWeights(nil), lensWeights(p)
	var lead []lens
	for i := range w {
		if w[i] > base[i] {
			lead = append(lead, lens(i))
		}
	}
	return lead
}

func lensMark(score float64) string {
	switch {
	case score > 0.25:
		return "evidenced"
	case score < -0.25:
		return "against"
	}
	return "thin"
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func quoteSuffix(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", s)
}

// numberExcerpt is a few words around the first number in words.
func numberExcerpt(words []string) string {
	for i, w := range words {
		if hasNumber([]string{w}) {
			return excerpt(words, i-4, 9)
		}
	}
	return ""
}

// lessonOpenings start a reflection.
var lessonOpenings = phrases(`i learned|i learnt|taught me|what i took|stayed with me|looking back|in hindsight|
	next time|these days|now i|now when|what i do differently|what i'd do differently|i'd do differently|
	the lesson|my takeaway|what i'd keep|the part i'd keep`)

// platitudeClauses are lessons that fit any story, told as a rule for
// everyone; in a short reflection they are its whole content.
var platitudeClauses = newClause(`you have to|you need to|you should|you can't always|sometimes you|is worth|are worth|
	it's worth|can be (?:really )?\w+|always the best|the best policy|tend to|a team effort|keep pushing|dream big|
	get things to the right|speak up`)

// findGeneric is the first platitude in a reflection, or "".
func findGeneric(words []string) string {
	if _, ph := findPhrase(words, genericReflections); ph != "" {
		return ph
	}
	if len(words) < 25 {
		return platitudeClauses.find(spoken(words))
	}
	return ""
}

// changeWords tell what a number measures: a before and after, a rise or
// a fall, a rate.
var changeWords = wordSet(`to dropped fell rose cut saved percent zero none before since reduced fewer less under
	faster slower lower higher doubled halved stopped per`)

// measuredChange is a few words around the first number that measures a
// change ("from about four percent to under a tenth"), or "".
func measuredChange(words []string) string {
	for i, w := range words {
		if !hasNumber([]string{w}) {
			continue
		}
		for j := max(0, i-3); j < min(len(words), i+7); j++ {
			if j != i && changeWords[words[j]] {
				return excerpt(words, i-4, 10)
			}
		}
	}
	return ""
}

func labelsOf(r *InterviewReport) []star.Label {
	var out []star.Label
	for _, w := range r.Words {
		for range star.Normalize(w.Text) {
			out = append(out, w.Part)
		}
	}
	return out
}

// joinAnd lists items as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
