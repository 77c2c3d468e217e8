package star

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Token is one spoken word as the segmenter sees it.
type Token struct {
	Text string
	// Pause is the silence before the word in seconds; 0 when unknown (a
	// typed transcript). Speakers pause between sentences, and a new part
	// of the story starts with a new sentence.
	Pause float64
}

// Model labels the words of an answer with STAR parts in two
// stages.
//
// The first stage is a set of views, each a pair of logistic models over
// sparse features of the words around a word: which part the word belongs
// to, and which part, if any, starts on it. One view sees everything,
// the other only general evidence (cue phrases, word classes, position),
// which carries over better to stories about other things.
//
// The second stage (Stack) weighs the views' scores averaged over several
// widths of context, where sentences likely start, and the answer's shape
// (which part follows which, going back to a part already told, parts left
// out), and decodes with Viterbi under a minimum run length. A finished
// answer is decoded part by part, with a score of how much of the answer
// each part takes (lengthScore), learned after the rest.
//
// It is trained by Train; the shipped weights are embedded.
type Model struct {
	Views []View `json:"views"`
	// Sentence predicts where spoken sentences start: parts almost always
	// change there, and a recognizer gives no punctuation.
	Sentence SentenceModel `json:"sentence"`
	Stack    Stack         `json:"stack"`
	// MinRun is the fewest words a part may have: no real part of a story
	// is a few words long, and short flips are the classic error of a
	// word-by-word labeller.
	MinRun int `json:"min_run"`
}

// View is one first-stage model: weights per feature and label.
type View struct {
	// Emit scores the features of a word for the part it belongs to.
	Emit map[string][numLabels]float64 `json:"emit"`
	// Enter scores the features of a word for the part starting on it,
	// against no part starting there.
	Enter map[string][numLabels]float64 `json:"enter"`
}

// The views, by index.
const (
	viewAll     = 0 // every feature
	viewGeneral = 1 // all but the features about which words are spoken
)

// inView reports whether view v uses the feature. Features about which
// words are spoken start with "w".
func inView(v int, feature string) bool {
	return v != viewGeneral || !strings.HasPrefix(feature, "w")
}

// Stack is the second stage of a Model. Its word weights are laid
// out per view: with V views, Smooth has V*len(smoothWindows) entries
// and Enter has V*(1+len(contrastWindows))+2.
type Stack struct {
	// Scale divides the first stage's scores so they are near 1 and
	// weigh about as much, in training, as one use of a shape score.
	Scale float64 `json:"scale"`
	// Smooth[v*len(smoothWindows)+k][l][m] weighs, for label l, view v's
	// log probability of label m averaged over context window k.
	Smooth [][numLabels][numLabels]float64 `json:"smooth"`
	// Enter weighs, for a part l starting on a word, each view's entering
	// score, how much more the words after it than the words before it
	// sound like l in each view (see contrastWindows), and the predicted
	// probability of a sentence starting there and its log odds.
	Enter [][numLabels]float64 `json:"enter"`
	structure
}

// structure holds the scores of the answer's shape, not of its words.
type structure struct {
	Trans [numLabels][numLabels]float64 `json:"trans"`
	// Return is added to Trans when the part entered was told before: a
	// speaker may go back to the situation, but rarely does.
	Return [numLabels][numLabels]float64 `json:"return"`
	Start  [numLabels]float64            `json:"start"`
	End    [numLabels]float64            `json:"end"`
	// Missing is added at the end of an answer for each part it never told.
	Missing [numLabels]float64 `json:"missing"`
	// Length scores how much of a finished answer each part takes.
	Length lengthScore `json:"length"`
}

// lengthScore is a log-normal score of the share of the answer's words a
// part takes: parts have typical sizes (a task is short, the action long),
// and the word scores alone, summed word by word, cannot tell a part that
// runs on from one that ends on time. Held out by series: 0.944 against
// 0.940 without it (0.946 without the floor at shortZ).
type lengthScore struct {
	// Mean and SD are those of the log share of the answer's words each
	// part took in the training answers, per label, returns counted as
	// parts of their own.
	Mean [numLabels]float64 `json:"mean"`
	SD   [numLabels]float64 `json:"sd"`
	// Weight scales the score; 0 leaves it out.
	Weight float64 `json:"weight"`
}

// shortZ bounds how far below its usual share a part is scored, in
// standard deviations. Without it the quadratic penalty folds a thin
// answer's one-sentence result or reflection into the part before, and
// the coach reports the part missing rather than vague. Parts longer than
// usual are scored in full.
const shortZ = 2

// table gives the score of a part of each label and length, t[l][k] for
// k words (1 to n), in an answer of n words.
func (ls *lengthScore) table(n int) [numLabels][]float64 {
	var t [numLabels][]float64
	for l := range numLabels {
		t[l] = make([]float64, n+1)
		if ls.Weight == 0 {
			continue
		}
		for k := 1; k <= n; k++ {
			z := (math.Log(float64(k)/float64(n)) - ls.Mean[l]) / ls.SD[l]
			z = max(z, -shortZ)
			t[l][k] = -ls.Weight * z * z / 2
		}
	}
	return t
}

