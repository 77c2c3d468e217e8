package interviewer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// This file reads whether an answer is a story at all, whether it answers
// the question asked, how its result turned out, and whether the problem
// was handed off to another team: the readings a bar raiser makes before
// weighing any of the story's evidence (issue 29, "Outcome and relevance").

// clause finds a pattern in normalized words: text is the words joined by
// single spaces, and a pattern is a regular expression over it whose
// matches start and end on word boundaries.
type clause struct{ re *regexp.Regexp }

// A pattern may be broken over lines after a "|": the line breaks and the
// indentation after them are dropped.
func newClause(pattern string) clause {
	pattern = lineBreaks.ReplaceAllString(strings.TrimSpace(pattern), "")
	return clause{regexp.MustCompile(`(?:^| )(?:` + pattern + `)(?: |$)`)}
}

var lineBreaks = regexp.MustCompile(`\s*\n\s*`)

// find returns the words matched, trimmed, or "" when none.
func (c clause) find(text string) string {
	m := c.re.FindString(text)
	return strings.TrimSpace(m)
}

// count is how many times the pattern matches; two matches side by side
// share the space between them.
func (c clause) count(text string) int {
	n := 0
	for at := 0; at < len(text); {
		m := c.re.FindStringIndex(text[at:])
		if m == nil {
			break
		}
		n++
		at += max(m[1]-1, m[0]+1)
	}
	return n
}

// spoken is normalized words joined for the clauses.
func spoken(words []string) string {
	return strings.Join(strings.Fields(strings.Join(words, " ")), " ")
}

// pastActions are the verbs in the past tense that tell an action, beyond
// the regular "-ed" ones.
var pastActions = wordSet(`took wrote built found made went saw ran got told sent put set kept brought caught cut did drove
	gave led left met paid said sat spent spoke stood taught won began broke chose dug drew held hit let rebuilt rewrote
	sold split threw came bought fought flew grew rode rang swore tore wore woke hung spun struck stuck slid sped lent
	dealt swept dove shook overrode undid redid reran reread oversaw understood upheld withheld withdrew ground bound
	wound fed fled shot lit hid quit spread shipped dropped stopped swapped flagged mapped tagged logged planned grabbed
	ripped`)

// presentActions are verbs of action a story told in the present ("so I
// pull the logs, I find the gap") uses after "I".
var presentActions = wordSet(`pull pulls write build find go grab check ask call open fix ship add run dig trace diff
	profile reproduce replay rewrite set send tell take put sit walk book start spin roll`)

// notActions are "-ed" words after "I" that tell no action.
var notActions = wordSet(`needed wanted learned learnt liked loved hoped wished guessed assumed supposed used interested
	excited surprised worried tired bored based related involved concerned`)

// actionAdverbs may stand between "I" and the verb ("I also wrote").
var actionAdverbs = wordSet(`also just then finally first actually immediately quickly personally still even already
	later eventually again myself quietly carefully`)

// storyClauses counts the clauses that tell what happened, in the past,
// with "I" and with "we" as the subject; a story has several, a view or a
// hypothetical has few.
func storyClauses(words []string) (mine, ours int, examples []string) {
	for i := 0; i+1 < len(words); i++ {
		subject := words[i]
		if subject != "i" && subject != "we" {
			continue
		}
		j := i + 1
		if actionAdverbs[words[j]] && j+1 < len(words) {
			j++
		}
		v := words[j]
		past := pastActions[v] || presentActions[v] || (len(v) > 4 && strings.HasSuffix(v, "ed") && !notActions[v])
		if !past {
			continue
		}
		if subject == "i" {
			mine++
			if len(examples) < 4 {
				examples = append(examples, strings.Join(words[i:j+1], " "))
			}
		} else {
			ours++
		}
	}
	return mine, ours, examples
}

