package interviewer

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// The hiring verdict's four steps, from worst to best, as the labeled
// verdict set uses them (testdata/verdicts/README.md).
const (
	VerdictNoHire        = "No Hire"
	VerdictLeaningNoHire = "Leaning No Hire"
	VerdictLeaningHire   = "Leaning Hire"
	VerdictStrongHire    = "Strong Hire"
)

// VerdictSteps lists the four steps in order, worst first: a step's index
// is its place on the scale.
var VerdictSteps = []string{VerdictNoHire, VerdictLeaningNoHire, VerdictLeaningHire, VerdictStrongHire}

// VerdictStep is a decision's place on the four-step scale (0 is No Hire,
// 3 Strong Hire). The interviewer's own "Hire" counts as Leaning Hire.
// ok is false for a decision that is neither.
func VerdictStep(decision string) (step int, ok bool) {
	if decision == "Hire" {
		decision = VerdictLeaningHire
	}
	i := slices.Index(VerdictSteps, decision)
	return i, i >= 0
}

// SpanOther labels words of a labeled verdict answer that tell no part of
// a story (an off-topic ramble, a hypothetical "I would ..."). It is not a
// label the STAR segmenter knows.
const SpanOther star.Label = "other"

// VerdictTraits are the traits a labeled verdict answer may carry.
var VerdictTraits = []string{
	"standard", "hand-off", "result-negative", "off-topic", "hypothetical",
	"wrong-principle", "we-heavy", "no-numbers", "generic-reflection",
	"manager-assigned", "unverified-number", "strong-reflection",
	"second-order-impact", "unanswered-probes",
}

// verdictLevels are the levels a labeled answer may be told at.
var verdictLevels = []string{"sde1", "sde2", "senior"}

// LabeledProbe is one follow-up of a labeled verdict answer: the gap it
// went after, what was asked and the reply, empty when the probe went
// unanswered.
type LabeledProbe struct {
	Gap   Gap
	Text  string
	Reply string
}

// Answered reports whether the candidate said anything to the probe.
func (p LabeledProbe) Answered() bool { return p.Reply != "" }

// LabeledVerdict is one answer of the labeled verdict set: a main answer
// split into its STAR spans, the probes with their replies, and the
// verdict a bar raiser gives it, with the reasons.
type LabeledVerdict struct {
	// Name is the file's name; Split the directory it was read from
	// ("train", "blind5").
	Name       string
	Split      string
	Principle  string
	QuestionID string
	Level      string
	Verdict    string
	Traits     []string
	Why        string
	// Spans are the main answer's spans in the order spoken; a span may
	// be labeled SpanOther.
	Spans  []star.LabeledSpan
	Probes []LabeledProbe
}

// HasTrait reports whether the answer was labeled with the trait.
func (v LabeledVerdict) HasTrait(t string) bool { return slices.Contains(v.Traits, t) }

// Step is the verdict's place on the four-step scale.
func (v LabeledVerdict) Step() int {
	s, _ := VerdictStep(v.Verdict)
	return s
}

// Transcript is the main answer as typed: the spans' text in order.
func (v LabeledVerdict) Transcript() string {
	parts := make([]string, len(v.Spans))
	for i, s := range v.Spans {
		parts[i] = s.Text
	}
	return strings.Join(parts, " ")
}

// Star is the main answer as a STAR corpus answer (spans labeled
// SpanOther kept as they are).
func (v LabeledVerdict) Star() star.LabeledAnswer {
	return star.LabeledAnswer{Name: v.Name, Principle: v.Principle, Quality: v.Verdict, Traits: v.Traits, Spans: v.Spans}
}

// ParseVerdict reads one labeled verdict file (testdata/verdicts/README.md).
// Errors name the file and the line.
func ParseVerdict(name, text string) (LabeledVerdict, error) {
	p := verdictParser{v: LabeledVerdict{Name: name}, seen: map[string]int{}, pending: -1}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if err := p.line(n, strings.TrimSpace(sc.Text())); err != nil {
			return p.v, fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return p.v, fmt.Errorf("%s: %w", name, err)
	}
	if p.pending >= 0 {
		return p.v, fmt.Errorf("%s:%d: the last probe has no [reply] line (leave it empty for an unanswered probe)", name, n)
	}
	for _, key := range []string{"principle", "question", "level", "verdict", "traits", "why"} {
		if _, ok := p.seen[key]; !ok {
			return p.v, fmt.Errorf("%s: missing header %q", name, key)
		}
	}
	if len(p.v.Spans) == 0 {
		return p.v, fmt.Errorf("%s: no answer spans", name)
	}
	return p.v, nil
}

// verdictParser is a labeled verdict file read so far.
type verdictParser struct {
	v LabeledVerdict
	// seen is the line each header was given on.
	seen map[string]int
	// pending is the index of a probe still waiting for its [reply] line.
	pending int
}

// line reads line n, trimmed: blank, a # header or a [tag] line.
func (p *verdictParser) line(n int, line string) error {
	switch {
	case line == "":
		return nil
	case strings.HasPrefix(line, "#"):
		return p.header(n, line)
	case strings.HasPrefix(line, "["):
		return p.tagged(line)
	default:
		return errors.New("line is neither a # header nor a [tag] line")
	}
}

