package interviewer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// findings applies the coaching material's rules to an analyzed answer,
// most serious first. heard is norm without the words the engine was
// unsure of: the findings on exact words (numbers, "I" against "we",
// fillers, whose counts r already holds) rest on it alone.
func findings(r *Report, norm, heard []string, labels []star.Label, profile Profile) []Finding {
	if len(norm) == 0 {
		return []Finding{{Code: "no_answer", Severity: SeverityHigh, Message: "No words were heard. Check the microphone and answer out loud, or upload a recording with speech in it."}}
	}
	a := &reading{r: r, norm: norm, heard: heard, labels: labels, profile: profile}
	var out []Finding
	for _, apply := range rules {
		for _, f := range apply(a) {
			out = append(out, a.placed(f))
		}
	}
	if r.Audio != nil && r.Audio.Quality == AudioPoor {
		for i, f := range out {
			if restsOnExactWords[f.Code] {
				out[i].Message += poorAudioNote
			}
		}
	}
	// An answer that tells no real time is told so, not coached part by
	// part as if it were a story.
	if slices.ContainsFunc(out, func(f Finding) bool { return f.Code == "off_topic" }) {
		out = slices.DeleteFunc(out, func(f Finding) bool { return f.Part != "" })
	}
	sortFindings(out)
	return out
}

// A rule gives the findings of one kind in an answer, if any.
type rule func(a *reading) []Finding

// rules are the coaching material's rules, one per finding, in the order
// their findings are listed within one severity.
var rules = []rule{
	partMissing(star.Situation),
	partMissing(star.Task),
	partMissing(star.Action),
	partMissing(star.Result),
	partMissing(star.Reflection),
	situationLong,
	taskAssigned,
	taskNoScope,
	actionWe,
	resultNoNumber,
	resultNoBusinessImpact,
	resultNoSecondOrder,
	reflectionGeneric,
	noStory,
	handOff,
	resultNegative,
	answerLength,
	pace,
	fillerWords,
	longPauses,
}

// reading is an analyzed answer as the rules read it.
type reading struct {
	r       *Report
	norm    []string // every word, normalized
	heard   []string // norm without the words the engine was unsure of
	labels  []star.Label
	profile Profile
}

func (a *reading) timing(l star.Label) LabelTiming { return a.r.Timing[l.Index()] }

// words are the normalized words of every run of the part.
func (a *reading) words(l star.Label) []string { return partWords(a.norm, a.labels, l) }

// placed points a finding about a part, and about no words in particular,
// at the part's first run.
func (a *reading) placed(f Finding) Finding {
	if f.Start != 0 || f.End != 0 {
		return f
	}
	for _, p := range a.r.Parts {
		if p.Label == f.Part {
			f.Start, f.End = p.Start, p.End
			break
		}
	}
	return f
}

// missingAdvice says what each part, when missing, should have told.
var missingAdvice = map[star.Label]string{
	star.Situation:  "Open with one or two sentences of context: where you were, what went wrong and what it cost.",
	star.Task:       "Say what was yours to do and why you took it on: the scope boundary is the proof of ownership.",
	star.Action:     "Walk through what you did, step by step, in the first person.",
	star.Result:     "End the story with the outcome: a number that moved, what it meant for the business, and what happened after.",
	star.Reflection: "Close with what this story taught you that is specific to it, or what you would do differently next time.",
}

// partMissing: a part the answer never told; an answer without an action
// or a result is no story.
func partMissing(l star.Label) rule {
	return func(a *reading) []Finding {
		if a.timing(l).Status != StatusMissing {
			return nil
		}
		sev := SeverityWarn
		if l == star.Action || l == star.Result {
			sev = SeverityHigh
		}
		return []Finding{{Part: l, Code: string(l) + "_missing", Severity: sev, Message: "The " + string(l) + " is missing. " + missingAdvice[l]}}
	}
}