// Readings of what kind of answer it is.
var (
	// hypotheticalClauses put a habit or a condition in place of a time
	// it happened ("I would" and "I'd" are counted by hypotheticals).
	hypotheticalClauses = newClause(`if (?:a|my|the|someone|somebody|i|we) \S+ (?:was|were|is|had|did|missed|kept|wanted|wants|asked|asks|pushed|insisted|decided)|
		it would depend|it depends on|i haven't had|haven't had to|haven't really had|i've never had|
		(?:i|i've) (?:have |had )?not (?:really |yet |ever )?had|i (?:have|had) never (?:really )?had|i've not (?:really )?had|i'll usually|i usually|i always|i tend to|i try to|my approach is|
		i'd probably|i'd make sure|what i'd do|what i would do|i (?:generally|typically|normally)|my first step would|
		the first thing i'd|the first thing i would|i'd typically|i'd usually|that's how i would|that's what i would|the way i approach|
		if i (?:\S+ )?(?:disagreed|disagree|had to|needed to|were|was) (?:with|to|in|on)|hasn't (?:really )?come up|it never (?:really )?came up`)
	// viewClauses are views and habits told in place of a story.
	viewClauses = newClause(`i'm a (?:big|firm|huge|strong) believer|i'm (?:really )?passionate|i'm (?:a )?really \S+ person|
		i think (?:in general|that's|it's|every|a lot of|curiosity|this is)|in general|every engineer should|you should always|
		you have to be|one of my (?:biggest )?strengths|something i really care|i'm always|i'm usually|i like (?:sharing|to)|
		i'm a (?:big|huge|real) fan|in my experience|for me the (?:key|recipe|secret)|the (?:key|recipe|secret) is|is really about|it's (?:really )?all about|
		the best (?:leaders|engineers|teams|managers) (?:i've|always)|you have to speak|that kind of thing`)
)

// participles are the words after "I'd" that make it "I had" (a past
// story), not "I would".
var participles = wordSet(`have been had done made seen told built taken given gone got gotten written run found put set
	left kept brought caught cut shipped sent spent thought heard known shown worn won`)

// hypotheticals counts "I would", "we'd" and the like: what the speaker
// would do, rather than did.
func hypotheticals(words []string) int {
	n := 0
	for i := range words {
		if hypotheticalAt(words, i) {
			n++
		}
	}
	return n
}

// hypotheticalAt reports whether words[i] is the "would" of "I would",
// "we would" or "you would", or an "I'd" or "we'd" that is not "I had".
func hypotheticalAt(words []string, i int) bool {
	switch words[i] {
	case "would":
		return i > 0 && (words[i-1] == "i" || words[i-1] == "we" || words[i-1] == "you")
	case "i'd", "we'd":
		return i+1 < len(words) && !participles[words[i+1]] && !strings.HasSuffix(words[i+1], "ed") && !strings.HasSuffix(words[i+1], "en")
	}
	return false
}

// othersClauses counts what other people did, in the past: a story in
// which the candidate does nothing tells no time of theirs.
func othersClauses(words []string) (n int, first string) {
	for i := 0; i+1 < len(words); i++ {
		switch words[i] {
		case "he", "she", "they":
			v := words[i+1]
			if pastActions[v] || (len(v) > 4 && strings.HasSuffix(v, "ed") && !notActions[v]) {
				if n == 0 {
					first = excerpt(words, i, 6)
				}
				n++
			}
		}
	}
	return n, first
}

// offTopicReading says why an answer does not tell a real time, or "".
// A story tells several things the candidate (or the team) did, in the
// past; a view, a list of interests or an "I would" does not.
func offTopicReading(words []string) (why, quote string) {
	mine, ours, _ := storyClauses(words)
	text := spoken(words)
	hypo := hypotheticalClauses.count(text) + hypotheticals(words)
	theirs, theirFirst := othersClauses(words)
	views := viewClauses.count(text)
	done := mine + ours
	switch {
	case hypo >= 3 && hypo > 2*done:
		// Quote what the candidate would do ("i would ask for a one on
		// one"), else the clause that put a habit in place of a time.
		for i := range words {
			if hypotheticalAt(words, i) {
				if words[i] == "would" {
					i--
				}
				return "hypothetical", excerpt(words, i, 7)
			}
		}
		return "hypothetical", hypotheticalClauses.find(text)
	case done <= 2 && views >= 2:
		return "no story", viewClauses.find(text)
	case mine <= 1 && ours <= 1 && theirs >= 3:
		return "no story", theirFirst
	}
	return "", ""
}

