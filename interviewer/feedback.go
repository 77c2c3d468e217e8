package interviewer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// Finding is one piece of coaching: what was found, where, and what to do.
type Finding struct {
	Part     star.Label `json:"part,omitempty"`
	Code     string     `json:"code"`
	Severity Severity   `json:"severity"`
	Message  string     `json:"message"`
	Evidence string     `json:"evidence,omitempty"`
	Start    float64    `json:"start,omitempty"`
	End      float64    `json:"end,omitempty"`
}

// Severity orders findings: what costs the hire first.
type Severity string

// Severities, from the one that sinks an answer to a nudge.
const (
	SeverityHigh Severity = "high"
	SeverityWarn Severity = "warn"
	SeverityInfo Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SeverityHigh:
		return 0
	case SeverityWarn:
		return 1
	}
	return 2
}

// Phrases that carry the coaching material's signals. They are matched on
// whole words of the recognizer's lowercase output.
var (
	scopePhrases = phrases(`not my|wasn't my|not mine|wasn't mine|wasn't really my|not our team|wasn't our team|
		another team's|other team's|belonged to|outside my|outside of my|outside our|wasn't on the|wasn't on our|not on our|
		wasn't on my|not on my|wasn't part of my|not part of my|not in my|wasn't in the plan|not in the plan|wasn't in my|wasn't supposed to|
		no ticket|nobody asked|nobody had asked|no one asked|no one had asked|nobody told me|no one told me|
		nobody owned|no one owned|nobody was assigned|no one was assigned|wasn't assigned|not assigned|
		anyone's job|nobody's job|no one's job|wasn't anyone's|not anyone's|didn't have an owner|had no owner|no owner|
		without an owner|nobody was responsible|no one was responsible|fell through the cracks|nobody else|no one else|
		nobody expected|no one expected|nobody was going to|no one was going to|
		i volunteered|i took it on|i decided to take|i decided to own|i took ownership|i owned|on my own initiative|
		was mine|were mine|mine to fix|i'd own|i'll own|i would own|asked to own|the owner|taken over|took over|
		i inherited|i'd inherited|i had inherited|my responsibility|my call|my decision|on me to|was on me|fell to me|
		up to me|sat under me|i was accountable|i owed`)
	assignedPhrases = phrases(`my manager asked|my manager suggested|my manager told|my manager assigned|my manager wanted|
		my boss asked|my boss told|my lead asked|my lead told|i was asked to|i was told to|i was assigned|was assigned to me|
		had bandwidth|i had some bandwidth|they asked me to|he asked me to|she asked me to|the most bandwidth|
		since i had some time|since i had time|because i had time|i was tasked|was handed to me`)
	// Someone above the speaker (askers) giving them the work (assignVerbs),
	// with at most a few words between: "my director asked me", "my
	// manager, um, she basically asked us".
	askers      = wordSet(`manager boss lead director vp ceo cfo cto coo head supervisor principal chief founder president owner`)
	assignVerbs = phrases(`asked me|asked us|asked my|wanted me|wanted us|told me to|told us to|handed me|handed it to me|
		handed us|handed it to us|gave me the|gave me a|gave us the|gave us a|put me on|put me and|put us on|assigned me|
		assigned us|assigned it|tasked me|tasked us|suggested i|suggested we|had me`)
	businessWords = phrases(`revenue|cost|costs|saved|saving|savings|dollars|dollar|money|budget|customer|customers|users|
		churn|retention|conversion|sales|profit|margin|tickets|complaints|nps|satisfaction|
		k|million|thousand|percent|incidents|outages|sla|deals|pipeline|orders|hours|engineers|headcount|
		minutes|days|weeks|months|late|deadline|on schedule|downtime|delays|penalties|fines|fraud|returns|refunds|
		calls|support|households|patients|readmissions|members|students|families|sellers|buyers|clients|accounts|stores|
		quota|turnover|attrition|errors|failures`)
	secondOrderPhrases = phrases(`adopted|adopt|standard|standards|template|rolled out|roll out|other teams|another team|
		across teams|across the company|company wide|org wide|reused|reuse|playbook|default|best practice|every team|
		other squads|became the|now uses|now use|still uses|still use|copied|spread|promoted|followed suit|the whole org|
		requirement|required for|mandatory|for every new|policy|checklist|the norm`)
	genericReflections = phrases(`communication is important|communication is key|importance of communication|
		communicate more|communicate better|teamwork is important|importance of teamwork|learned a lot|learnt a lot|
		work harder|be more careful|always be learning|never give up|hard work pays off|trust the process|
		team work|teamwork|it was a good experience|good learning experience|
		is important|is really important|is so important|is very important|it's important|it's really important|
		are important|are really important|really matters|really matter|is key|is everything|bigger picture|
		big difference|add up|adds up|always comes first|everyone's responsibility|the right thing|trust your gut|
		speak up|never compromise|best policy|early and often|take care of|listen to your|you should always|
		you can always|you just have to|you always have to|always better to|really key|
		really valuable|most important|keep learning|think big|outside the box|not be afraid|be creative|takes time|
		disagree and commit|you never know|is the best one|is usually better`)
	reflectionSpecifics = phrases(`next time|would have|i'd have|i would|differently|earlier|instead|now i|since then|
		because|so that|the real|root cause|which is why|going forward|i started|i always|i now`)
)

