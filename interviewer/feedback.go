package interviewer

import (
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
		disagree and commit|you never know|is the best one|is usually better|you don't need|you don't always need|
		you do not need|everyone has|everybody has|every little bit|people grow|it's your job|it is your job|at their own pace|
		more aware of|how important|good things happen|it all worked out|in the end it|lesson learned`)
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
		if d := slices.IndexFunc(words[max(0, i-2):i], func(x string) bool { return determiners[x] }); d >= 0 {
			// "I took it to my lead and suggested": the lead is spoken
			// to, not the one asking.
			if at := max(0, i-2) + d; at > 0 && toObjects[words[at-1]] {
				continue
			}
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

// toObjects put the person after them as the one spoken to.
var toObjects = wordSet("to with for at")

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
