package star

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

var (
	liveExperiments = flag.String("live-experiments", "", "score the live readings tried for the live view on the answers in `DIR` (see docs/BENCHMARKS.md, The live view)")
	liveHalf        = flag.String("live-half", "odd", "with -live-experiments, the answers scored: odd (1st, 3rd, ...), even or all")
	liveOnly        = flag.String("live-only", "", "with -live-experiments, only the readings whose name contains one of these comma-separated strings")
	liveConfirmOne  = flag.Bool("live-confirm-one", false, "with -live-experiments, score each reading with a new part shown at the first update only")
)

// scoreCache holds the unfinished scores of each prefix of each answer,
// so that every reading tried decodes the same scores computed once.
type scoreCache struct {
	m    *Model
	mu   sync.Mutex
	at   map[uint64]cachedScores
	post map[string][numLabels]float64
	fin  map[uint64][numLabels]float64
	read map[string][]Label
}

// finishedPosterior is the posterior of the last token's label with the
// tokens read as a finished answer (no words to come), at temperature
// 1000.
func (c *scoreCache) finishedPosterior(tokens []Token) [numLabels]float64 {
	key := keyOf(tokens)
	c.mu.Lock()
	p, ok := c.fin[key]
	c.mu.Unlock()
	if ok {
		return p
	}
	st := c.m.Stack.structure
	p = newLattice(c.m.answerScores(tokens), &st, c.m.MinRun, liveTemperature).posteriorsAt(len(tokens) - 1)[0]
	c.mu.Lock()
	c.fin[key] = p
	c.mu.Unlock()
	return p
}

// endChance is, for each number of words told, the share of the training
// answers longer than that which end within the next within words.
func endChance(answers []LabeledAnswer, within int) []float64 {
	var lengths []int
	for _, a := range answers {
		words, _, _ := a.Tokens()
		lengths = append(lengths, len(words))
	}
	out := make([]float64, 2000)
	for k := range out {
		longer, ending := 0, 0
		for _, n := range lengths {
			if n > k {
				longer++
				if n <= k+within {
					ending++
				}
			}
		}
		out[k] = 1
		if longer > 0 {
			out[k] = float64(ending) / float64(longer)
		}
	}
	return out
}

type cachedScores struct {
	sc scores
	st structure
}

func keyOf(tokens []Token) uint64 {
	h := fnv.New64a()
	for _, t := range tokens {
		h.Write([]byte(t.Text))
		fmt.Fprintf(h, " %g|", t.Pause)
	}
	return h.Sum64()
}

// lastPosterior is the posterior of the last token's label.
func (c *scoreCache) lastPosterior(tokens []Token, temp float64) [numLabels]float64 {
	key := fmt.Sprintf("%d %g", keyOf(tokens), temp)
	c.mu.Lock()
	p, ok := c.post[key]
	c.mu.Unlock()
	if ok {
		return p
	}
	sc, st := c.get(tokens)
	p = newLattice(sc, &st, c.m.MinRun, temp).posteriorsAt(len(tokens) - 1)[0]
	c.mu.Lock()
	c.post[key] = p
	c.mu.Unlock()
	return p
}

// memo keeps what a reading named name gave for each prefix: each
// reading is played once, then scored with several confirm rules (a
// reading that keeps state is asked the same prefixes in the same order
// each time).
func (c *scoreCache) memo(name string, newReader func() func([]Token) []Label) func() func([]Token) []Label {
	return func() func([]Token) []Label {
		read := newReader()
		return func(tokens []Token) []Label {
			key := fmt.Sprintf("%s %d", name, keyOf(tokens))
			c.mu.Lock()
			l, ok := c.read[key]
			c.mu.Unlock()
			if !ok {
				l = read(tokens)
				c.mu.Lock()
				c.read[key] = l
				c.mu.Unlock()
			}
			return l
		}
	}
}

func (c *scoreCache) get(tokens []Token) (scores, structure) {
	key := keyOf(tokens)
	c.mu.Lock()
	s, ok := c.at[key]
	c.mu.Unlock()
	if ok {
		return s.sc, s.st
	}
	sc, st := c.m.unfinishedScores(tokens)
	c.mu.Lock()
	c.at[key] = cachedScores{sc, st}
	c.mu.Unlock()
	return sc, st
}

// partPrior is the share of the training answers' words of each label at
// each place in an answer, by tens of words.
func partPrior(answers []LabeledAnswer) [][numLabels]float64 {
	const buckets = 80
	counts := make([][numLabels]float64, buckets)
	for _, a := range answers {
		_, gold, _ := a.Tokens()
		for i, l := range gold {
			counts[min(i/10, buckets-1)][l.Index()]++
		}
	}
	for b := range counts {
		sum := 0.0
		for l := range numLabels {
			counts[b][l]++
			sum += counts[b][l]
		}
		for l := range numLabels {
			counts[b][l] /= sum
		}
	}
	return counts
}