// situationLong: the situation past its target, the most common mistake.
func situationLong(a *reading) []Finding {
	s := a.timing(star.Situation)
	if s.Words == 0 || s.Duration <= s.Target*1.25 {
		return nil
	}
	sev := SeverityWarn
	if s.Duration > s.Target*2 {
		sev = SeverityHigh
	}
	return []Finding{{Part: star.Situation, Code: "situation_long", Severity: sev,
		Message: fmt.Sprintf("The situation took %s against a target of %s. Cut the background and architecture to the problem and what it cost; the interviewer is waiting for what you did.",
			FormatDuration(s.Duration), FormatDuration(s.Target)),
		Evidence: opening(a.r, star.Situation)}}
}

// taskWords are the words a task is read from: the task's, or with no
// task found, the words where one is told, before the actions or as they
// begin (see taskPlace), starting at word lo. With imperfect words that
// sentence is often read as situation or action, and the work being
// handed over is a disqualifier wherever it sits.
func (a *reading) taskWords() (words []string, lo int, hasTask bool) {
	if a.timing(star.Task).Words > 0 {
		return a.words(star.Task), 0, true
	}
	lo, hi := taskPlace(a.labels)
	return a.norm[lo:hi], lo, false
}

// taskAssigned: the task says the work was handed over.
func taskAssigned(a *reading) []Finding {
	tw, lo, hasTask := a.taskWords()
	i, p := findAssigned(tw)
	if i < 0 {
		return nil
	}
	said := "The task says it"
	if !hasTask {
		said = "You said the work"
	}
	f := Finding{Part: star.Task, Code: "task_assigned", Severity: SeverityHigh,
		Message:  fmt.Sprintf("%s was handed to you (%q). For ownership that is a disqualifier: say what you saw that nobody else did and why you chose to act.", said, p),
		Evidence: excerpt(tw, i-3, 12)}
	if !hasTask { // no task part to point at: point at the words
		at := lo + i
		f.Start, f.End = a.r.Words[at].Start, a.r.Words[min(len(a.norm), at+len(strings.Fields(p)))-1].End
	}
	return []Finding{f}
}

// taskNoScope: a task that says neither whose the work was nor that it
// was handed over (taskAssigned says more), with no scope boundary in the
// situation either.
func taskNoScope(a *reading) []Finding {
	tw, _, hasTask := a.taskWords()
	if !hasTask {
		return nil
	}
	if i, _ := findAssigned(tw); i >= 0 {
		return nil
	}
	if i, _ := findPhrase(a.words(star.Situation), scopePhrases); i >= 0 {
		return nil
	}
	if j, _ := findPhrase(tw, scopePhrases); j >= 0 {
		return nil
	}
	return []Finding{{Part: star.Task, Code: "task_no_scope", Severity: SeverityWarn,
		Message:  "The task has no scope boundary. Say whose it was (\"not my team's service\", \"no ticket existed\", \"nobody had asked me\"), or the interviewer will assume it was assigned.",
		Evidence: opening(a.r, star.Task)}}
}

// actionWe: an action told as "we" rather than "I".
func actionWe(a *reading) []Finding {
	if a.timing(star.Action).Words == 0 {
		return nil
	}
	o := a.r.Ownership
	switch {
	case o.ActionWe > o.ActionI:
		return []Finding{{Part: star.Action, Code: "action_we", Severity: SeverityHigh,
			Message:  fmt.Sprintf("The action says \"we\" %d times and \"I\" %d times. The interviewer cannot tell what you did: tell each step as \"I pulled\", \"I wrote\", \"I shipped\".", o.ActionWe, o.ActionI),
			Evidence: fmt.Sprintf("I: %d, we: %d", o.ActionI, o.ActionWe)}}
	case o.ActionWe > 0 && o.ActionWe*2 >= o.ActionI:
		return []Finding{{Part: star.Action, Code: "action_we", Severity: SeverityInfo,
			Message:  fmt.Sprintf("The action mixes \"we\" (%d) with \"I\" (%d). Keep \"we\" for what the team did and make your own steps \"I\".", o.ActionWe, o.ActionI),
			Evidence: fmt.Sprintf("I: %d, we: %d", o.ActionI, o.ActionWe)}}
	}
	return nil
}