// header reads a "# key: value" line, given on line n.
func (p *verdictParser) header(n int, line string) error {
	v := &p.v
	if len(v.Spans) > 0 || len(v.Probes) > 0 {
		return errors.New("header line after the answer began; headers come first")
	}
	key, value, ok := strings.Cut(strings.TrimSpace(line[1:]), ":")
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if !ok {
		return fmt.Errorf("header must be \"# key: value\", got %.40q", line)
	}
	if at, dup := p.seen[key]; dup {
		return fmt.Errorf("header %q given twice (first on line %d)", key, at)
	}
	p.seen[key] = n
	switch key {
	case "principle":
		v.Principle = value
	case "question":
		v.QuestionID = value
	case "level":
		if !slices.Contains(verdictLevels, value) {
			return fmt.Errorf("level %q: want one of %s", value, strings.Join(verdictLevels, ", "))
		}
		v.Level = value
	case "verdict":
		if !slices.Contains(VerdictSteps, value) {
			return fmt.Errorf("verdict %q: want one of %s", value, strings.Join(VerdictSteps, ", "))
		}
		v.Verdict = value
	case "traits":
		for _, t := range strings.Split(value, ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if !slices.Contains(VerdictTraits, t) {
				return fmt.Errorf("unknown trait %q", t)
			}
			v.Traits = append(v.Traits, t)
		}
	case "why":
		v.Why = value
	default:
		return fmt.Errorf("unknown header %q", key)
	}
	if value == "" {
		return fmt.Errorf("header %q is empty", key)
	}
	return nil
}

// tagged reads a "[tag] text" line: a [reply], a [probe <gap>], or one
// of the answer's spans.
func (p *verdictParser) tagged(line string) error {
	tag, rest, ok := strings.Cut(line[1:], "]")
	if !ok {
		return fmt.Errorf("unclosed tag in %.40q", line)
	}
	tag, rest = strings.ToLower(strings.TrimSpace(tag)), strings.TrimSpace(rest)
	switch {
	case tag == "reply":
		if p.pending < 0 {
			return errors.New("[reply] with no [probe ...] before it")
		}
		p.v.Probes[p.pending].Reply = rest
		p.pending = -1
		return nil
	case strings.HasPrefix(tag, "probe"):
		return p.probe(tag, rest)
	default:
		return p.span(tag, rest)
	}
}

// probe reads a [probe <gap>] line; its reply is pending until a [reply]
// line.
func (p *verdictParser) probe(tag, text string) error {
	if p.pending >= 0 {
		return fmt.Errorf("[%s] before the previous probe's [reply] (an unanswered probe has an empty [reply] line)", tag)
	}
	gap := Gap(strings.TrimSpace(strings.TrimPrefix(tag, "probe")))
	if !slices.Contains(verdictGaps, gap) {
		return fmt.Errorf("probe gap %q: want [probe <gap>] with one of %s", gap, gapList())
	}
	if text == "" {
		return fmt.Errorf("[%s] without the probe's text", tag)
	}
	if len(p.v.Probes) == 3 {
		return errors.New("more than three probes")
	}
	p.v.Probes = append(p.v.Probes, LabeledProbe{Gap: gap, Text: text})
	p.pending = len(p.v.Probes) - 1
	return nil
}

// span reads one of the main answer's spans: a STAR part or [other],
// before any probe.
func (p *verdictParser) span(tag, text string) error {
	label, known := star.ParseLabel(tag)
	if star.Label(tag) == SpanOther {
		label, known = SpanOther, true
	}
	if !known {
		return fmt.Errorf("unknown tag [%s]: want a STAR part, [other], [probe <gap>] or [reply]", tag)
	}
	if len(p.v.Probes) > 0 {
		return fmt.Errorf("[%s] span after the probes; the answer's spans come first", tag)
	}
	if text == "" {
		return fmt.Errorf("empty [%s] span", tag)
	}
	p.v.Spans = append(p.v.Spans, star.LabeledSpan{Label: label, Text: text})
	return nil
}

// verdictGaps are the gaps a labeled probe may go after.
var verdictGaps = []Gap{GapQuantify, GapPersonal, GapScope, GapReflection, GapOutcome, GapDepth, GapInfluence, GapStandards, GapTradeoff}

func gapList() string {
	s := make([]string, len(verdictGaps))
	for i, g := range verdictGaps {
		s[i] = string(g)
	}
	return strings.Join(s, ", ")
}

// LoadVerdicts reads every labeled verdict answer (*.txt) in dir, in the
// order of their names; each answer's Split is the directory's base name.
func LoadVerdicts(dir string) ([]LabeledVerdict, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no labeled verdict answers (*.txt)", dir)
	}
	slices.Sort(names)
	split := filepath.Base(dir)
	out := make([]LabeledVerdict, 0, len(names))
	var errs []error
	for _, path := range names {
		b, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		v, err := ParseVerdict(path, string(b))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		v.Name, v.Split = filepath.Base(path), split
		out = append(out, v)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