// smoothWindows are the context windows, as word offsets [from, to), over
// which the second stage averages first-stage scores.
var smoothWindows = [...][2]int{{0, 1}, {-3, 4}, {-10, 11}, {-25, 26}, {-12, 0}, {1, 13}}

// contrastWindows are the widths compared before and after a word where a
// part may start.
var contrastWindows = [...]int{5, 15}

func numSmooth(views int) int { return views * len(smoothWindows) }
func numEnter(views int) int  { return views*(1+len(contrastWindows)) + 2 }

//go:embed model.json
var shippedModel []byte

// DefaultModel loads the embedded, trained weights.
func DefaultModel() (*Model, error) {
	m, err := ParseModel(shippedModel)
	if err != nil {
		return nil, fmt.Errorf("embedded STAR model: %w", err)
	}
	return m, nil
}

// ParseModel reads weights written by `mockinterview train-star`.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if len(m.Views) == 0 || len(m.Stack.Smooth) != numSmooth(len(m.Views)) || len(m.Stack.Enter) != numEnter(len(m.Views)) {
		return nil, fmt.Errorf("STAR model of an older layout (%d views, %d smoothed inputs); retrain it with `mockinterview train-star`",
			len(m.Views), len(m.Stack.Smooth))
	}
	m.MinRun = max(m.MinRun, 1)
	return &m, nil
}

// Segment labels every token of a finished answer with a STAR part.
func (m *Model) Segment(tokens []Token) []Label {
	return m.segment(tokens, m.Stack.structure)
}

func (m *Model) segment(tokens []Token, st structure) []Label {
	if len(tokens) == 0 {
		return nil
	}
	starts := m.Sentence.Starts(tokens)
	sc := m.wordScores(tokens, starts)
	if !anyPause(tokens) {
		// Words without pauses (a transcript typed without punctuation)
		// are read a second time as if the speaker had paused wherever a
		// sentence more likely starts than not, and the two readings
		// weigh equally: held out by series, 0.929 against 0.928.
		paused := expectedPauses(tokens, starts)
		sc.average(m.wordScores(paused, m.Sentence.Starts(paused)))
	}
	path := decode(sc, &st, m.MinRun)
	out := make([]Label, len(path))
	for i, l := range path {
		out[i] = Labels[l]
	}
	return out
}

// wordScores are the second stage's scores of each word, given where
// sentences likely start.
func (m *Model) wordScores(tokens []Token, starts []float64) scores {
	emit, enter := wordFeatures(tokens, starts)
	first := make([]scores, len(m.Views))
	for v, view := range m.Views {
		first[v] = view.scores(emit, enter)
	}
	return m.Stack.combine(m.Stack.inputs(first, starts))
}

func anyPause(tokens []Token) bool {
	for _, t := range tokens {
		if t.Pause > 0 {
			return true
		}
	}
	return false
}

// expectedPauses copies tokens with a sentence pause before each word
// where a sentence likely starts (starts above one half).
func expectedPauses(tokens []Token, starts []float64) []Token {
	out := make([]Token, len(tokens))
	copy(out, tokens)
	for i := 1; i < len(out); i++ {
		if starts[i] > 0.5 {
			out[i].Pause = sentencePause
		}
	}
	return out
}

// SegmentUnfinished labels the tokens of an answer that is still being
// told. The model learned from whole answers, where the last words are the
// result and the reflection, and so reads the last words of any answer as
// its ending: two minutes of background, cut off mid-flow, would end in a
// "result". Here the answer is followed by unfinishedPad words the model
// has never seen, standing for what is still to come, whose labels are
// dropped: the words heard so far are labeled as the start of a longer
// answer.
func (m *Model) SegmentUnfinished(tokens []Token) []Label {
	if len(tokens) == 0 {
		return nil
	}
	padded := make([]Token, len(tokens), len(tokens)+unfinishedPad)
	copy(padded, tokens)
	for range unfinishedPad {
		padded = append(padded, Token{Text: "…"})
	}
	// How much of the answer a part takes is not known before its end.
	st := m.Stack.structure
	st.Length.Weight = 0
	return m.segment(padded, st)[:len(tokens)]
}

// unfinishedPad is past the widest reach of the position features ("left"
// counts up to 120 words), so none of the words heard reads as near the
// end.
const unfinishedPad = 120

// scores are the evidence for each label on each word: that the word
// belongs to it (emit) and that a part with that label starts on it
// (enter).
type scores struct {
	emit  [][numLabels]float64
	enter [][numLabels]float64
}

func newScores(n int) scores {
	return scores{make([][numLabels]float64, n), make([][numLabels]float64, n)}
}

// average makes each score the mean of its own and o's.
func (sc scores) average(o scores) {
	for i := range sc.emit {
		for l := range numLabels {
			sc.emit[i][l] = (sc.emit[i][l] + o.emit[i][l]) / 2
			sc.enter[i][l] = (sc.enter[i][l] + o.enter[i][l]) / 2
		}
	}
}