// resultNoNumber: a result without a number heard clearly.
func resultNoNumber(a *reading) []Finding {
	if a.timing(star.Result).Words == 0 || hasNumber(partWords(a.heard, a.labels, star.Result)) {
		return nil
	}
	if hasNumber(a.words(star.Result)) {
		return []Finding{{Part: star.Result, Code: "result_no_number", Severity: SeverityWarn,
			Message:  "The result's numbers were not heard clearly. Say the metric's before and after plainly (\"the drop rate went from 0.3 % to zero\").",
			Evidence: opening(a.r, star.Result)}}
	}
	return []Finding{{Part: star.Result, Code: "result_no_number", Severity: SeverityHigh,
		Message:  "The result has no number. Give the metric's before and after (\"the drop rate went from 0.3 % to zero\").",
		Evidence: opening(a.r, star.Result)}}
}

// resultNoBusinessImpact: a result that does not say what it meant for
// the business.
var resultNoBusinessImpact = resultLacks(businessWords, Finding{Code: "result_no_business_impact", Severity: SeverityWarn,
	Message: "The result does not say what it meant for the business: revenue, cost, customers or time saved."})

// resultNoSecondOrder: a result that stops at the fix, with nothing of
// what happened after.
var resultNoSecondOrder = resultLacks(secondOrderPhrases, Finding{Code: "result_no_second_order", Severity: SeverityInfo,
	Message: "Add what happened after: was your fix adopted as a standard, reused by other teams, rolled out further?"})

// resultLacks is the rule that a result, when told, says one of the
// phrases in list, or gets the finding f.
func resultLacks(list [][]string, f Finding) rule {
	return func(a *reading) []Finding {
		if a.timing(star.Result).Words == 0 {
			return nil
		}
		if i, _ := findPhrase(a.words(star.Result), list); i >= 0 {
			return nil
		}
		found := f
		found.Part, found.Evidence = star.Result, opening(a.r, star.Result)
		return []Finding{found}
	}
}

// reflectionGeneric: a reflection that stops at a platitude.
func reflectionGeneric(a *reading) []Finding {
	if a.timing(star.Reflection).Words == 0 {
		return nil
	}
	fw := a.words(star.Reflection)
	i, p := findPhrase(fw, genericReflections)
	if i < 0 || specificReflection(fw, a.norm, a.labels) {
		return nil
	}
	return []Finding{{Part: star.Reflection, Code: "reflection_generic", Severity: SeverityWarn,
		Message:  fmt.Sprintf("The reflection is generic (%q). Name something this story taught you that only this story could: the root cause beyond the code, what you would do earlier next time.", p),
		Evidence: excerpt(fw, i-2, 12)}}
}

// answerLength: the whole answer against the level's budget.
func answerLength(a *reading) []Finding {
	r, p := a.r, a.profile
	switch r.Budget.Status {
	case StatusOver:
		return []Finding{{Code: "answer_long", Severity: SeverityWarn,
			Message: fmt.Sprintf("The answer took %s; the %s target is %s. Trim the situation first.", FormatDuration(r.Budget.Length), p.Name, FormatBand(p.BudgetMin, p.BudgetMax))}}
	case StatusUnder:
		return []Finding{{Code: "answer_short", Severity: SeverityWarn,
			Message: fmt.Sprintf("The answer took %s; the %s target is %s. Spend the time on your actions and the result's numbers.", FormatDuration(r.Budget.Length), p.Name, FormatBand(p.BudgetMin, p.BudgetMax))}}
	}
	return nil
}

// pace: speaking too fast or too slow, when the words were timed as heard.
func pace(a *reading) []Finding {
	wpm := a.r.Pacing.WPM
	if a.r.EstimatedTiming || wpm <= 0 {
		return nil
	}
	switch {
	case wpm > paceFast:
		return []Finding{{Code: "pace_fast", Severity: SeverityWarn,
			Message: fmt.Sprintf("You spoke at %.0f words a minute; past 190 listeners stop following. Slow to 130 to 160 and pause between the parts.", wpm)}}
	case wpm > paceComfortable:
		return []Finding{{Code: "pace_brisk", Severity: SeverityInfo,
			Message: fmt.Sprintf("You spoke at %.0f words a minute, a little fast; 130 to 160 is comfortable.", wpm)}}
	case wpm < paceSlow:
		return []Finding{{Code: "pace_slow", Severity: SeverityInfo,
			Message: fmt.Sprintf("You spoke at %.0f words a minute, slower than the 130 to 160 that sounds confident.", wpm)}}
	}
	return nil
}