func phrases(list string) [][]string {
	var out [][]string
	for _, p := range strings.Split(list, "|") {
		if f := strings.Fields(p); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// findPhrase returns the index of the first occurrence of any phrase in
// words, and the phrase.
func findPhrase(words []string, list [][]string) (int, string) {
	for i := range words {
		for _, p := range list {
			if i+len(p) > len(words) {
				continue
			}
			match := true
			for k, w := range p {
				if words[i+k] != w {
					match = false
					break
				}
			}
			if match {
				return i, strings.Join(p, " ")
			}
		}
	}
	return -1, ""
}

// findAssigned finds where words say the work was handed to the speaker:
// one of assignedPhrases, or someone's asker ("my manager", "our regional
// director") followed within six words by an assigning verb, with the
// speaker not the subject between ("the tech lead, i asked my team" is
// not). It returns the index and the words that say it.
func findAssigned(words []string) (int, string) {
	if i, p := findPhrase(words, assignedPhrases); i >= 0 {
		return i, p
	}
	for i, w := range words {
		if !askers[w] || !(i > 0 && determiners[words[i-1]] || i > 1 && determiners[words[i-2]]) {
			continue
		}
		end := min(len(words), i+7)
		j, p := findPhrase(words[i+1:end], assignVerbs)
		if j < 0 || i+1+j+len(strings.Fields(p)) > end {
			continue
		}
		between := words[i+1 : i+1+j]
		if slices.Contains(between, "i") || slices.Contains(between, "we") {
			continue
		}
		return i, strings.Join(append(slices.Clone(words[i:i+1+j]), p), " ")
	}
	return -1, ""
}

var determiners = wordSet("my our the his her their")

func hasNumber(words []string) bool {
	for _, w := range words {
		// A word written with a hyphen ("twenty-six") is read as two,
		// joined by a space (see star.NormalizeWords).
		for _, part := range strings.Fields(w) {
			if star.IsNumber(part) && part != "one" {
				return true
			}
		}
	}
	return false
}

// partWords gathers the normalized words and the index range of every run
// of one label.
func partWords(norm []string, labels []star.Label, l star.Label) []string {
	var out []string
	for i, w := range norm {
		if labels[i] == l {
			out = append(out, w)
		}
	}
	return out
}

// taskPlace is where a task would have been told in an answer without
// one: the last 50 words before the first action and its first 25. It is
// empty if there is no action.
func taskPlace(labels []star.Label) (lo, hi int) {
	i := slices.Index(labels, star.Action)
	if i < 0 {
		return 0, 0
	}
	return max(0, i-50), min(len(labels), i+25)
}

// opening quotes the first words of a part's first run, as they were heard.
func opening(r *Report, l star.Label) string {
	for _, p := range r.Parts {
		if p.Label == l {
			words := make([]string, 0, p.last-p.first)
			for _, w := range r.Words[p.first:p.last] {
				words = append(words, w.Text)
			}
			return excerpt(words, 0, 14)
		}
	}
	return ""
}

func excerpt(words []string, at, span int) string {
	lo, hi := max(0, at), min(len(words), at+span)
	if lo >= hi {
		return ""
	}
	s := strings.Join(words[lo:hi], " ")
	if hi < len(words) {
		s += " ..."
	}
	return s
}

// findings applies the coaching material's rules to an analyzed answer,
// most serious first. heard is norm without the words the engine was
// unsure of: the findings on exact words (numbers, "I" against "we",
// fillers, whose counts r already holds) rest on it alone.
func findings(r *Report, norm, heard []string, labels []star.Label, profile Profile) []Finding {
	var out []Finding
	timing := func(l star.Label) LabelTiming { return r.Timing[l.Index()] }
	firstPart := func(l star.Label) *PartTiming {
		for i := range r.Parts {
			if r.Parts[i].Label == l {
				return &r.Parts[i]
			}
		}
		return nil
	}
	add := func(f Finding) {
		if p := firstPart(f.Part); p != nil && f.Start == 0 && f.End == 0 {
			f.Start, f.End = p.Start, p.End
		}
		out = append(out, f)
	}
	if len(norm) == 0 {
		return []Finding{{Code: "no_answer", Severity: SeverityHigh, Message: "No words were heard. Check the microphone and answer out loud, or upload a recording with speech in it."}}
	}

	// Missing parts.
	missing := map[star.Label]string{
		star.Situation:  "Open with one or two sentences of context: where you were, what went wrong and what it cost.",
		star.Task:       "Say what was yours to do and why you took it on: the scope boundary is the proof of ownership.",
		star.Action:     "Walk through what you did, step by step, in the first person.",
		star.Result:     "End the story with the outcome: a number that moved, what it meant for the business, and what happened after.",
		star.Reflection: "Close with what this story taught you that is specific to it, or what you would do differently next time.",
	}
	for _, l := range star.Labels {
		if timing(l).Status == StatusMissing {
			sev := SeverityWarn
			if l == star.Action || l == star.Result {
				sev = SeverityHigh
			}
			add(Finding{Part: l, Code: string(l) + "_missing", Severity: sev, Message: "The " + string(l) + " is missing. " + missing[l]})
		}
	}

	// Situation past its target: the most common mistake.
	if s := timing(star.Situation); s.Words > 0 && s.Duration > s.Target*1.25 {
		sev := SeverityWarn
		if s.Duration > s.Target*2 {
			sev = SeverityHigh
		}
		add(Finding{Part: star.Situation, Code: "situation_long", Severity: sev,
			Message: fmt.Sprintf("The situation took %s against a target of %s. Cut the background and architecture to the problem and what it cost; the interviewer is waiting for what you did.",
				FormatDuration(s.Duration), FormatDuration(s.Target)),
			Evidence: opening(r, star.Situation)})
	}

	// Task: scope boundary and who asked. With no task found, the words
	// where one is told, before the actions or as they begin, are read for
	// the work being handed over: with imperfect words that sentence is
	// often read as situation or action, and it is a disqualifier wherever
	// it sits.
	hasTask := timing(star.Task).Words > 0
	tw, said, lo := partWords(norm, labels, star.Task), "The task says it", 0
	if !hasTask {
		var hi int
		lo, hi = taskPlace(labels)
		tw, said = norm[lo:hi], "You said the work"
	}
	if i, p := findAssigned(tw); i >= 0 {
		f := Finding{Part: star.Task, Code: "task_assigned", Severity: SeverityHigh,
			Message:  fmt.Sprintf("%s was handed to you (%q). For ownership that is a disqualifier: say what you saw that nobody else did and why you chose to act.", said, p),
			Evidence: excerpt(tw, i-3, 12)}
		if !hasTask { // no task part to point at: point at the words
			at := lo + i
			f.Start, f.End = r.Words[at].Start, r.Words[min(len(norm), at+len(strings.Fields(p)))-1].End
		}
		add(f)
	} else if hasTask {
		if i, _ := findPhrase(partWords(norm, labels, star.Situation), scopePhrases); i < 0 {
			if j, _ := findPhrase(tw, scopePhrases); j < 0 {
				add(Finding{Part: star.Task, Code: "task_no_scope", Severity: SeverityWarn,
					Message:  "The task has no scope boundary. Say whose it was (\"not my team's service\", \"no ticket existed\", \"nobody had asked me\"), or the interviewer will assume it was assigned.",
					Evidence: opening(r, star.Task)})
			}
		}
	}

	// Action: I versus we.
	if a := timing(star.Action); a.Words > 0 {
		o := r.Ownership
		if o.ActionWe > o.ActionI {
			add(Finding{Part: star.Action, Code: "action_we", Severity: SeverityHigh,
				Message:  fmt.Sprintf("The action says \"we\" %d times and \"I\" %d times. The interviewer cannot tell what you did: tell each step as \"I pulled\", \"I wrote\", \"I shipped\".", o.ActionWe, o.ActionI),
				Evidence: fmt.Sprintf("I: %d, we: %d", o.ActionI, o.ActionWe)})
		} else if o.ActionWe > 0 && o.ActionWe*2 >= o.ActionI {
			add(Finding{Part: star.Action, Code: "action_we", Severity: SeverityInfo,
				Message:  fmt.Sprintf("The action mixes \"we\" (%d) with \"I\" (%d). Keep \"we\" for what the team did and make your own steps \"I\".", o.ActionWe, o.ActionI),
				Evidence: fmt.Sprintf("I: %d, we: %d", o.ActionI, o.ActionWe)})
		}
	}

	// Result: number, business impact, second-order effect.
	if res := timing(star.Result); res.Words > 0 {
		rw := partWords(norm, labels, star.Result)
		switch {
		case hasNumber(partWords(heard, labels, star.Result)):
		case hasNumber(rw):
			add(Finding{Part: star.Result, Code: "result_no_number", Severity: SeverityWarn,
				Message:  "The result's numbers were not heard clearly. Say the metric's before and after plainly (\"the drop rate went from 0.3 % to zero\").",
				Evidence: opening(r, star.Result)})
		default:
			add(Finding{Part: star.Result, Code: "result_no_number", Severity: SeverityHigh,
				Message:  "The result has no number. Give the metric's before and after (\"the drop rate went from 0.3 % to zero\").",
				Evidence: opening(r, star.Result)})
		}
		if i, _ := findPhrase(rw, businessWords); i < 0 {
			add(Finding{Part: star.Result, Code: "result_no_business_impact", Severity: SeverityWarn,
				Message:  "The result does not say what it meant for the business: revenue, cost, customers or time saved.",
				Evidence: opening(r, star.Result)})
		}
		if i, _ := findPhrase(rw, secondOrderPhrases); i < 0 {
			add(Finding{Part: star.Result, Code: "result_no_second_order", Severity: SeverityInfo,
				Message:  "Add what happened after: was your fix adopted as a standard, reused by other teams, rolled out further?",
				Evidence: opening(r, star.Result)})
		}
	}

	// Reflection: generic or specific.
	if ref := timing(star.Reflection); ref.Words > 0 {
		fw := partWords(norm, labels, star.Reflection)
		i, p := findPhrase(fw, genericReflections)
		if i >= 0 && !specificReflection(fw, norm, labels) {
			add(Finding{Part: star.Reflection, Code: "reflection_generic", Severity: SeverityWarn,
				Message:  fmt.Sprintf("The reflection is generic (%q). Name something this story taught you that only this story could: the root cause beyond the code, what you would do earlier next time.", p),
				Evidence: excerpt(fw, i-2, 12)})
		}
	}

	// The whole answer against the level's budget.
	switch r.Budget.Status {
	case StatusOver:
		add(Finding{Code: "answer_long", Severity: SeverityWarn,
			Message: fmt.Sprintf("The answer took %s; the %s target is %s. Trim the situation first.", FormatDuration(r.Budget.Length), profile.Name, FormatBand(profile.BudgetMin, profile.BudgetMax))})
	case StatusUnder:
		add(Finding{Code: "answer_short", Severity: SeverityWarn,
			Message: fmt.Sprintf("The answer took %s; the %s target is %s. Spend the time on your actions and the result's numbers.", FormatDuration(r.Budget.Length), profile.Name, FormatBand(profile.BudgetMin, profile.BudgetMax))})
	}

	// Delivery.
	if !r.EstimatedTiming && r.Pacing.WPM > 0 {
		switch {
		case r.Pacing.WPM > paceFast:
			add(Finding{Code: "pace_fast", Severity: SeverityWarn,
				Message: fmt.Sprintf("You spoke at %.0f words a minute; past 190 listeners stop following. Slow to 130 to 160 and pause between the parts.", r.Pacing.WPM)})
		case r.Pacing.WPM > paceComfortable:
			add(Finding{Code: "pace_brisk", Severity: SeverityInfo,
				Message: fmt.Sprintf("You spoke at %.0f words a minute, a little fast; 130 to 160 is comfortable.", r.Pacing.WPM)})
		case r.Pacing.WPM < paceSlow:
			add(Finding{Code: "pace_slow", Severity: SeverityInfo,
				Message: fmt.Sprintf("You spoke at %.0f words a minute, slower than the 130 to 160 that sounds confident.", r.Pacing.WPM)})
		}
	}
	if f := r.Pacing.Fillers; f.Count > 0 && f.PerMinute > fillersFine {
		sev := SeverityInfo
		if f.PerMinute >= fillersBad {
			sev = SeverityWarn
		}
		top := make([]string, 0, len(f.Top))
		for _, t := range f.Top {
			top = append(top, fmt.Sprintf("%q %d", t.Text, t.Count))
		}
		add(Finding{Code: "fillers", Severity: sev,
			Message:  fmt.Sprintf("%d filler words, %.1f a minute; up to about 5 a minute goes unnoticed. Replace them with a short pause.", f.Count, f.PerMinute),
			Evidence: strings.Join(top, ", ")})
	}
	for _, p := range r.Pacing.Pauses.Long {
		add(Finding{Code: "long_pause", Severity: SeverityInfo, Start: p.Start, End: p.End,
			Message: fmt.Sprintf("A %s silence at %s. A pause is fine; if you lost the thread, a bridge like \"so what I did next was\" keeps the story moving.", FormatDuration(p.End-p.Start), FormatDuration(p.Start))})
	}

	if r.Audio != nil && r.Audio.Quality == AudioPoor {
		for i, f := range out {
			if restsOnExactWords[f.Code] {
				out[i].Message += poorAudioNote
			}
		}
	}
	sortFindings(out)
	return out
}

// restsOnExactWords are the findings a misheard word can make wrong.
var restsOnExactWords = map[string]bool{"fillers": true, "result_no_number": true, "action_we": true}

// specificReflection tells a reflection that names things from the story
// (words it shares with the rest of the answer, "forecasting" with
// "forecast"), the more so with a concrete change ("next time", "now i"),
// from one that stops at a platitude.
func specificReflection(reflection, norm []string, labels []star.Label) bool {
	cue, _ := findPhrase(reflection, reflectionSpecifics)
	story := map[string]bool{}
	for i, w := range norm {
		if labels[i] != star.Reflection && len(w) > 4 && !commonWords[w] {
			story[stem(w)] = true
		}
	}
	shared := 0
	for _, w := range reflection {
		if len(w) > 4 && !commonWords[w] && story[stem(w)] {
			shared++
		}
	}
	return shared >= 3 || (cue >= 0 && shared >= 2)
}

// stem is the start of a word, enough to match its other forms.
func stem(w string) string { return w[:min(len(w), 6)] }

var commonWords = wordSet(`about after again against because before being between could doing during every
	going great having important really should their there these thing things think those through would which while
	learned learnt communication teamwork always never other people lesson better something`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func sortFindings(f []Finding) {
	sort.SliceStable(f, func(i, j int) bool { return f[i].Severity.rank() < f[j].Severity.rank() })
}