// scores gives the view's log probabilities of each word's part, and its
// log odds of each part against none starting on each word.
func (v *View) scores(emit, enter [][]string) scores {
	sc := newScores(len(emit))
	for i := range emit {
		for _, f := range emit[i] {
			if w, ok := v.Emit[f]; ok {
				addTo(&sc.emit[i], &w)
			}
		}
		for _, f := range enter[i] {
			if w, ok := v.Enter[f]; ok {
				addTo(&sc.enter[i], &w)
			}
		}
	}
	logSoftmax(sc.emit)
	return sc
}

func addTo(dst, w *[numLabels]float64) {
	for l := range numLabels {
		dst[l] += w[l]
	}
}

// logSoftmax turns each word's label scores into log probabilities.
func logSoftmax(s [][numLabels]float64) {
	for i := range s {
		top := s[i][0]
		for _, x := range s[i] {
			top = math.Max(top, x)
		}
		sum := 0.0
		for _, x := range s[i] {
			sum += math.Exp(x - top)
		}
		z := top + math.Log(sum)
		for l := range numLabels {
			s[i][l] -= z
		}
	}
}

// stackInputs are the second stage's inputs per word, in the layout of
// Stack.Smooth and Stack.Enter.
type stackInputs struct {
	smooth [][][numLabels]float64
	enter  [][][numLabels]float64
}

func (st *Stack) inputs(first []scores, starts []float64) stackInputs {
	n := len(starts)
	views := len(first)
	in := stackInputs{make([][][numLabels]float64, n), make([][][numLabels]float64, n)}
	for i := range n {
		in.smooth[i] = make([][numLabels]float64, numSmooth(views))
		in.enter[i] = make([][numLabels]float64, numEnter(views))
	}
	scale := st.Scale
	if scale == 0 {
		scale = 1
	}
	prefix := make([][numLabels]float64, n+1)
	for v, sc := range first {
		// prefix[i] sums the emit scores of the words before i.
		for i := range n {
			for l := range numLabels {
				prefix[i+1][l] = prefix[i][l] + sc.emit[i][l]/scale
			}
		}
		mean := func(a, b int) (m [numLabels]float64) { // of words a..b-1, clipped
			a, b = max(a, 0), min(b, n)
			if b <= a {
				return m
			}
			for l := range numLabels {
				m[l] = (prefix[b][l] - prefix[a][l]) / float64(b-a)
			}
			return m
		}
		at := v * (1 + len(contrastWindows))
		for i := range n {
			for k, w := range smoothWindows {
				in.smooth[i][v*len(smoothWindows)+k] = mean(i+w[0], i+w[1])
			}
			for l := range numLabels {
				in.enter[i][at][l] = sc.enter[i][l] / scale
			}
			for k, w := range contrastWindows {
				after, before := mean(i, i+w), mean(i-w, i)
				for l := range numLabels {
					in.enter[i][at+1+k][l] = after[l] - before[l]
				}
			}
		}
	}
	at := views * (1 + len(contrastWindows))
	for i := range n {
		for l := range numLabels {
			in.enter[i][at][l] = starts[i]
			in.enter[i][at+1][l] = logOdds(starts[i])
		}
	}
	return in
}

// logOdds is log(p/(1-p)), kept within about ±6.
func logOdds(p float64) float64 {
	p = min(max(p, 0.0025), 0.9975)
	return math.Log(p / (1 - p))
}

// combine weighs the inputs into the scores the decoder uses.
func (st *Stack) combine(in stackInputs) scores {
	n := len(in.smooth)
	sc := newScores(n)
	for i := range n {
		for l := range numLabels {
			v := 0.0
			for k, x := range in.smooth[i] {
				for m := range numLabels {
					v += st.Smooth[k][l][m] * x[m]
				}
			}
			sc.emit[i][l] = v
			e := 0.0
			for k, x := range in.enter[i] {
				e += st.Enter[k][l] * x[l]
			}
			sc.enter[i][l] = e
		}
	}
	return sc
}

// A decoder state is a label, the set of labels told so far (a bit mask
// that includes the label) and, while a run is shorter than minRun, its
// length less one.
const numSets = 1 << numLabels

// decode finds the best label sequence where every run of one label is at
// least minRun long (except a run cut short by the end of the answer).
func decode(sc scores, st *structure, minRun int) []int {
	if st.Length.Weight == 0 || len(sc.emit) > maxLengthScored {
		return viterbi(sc, st, minRun)
	}
	return decodeParts(sc, st, minRun)
}

// finish adds to v, the score of an answer whose last part is l with the
// labels of set told, the scores of ending on l and of the parts never told.
func (st *structure) finish(v float64, l, set int) float64 {
	v += st.End[l]
	for m := range numLabels {
		if set&(1<<m) == 0 {
			v += st.Missing[m]
		}
	}
	return v
}

