package interviewer

import (
	"slices"
	"strings"
)

// Classes of wording the reply judge (judge.go) reads by their scope
// rather than by one phrase: whose negation it is, whose word a figure
// rests on, whether a symptom went away by itself or by the speaker's
// test. Chosen on the train-side cases of TestJudgeProbeGeneralises.

// otherSubjects3 are the pronouns of someone else; with a plural noun
// ("scripts", "staff"), the subject of a negation that is not the
// speaker's.
var thirdPersons = wordSet(`they he she it people others everyone everybody staff folks users customers
	nobody someone somebody`)

// notPlurals end in s and are no plural noun.
var notPlurals = wordSet(`this was has is his its us yes does always sometimes perhaps less unless thus plus
	as whereas across afterwards towards besides`)

var capability = wordSet(`can't cannot couldn't won't`)

// negationAdverbs may stand between a subject and its negator.
var negationAdverbs = wordSet(`just honestly really actually also still simply even ever then so`)

// speakerNegation says whether the negator at w[i] is the speaker's: the
// word before it (past adverbs) is not another person, or a plural noun,
// as in "they never see the declines", "scripts can't run from a laptop".
func speakerNegation(w []string, i int) bool {
	j := i - 1
	for j >= 0 && negationAdverbs[w[j]] {
		j--
	}
	if j < 0 {
		return true
	}
	x := w[j]
	// "can't" is the speaker's only with the speaker as subject: "we
	// can't measure it", not "refunds can't go through any more".
	if capability[w[i]] {
		return x == "i" || x == "we" || x == "you"
	}
	if thirdPersons[x] {
		return false
	}
	plural := len(x) > 3 && strings.HasSuffix(x, "s") && !strings.HasSuffix(x, "ss") && !strings.HasSuffix(x, "'s")
	return !plural || notPlurals[x]
}

// ownCheckVerbs are the verbs of finding out that, with "I" as subject,
// are the speaker's own check.
var ownCheckVerbs = wordSet(`pulled counted measured ran reran queried checked compared timed replayed reproduced
	diffed traced sampled matched exported graphed tested benchmarked profiled bisected flashed toggled
	reverted split grouped audited summed calculated computed read opened looked dug`)

// findOwnCheck finds "I" (past at most two adverbs) followed by a verb
// of finding out: "so I pulled the order table myself".
func findOwnCheck(w []string) (int, string) {
	for i, x := range w {
		if x != "i" {
			continue
		}
		for j := i + 1; j < len(w) && j <= i+3; j++ {
			if ownCheckVerbs[w[j]] {
				return i, strings.Join(w[i:j+1], " ")
			}
			if !negationAdverbs[w[j]] && w[j] != "myself" && w[j] != "first" {
				break
			}
		}
	}
	return -1, ""
}

// speechVerbs report someone's word: the basis of a figure or a cause
// taken on trust when their subject is another person.
// ("claims", "reports" and "quotes" are nouns as often, and left out).
var speechVerbs = wordSet(`told said says saying mentioned quoted quoting claimed reckoned reckons reported put wrote`)

// otherPeople are the people whose word a reply may lean on.
var otherPeople = wordSet(`pm pms manager managers lead leads friend friends colleague colleagues analyst analysts
	rep reps agency vendor vendors folks people someone somebody they he she product sales finance marketing
	support ops boss director cto ceo vp guy guys consultant consultants owner owners team teammate teammates`)

// deferredChecks put the check off: the speaker would have to find out.
var deferredChecks = phrases(`i'd have to|i would have to|i'd need to|i would need to|i'd want to check|
	have to ask|need to ask|have to look it up|have to dig|have to check`)

// unlessChecked lets find sink a reply only when the speaker did not
// check it: "our PM quoted twenty percent, so I pulled the table".
func unlessChecked(find func([]string) (int, string)) func([]string) (int, string) {
	return func(w []string) (int, string) {
		i, p := find(w)
		if i < 0 {
			return i, p
		}
		if k, _ := findOwnCheck(w); k >= 0 {
			return -1, ""
		}
		return i, p
	}
}

// findSecondhand finds a figure or cause resting on another person's word
// ("a friend in finance told me", "the number the support manager keeps
// quoting", "our PM put in the review") or on a check put off ("I'd have
// to dig out the invoice").
func findSecondhand(w []string) (int, string) {
	if i, p := findPhrase(w, deferredChecks); i >= 0 {
		return i, p
	}
	for i, x := range w {
		if !speechVerbs[x] || x == "put" && (i+1 >= len(w) || w[i+1] != "it" && w[i+1] != "in") {
			continue
		}
		for j := i - 1; j >= 0 && j >= i-6; j-- {
			if firstPerson[w[j]] || w[j] == "we" || w[j] == "we'd" {
				break
			}
			if otherPeople[w[j]] {
				return j, strings.Join(w[j:i+1], " ")
			}
		}
	}
	return -1, ""
}