// fillerWords: more fillers than go unnoticed.
func fillerWords(a *reading) []Finding {
	f := a.r.Pacing.Fillers
	if f.Count == 0 || f.PerMinute <= fillersFine {
		return nil
	}
	sev := SeverityInfo
	if f.PerMinute >= fillersBad {
		sev = SeverityWarn
	}
	top := make([]string, 0, len(f.Top))
	for _, t := range f.Top {
		top = append(top, fmt.Sprintf("%q %d", t.Text, t.Count))
	}
	return []Finding{{Code: "fillers", Severity: sev,
		Message:  fmt.Sprintf("%d filler words, %.1f a minute; up to about 5 a minute goes unnoticed. Replace them with a short pause.", f.Count, f.PerMinute),
		Evidence: strings.Join(top, ", ")}}
}

// longPauses: each silence long enough to sound like a lost thread.
func longPauses(a *reading) []Finding {
	var out []Finding
	for _, p := range a.r.Pacing.Pauses.Long {
		out = append(out, Finding{Code: "long_pause", Severity: SeverityInfo, Start: p.Start, End: p.End,
			Message: fmt.Sprintf("A %s silence at %s. A pause is fine; if you lost the thread, a bridge like \"so what I did next was\" keeps the story moving.", FormatDuration(p.End-p.Start), FormatDuration(p.Start))})
	}
	return out
}

// restsOnExactWords are the findings a misheard word can make wrong.
var restsOnExactWords = map[string]bool{"fillers": true, "result_no_number": true, "action_we": true}

// flat is the answer's normalized words one word each (a hyphenated
// number is one entry of norm, and two words here).
func (a *reading) flat() []string { return strings.Fields(strings.Join(a.norm, " ")) }

// noStory: an answer that tells no real time: views, a list of interests,
// or "I would" in place of what happened. The question is asked of a
// time; this does not answer it.
func noStory(a *reading) []Finding {
	f := offTopicFinding(a.flat())
	if f == nil {
		return nil
	}
	return []Finding{*f}
}

// handOff: the problem routed to the team that owns it and left with them
// ("posted it in their channel and they sorted it out"), the coaching
// material's disqualifier. The reply that confirms it is read by the
// verdict.
func handOff(a *reading) []Finding {
	routed, left := handOffReading(a.flat(), nil)
	if routed == "" {
		return nil
	}
	return []Finding{{Part: star.Action, Code: "hand_off", Severity: SeverityHigh,
		Message:  fmt.Sprintf("You routed the problem to its owners (%q) and left it with them (%q). Routing is not ownership: say what you did to carry it to a fix yourself, or tell another story.", routed, left),
		Evidence: routed}}
}

// resultNegative: a result that was a failure or a miss. Not a flaw in
// itself: a miss owned and learned from is valued; one put on others is
// not.
func resultNegative(a *reading) []Finding {
	words, labels := flatLabeled(a.norm, a.labels)
	ending, after := endingWords(words, labels)
	miss, owned, blamed := outcomeReading(words, ending, after)
	if miss == "" {
		return nil
	}
	msg := fmt.Sprintf("The result was a miss (%q). That is not a flaw in itself: own it plainly, say what it cost, and what you changed because of it.", miss)
	switch {
	case owned != "":
		msg = fmt.Sprintf("The result was a miss (%q), and you owned it (%q): that counts for you. Make sure you say what changed because of it.", miss, owned)
	case blamed != "":
		msg = fmt.Sprintf("The result was a miss (%q), put on others (%q). Say what was yours in it and what you changed because of it; a miss blamed on others reads as no ownership.", miss, blamed)
	}
	return []Finding{{Part: star.Result, Code: "result_negative", Severity: SeverityInfo, Message: msg, Evidence: miss}}
}