func TestLiveExperiments(t *testing.T) {
	if *liveExperiments == "" {
		t.Skip("-live-experiments DIR not given")
	}
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	answers, err := ReadCorpus(os.DirFS(*liveExperiments))
	if err != nil {
		t.Fatal(err)
	}
	if *liveHalf != "all" {
		from := 0
		if *liveHalf == "even" {
			from = 1
		}
		var half []LabeledAnswer
		for i := from; i < len(answers); i += 2 {
			half = append(half, answers[i])
		}
		answers = half
	}
	train, err := ReadCorpus(os.DirFS("../../testdata/star/train"))
	if err != nil {
		t.Fatal(err)
	}
	prior := partPrior(train)
	cache := &scoreCache{m: m, at: map[uint64]cachedScores{}, post: map[string][numLabels]float64{}, fin: map[uint64][numLabels]float64{}, read: map[string][]Label{}}

	type reading struct {
		name string
		new  func() func([]Token) []Label
	}
	viterbiOf := func(tokens []Token) ([]int, scores, structure) {
		sc, st := cache.get(tokens)
		return decode(sc, &st, m.MinRun)[:len(tokens)], sc, st
	}
	base := func() func([]Token) []Label {
		return func(tokens []Token) []Label {
			p, _, _ := viterbiOf(tokens)
			return toLabels(p)
		}
	}
	// posterior reads the last word by its posterior, times the prior
	// raised to b.
	posterior := func(temp, b float64) func() func([]Token) []Label {
		return func() func([]Token) []Label {
			return func(tokens []Token) []Label {
				p, _, _ := viterbiOf(tokens)
				k := len(tokens)
				post := cache.lastPosterior(tokens, temp)
				pr := prior[min((k-1)/10, len(prior)-1)]
				best, bestV := 0, math.Inf(-1)
				for l := range numLabels {
					if v := math.Log(post[l]+1e-12) + b*math.Log(pr[l]); v > bestV {
						best, bestV = l, v
					}
				}
				p[k-1] = best
				return toLabels(p)
			}
		}
	}
	// margin keeps the last reading's part when the posterior of the
	// last word's best part is under th.
	margin := func(temp, th float64) func() func([]Token) []Label {
		return func() func([]Token) []Label {
			prev := -1
			return func(tokens []Token) []Label {
				p, _, _ := viterbiOf(tokens)
				k := len(tokens)
				post := cache.lastPosterior(tokens, temp)
				if prev >= 0 && post[p[k-1]] < th {
					p[k-1] = prev
				}
				prev = p[k-1]
				return toLabels(p)
			}
		}
	}
	// sureOrTwice shows a new part for the last words once the reading
	// is th sure of it, or once twice updates in a row find it (0: never).
	sureOrTwice := func(th float64, twice int) func() func([]Token) []Label {
		return func() func([]Token) []Label {
			var shown, pending int = -1, -1
			seen := 0
			return func(tokens []Token) []Label {
				p, _, _ := viterbiOf(tokens)
				k := len(tokens)
				cur := p[k-1]
				post := cache.lastPosterior(tokens, 1000)
				switch {
				case shown < 0 || cur == shown || post[cur] >= th:
					shown, pending, seen = cur, -1, 0
				case cur == pending:
					seen++
				default:
					pending, seen = cur, 1
				}
				if twice > 0 && seen >= twice {
					shown, pending, seen = cur, -1, 0
				}
				p[k-1] = shown
				return toLabels(p)
			}
		}
	}
	// ending weighs, for the last word, the finished reading's posterior
	// (the answer ending there) against the unfinished one's by the chance
	// that a training answer this long ends within the next within words,
	// times scale; the part of the mixture is shown once it is 0.95 sure.
	ending := func(within int, scale float64) func() func([]Token) []Label {
		chance := endChance(train, within)
		return func() func([]Token) []Label {
			prev := -1
			return func(tokens []Token) []Label {
				p, _, _ := viterbiOf(tokens)
				k := len(tokens)
				pu := cache.lastPosterior(tokens, liveTemperature)
				w := math.Min(1, scale*chance[min(k, len(chance)-1)])
				var pf [numLabels]float64
				if w > 0 {
					pf = cache.finishedPosterior(tokens)
				}
				best, mix := 0, [numLabels]float64{}
				for l := range mix {
					mix[l] = w*pf[l] + (1-w)*pu[l]
					if mix[l] > mix[best] {
						best = l
					}
				}
				if prev >= 0 && best != prev && mix[best] < 0.95 {
					best = prev
				}
				prev = best
				p[k-1] = best
				return toLabels(p)
			}
		}
	}
	// delay shows the part of the word d words before the last.
	delay := func(d int) func() func([]Token) []Label {
		return func() func([]Token) []Label {
			return func(tokens []Token) []Label {
				p, _, _ := viterbiOf(tokens)
				k := len(tokens)
				p[k-1] = p[max(k-1-d, 0)]
				return toLabels(p)
			}
		}
	}
	// hold decodes with the words before the last n held to the labels
	// the previous update gave them.
	hold := func(n int) func() func([]Token) []Label {
		return func() func([]Token) []Label {
			var prev []int
			return func(tokens []Token) []Label {
				sc, st := cache.get(tokens)
				k := len(tokens)
				fixed := min(len(prev), k-n)
				if fixed > 0 {
					c := newScores(len(sc.emit))
					copy(c.emit, sc.emit)
					copy(c.enter, sc.enter)
					for i := range fixed {
						for l := range numLabels {
							if l != prev[i] {
								c.emit[i][l] -= 1e5
							}
						}
					}
					sc = c
				}
				p := decode(sc, &st, m.MinRun)[:k]
				prev = p
				return toLabels(p)
			}
		}
	}
	// priorEmit adds b times the prior's log of each part, at the place
	// of the last words, to the scores of the last n words.
	priorEmit := func(n int, b float64) func() func([]Token) []Label {
		return func() func([]Token) []Label {
			return func(tokens []Token) []Label {
				sc, st := cache.get(tokens)
				k := len(tokens)
				c := newScores(len(sc.emit))
				copy(c.emit, sc.emit)
				copy(c.enter, sc.enter)
				pr := prior[min((k-1)/10, len(prior)-1)]
				for i := max(k-n, 0); i < k; i++ {
					for l := range numLabels {
						c.emit[i][l] += b * math.Log(pr[l])
					}
				}
				return toLabels(decode(c, &st, m.MinRun)[:k])
			}
		}
	}
	readings := []reading{
		{"viterbi (shipped)", base},
		{"delay 2 words", delay(2)},
		{"delay 3 words", delay(3)},
		{"delay 5 words", delay(5)},
		{"hold all but 10", hold(10)},
		{"hold all but 25", hold(25)},
	}
	for _, n := range []int{10, 30} {
		for _, b := range []float64{100, 300, 1000} {
			readings = append(readings, reading{fmt.Sprintf("prior in the last %d, %g", n, b), priorEmit(n, b)})
		}
	}
	for _, temp := range []float64{1000, 3000} {
		readings = append(readings, reading{fmt.Sprintf("posterior T%g", temp), posterior(temp, 0)})
	}
	for _, b := range []float64{0.5, 1} {
		readings = append(readings, reading{fmt.Sprintf("posterior T1000 prior %g", b), posterior(1000, b)})
	}
	for _, th := range []float64{0.6, 0.8} {
		readings = append(readings, reading{fmt.Sprintf("margin T1000 %.2f", th), margin(1000, th)})
	}
	for _, th := range []float64{0.8, 0.9, 0.95, 0.99} {
		readings = append(readings, reading{fmt.Sprintf("sure %.2f", th), sureOrTwice(th, 0)})
		readings = append(readings, reading{fmt.Sprintf("sure %.2f or twice", th), sureOrTwice(th, 2)})
	}
	readings = append(readings, reading{"ending none", ending(20, 0)})
	for _, within := range []int{20, 40} {
		for _, scale := range []float64{0.5, 1, 2} {
			readings = append(readings, reading{fmt.Sprintf("ending within %d x%g", within, scale), ending(within, scale)})
		}
	}
	if *liveTailData != "" {
		for _, expand := range []bool{false, true} {
			names, readers := tailReadings(t, m, cache, *liveTailData, expand)
			for i := range names {
				readings = append(readings, reading{names[i], readers[i]})
			}
		}
	}
	opt := DefaultLiveEvalOptions()
	opt.Every = 1 << 30 // the updates only
	for _, r := range readings {
		if !selected(r.name) {
			continue
		}
		confirms := [][2]int{{1, 0}, {2, 0}, {3, 0}, {2, 1}, {3, 1}, {3, 2}}
		if *liveConfirmOne {
			confirms = confirms[:1]
		}
		for _, confirm := range confirms {
			o := opt
			o.Confirm, o.ConfirmLater = confirm[0], confirm[1]
			e := EvaluateLive(cache.memo(r.name, r.new), answers, o)
			t.Logf("%-28s confirm %v: shown right %.3f (unconfirmed %.3f), lag p50/p90 %.1f / %.1f s, %d missed, %d changes shown for %d, %d flashes",
				r.name, confirm, e.ShownAccuracy(), e.RawAccuracy(), e.Lag(0.5), e.Lag(0.9), e.Missed, e.ShownChanges, len(e.Lags), e.Flashes)
		}
	}
}

func selected(name string) bool {
	if *liveOnly == "" {
		return true
	}
	for _, s := range strings.Split(*liveOnly, ",") {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}
