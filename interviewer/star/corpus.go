package star

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/mockinterview/mockinterview/transcribe"
)

// LabeledAnswer is one answer of the labeled corpus: the words of a spoken
// answer, each span marked with the STAR part it belongs to.
type LabeledAnswer struct {
	Name      string
	Principle string
	Role      string
	Quality   string
	Traits    []string
	Question  string
	Spans     []LabeledSpan
}

// LabeledSpan is a contiguous run of text with one label.
type LabeledSpan struct {
	Label Label
	Text  string
}

// HasTrait reports whether the answer was written with the given trait.
func (a LabeledAnswer) HasTrait(t string) bool {
	for _, x := range a.Traits {
		if x == t {
			return true
		}
	}
	return false
}

// Tokens returns the answer's words as a recognizer would give them
// (lowercase, no punctuation) with the gold label of each, and marks the
// words that end a written sentence: a speaker usually pauses there.
func (a LabeledAnswer) Tokens() (words []string, labels []Label, sentenceEnd []bool) {
	for _, s := range a.Spans {
		for _, raw := range strings.Fields(s.Text) {
			for _, w := range Normalize(raw) {
				words = append(words, w)
				labels = append(labels, s.Label)
				sentenceEnd = append(sentenceEnd, false)
			}
			if n := len(sentenceEnd); n > 0 && (transcribe.Word{Text: raw}).EndsSentence() {
				sentenceEnd[n-1] = true
			}
		}
	}
	return words, labels, sentenceEnd
}

// ParseLabeledAnswer reads one corpus file (see testdata/star/README.md).
func ParseLabeledAnswer(name, text string) (LabeledAnswer, error) {
	a := LabeledAnswer{Name: name}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			key, value, _ := strings.Cut(strings.TrimSpace(line[1:]), ":")
			value = strings.TrimSpace(value)
			switch strings.TrimSpace(key) {
			case "principle":
				a.Principle = value
			case "role":
				a.Role = value
			case "quality":
				a.Quality = value
			case "question":
				a.Question = value
			case "traits":
				for _, t := range strings.Split(value, ",") {
					if t = strings.TrimSpace(t); t != "" {
						a.Traits = append(a.Traits, t)
					}
				}
			}
		case strings.HasPrefix(line, "["):
			tag, rest, ok := strings.Cut(line[1:], "]")
			label, known := ParseLabel(tag)
			if !ok || !known {
				return a, fmt.Errorf("%s:%d: span must start with [situation], [task], [action], [result] or [reflection], got %.20q", name, n, line)
			}
			if rest = strings.TrimSpace(rest); rest == "" {
				return a, fmt.Errorf("%s:%d: empty [%s] span", name, n, tag)
			}
			a.Spans = append(a.Spans, LabeledSpan{Label: label, Text: rest})
		default:
			return a, fmt.Errorf("%s:%d: line is neither a # header nor a [label] span", name, n)
		}
	}
	if len(a.Spans) == 0 {
		return a, fmt.Errorf("%s: no labeled spans", name)
	}
	return a, sc.Err()
}

// ReadCorpus reads every labeled answer (*.txt) at the top of fsys, in
// the order of their names.
func ReadCorpus(fsys fs.FS) ([]LabeledAnswer, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("no labeled answers (*.txt)")
	}
	answers := make([]LabeledAnswer, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		a, err := ParseLabeledAnswer(name, string(b))
		if err != nil {
			return nil, err
		}
		answers = append(answers, a)
	}
	return answers, nil
}
