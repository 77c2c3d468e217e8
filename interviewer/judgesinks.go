package interviewer

// The sinks of the reply judge (judge.go): what sinks a reply to a probe,
// per gap, whatever evidence it also gives.

// Sinks, in the order they are tried. Hedges and negated checks come
// first: they undo whatever they touch, in every gap.
var replySinks = []replySink{
	{
		find:   findRetraction,
		reason: "%q takes back what came before it: say what was yours, plainly.",
	},
	{
		find: oneOf(`i'm not sure|not sure|i guess|no idea|i don't know|i don't really know|hard to say|
			don't have the|don't have any|don't have actual|
			i don't remember|i don't recall|i can't remember|i forget|if i remember|if i recall|from memory|
			didn't really|never really|more or less|or so i heard|last i heard|apparently|supposedly`),
		reason: "%q takes back the claim it qualifies, so the reply shows nothing checked: say what you saw and how you know.",
	},
	{
		// A belief stated as one is no evidence of what happened. In a
		// reflection it only softens the wording of a change, in a
		// trade-off the guess at what the road not taken would have cost;
		// in a reply on one's own part, whose work it was or how others
		// were won over, "I think" opens a reason, and those gaps' own
		// demands ask for the steps.
		except: []Gap{GapReflection, GapTradeoff, GapPersonal, GapScope, GapInfluence},
		find: oneOf(`i think|i assume|i'd assume|i suppose|probably|presumably|hopefully|i believe|i imagine|
			kind of assumed|i don't think|i hoped|hoped|i'm fairly sure|fairly sure|fairly confident|pretty sure|i would think|i'd think|must have been`),
		reason: "%q is a belief, not a check: say what you saw and how you know.",
	},
	{
		// "We hadn't tested it" in a trade-off or a reflection tells the
		// risk or the lesson, "nobody knew" in a scope reply the gap the
		// speaker stepped into; elsewhere a negated check disowns the claim.
		except: []Gap{GapReflection, GapTradeoff, GapScope},
		find:   findNegatedCheck,
		reason: "%q leaves the claim with nothing behind it: a bar raiser wants what you checked and what it showed.",
	},
	{
		except: []Gap{GapReflection, GapTradeoff},
		find: oneOf(`i'm going to|i am going to|we're going to|we are going to|haven't gotten|haven't got|haven't had time|
			haven't done|that's the plan|plan to add|i'll add|we'll add|we could add|add it later|add monitoring later|
			later on|someday|at some point`),
		reason: "%q is a promise, not a deed: the probe asks what was done.",
	},
	{
		gaps: []Gap{GapQuantify, GapDepth},
		find: unlessChecked(oneOf(`i heard|heard it|heard that|what product told|product told us|someone told me|someone said|
			they told us|that's what|according to|in the deck|estimate going in|just a guess|a guess|my guess|best guess|
			guessed|gut|gut feel|gut feeling|ballpark|top of my head|everyone knows|everybody knows|everyone felt|
			everybody felt|it felt|felt much|felt faster|felt better|sent us a report|told me it was|i was told|
			we were told|they said|people said|someone mentioned|quoted us|they quoted|the vendor said|vendor told|
			i read somewhere|read online|stack overflow|a colleague said|my teammate said|word was|had a feeling|
			floated|threw out|thrown around|someone from|a feeling|people were saying|from what people|
			from what i gather|what i gather|word of mouth`)),
		reason: "%q is a figure or a cause taken on trust, not one you measured or checked.",
	},
	{
		gaps:   []Gap{GapQuantify, GapDepth},
		find:   unlessChecked(findSecondhand),
		reason: "%q is a figure or a cause taken on trust, not one you measured or checked.",
	},
	{
		gaps:   []Gap{GapDepth},
		find:   findVanished,
		reason: "%q rests on a hunch or a glance, not on how you knew: say what you reproduced, ruled out or traced.",
	},
	{
		gaps: []Gap{GapQuantify},
		find: oneOf(`hard to put a number|hard to quantify|hard to measure|can't really measure|can't measure|
			no way to measure|not something you count|not something you measure|you just know|you just kind of see|
			you could just see|you could see it|people noticed|everyone noticed|story points|burndown|velocity|
			lines of code|tickets closed|closed tickets|closed like|closed about|closed over|closed around|we closed|
			i closed|prs merged|pull requests merged|commits|features shipped|shipped like|hours of meetings`),
		reason: "%q counts activity or gives up on a figure: name what changed for users or the business, and how you measured it.",
	},
	{
		gaps: []Gap{GapPersonal},
		find: oneOf(`team decision|the team decided|i was involved|was involved|i helped|helped out|i was there|i was just there|supportive|being a good|
			i kept track|kept track|made sure everyone|made sure we|my part was|the coordination|i coordinated|
			let them take|let them handle|let them run|stayed out of|didn't touch|didn't do much|
			i pinged|mostly looked|sat in the meetings|sat in meetings|sat in on|did my part|mentioned it|i attended|someone else did|someone else|my manager told|my lead told|
			i was in all|wherever i could|part of the team|i supported|oversaw|facilitated|in the loop|
			i participated|i contributed|everyone contributed|kept everyone|i organized the meetings|ran the meetings`),
		reason: "%q hides your own part: name the steps you took yourself, with \"I\".",
	},
	{
		gaps: []Gap{GapPersonal},
		find: func(w []string) (int, string) {
			if i, p := findSharedCredit(w); i >= 0 {
				return i, p
			}
			return findVagueActivity(w)
		},
		reason: "%q hides your own part: name the steps you took yourself, with \"I\".",
	},
	{
		gaps:   []Gap{GapScope},
		find:   findAssignedOrDeferred,
		reason: "%q makes it an assignment or someone else's to decide, not a boundary you crossed on your own.",
	},
	{
		gaps: []Gap{GapReflection},
		find: oneOf(`nothing major|the same way|same thing again|exact same|would not change|wouldn't change|
			not really no|nothing really|honestly nothing|nothing much|not much really|i'd do it again|would do it again|
			no regrets|it worked out|it worked|human error|just a bug|it happens|they should have|should have fixed|
			culture thing|be more proactive|more proactive|plan better|start earlier|communicate more|
			communicate better|communicate with|communication|stakeholders|everyone is aligned|be more careful|
			more careful|double check|double checking|attention to detail|open mind|comes first|do my best|
			in their shoes|customer's shoes|aim higher|think bigger|think even bigger|go faster|even faster|
			be more patient|more patient|anything specific|ask more people|do it sooner|be nicer|speak up more|
			do the same|same approach|anything differently|anything different|happy with how|proud of|
			not much i'd change|identically|not a whole lot|not a lot|the way it should|way it should|more thorough|test more|more testing|more organized|better planning|plan more|
			more buffer|set expectations|manage expectations|ask for help|trust my instincts|listen more|
			learned a lot|learnt a lot|be more|be better|try harder|work harder`),
		reason: "%q is no change anyone could act on: name what you do differently now, in this kind of situation.",
	},
	{
		gaps:   []Gap{GapReflection},
		find:   func(w []string) (int, string) { return findPhrase(w, genericReflections) },
		reason: "%q is a platitude: name the specific step you now take, and when.",
	},
	{
		gaps: []Gap{GapReflection},
		find: func(w []string) (int, string) {
			if i, p := findPhrase(w, growthTalk); i >= 0 {
				return i, p
			}
			if i, p := findPhrase(w, phrases(`all of it again|it all again|all over again|take it all again`)); i >= 0 {
				return i, p
			}
			return findBlame(w)
		},
		reason: "%q is a lesson about yourself, not a change: name the specific step you now take, and when.",
	},
	{
		gaps: []Gap{GapOutcome},
		find: oneOf(`went well|went fine|it was fine|was fine|it's fine|worked out|went okay|went ok|everyone was|
			everybody was|pretty happy|were happy|was happy|all good|no issues|no problems|no complaints|
			no hard feelings|too early|still in progress|long journey|direction is good|people are excited|
			passed it to|passed it on|backlog|handed it to|most of it|a little late|a bit late|few days|couple of things|
			didn't make it|eventually|someone would|still me|spare hour|the one everybody|go to person|go-to person|
			i know a lot|the expert|nobody mentioned|didn't hear|seemed fine|seemed to|seems fine|seems to|
			seem fine|it shipped eventually|i don't think|huge success|pretty much|mostly fine|landed well|
			well received|received well|positive feedback|good feedback|people liked|a success|successful|
			smoothly|nobody complained|no one complained|out of my hands|maybe three|maybe two|maybe four|
			or so late|some features|some stuff|a few things|not everything`),
		reason: "%q leaves the outcome vague: say what shipped or changed, when, and how you know.",
	},
	{
		gaps:         []Gap{GapOutcome},
		unlessFigure: true,
		find: func(w []string) (int, string) {
			if i, p := findPhrase(w, phrases(`it worked|smooth sailing|relieved|behind schedule|behind the date|
				got dropped|look up which|look it up|a few weeks|a couple of weeks|a few months|no news|
				good news|good shape|in good shape|mostly landed|mostly done|mostly worked|moved on`)); i >= 0 {
				return i, p
			}
			if i, p := findNear("nobody nobody's no one no-one", "complained complaining raised mentioned said asked", 3)(w); i >= 0 {
				return i, p
			}
			return findVague(w, 2)
		},
		reason: "%q leaves the outcome vague: say what shipped or changed, when, and how you know.",
	},
	{
		gaps: []Gap{GapDepth},
		find: oneOf(`hunch|felt off|seemed|something about|looked into it|poked around|googled|we figured|
			i figured|figured it|it was obvious|pretty obvious|obviously|
			can't point|a sense|strong sense|sense that|instinct|intuition|bigger picture|big picture|nothing specific|
			no specific|whole picture|small slip|small mistake|that's all|ran over|took longer|had a look|glanced|opened the dashboard|
			looked at the dashboard|something with|something wrong with|i assumed|we assumed|someone told|
			manager told me|was asked to|likely|had a feeling|must have|must be|simple mistake|just a typo|oversight|
			bad luck`),
		reason: "%q rests on a hunch or a glance, not on how you knew: say what you reproduced, ruled out or traced.",
	},
	{
		gaps:         []Gap{GapDepth},
		unlessFigure: true,
		find: func(w []string) (int, string) {
			if i, p := findPhrase(w, phrases(`pretty clear|became clear|it was clear|clear enough|talked to a few|
				talked to people|asked around|a bunch of|all sorts of|various`)); i >= 0 {
				return i, p
			}
			return findVague(w, 2)
		},
		reason: "%q describes looking around, not finding out: say what you reproduced, ruled out or split the data by.",
	},
	{
		gaps: []Gap{GapInfluence},
		find: oneOf(`their call|on them|up to them|left it with|left it there|left it to|let her sort|let him sort|
			let them sort|let her handle|let him handle|let them take|let them handle|they sorted|sorted it out|
			took care of it|they handled|handled it|escalated|filed a ticket|opened a ticket|raised a ticket|filed an issue|
			their backlog|never followed|didn't follow|not sure when|dropped them a note|left a note|posted it|
			sent them a message|sent a message|all hands|all-hands|my director|my vp|my manager told|director liked|
			told the other teams|told them to|got approved|much convincing|no convincing|needed convincing|
			everyone agreed|everybody agreed|resistance|no pushback|no objections|on board|it was obvious|
			mentioned it|couple of teammates|talked it out|cleared the air|vent|pushed hard|i insisted|until they agreed|
			ran it past|ran it by|better at that|i told my manager|went ahead anyway|their problem|moved on|
			let them know|handed it over|handed it off|passed it on|passed it to|forwarded|out of my hands|
			not my call|their decision|they fixed it|they took it|they picked it up|look at it|after that it was|
			skip level|had my manager|asked my manager to|eventually|their hands|the owners|they own it|
			their job|their responsibility|for them to|we all agreed|nothing changed|it didn't change|never changed|
			other priorities`),
		reason: "%q hands the work to others or leans on someone's authority: say what you brought, how you answered their concern and what you did until it landed.",
	},
	{
		gaps: []Gap{GapInfluence},
		find: func(w []string) (int, string) {
			if i, p := findPhrase(w, phrases(`didn't argue|nobody argued|no one argued|i just told them|had already said|
				had already decided|leadership said|leadership wanted|leadership decided`)); i >= 0 {
				return i, p
			}
			if i, p := findNear("nobody no wasn't weren't without", "pushback objected objection objections resistance minded disagreed argued pushed", 3)(w); i >= 0 {
				return i, p
			}
			if i, p := findMessageLeft(w); i >= 0 {
				return i, p
			}
			if i, p := findBlame(w); i >= 0 {
				return i, p
			}
			return findNear("vp cto ceo cfo director leadership svp", "said told mandated decided required ordered insisted", 3)(w)
		},
		reason: "%q is someone else's authority, not influence: say how you won over people you had no authority over.",
	},
	{
		gaps:   []Gap{GapInfluence},
		find:   findNear("emailed mailed sent posted shared", "around everyone everybody", 3),
		reason: "%q broadcasts rather than persuades: say whom you had to win over and what changed their mind.",
	},
	{
		gaps: []Gap{GapStandards},
		find: oneOf(`reminded|remind|keep an eye|keeping an eye|eye on it|wiki|note to the runbook|added a note|
			people know|people are aware|aware of it|everyone read|asked everyone|told everyone|take more care|more care|
			be careful|more careful|calendar|nice to have|nice-to-have|could add|high standards|like things done|
			done properly|annoying|luck|lucky|happened to notice|bored|didn't refuse|enough on its own|was enough|
			post-mortem|postmortem|post mortem|just a habit|be more vigilant|more vigilant|double check|
			keep in mind|heads up|made a note|good enough|overkill|in the backlog|follow up ticket|follow-up ticket|
			told the team to|backlog|in a hurry`),
		reason: "%q relies on people remembering or on taste: name the check that now catches it without anyone watching, or what missing the bar would cost.",
	},
	{
		gaps: []Gap{GapTradeoff},
		find: oneOf(`no downside|no real downside|no real cost|no cost|not much honestly|not really anything|
			nothing really|honestly nothing|no big deal|glad to help|happy to do|win win|win-win|came out ahead|
			no risk|not much risk|wasn't much risk|no real risk|it was safe|the code was good|just shipped it|
			gut|felt right|seemed right|only option|the obvious|worked late|weekends|late nights|fit it in|somehow|
			all worked out|it worked out|i just chose|went for it|cut nothing|didn't cut|didn't give up|didn't lose|
			nothing was lost|lost nothing|nothing at all|no trade|not a trade|no brainer|no-brainer|clearly the best|
			obviously|best of both|everyone won|everybody won|pushed through|all nighter|all-nighter|overtime|
			worked nights|extra hours|did it all|did everything|do everything|kept going|just always|let my manager decide|my manager decided|
			no choice|wasn't really a choice|wasn't a choice|nothing to weigh|decision was made|decision had been made|
			already decided|already picked|already chosen`),
		reason: "%q names no real cost or choice: say what was given up or risked, who paid for it, and why it was acceptable.",
	},
	{
		gaps:   []Gap{GapTradeoff},
		find:   findLeftToOthers,
		reason: "%q brings the problem and leaves the choice to others: name the options, what each cost, and which you chose.",
	},
}
