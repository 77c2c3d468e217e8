package star

import (
	"os"
	"strings"
	"testing"
)

func loadCorpusDir(t testing.TB, dir string) []LabeledAnswer {
	t.Helper()
	answers, err := ReadCorpus(os.DirFS(dir))
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return answers
}

func defaultModel(t testing.TB) *Model {
	t.Helper()
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// shape is the order of the parts in a labeling, each run once: "RSTAF".
func shape(labels []Label) string {
	var b strings.Builder
	for i, l := range labels {
		if i == 0 || l != labels[i-1] {
			b.WriteByte("STARF"[l.Index()])
		}
	}
	return b.String()
}

// answers written for these tests, not taken from the corpus, with the
// shape a careful reader gives them.
var shapeAnswers = []struct {
	name, text, want string
	// gap is the wrong shape the shipped model is known to give, if any:
	// the test then reports the gap instead of failing, and fails on any
	// other shape.
	gap string
}{{
	name: "result first",
	text: `We cut the checkout error rate from four percent to under half a percent and saved about thirty
		thousand dollars a month, so let me walk back through how that happened. I was a backend engineer at an
		online furniture store, and our checkout service kept timing out during sales, and customers were
		abandoning their carts. Nobody had asked me to look at it, it belonged to the payments team, but I decided
		to own it because I had written part of that service. So first I pulled the logs from the last three sales
		and traced the timeouts to a slow call to our fraud vendor. Then I added a cache for repeat customers, and I
		wrote a fallback so a slow fraud check no longer blocked the order. I also set up an alert on the vendor's
		latency and walked the payments team through the change. Looking back, I learned that the biggest wins
		often sit between two teams, and next time I would map those handoffs before a big sale.`,
	want: "RSTAF",
	// Most of the training split's result-first answers come back to the
	// result after the action, and the model expects that: the action's
	// last words are read as a result.
	gap: "RSTARF",
}, {
	name: "no task",
	text: `I was a data analyst at a grocery delivery company, and our weekly sales report took two days to build by
		hand, and it was often wrong. So I pulled the raw order data into one query, I wrote a small script to build
		the charts, and I scheduled it to run every Monday morning. Then I walked the finance team through the new
		report and fixed the two numbers they questioned. The report went from two days of work to ten minutes, and
		finance stopped finding errors in it. I learned that automating the boring part first frees up time for the
		analysis people actually need.`,
	want: "SARF",
}, {
	name: "returns to the situation",
	text: `I was a mobile engineer at a travel app, and our crash rate on Android had doubled after a release. My job
		was to find the cause and get the crash rate back down before the holiday rush. So I grouped the crash
		reports by device, and I noticed almost all of them came from older phones. For context, about a third of
		our users were on phones more than four years old, because our biggest market was students, and those
		phones have very little memory. So I rewrote the image loading code to use less memory, I tested it on six
		old devices, and I shipped the fix behind a flag. The crash rate went back down to normal within a week, and
		our rating went up half a star. Looking back, I would test on old devices before every release.`,
	want: "STASARF",
	gap:  "STARF", // the short return to the context stays in the action
}}

func TestSegmentShapes(t *testing.T) {
	m := defaultModel(t)
	for _, tt := range shapeAnswers {
		t.Run(tt.name, func(t *testing.T) {
			tokens := textTokens(tt.text)
			got := m.Segment(tokens)
			if len(got) != len(tokens) {
				t.Fatalf("got %d labels for %d tokens", len(got), len(tokens))
			}
			switch s := shape(got); {
			case s == tt.want:
			case s == tt.gap:
				t.Skipf("known gap: shape %s, want %s", s, tt.want)
			default:
				t.Errorf("shape %s, want %s", s, tt.want)
			}
		})
	}
}

func TestSegmentEmpty(t *testing.T) {
	if got := defaultModel(t).Segment(nil); len(got) != 0 {
		t.Errorf("Segment(nil) = %v, want no labels", got)
	}
}

// BenchmarkSegment labels 450 typed words without punctuation, which
// the segmenter reads twice (see Segment).
func BenchmarkSegment(b *testing.B) { benchmarkSegment(b, false) }

// BenchmarkSegmentHeard labels the same words with pauses at the
// sentence ends, as a recognizer gives them: one reading.
func BenchmarkSegmentHeard(b *testing.B) { benchmarkSegment(b, true) }

// BenchmarkLiveReading reads the same words, heard, as a live update
// does: as an unfinished answer, plain (SegmentUnfinished) and with how
// sure it is of the last word's part (ReadUnfinished, the shipped one).
func BenchmarkLiveReading(b *testing.B) {
	m := defaultModel(b)
	tokens := benchTokens(b, true)
	b.Run("unfinished", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.SegmentUnfinished(tokens)
		}
	})
	b.Run("sure", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.ReadUnfinished(tokens)
		}
	})
}

func benchmarkSegment(b *testing.B, pauses bool) {
	m := defaultModel(b)
	tokens := benchTokens(b, pauses)
	b.ReportAllocs()
	for b.Loop() {
		m.Segment(tokens)
	}
}

// benchTokens are the first 450 words of the training answers, with a
// pause at each sentence end when pauses is set.
func benchTokens(b *testing.B, pauses bool) []Token {
	var tokens []Token
	for _, a := range loadCorpusDir(b, "../../testdata/star/train") {
		words, _, ends := a.Tokens()
		for i, w := range words {
			t := Token{Text: w}
			if pauses && i > 0 && ends[i-1] {
				t.Pause = 0.6
			}
			tokens = append(tokens, t)
		}
		if len(tokens) >= 450 {
			break
		}
	}
	return tokens[:450]
}

// An answer cut off mid-story is labeled as the start of a longer one: its
// last words are not read as a result or a reflection. (Two minutes of one
// repeated sentence of background may read as background and then action,
// by length alone; the interview's cut-in does not count such an action,
// see TestInterviewInterruptsLongSituation.)
func TestSegmentUnfinished(t *testing.T) {
	m := defaultModel(t)
	noTask := textTokens(shapeAnswers[1].text)
	cut := noTask[:len(noTask)*3/4] // ends inside the action
	background := textTokens(strings.Repeat("our platform team ran a payment notification service with a queue in front of a database and several consumers ", 8))
	for _, tt := range []struct {
		name   string
		tokens []Token
		want   func(shape string) bool
	}{
		{"cut inside the action", cut, func(s string) bool { return s == "SA" }},
		{"two minutes of background", background, func(s string) bool {
			return strings.HasPrefix(s, "S") && !strings.ContainsAny(s, "RF")
		}},
	} {
		got := m.SegmentUnfinished(tt.tokens)
		if len(got) != len(tt.tokens) {
			t.Fatalf("%s: %d labels for %d tokens", tt.name, len(got), len(tt.tokens))
		}
		if s := shape(got); !tt.want(s) {
			t.Errorf("%s: unfinished shape %s (as a whole answer: %s)", tt.name, s, shape(m.Segment(tt.tokens)))
		}
	}
	if got := m.SegmentUnfinished(nil); len(got) != 0 {
		t.Errorf("SegmentUnfinished(nil) = %v", got)
	}
}
