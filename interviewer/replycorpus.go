package interviewer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LabeledReply is one probe reply of the labeled set in testdata/replies:
// what was asked, what was said, and whether a bar raiser would take it as
// strong or weak for the probe's gap. See testdata/replies/README.md.
type LabeledReply struct {
	Gap       Gap
	Principle string
	Question  string // a bank question's id, or free text
	Probe     string // the probe's words as asked
	Label     string // RatingStrong or RatingWeak
	Pattern   string // a short tag of why it is strong or weak
	Text      string // the reply as spoken
	File      string // the file it came from, with the record's first line ("x/quantify.txt:12")
}

// replyGaps are the gaps a reply file may be named after.
var replyGaps = []Gap{
	GapQuantify, GapPersonal, GapScope, GapReflection, GapOutcome,
	GapDepth, GapInfluence, GapStandards, GapTradeoff,
}

// replyHeaders are the header keys every record carries, in file order.
var replyHeaders = []string{"principle", "question", "probe", "label", "pattern"}

// LoadReplies reads every <gap>.txt file in dir (one split of the labeled
// set), in file name order. Records are separated by a line "---"; each is
// a block of "# key: value" headers (principle, question, probe, label,
// pattern) followed by the reply's text. A file named after no known gap, a
// missing, repeated or unknown header, a label other than strong or weak, or
// an empty reply is an error naming the file and line.
func LoadReplies(dir string) ([]LabeledReply, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("replies: no <gap>.txt files in %s", dir)
	}
	sort.Strings(paths)
	var out []LabeledReply
	for _, p := range paths {
		recs, err := loadReplyFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

func loadReplyFile(path string) ([]LabeledReply, error) {
	gap := Gap(strings.TrimSuffix(filepath.Base(path), ".txt"))
	known := false
	for _, g := range replyGaps {
		known = known || g == gap
	}
	if !known {
		return nil, fmt.Errorf("%s: %q is not a known gap (the file name must be one of %v)", path, gap, replyGaps)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []LabeledReply
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && strings.TrimSpace(lines[i]) != "---" {
			continue
		}
		r, ok, err := parseReplyRecord(path, gap, lines[start:i], start+1)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
		start = i + 1
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no records", path)
	}
	return out, nil
}

// parseReplyRecord reads one record, whose first line is line first of the
// file. A block of blank lines only is no record (ok false).
func parseReplyRecord(path string, gap Gap, lines []string, first int) (LabeledReply, bool, error) {
	headers := map[string]string{}
	var text []string
	recLine := 0
	for k, raw := range lines {
		n := first + k
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if recLine == 0 {
			recLine = n
		}
		if !strings.HasPrefix(line, "#") {
			text = append(text, line)
			continue
		}
		if len(text) > 0 {
			return LabeledReply{}, false, fmt.Errorf("%s:%d: header line after the reply's text (a record is its headers, then the reply)", path, n)
		}
		key, value, found := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		if !found {
			return LabeledReply{}, false, fmt.Errorf("%s:%d: header %q is not \"# key: value\"", path, n, line)
		}
		if !isReplyHeader(key) {
			return LabeledReply{}, false, fmt.Errorf("%s:%d: unknown header %q (want %s)", path, n, key, strings.Join(replyHeaders, ", "))
		}
		if _, dup := headers[key]; dup {
			return LabeledReply{}, false, fmt.Errorf("%s:%d: header %q given twice", path, n, key)
		}
		headers[key] = value
	}
	if recLine == 0 {
		return LabeledReply{}, false, nil
	}
	for _, h := range replyHeaders {
		if headers[h] == "" {
			return LabeledReply{}, false, fmt.Errorf("%s:%d: record has no %q header (or an empty one)", path, recLine, h)
		}
	}
	label := strings.ToLower(headers["label"])
	if label != RatingStrong && label != RatingWeak {
		return LabeledReply{}, false, fmt.Errorf("%s:%d: label %q is neither %q nor %q", path, recLine, headers["label"], RatingStrong, RatingWeak)
	}
	if len(text) == 0 {
		return LabeledReply{}, false, fmt.Errorf("%s:%d: record has an empty reply", path, recLine)
	}
	return LabeledReply{
		Gap:       gap,
		Principle: headers["principle"],
		Question:  headers["question"],
		Probe:     headers["probe"],
		Label:     label,
		Pattern:   headers["pattern"],
		Text:      strings.Join(text, " "),
		File:      fmt.Sprintf("%s:%d", path, recLine),
	}, true, nil
}

func isReplyHeader(key string) bool {
	for _, h := range replyHeaders {
		if h == key {
			return true
		}
	}
	return false
}