// maxLengthScored is the longest answer, in words, decoded with the length
// score: decodeParts takes time in the square of the length (see
// BenchmarkDecode), and 1000 words are about seven minutes of speech,
// more than twice any level's target. Longer ones are decoded word by
// word without it.
const maxLengthScored = 1000

// viterbi is decode without the length score, word by word.
func viterbi(sc scores, st *structure, minRun int) []int {
	n := len(sc.emit)
	if n == 0 {
		return nil
	}
	minRun = max(minRun, 1)
	states := numLabels * numSets * minRun
	id := func(l, set, k int) int { return (l*numSets+set)*minRun + k }
	neg := math.Inf(-1)
	best := filled(states, neg)
	next := make([]float64, states)
	back := make([]int32, n*states)
	for l := range numLabels {
		best[id(l, 1<<l, 0)] = st.Start[l] + sc.emit[0][l]
	}
	for i := 1; i < n; i++ {
		bk := back[i*states : (i+1)*states]
		for s := range next {
			next[s] = neg
		}
		e := &sc.emit[i]
		for from, v := range best {
			if v == neg {
				continue
			}
			k := from % minRun
			set := from / minRun % numSets
			l := from / minRun / numSets
			if k < minRun-1 { // still inside the minimum run
				to := from + 1
				if x := v + st.Trans[l][l] + e[l]; x > next[to] {
					next[to], bk[to] = x, int32(from)
				}
				continue
			}
			if x := v + st.Trans[l][l] + e[l]; x > next[from] {
				next[from], bk[from] = x, int32(from)
			}
			for l2 := range numLabels {
				if l2 == l {
					continue
				}
				x := v + st.Trans[l][l2] + e[l2] + sc.enter[i][l2]
				if set&(1<<l2) != 0 {
					x += st.Return[l][l2]
				}
				to := id(l2, set|1<<l2, 0)
				if x > next[to] {
					next[to], bk[to] = x, int32(from)
				}
			}
		}
		best, next = next, best
	}
	end, endScore := 0, neg
	for s, v := range best {
		if v == neg {
			continue
		}
		v = st.finish(v, s/minRun/numSets, s/minRun%numSets)
		if v > endScore {
			end, endScore = s, v
		}
	}
	path := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		path[i] = end / minRun / numSets
		end = int(back[i*states+end])
	}
	return path
}

// decodeParts is decode with the length score: a Viterbi over parts (a
// semi-Markov model) rather than words, as a part's length is known only
// when the part is whole. Without the length score it finds the same
// labels as viterbi.
func decodeParts(sc scores, st *structure, minRun int) []int {
	n := len(sc.emit)
	if n == 0 {
		return nil
	}
	minRun = max(minRun, 1)
	length := st.Length.table(n) // length[l][k]: a part of l, k words long
	// stay[i][l] sums the scores of the words before i as words of l that
	// follow a word of l.
	stay := make([][numLabels]float64, n+1)
	for i := range n {
		for l := range numLabels {
			stay[i+1][l] = stay[i][l] + sc.emit[i][l] + st.Trans[l][l]
		}
	}
	// A state is a label and the set of labels told so far, including it;
	// sets[l] lists the sets that include l. done[j] holds the best scores
	// of the words before j ending with a whole part, and began the word
	// each such part starts on. open[l][k][n-i] is the best score of
	// entering a part of l on word i with the set sets[l][k], less
	// stay[i][l], so a part's score is open plus stay at its end plus its
	// length's score; came is its back pointer (label<<numLabels | set).
	// (open runs backwards so that the search over where a part ending
	// on a word starts reads it and length in the same direction.)
	// reach[l][k][n-i] is the best of open[l][k] on words 1 to i: the
	// search stops once no earlier start can do better (see below).
	neg := math.Inf(-1)
	var sets [numLabels][]int
	var open, reach [numLabels][][]float64
	for l := range numLabels {
		for set := 1; set < numSets; set++ {
			if set&(1<<l) != 0 {
				sets[l] = append(sets[l], set)
				open[l] = append(open[l], filled(n+1, neg))
				reach[l] = append(reach[l], filled(n+1, neg))
			}
		}
	}
	// Past peak[l] words, a part of l scores less the longer it is.
	var peak [numLabels]int
	for l := range numLabels {
		k := n
		for k > 1 && length[l][k-1] >= length[l][k] {
			k--
		}
		peak[l] = k
	}
	slot := func(l, set int) int { // set's index in sets[l]
		lower := set & (1<<l - 1)
		return lower | (set>>(l+1))<<l
	}
	done := make([][numLabels][numSets]float64, n+1)
	began := make([][numLabels][numSets]int32, n+1)
	came := make([][numLabels][numSets]uint8, n+1)
	for j := range done {
		for l := range numLabels {
			for set := range numSets {
				done[j][l][set] = neg
			}
		}
	}
	for j := 1; j <= n; j++ {
		if i := j - 1; i > 0 { // the parts ending before word i are all scored
			for l, byset := range done[i] {
				for set, v := range byset {
					if v == neg {
						continue
					}
					for l2 := range numLabels {
						if l2 == l {
							continue
						}
						x := v + st.Trans[l][l2] + sc.enter[i][l2] - stay[i][l2]
						if set&(1<<l2) != 0 {
							x += st.Return[l][l2]
						}
						to := set | 1<<l2
						if k := slot(l2, to); x > open[l2][k][n-i] {
							open[l2][k][n-i], came[i][l2][to] = x, uint8(l<<numLabels|set)
						}
					}
				}
			}
			for l := range numLabels {
				for k := range sets[l] {
					reach[l][k][n-i] = max(open[l][k][n-i], reach[l][k][n-i+1])
				}
			}
		}
		last := j - minRun // the latest word a part ending here may start on
		if j == n {
			last = j - 1
		}
		if last < 0 {
			continue
		}
		shortest := j - last // words in the shortest part ending here
		for l := range numLabels {
			end := stay[j][l] - st.Trans[l][l]
			done[j][l][1<<l] = st.Start[l] + end + length[l][j]
			lengths := length[l][shortest:j] // of parts starting on words last down to 1
			// A part starting on word last-t or earlier scores no more
			// than reach there plus the best length's score from t on:
			// that of the peak until t passes it, then t's own.
			top := min(max(peak[l]-shortest, 0), len(lengths)-1)
			for k, set := range sets[l] {
				o := open[l][k][n-last : n]
				o = o[:len(lengths)]
				r := reach[l][k][n-last : n]
				best, at := neg, 0
				for t, x := range o {
					if best >= r[t]+lengths[max(t, top)] {
						break
					}
					if x += lengths[t]; x > best {
						best, at = x, t
					}
				}
				if x := best + end; x > done[j][l][set] {
					done[j][l][set], began[j][l][set] = x, int32(last-at)
				}
			}
		}
	}
	bestL, bestSet, bestScore := 0, 0, neg
	for l, byset := range done[n] {
		for set, v := range byset {
			if v == neg {
				continue
			}
			v = st.finish(v, l, set)
			if v > bestScore {
				bestL, bestSet, bestScore = l, set, v
			}
		}
	}
	path := make([]int, n)
	for j, l, set := n, bestL, bestSet; j > 0; {
		i := int(began[j][l][set])
		for k := i; k < j; k++ {
			path[k] = l
		}
		if i > 0 {
			c := int(came[i][l][set])
			l, set = c>>numLabels, c&(numSets-1)
		}
		j = i
	}
	return path
}