// Handing the problem to the team that owns it and moving on: the
// coaching material's disqualifier, however it is worded.
var (
	// routedClauses tell the problem was passed to someone else.
	routedClauses = newClause(`(?:escalated|posted|filed|sent|emailed|flagged|reported|raised|pinged|messaged|forwarded|
		handed|passed|logged|opened|mentioned|dropped|put|told|cc'd|paged) (?:\S+ ){0,6}(?:to|in|with|into|on|for) (?:\S+ ){0,3}
		(?:their|the (?:\S+ )?team|support|manager|channel|queue|ticket|lead|slack|email|the right|them)|
		filed a ticket|opened a ticket|sent (?:a|them a) (?:slack )?message|(?:a|the) slack message|made sure (?:it got|they knew)|
		let (?:their \S+|the \S+ team) know|gave them a heads up|looped (?:in|them in)|created a (?:jira|ticket|bug)|
		opened an issue|raised a (?:ticket|bug)|wrote it up for`)
	// leftClauses tell the candidate then left it to them.
	leftClauses = newClause(`moved on|went back to (?:my|our)|back to my (?:own )?(?:sprint|work|tickets)|left it (?:with|to) them|
		they (?:\S+ ){0,2}(?:fixed|patched|sorted|handled|resolved|solved) (?:it|the)|they sorted it out|they handled it|
		they got to it|got back to them|it got resolved|(?:it|that) was (?:really )?(?:their|support's|on them|up to them)|
		(?:was|is|it's) (?:really |kind of |sort of )?theirs|(?:was|is|it's) (?:kind of |sort of )their (?:call|job|problem|system|service|decision|pipeline|code)|
		it's their (?:pipeline|code|system|service)|went back to (?:the|what i was) (?:\S+ )?(?:feature|work|sprint|tickets|task|doing)|
		(?:you'd|you would) have to ask them|they picked it up|
		(?:was|is) (?:really )?their (?:call|job|problem|system|service|decision)|(?:support's|their) job|it's theirs|
		(?:it was|that's|it's) on them|up to them|their queue|didn't follow (?:it|up)|did not (?:\S+ ){0,3}take further ownership|
		beyond reporting|their backlog|in their hands|let them (?:handle|deal|sort|fix)|
		(?:not|wasn't) (?:really )?(?:my|our) (?:problem|job|system|service|call)|(?:it|that) was out of my hands|
		i closed (?:it|the ticket)|handed it (?:over|off)|passed it (?:on|over|along)|
		their (?:area|responsibility|domain|codebase)|they own (?:it|that|the)|not my place|(?:let|left) them take it|
		take it from there|trusted them to|out of my (?:scope|lane)|their team (?:handles|owns)`)
	// ownedFixClauses tell the candidate fixed it themselves after all.
	ownedFixClauses = newClause(`i (?:\S+ )?(?:wrote|built|fixed|shipped|brought|patched) (?:\S+ ){0,4}(?:myself|fix|pull request|pr|change)|
		i didn't just send|brought a (?:pull request|fix|pr)|wrote (?:\S+ ){0,3}myself`)
)

// handOffReading finds the problem routed to another team and left there:
// in the answer (routed, then "they fixed it" or "I moved on") or in a
// reply that confirms it ("after that it was their call"). confirmed is
// the reply or sentence that says the candidate left it to them.
func handOffReading(answer []string, replies [][]string) (routed, confirmed string) {
	text := spoken(answer)
	if ownedFixClauses.find(text) != "" {
		return "", ""
	}
	routed = routedClauses.find(text)
	left := leftClauses.find(text)
	for _, r := range replies {
		rt := spoken(r)
		if ownedFixClauses.find(rt) != "" {
			return "", ""
		}
		if c := leftClauses.find(rt); c != "" && confirmed == "" {
			confirmed = c
		}
		if routed == "" {
			routed = routedClauses.find(rt)
		}
	}
	if routed == "" {
		return "", ""
	}
	// A story that routes the fix but tells much of the candidate's own
	// work (found the cause, wrote the change, added a check) is not the
	// hand-off, unless a reply says they left it.
	if mine, _, _ := storyClauses(answer); mine > 3 && confirmed == "" {
		return "", ""
	}
	if confirmed == "" && left != "" && strings.Contains(left, " ") && !strings.HasPrefix(left, "they") {
		// "moved on", "went back to my sprint": the answer itself says
		// the candidate left it.
		confirmed = left
	}
	if left == "" && confirmed == "" {
		return "", ""
	}
	return routed, confirmed
}

