package star

import "strings"

// Word classes, written from the coaching material: the grammar of each
// part (the situation's "was" and "we had", the action's "I" and past
// tense, the reflection's "I'd" and present tense).
var (
	firstSingular = wordSet("i me my mine myself i'd i'm i've i'll")
	firstPlural   = wordSet("we us our ours ourselves we'd we're we've we'll")
	thirdPerson   = wordSet("he she they him her them his their theirs he'd she'd they'd they're they've")
	modals        = wordSet("would could should might will can must may you'd")
	connectives   = wordSet("so then and but because after before when once finally first next also eventually afterwards since while until which")
	fillers       = wordSet("um uh like basically actually literally kind sort just okay ok well yeah you know")
	irregularPast = wordSet(`was were had did made took went got saw said told wrote built ran found thought
		knew came became brought bought caught chose drove fell felt gave grew held kept led left lost meant
		met paid put read sent set spent stood taught understood won began broke drew forgot rose sat spoke
		threw woke wore sold shut cut hit let dug fought hung sought spun split spread`)
	presentTense = wordSet("is am are think know feel believe try do does isn't aren't don't doesn't")
)

// classNames lists what wordClass returns, in a fixed order.
var classNames = [...]string{"NUM", "I", "WE", "THEY", "MOD", "CONJ", "FILL", "PAST", "PRES", "ING", "W"}