// filled returns n copies of x.
func filled(n int, x float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	return s
}

// bags are the context windows whose words are features, by half-width.
var bags = [...]int{8, 25}

// phraseBag is the half-width of the window whose two-word phrases are
// features.
const phraseBag = 8

// cueWindows are the half-widths within which cue phrases are features.
var cueWindows = [...]int{3, 12, 30}

// wordFeatures names the evidence about each token's part (emit) and about
// a part starting on it (enter): the words around it, short phrases, word
// classes, cue phrases near it, where it sits in the answer, pauses and
// how likely a sentence starts there. Features about which words are
// spoken start with "w" (see inView).
func wordFeatures(tokens []Token, sentStart []float64) (emit, enter [][]string) {
	n := len(tokens)
	word := func(i int) string {
		if i < 0 {
			return "<s>"
		}
		if i >= n {
			return "</s>"
		}
		return tokens[i].Text
	}
	class := make([]string, n)
	for i := range tokens {
		class[i] = wordClass(tokens[i].Text)
	}
	cls := func(i int) string {
		if i < 0 || i >= n {
			return word(i)
		}
		return class[i]
	}
	cue := cueStarts(tokens)
	// The two-word phrase starting on each word, named once as a feature
	// of the words after it and once of the words before it: each is used
	// by up to 2*phraseBag words.
	phraseL, phraseR := make([]string, max(n-1, 0)), make([]string, max(n-1, 0))
	for j := range phraseL {
		p := tokens[j].Text + "_" + tokens[j+1].Text
		phraseL[j], phraseR[j] = "wpbL="+p, "wpbR="+p
	}
	emit = make([][]string, n)
	enter = make([][]string, n)
	for i := range tokens {
		w0, wl1, wl2, wr1, wr2 := word(i), word(i-1), word(i-2), word(i+1), word(i+2)
		pos := strconv.Itoa(10 * i / n)
		sp := strconv.Itoa(int(sentStart[i] * 4.999))
		fs := make([]string, 0, 256)
		fs = append(fs, "bias",
			"w0="+w0, "w-1="+wl1, "w+1="+wr1, "w-2="+wl2, "w+2="+wr2,
			"wb-2="+wl2+"_"+wl1, "wb-1="+wl1+"_"+w0, "wb0="+w0+"_"+wr1, "wb+1="+wr1+"_"+wr2,
			"wt-2="+wl2+"_"+wl1+"_"+w0, "wt-1="+wl1+"_"+w0+"_"+wr1, "wt0="+w0+"_"+wr1+"_"+wr2,
			"pos="+pos,
			"from="+bucket(i, 8, 25, 60, 120),
			"left="+bucket(n-1-i, 8, 25, 60, 120),
			"c0="+class[i]+"|pos="+pos,
			"c-1c0="+cls(i-1)+"_"+class[i], "c0c+1="+class[i]+"_"+cls(i+1),
			"sp="+sp,
		)
		if len(w0) > 3 {
			fs = append(fs, "wsuf="+w0[len(w0)-2:])
		}
		for _, r := range bags {
			name := "wbag" + strconv.Itoa(r)
			for j := max(0, i-r); j <= min(n-1, i+r); j++ {
				if j < i {
					fs = append(fs, name+"L="+tokens[j].Text)
				} else if j > i {
					fs = append(fs, name+"R="+tokens[j].Text)
				}
			}
		}
		// Two-word phrases near the word, on either side: "had to",
		// "my job", "went from" wherever they sit within phraseBag words,
		// learned from the corpus rather than listed as cues. Held out by
		// series: 0.940 against 0.936.
		for j := max(0, i-phraseBag); j < min(n-1, i+phraseBag); j++ {
			if j+1 < i {
				fs = append(fs, phraseL[j])
			} else if j > i {
				fs = append(fs, phraseR[j])
			}
		}
		for _, r := range cueWindows {
			name := "cue" + strconv.Itoa(r)
			for j := max(0, i-r); j <= min(n-1, i+r); j++ {
				side := "L="
				if j > i {
					side = "R="
				}
				for _, c := range cue[j] {
					fs = append(fs, name+side+c)
				}
			}
		}
		// How many words of each class lie on either side.
		var counts [2]map[string]int
		counts[0], counts[1] = map[string]int{}, map[string]int{}
		for j := max(0, i-10); j <= min(n-1, i+10); j++ {
			side := 0
			if j > i {
				side = 1
			}
			counts[side][class[j]]++
		}
		for side, m := range counts {
			for _, c := range classNames {
				if k := m[c]; k > 0 {
					fs = append(fs, "cb"+strconv.Itoa(side)+"="+c+bucket(k, 2, 4))
				}
			}
		}
		nums, singular, plural := 0, 0, 0
		for j := max(0, i-4); j <= min(n-1, i+4); j++ {
			switch class[j] {
			case "NUM":
				nums++
			case "I":
				singular++
			case "WE":
				plural++
			}
		}
		if nums > 0 {
			fs = append(fs, "num-near")
		}
		fs = append(fs, "i-near="+bucket(singular, 1, 2), "plural-near="+bucket(plural, 1, 2))
		if tokens[i].Pause >= pauseSeconds {
			fs = append(fs, "pause", "wpause+w0="+w0, "wpause+b0="+w0+"_"+wr1)
		}
		if i+1 < n && tokens[i+1].Pause >= pauseSeconds {
			fs = append(fs, "pause-after")
		}
		emit[i] = fs

		es := []string{"bias", "w0=" + w0, "w-1=" + wl1, "wb0=" + w0 + "_" + wr1,
			"wb-1=" + wl1 + "_" + w0, "c0=" + class[i], "c-1=" + cls(i-1), "pos=" + pos, "sp=" + sp}
		if tokens[i].Pause >= pauseSeconds {
			es = append(es, "pause")
		}
		for _, c := range cue[i] {
			es = append(es, "cue="+c)
		}
		enter[i] = es
	}
	return emit, enter
}