// The result's outcome: a failure or a miss, and whether it was owned and
// learned from or put on others.
var (
	missClauses = newClause(`(?:we|i) missed (?:the|our|it|that) ?(?:\S+ )?(?:date|deadline|launch|target|goal|by|window)?|missed (?:the|our) (?:date|deadline|launch|target|goal|window)|
		didn't (?:help|pay off|pay|make it|make the date|make the deadline|hit the)|did not (?:help|make it)|
		(?:it|that|the \S+) didn't work|fell short|never shipped|got (?:cancelled|canceled|shelved)|
		slipped (?:to|by|into) (?:the )?(?:next|a|another|\S+ (?:days|weeks|months))|(?:\S+ )?(?:seconds|minutes|hours|days|weeks|months) late|(?:running|ran|fell|were|was) behind|
		only (?:about |around |roughly )?(?:half|a third|a quarter|part of)|the other \S+ (?:are|were) still|half landed|
		never got (?:the time|to it|finished|done|there)|didn't (?:fully|entirely|quite) (?:work|land)|partly (?:worked|landed)|
		(?:my|the) wrong call|cost us (?:about |roughly |nearly )?(?:a|an|\S+) (?:week|weeks|days|month|months|sprint)|
		we lost the|i lost the|fell over|went down for|(?:was|were) down for|didn't go (?:well|great|smoothly|as planned|to plan)|after the \S+ was (?:over|done)|
		(?:wasn't|weren't|was not) going to make it|we'd miss|we would miss|my mistake|by mistake|instead of staging|the bet didn't`)
	ownedMissClauses = newClause(`(?:that's|that was|it was|was) on me|my (?:mistake|fault|call|wrong call|responsibility)|it was my|
		i should(?:'ve| have)|i missed|i didn't (?:tell|raise|test|check|flag|ask|escalate)|i got it wrong|i was wrong|
		i'd (?:used|been|assumed|missed|forgotten|skipped|treated)|i had (?:been|assumed|missed|skipped)|
		i (?:ran|pushed|deployed|shipped|merged) (?:the|a|my) \S+ (?:\S+ )?(?:against|to|into|without)|
		i (?:take|took) responsibility|i owned (?:it|up|the mistake)|i underestimated|i overestimated|i misjudged`)
	blamedClauses = newClause(`wasn't on (?:our|my) side|not on (?:our|my) side|wasn't (?:really )?anything (?:i|we) could|nothing (?:i|we) could|
		the other team|their fault|not (?:our|my) fault|bad luck|unlucky|out of (?:our|my) hands|(?:outside|beyond) (?:our|my) control|
		they didn't deliver|they were late|because of them|the client changed|(?:the|their) \S+ team was late|bad timing|
		(?:it|that) was the (?:vendor|client|other team|designs?) that|wasn't only my|not only my (?:decision|call|fault)`)
)

// endingWords are the words a miss is read in: the result, with the last
// words before it (a typed or spoken story's closing sentences are often
// read as action), or with no result the story's last words; and the
// words after the situation, where a mistake owned may be told. words and
// labels are one word each.
func endingWords(words []string, labels []star.Label) (ending, after []string) {
	const lead = 60
	first := slices.Index(labels, star.Result)
	for i, w := range words {
		switch {
		case labels[i] == star.Result, first >= 0 && i >= first-lead && i < first && labels[i] != star.Situation:
			ending = append(ending, w)
		}
		if labels[i] != star.Situation {
			after = append(after, w)
		}
	}
	if first < 0 { // no result found: the story ends in its last third
		ending = after[max(0, len(after)-max(lead, len(after)/3)):]
	}
	return ending, after
}

// flatLabeled splits normalized entries that hold more than one word (a
// hyphenated number) so that each word keeps its label.
func flatLabeled(norm []string, labels []star.Label) ([]string, []star.Label) {
	var words []string
	var ls []star.Label
	for i, n := range norm {
		for _, w := range strings.Fields(n) {
			words = append(words, w)
			ls = append(ls, labels[i])
		}
	}
	return words, ls
}