// wordClass names a coarse class of a spoken word.
func wordClass(w string) string {
	switch {
	case w == "<s>" || w == "</s>":
		return w
	case IsNumber(w):
		return "NUM"
	case firstSingular[w]:
		return "I"
	case firstPlural[w]:
		return "WE"
	case thirdPerson[w]:
		return "THEY"
	case modals[w]:
		return "MOD"
	case connectives[w]:
		return "CONJ"
	case fillers[w]:
		return "FILL"
	case irregularPast[w] || (len(w) > 4 && strings.HasSuffix(w, "ed")):
		return "PAST"
	case presentTense[w]:
		return "PRES"
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		return "ING"
	}
	return "W"
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// cue is a phrase typical of one kind of thing a part of a story says.
type cue struct {
	class string
	words []string
}

// cueLexicon is the cue lexicon, written from the coaching material and
// how people tell these stories ("I noticed", "nobody had asked me", "I
// pulled", "went from ... to", "looking back"): each class with its
// phrases, separated by commas. A class is a part's initial and what the
// phrase does for it.
var cueLexicon = [...]struct{ class, phrases string }{
	{"S.role", `i was a, i was an, i was the, i worked as, i was working as, i was working at, i was working on,
		i'm a, i was on the, i joined, when i was, i lead a, i run a, i manage a, i managed a, my team was, our team was,
		i was one of, i worked at, i worked on, i was at, at a, at an, where i was, where i worked`},
	{"S.time", `at the time, back when, a few years ago, a couple of years ago, last year, this was, this was at,
		this was when, at my last job, at my previous, in my last role, in my previous role, early on, when i joined,
		some context, a bit of context, so this was, a while back, a few months, one day, one afternoon`},
	{"S.problem", `the problem was, the issue was, the challenge was, there was a, there was this, there were,
		we had a, we had this, was struggling, were struggling, kept, was failing, were failing, was growing,
		was getting, complaints, complaining, was slow, was taking, had been, had grown, were seeing, we were seeing,
		we noticed, i noticed, started to, started seeing, was losing, were losing, was costing, were getting,
		was causing, was broken, wasn't working, weren't working, didn't work, nobody knew, no one knew`},
	{"S.setting", `the company, our company, the product, the platform, the system, which is, which was, we used,
		we were using, was built, every week, every month, every day, the way it worked, the way our, we sold, we sell,
		we had about, we had around, we ran, the team had, the team was, the whole, was responsible for`},
	{"S.aside", `for context, of context, the context, i should say, i should mention, i should explain, i should add,
		i should back up, back up a bit, to back up, to explain why, to explain, the reason this, the reason that,
		the reason it, the reason the, the reason nobody, the reason we, part of why, why this mattered,
		why that mattered, what i didn't know, didn't know going in, you have to know, you have to understand,
		you need to know, worth saying, worth mentioning, worth explaining, i should've said, i should have said,
		i should've mentioned, i forgot to mention, i didn't mention, what made it harder, what made this,
		the thing that made, the other thing i should, the background, some background, a bit of background,
		for background, to give you, i should point out, it's important to know, the catch was, what nobody told`},
	{"T.scope", `not mine, wasn't mine, not my team, wasn't my team, wasn't my job, not my job, wasn't really my,
		nobody had asked, nobody asked, no one asked, no one had asked, nobody owned, no one owned, no ticket,
		wasn't on my, not on my, outside my, belonged to, technically, officially, wasn't my`},
	{"T.goal", `my goal, the goal, our goal, the target, i needed to, i had to, we needed to, we had to, i wanted to,
		i was trying to, the question was, what i needed, i set out, i decided to, i decided i, i decided that,
		the job was, my job was, my job, my role was, my role, my task, the task, the ask, was to`},
	{"T.own", `my responsibility, i was responsible, it was on me, it fell to me, fell on me, i owned, i own,
		it was my call, the decision was mine, was mine, i took it on, i took ownership, i was the one, i volunteered,
		i signed up, on the hook, my part, in charge of, i was in charge, it was my, i was leading, it was up to me,
		were mine, be mine, on me to, on us to, was on us, kind of on me, was supposed to, were supposed to,
		i was supposed to, my name on, i was the reviewer, i was the owner, i was the person`},
	{"T.assign", `i was asked, asked me to, asked me, wanted me to, told me to, assigned me, assigned, was tasked,
		handed me, gave me, my manager asked, my boss asked, my lead asked, my director asked, i'd been asked,
		i had been asked, i'd been given, i was given`},
	{"T.stance", `we wanted to, i decided i'd, wanted to figure out, wanted to find out, somebody had to, someone had to,
		didn't have an owner, had no owner, formally mine, i didn't agree, i disagreed, i didn't think we should,
		i didn't buy, i felt like, i felt it was, i'll look at it, i'd take it on, mine to fix, i set a, the goal i set,
		i took on, i wasn't willing, i wasn't going to, i knew i had to, i knew we had to, so i decided,
		unless somebody, unless someone, unless i, unless we, if i didn't, if nobody, nobody was going to,
		no one was going to, nobody else was, no one else was, the way i saw it, as i saw it`},
	{"A.first", `so first, first i, the first thing, i started, i started by, i began, to start, step one, first off`},
	{"A.seq", `then i, next i, after that i, and then i, i also, from there, once i, after i, so i, at that point i,
		at the same time, in parallel, meanwhile, finally i, the next thing, the last thing, then we, and i, i then`},
	{"A.verb", `i pulled, i wrote, i built, i traced, i reproduced, i added, i submitted, i coordinated, i set up,
		i met, i talked, i went, i created, i proposed, i ran, i looked, i checked, i called, i sat down, i spent,
		i put, i made, i took, i changed, i moved, i used, i tested, i reached out, i scheduled, i shared, i brought,
		i got, i dug, i found, i did, i sent, i split, i worked with, i paired, i walked, i showed, i designed,
		i drafted, i prototyped, i interviewed, i organized, i rewrote, i fixed, i wrote up, i presented, i pitched,
		i suggested, i recommended, i convinced, i negotiated, i escalated, i flagged, i raised, i documented,
		i automated, i analyzed, i measured, i compared, i mapped, i reviewed, i went through, i broke, i grouped,
		i sorted, i rolled, i deployed, i migrated, i trained, i coached, i mentored, i held, i kept, i made sure,
		i followed up, i listened, i explained, i offered, i insisted, i pushed, i refused, i replaced, i removed,
		i switched, i built a, i asked, i told, i gave, i booked, i read, i dug into, i profiled, i benchmarked`},
	{"A.we", `we started, we built, we set up, we ran, we moved, we pulled, we went, we wrote, we talked, we tried,
		we decided, we added, we changed, we did, we put, we got, we made`},
	{"R.outcome", `as a result, in the end, the result, the outcome, end result, ended up, it worked, it paid off,
		that worked, we ended up, by the end, at the end, after about, within a, within two, within the, over the next,
		the following, by the next, that quarter, that year, it turned out, turned out, the fix, after that the,
		after the, once it, once we`},
	{"R.lead", `the short version, short version is, long story short, bottom line, the outcome first, outcome first,
		the result first, i'll start with, let me start with, start with the result, start with how, start at the end,
		how it ended, where it ended up, where this ended up, where it landed, what came out of it, the main thing is,
		the thing i'm proudest, the headline, to cut to the end, the punchline`},
	{"R.metric", `went from, went down, went up, went back, dropped, fell, rose, grew, increased, decreased, reduced,
		cut, improved, saved, recovered, down to, up to, from about, to about, from around, to around, percent,
		a month, a week, a year, per week, per month, per year, times faster, to zero, less than, more than, under,
		over the, by about, by around, by roughly`},
	{"R.adopt", `adopted, became the standard, became a standard, became standard, rolled it out, other teams,
		the rest of, now uses, still uses, is still, they agreed, she agreed, he agreed, signed off, promoted,
		launched, shipped, we hit, we met, on time, renewed, thanked, was happy, were happy, happier, we shipped,
		we launched, it became, they started, they kept, got approved, was approved, made it into`},
	{"R.after", `in the next, over the next, within two, within three, within a few, within about, it basically worked,
		that worked, got a lot better, renewed, we were down to, became part of, became a required, the standard became,
		was down to, were down to, was up to, never happened again, didn't happen again, haven't had, we haven't,
		since then we, by the end of, a month later, a few weeks later, two weeks later, later that`},
	{"F.lesson", `i learned, what i learned, learned that, i took away, what i took, took away, my takeaway,
		the takeaway, the lesson, a lesson, taught me, it showed me, showed me, made me realize, i realized,
		the real, the bigger, what stuck, the thing i, what i'd, what i would, i think the, the main thing,
		i think that, i think it`},
	{"F.counter", `next time, if i did it again, if i were to, if i had to, i would have, i would, i'd have, i'd do,
		i'd probably, i'd start, i'd push, i'd bring, i'd involve, i'd try, i'd look, i'd want, i should have, i wish,
		differently, in hindsight, looking back, in retrospect, going forward, i'd also, i'd spend, i'd make,
		i'd ask, i'd rather, i'd keep, i'd still`},
	{"F.habit", `now i, i now, these days, since then i, i always, i try to, i still, i make sure, i tend to,
		it's always, it's better, it's important, is important, really important, it's worth, you have to,
		you can't, you need to, is usually, it's usually, it's not, it isn't, is that, is about, isn't about`},
}

// cuesByFirstWord indexes cueLexicon by the first word of each phrase.
var cuesByFirstWord = func() map[string][]cue {
	m := map[string][]cue{}
	for _, c := range cueLexicon {
		for _, p := range strings.Split(c.phrases, ",") {
			if ws := strings.Fields(p); len(ws) > 0 {
				m[ws[0]] = append(m[ws[0]], cue{c.class, ws})
			}
		}
	}
	return m
}()

// cueStarts lists, for each token, the classes of the cue phrases that
// start on it.
func cueStarts(tokens []Token) [][]string {
	out := make([][]string, len(tokens))
	for i, t := range tokens {
	next:
		for _, c := range cuesByFirstWord[t.Text] {
			if i+len(c.words) > len(tokens) {
				continue
			}
			for k, w := range c.words {
				if tokens[i+k].Text != w {
					continue next
				}
			}
			for _, have := range out[i] {
				if have == c.class {
					continue next
				}
			}
			out[i] = append(out[i], c.class)
		}
	}
	return out
}

// SaysWhatWasDone reports whether text has a phrase of doing: one of the
// action cues, or "I" or "we" followed by a verb in the past.
func SaysWhatWasDone(text string) bool {
	tokens := textTokens(text)
	for i, classes := range cueStarts(tokens) {
		for _, c := range classes {
			if strings.HasPrefix(c, "A.") {
				return true
			}
		}
		if c := wordClass(tokens[i].Text); (c == "I" || c == "WE") && i+1 < len(tokens) && wordClass(tokens[i+1].Text) == "PAST" {
			return true
		}
	}
	return false
}

var numberWords = wordSet(`zero one two three four five six seven eight nine ten eleven twelve
	thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
	sixty seventy eighty ninety hundred thousand million billion percent half double triple
	twice thrice dozen dozens hundreds thousands millions k`)

// IsNumber reports whether a spoken word is, or is part of, a number:
// digits ("40", "8k", "2m") or number words ("eight", "thousand", "percent").
func IsNumber(w string) bool {
	if numberWords[w] {
		return true
	}
	return w != "" && w[0] >= '0' && w[0] <= '9'
}