// vanishedSymptoms say a problem went away; by themselves they show no
// cause, after a controlled change of one factor they are the proof.
var (
	vanishedSymptoms = phrases(`restarted|went back to normal|back to normal|went away|fixed itself|stopped happening|
		nothing broke|nothing happened|redeployed|rebooted|bounced|cleared the cache`)
	controlledChanges = phrases(`toggled|kept everything|one at a time|replayed|reproduced|reverted|rolled back|
		with and without|without that|without the|ruled|so not|bisected|on demand|same rate|as much as|
		switched it off|turned it off|turned off|switched off|disabled|logged every|only then|unplugged|swapped`)
)

// findVanished finds a symptom that went away with no controlled change
// of the speaker's to make it so.
func findVanished(w []string) (int, string) {
	if i, _ := findPhrase(w, controlledChanges); i >= 0 {
		return -1, ""
	}
	return findPhrase(w, vanishedSymptoms)
}

// sharedCredit are words of doing it together; they hide the speaker's
// part only when fewer than three steps are the speaker's own.
var sharedCredit = phrases(`team effort|as a team|as a group|between us|together|we all`)

func findSharedCredit(w []string) (int, string) {
	if i, _ := findOwnSteps(3)(w); i >= 0 {
		return -1, ""
	}
	return findPhrase(w, sharedCredit)
}

// vagueActivities are steps anyone takes on any job; two of them, with
// nothing else, are no step of one's own.
var vagueActivities = phrases(`asked around|jumped in|dove in|dived in|the usual|normal stuff|figured it out|
	as i went|on the job|whatever it took|whatever was needed|got my hands dirty|rolled up my sleeves|
	read the docs|read what|watched some|watched a few|picked it up|hit the ground running|learned as i|
	googled|did some reading|read up`)

func findVagueActivity(w []string) (int, string) {
	count, first, phrase := 0, -1, ""
	for i := range w {
		if j, p := findPhrase(w[i:min(len(w), i+5)], vagueActivities); j == 0 {
			count++
			if first < 0 {
				first, phrase = i, p
			}
		}
	}
	if count >= 2 {
		return first, phrase
	}
	return -1, ""
}

// findArrivedScope finds work that came to the speaker by events ("landed
// on my plate", "fell into my lap", "ended up on my desk"), that the
// speaker waited to be allowed to do, or expected someone else to do ("I
// figured somebody would").
func findArrivedScope(w []string) (int, string) {
	if i, p := findNear("landed ended fell dumped wound dropped came", "me plate desk lap queue inbox", 4)(w); i >= 0 {
		return i, p
	}
	if i, p := findPhrase(w, phrases(`became my thing|my thing after|by default|defaulted to`)); i >= 0 {
		return i, p
	}
	if i, p := findNear("waited held", "until till for", 2)(w); i >= 0 {
		return i, p
	}
	if i, p := findPhrase(w, phrases(`okay for me|ok for me|whether it was okay|if it was okay|permission|
		got round to|got around to`)); i >= 0 {
		return i, p
	}
	return findNear("figured assumed thought expected hoped reckoned", "somebody someone anybody anyone others", 3)(w)
}

// findLeftToOthers finds a trade-off reply that brings the problem and
// leaves the choice to others, with no option of its own.
func findLeftToOthers(w []string) (int, string) {
	if i, _ := findPhrase(w, phrases(`option|options|choice|either|alternative|alternatives|or we|or wait`)); i >= 0 {
		return -1, ""
	}
	if i, p := findNear("let left leave", "decide rest them work figure", 3)(w); i >= 0 {
		return i, p
	}
	return findPhrase(w, phrases(`know better|what to do about it|up to them|their call|their decision|for them to decide`))
}

// growthTalk is a lesson about the speaker's character, not a change in
// what they do.
var growthTalk = phrases(`resilient|resilience|comfort zone|my growth|personal growth|growth mindset|confidence|
	lifelong|journey|put my mind|about myself|believe in myself|i'm capable|i can learn|i can do anything|
	stronger than i|tougher than i`)

// reflectionSteps are a change said as a step, moved to when it belongs:
// "ask for the keys at kickoff, not the week before launch".
var reflectionSteps = phrases(`at kickoff|kickoff|day one|first day|up front|upfront|from the start|at the start|
	at the beginning|before launch|before we|before anyone|before starting|not after|not at the end|ahead of`)

// imperativeSteps open a reflection said as an instruction to oneself.
var imperativeSteps = wordSet(`ask add buy book build check get put run write test call set start stop move split
	keep send schedule measure pull read try write budget plan pair`)

// findReflectionStep finds a change told as a step and its moment.
func findReflectionStep(w []string) (int, string) {
	if len(w) > 0 && imperativeSteps[w[0]] {
		if i, p := findPhrase(w, phrases(`not|instead|rather|before|first`)); i >= 0 {
			return 0, strings.Join(w[:min(i, 6)], " ") + ", " + p
		}
	}
	return findPhrase(w, reflectionSteps)
}