// mistakeClauses own a mistake wherever the story tells it.
var mistakeClauses = newClause(`my mistake|my fault|by mistake|(?:my|the) wrong call|instead of staging`)

// notMineClauses say, of a story told to a question asking when the
// candidate was wrong or failed, that it was someone else who was.
var notMineClauses = newClause(`admit (?:that )?i was right|i was right all along|(?:turned out|proved) (?:that )?i was right|proved me right|
	i wasn't (?:really |actually )?(?:wrong|the one)|wasn't (?:really |actually )?my (?:mistake|fault|call|decision)|
	(?:it|that) was (?:his|her|their) (?:call|mistake|decision|fault)`)

// outcomeReading says whether the story ended in a miss, and if so
// whether the candidate owned it or put it on others. The miss is read in
// the result, where the story ends (a fix that "didn't help" on the way is
// depth, not the outcome), or, for a mistake owned, anywhere after the
// situation.
func outcomeReading(answer, result, after []string) (miss, owned, blamed string) {
	miss = missClauses.find(spoken(result))
	told := spoken(after)
	if miss == "" {
		miss = mistakeClauses.find(told)
	}
	if miss == "" && ownedMissClauses.find(told) != "" {
		// A miss told before the story's end and owned there.
		miss = missClauses.find(told)
	}
	if miss == "" {
		return "", "", ""
	}
	text := spoken(answer)
	return miss, ownedMissClauses.find(text), blamedClauses.find(text)
}

// principleTopics are the words that show a story is about the principle
// asked, for the principles whose every question names a subject no
// answer to it can leave out (Frugality: what things cost); an answer
// with none of them tells another principle's story.
var principleTopics = map[string]clause{
	"frugality": newClause(`costs?|costing|bills?|spend|spending|spent|budget|money|dollars?|cheaper|expensive|save|saved|saving|savings|
		resources|headcount|licen[cs]es?|frugal|storage|servers?|cloud`),
}

// topicReading counts the words of the answer that belong to the
// principle's subject; known is false when the principle has no list.
func topicReading(p *Principle, words []string) (hits int, first string, known bool) {
	if p == nil {
		return 0, "", false
	}
	c, ok := principleTopics[p.Slug]
	if !ok {
		return 0, "", false
	}
	text := spoken(words)
	return c.count(text), c.find(text), true
}

// offTopicFinding is the off_topic finding of an answer that tells no
// real time, or nil.
func offTopicFinding(words []string) *Finding {
	why, quote := offTopicReading(words)
	switch why {
	case "":
		return nil
	case "hypothetical":
		return &Finding{Code: "off_topic", Severity: SeverityHigh, Evidence: quote,
			Message: fmt.Sprintf("The answer says what you would do (%q), not what you did. The question asks for a real time: tell one that happened, in the past, with your own steps.", quote)}
	}
	return &Finding{Code: "off_topic", Severity: SeverityHigh, Evidence: quote,
		Message: fmt.Sprintf("The answer tells no specific time: it gives views and generalities (%q) instead of a story. Answer with one real time: what happened, what you did, and how it turned out.", quote)}
}

// addPrincipleFindings adds the findings that need the question's
// principle to the main answer's report: a story that shows nothing of it
// is off topic, whatever its other qualities. The analysis does not know
// the question; the interview adds these.
func addPrincipleFindings(r *Report, p *Principle) {
	if p == nil || len(r.Words) == 0 || slices.ContainsFunc(r.Feedback, func(f Finding) bool { return f.Code == "off_topic" }) {
		return
	}
	if hits, _, known := topicReading(p, reportWords(r)); !known || hits > 0 {
		return
	}
	r.Feedback = append(r.Feedback, Finding{Code: "off_topic", Severity: SeverityHigh,
		Message: fmt.Sprintf("The story does not show %s, the principle the question asks about: it may be a good story, but for another question. Pick a time that is about what was asked.", p.Name)})
	sortFindings(r.Feedback)
}

// reportWords are the answer's words, normalized, in order.
func reportWords(r *Report) []string {
	var out []string
	for _, w := range r.Words {
		out = append(out, star.Normalize(w.Text)...)
	}
	return out
}