// pauseSeconds is the silence that counts as a pause between sentences.
const pauseSeconds = 0.35

// bucket names the first bound that v stays below, or "more".
func bucket(v int, bounds ...int) string {
	for _, b := range bounds {
		if v < b {
			return "<" + strconv.Itoa(b)
		}
	}
	return "more"
}

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

// cuesByFirstWord is the cue lexicon, written from the coaching material
// and how people tell these stories ("I noticed", "nobody had asked me",
// "I pulled", "went from ... to", "looking back"), indexed by first word.
// A class is a part's initial and what the phrase does for it.
var cuesByFirstWord = func() map[string][]cue {
	m := map[string][]cue{}
	add := func(class, phrases string) {
		for _, p := range strings.Split(phrases, ",") {
			if ws := strings.Fields(p); len(ws) > 0 {
				m[ws[0]] = append(m[ws[0]], cue{class, ws})
			}
		}
	}
	add("S.role", `i was a, i was an, i was the, i worked as, i was working as, i was working at, i was working on,
		i'm a, i was on the, i joined, when i was, i lead a, i run a, i manage a, i managed a, my team was, our team was,
		i was one of, i worked at, i worked on, i was at, at a, at an, where i was, where i worked`)
	add("S.time", `at the time, back when, a few years ago, a couple of years ago, last year, this was, this was at,
		this was when, at my last job, at my previous, in my last role, in my previous role, early on, when i joined,
		some context, a bit of context, so this was, a while back, a few months, one day, one afternoon`)
	add("S.problem", `the problem was, the issue was, the challenge was, there was a, there was this, there were,
		we had a, we had this, was struggling, were struggling, kept, was failing, were failing, was growing,
		was getting, complaints, complaining, was slow, was taking, had been, had grown, were seeing, we were seeing,
		we noticed, i noticed, started to, started seeing, was losing, were losing, was costing, were getting,
		was causing, was broken, wasn't working, weren't working, didn't work, nobody knew, no one knew`)
	add("S.setting", `the company, our company, the product, the platform, the system, which is, which was, we used,
		we were using, was built, every week, every month, every day, the way it worked, the way our, we sold, we sell,
		we had about, we had around, we ran, the team had, the team was, the whole, was responsible for`)
	add("S.aside", `for context, of context, the context, i should say, i should mention, i should explain, i should add,
		i should back up, back up a bit, to back up, to explain why, to explain, the reason this, the reason that,
		the reason it, the reason the, the reason nobody, the reason we, part of why, why this mattered,
		why that mattered, what i didn't know, didn't know going in, you have to know, you have to understand,
		you need to know, worth saying, worth mentioning, worth explaining, i should've said, i should have said,
		i should've mentioned, i forgot to mention, i didn't mention, what made it harder, what made this,
		the thing that made, the other thing i should, the background, some background, a bit of background,
		for background, to give you, i should point out, it's important to know, the catch was, what nobody told`)
	add("T.scope", `not mine, wasn't mine, not my team, wasn't my team, wasn't my job, not my job, wasn't really my,
		nobody had asked, nobody asked, no one asked, no one had asked, nobody owned, no one owned, no ticket,
		wasn't on my, not on my, outside my, belonged to, technically, officially, wasn't my`)
	add("T.goal", `my goal, the goal, our goal, the target, i needed to, i had to, we needed to, we had to, i wanted to,
		i was trying to, the question was, what i needed, i set out, i decided to, i decided i, i decided that,
		the job was, my job was, my job, my role was, my role, my task, the task, the ask, was to`)
	add("T.own", `my responsibility, i was responsible, it was on me, it fell to me, fell on me, i owned, i own,
		it was my call, the decision was mine, was mine, i took it on, i took ownership, i was the one, i volunteered,
		i signed up, on the hook, my part, in charge of, i was in charge, it was my, i was leading, it was up to me,
		were mine, be mine, on me to, on us to, was on us, kind of on me, was supposed to, were supposed to,
		i was supposed to, my name on, i was the reviewer, i was the owner, i was the person`)
	add("T.assign", `i was asked, asked me to, asked me, wanted me to, told me to, assigned me, assigned, was tasked,
		handed me, gave me, my manager asked, my boss asked, my lead asked, my director asked, i'd been asked,
		i had been asked, i'd been given, i was given`)
	add("T.stance", `we wanted to, i decided i'd, wanted to figure out, wanted to find out, somebody had to, someone had to,
		didn't have an owner, had no owner, formally mine, i didn't agree, i disagreed, i didn't think we should,
		i didn't buy, i felt like, i felt it was, i'll look at it, i'd take it on, mine to fix, i set a, the goal i set,
		i took on, i wasn't willing, i wasn't going to, i knew i had to, i knew we had to, so i decided,
		unless somebody, unless someone, unless i, unless we, if i didn't, if nobody, nobody was going to,
		no one was going to, nobody else was, no one else was, the way i saw it, as i saw it`)
	add("A.first", `so first, first i, the first thing, i started, i started by, i began, to start, step one, first off`)
	add("A.seq", `then i, next i, after that i, and then i, i also, from there, once i, after i, so i, at that point i,
		at the same time, in parallel, meanwhile, finally i, the next thing, the last thing, then we, and i, i then`)
	add("A.verb", `i pulled, i wrote, i built, i traced, i reproduced, i added, i submitted, i coordinated, i set up,
		i met, i talked, i went, i created, i proposed, i ran, i looked, i checked, i called, i sat down, i spent,
		i put, i made, i took, i changed, i moved, i used, i tested, i reached out, i scheduled, i shared, i brought,
		i got, i dug, i found, i did, i sent, i split, i worked with, i paired, i walked, i showed, i designed,
		i drafted, i prototyped, i interviewed, i organized, i rewrote, i fixed, i wrote up, i presented, i pitched,
		i suggested, i recommended, i convinced, i negotiated, i escalated, i flagged, i raised, i documented,
		i automated, i analyzed, i measured, i compared, i mapped, i reviewed, i went through, i broke, i grouped,
		i sorted, i rolled, i deployed, i migrated, i trained, i coached, i mentored, i held, i kept, i made sure,
		i followed up, i listened, i explained, i offered, i insisted, i pushed, i refused, i replaced, i removed,
		i switched, i built a, i asked, i told, i gave, i booked, i read, i dug into, i profiled, i benchmarked`)
	add("A.we", `we started, we built, we set up, we ran, we moved, we pulled, we went, we wrote, we talked, we tried,
		we decided, we added, we changed, we did, we put, we got, we made`)
	add("R.outcome", `as a result, in the end, the result, the outcome, end result, ended up, it worked, it paid off,
		that worked, we ended up, by the end, at the end, after about, within a, within two, within the, over the next,
		the following, by the next, that quarter, that year, it turned out, turned out, the fix, after that the,
		after the, once it, once we`)
	add("R.lead", `the short version, short version is, long story short, bottom line, the outcome first, outcome first,
		the result first, i'll start with, let me start with, start with the result, start with how, start at the end,
		how it ended, where it ended up, where this ended up, where it landed, what came out of it, the main thing is,
		the thing i'm proudest, the headline, to cut to the end, the punchline`)
	add("R.metric", `went from, went down, went up, went back, dropped, fell, rose, grew, increased, decreased, reduced,
		cut, improved, saved, recovered, down to, up to, from about, to about, from around, to around, percent,
		a month, a week, a year, per week, per month, per year, times faster, to zero, less than, more than, under,
		over the, by about, by around, by roughly`)
	add("R.adopt", `adopted, became the standard, became a standard, became standard, rolled it out, other teams,
		the rest of, now uses, still uses, is still, they agreed, she agreed, he agreed, signed off, promoted,
		launched, shipped, we hit, we met, on time, renewed, thanked, was happy, were happy, happier, we shipped,
		we launched, it became, they started, they kept, got approved, was approved, made it into`)
	add("R.after", `in the next, over the next, within two, within three, within a few, within about, it basically worked,
		that worked, got a lot better, renewed, we were down to, became part of, became a required, the standard became,
		was down to, were down to, was up to, never happened again, didn't happen again, haven't had, we haven't,
		since then we, by the end of, a month later, a few weeks later, two weeks later, later that`)
	add("F.lesson", `i learned, what i learned, learned that, i took away, what i took, took away, my takeaway,
		the takeaway, the lesson, a lesson, taught me, it showed me, showed me, made me realize, i realized,
		the real, the bigger, what stuck, the thing i, what i'd, what i would, i think the, the main thing,
		i think that, i think it`)
	add("F.counter", `next time, if i did it again, if i were to, if i had to, i would have, i would, i'd have, i'd do,
		i'd probably, i'd start, i'd push, i'd bring, i'd involve, i'd try, i'd look, i'd want, i should have, i wish,
		differently, in hindsight, looking back, in retrospect, going forward, i'd also, i'd spend, i'd make,
		i'd ask, i'd rather, i'd keep, i'd still`)
	add("F.habit", `now i, i now, these days, since then i, i always, i try to, i still, i make sure, i tend to,
		it's always, it's better, it's important, is important, really important, it's worth, you have to,
		you can't, you need to, is usually, it's usually, it's not, it isn't, is that, is about, isn't about`)
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

// SentenceModel is a logistic model of whether a spoken sentence starts
// on a word, trained on the corpus's written punctuation.
type SentenceModel struct {
	Weights map[string]float64 `json:"weights"`
}

// Starts gives, for each token, the probability that a sentence starts
// on it. The first token always starts one.
func (s *SentenceModel) Starts(tokens []Token) []float64 {
	out := make([]float64, len(tokens))
	for i, fs := range sentenceStartFeatures(tokens) {
		if i == 0 {
			out[i] = 1
			continue
		}
		z := 0.0
		for _, f := range fs {
			z += s.Weights[f]
		}
		out[i] = 1 / (1 + math.Exp(-z))
	}
	return out
}

// sentenceStartFeatures names the evidence that a sentence starts on each
// token: the words either side of the gap before it, their classes, and
// the pause in the gap.
func sentenceStartFeatures(tokens []Token) [][]string {
	n := len(tokens)
	word := func(i int) string {
		if i < 0 {
			return "<s>"
		}
		if i >= n {
			return "</s>"
		}
		return tokens[i].Text
	}
	out := make([][]string, n)
	for i := range tokens {
		w0, w1, w2, p1, p2 := word(i), word(i+1), word(i+2), word(i-1), word(i-2)
		c0, c1, d1, d2 := wordClass(w0), wordClass(w1), wordClass(p1), wordClass(p2)
		fs := []string{"bias", "w0=" + w0, "w+1=" + w1, "w+2=" + w2, "w-1=" + p1, "w-2=" + p2,
			"b0=" + w0 + "_" + w1, "b+1=" + w1 + "_" + w2, "b-1=" + p1 + "_" + w0, "b-2=" + p2 + "_" + p1,
			"t0=" + p1 + "_" + w0 + "_" + w1,
			"c-1c0=" + d1 + "_" + c0, "c0c+1=" + c0 + "_" + c1, "c-2c-1=" + d2 + "_" + d1,
			"c3=" + d1 + "_" + c0 + "_" + c1, "c-1w0=" + d1 + "_" + w0, "w-1c0=" + p1 + "_" + c0,
		}
		if p := tokens[i].Pause; p >= pauseSeconds {
			fs = append(fs, "pause")
		} else if p > 0 {
			fs = append(fs, "short-pause")
		}
		out[i] = fs
	}
	return out
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