// resolved says whether a negated verb of finding out was then made good
// by the speaker: a check of their own after it, or, after a not-knowing
// ("I didn't know if the berth could take it"), any step of theirs that
// bounds it ("so I only put that boat on high tides").
func resolved(verb string, after []string) bool {
	if i, _ := findOwnCheck(after); i >= 0 {
		return true
	}
	if verb == "know" || verb == "knew" {
		i, _ := findOwnSteps(1)(after)
		return i >= 0
	}
	return false
}

// retractions take back what was said before them: "nobody owned it ...
// well, to be fair, my manager put it in my name".
var retractions = phrases(`well to be fair|well actually|well technically|well truthfully|well strictly|well really|
	well mainly|well honestly|well to be honest|strictly speaking|truth be told|technically speaking|if i'm honest|
	if i'm being honest|in fairness`)

// findRetraction finds a retraction after the reply's first words (one at
// the start is only a way of beginning).
func findRetraction(w []string) (int, string) {
	for from := 0; from < len(w); {
		i, p := findPhrase(w[from:], retractions)
		if i < 0 {
			return -1, ""
		}
		if i += from; i >= 5 {
			return i, p
		}
		from = i + 1
	}
	return -1, ""
}

// beyondAsk are the words that take a reply past what it was asked to do.
var beyondAsk = phrases(`went further|went beyond|beyond what|beyond the ask|beyond that|further than|
	more than i was asked|more than the ask|past the ask|wider than`)

func beyondAskAt(w []string) int {
	i, _ := findPhrase(w, beyondAsk)
	return i
}

// findBlame finds a reply that puts the work or the fault on others:
// "that's on the leads, they should be running those better".
func findBlame(w []string) (int, string) {
	if i, p := findNear("they he she them", "should", 2)(w); i >= 0 {
		return i, p
	}
	if i, p := findNear("hope hoped expect want", "they them", 2)(w); i >= 0 {
		return i, p
	}
	return findPhrase(w, phrases(`that's on the|that's on them|wasn't my place|not my place|only mentioned|
		when somebody asked|when someone asked|should have caught`))
}

// findOtherOwner finds work named by another team as its owner ("the
// platform team's"), not the speaker's own.
func findOtherOwner(w []string) (int, string) {
	for i, x := range w {
		if !strings.HasSuffix(x, "team's") && !strings.HasSuffix(x, "group's") && x != "department's" {
			continue
		}
		if i > 0 && (w[i-1] == "my" || w[i-1] == "our") || i > 1 && (w[i-2] == "my" || w[i-2] == "our") {
			continue
		}
		return i, x
	}
	return -1, ""
}

// findRootCause finds a cause named beyond the code with a step of the
// speaker's taken for it.
func findRootCause(w []string) (int, string) {
	i, p := findPhrase(w, phrases(`real cause|root cause|cause was|actual cause|underlying cause`))
	if i < 0 {
		return -1, ""
	}
	// "I got the council to add our address" is a step as much as "I set up".
	for j := i; j+1 < len(w); j++ {
		if w[j] == "i" && (isActionVerb(w[j+1]) || w[j+1] == "got") {
			return i, p
		}
	}
	return -1, ""
}

// findMessageLeft finds a message left for others (in any verb: dropped,
// fired off, left, posted) after which only they acted: a hand-off.
func findMessageLeft(w []string) (int, string) {
	i, p := findNear("dropped left sent posted fired wrote put filed raised pinged messaged emailed flagged shot",
		"message note comment email line ticket issue dm post mail", 4)(w)
	if i < 0 {
		return -1, ""
	}
	// What follows is read with the subject it starts under: "I wrote a
	// note ..., then paired with their engineer" is a step of mine.
	end := i + len(strings.Fields(p))
	rest := append([]string{lastSubject(w[:end]), "just"}, w[end:]...)
	if j, _ := findOwnSteps(1)(rest); j >= 0 {
		return -1, ""
	}
	return i, p
}

// lastSubject is the last subject pronoun in w ("i" when there is none).
func lastSubject(w []string) string {
	for i := len(w) - 1; i >= 0; i-- {
		if firstPerson[w[i]] {
			return "i"
		}
		if otherSubjects[w[i]] {
			return w[i]
		}
	}
	return "i"
}

// maskCounterfactuals blanks what the speaker says they would have done
// otherwise, "if I had waited for their sprint, it would have expired",
// from "if" to "would": it is no deed of theirs.
func maskCounterfactuals(w []string) []string {
	out := w
	for i := 0; i+1 < len(w); i++ {
		if w[i] != "if" || !firstPerson[w[i+1]] && w[i+1] != "we" && w[i+1] != "we'd" {
			continue
		}
		for j := i + 2; j < len(w) && j <= i+20; j++ {
			if w[j] != "would" {
				continue
			}
			if &out[0] == &w[0] {
				out = slices.Clone(w)
			}
			for k := i; k <= j; k++ {
				out[k] = ""
			}
			i = j
			break
		}
	}
	return out
}
