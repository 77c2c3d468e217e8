package star

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
)

// TrainOptions tune Train. The defaults were chosen by
// cross-validation on the training split, holding out one series of
// answers at a time (`mockinterview train-star --cv-series`).
type TrainOptions struct {
	// Epochs are the passes over the corpus of the first stage's logistic
	// models, default 10; Rate is their AdaGrad step, default 0.05, and L2
	// their weight decay, default 1e-4.
	Epochs int
	Rate   float64
	L2     float64
	// MinCount drops features seen in fewer training answers than this: a
	// feature that only a few answers have describes those stories, not
	// STAR parts. Default 4.
	MinCount int
	// Views is how many first-stage views to train (1: all features only,
	// 2: also the general view), default 2.
	Views int
	// Folds is how many parts the training answers are cut into so that
	// the second stage learns from first-stage scores of answers the first
	// stage has not seen. Default 5.
	Folds int
	// StackEpochs are the passes over the corpus of the second stage's
	// perceptron, default 40 (held out by series: 0.936 and 0.934 against
	// 0.933 and 0.933 with 20, seeds 0 and 7).
	StackEpochs int
	MinRun      int // shortest part in words, default 6
	// LengthWeight weighs the length score (see lengthScore) against the
	// root mean square of the second stage's transition scores, which
	// have no unit of their own but stay within a tenth of each other
	// from fold to fold. Default 6 (held out by series, 4 to 8 score
	// alike); below 0 leaves the length score out.
	LengthWeight float64
	Seed         uint64
	// Prune drops first-stage weights whose largest magnitude is below
	// it, to keep the shipped model small. Default 0.01.
	Prune float64
}

// DefaultTrainOptions are the options the shipped model is trained with.
func DefaultTrainOptions() TrainOptions {
	var opt TrainOptions
	opt.defaults()
	return opt
}

func (opt *TrainOptions) defaults() {
	setDefault(&opt.Epochs, 10)
	setDefault(&opt.Rate, 0.05)
	setDefault(&opt.L2, 1e-4)
	setDefault(&opt.MinCount, 4)
	setDefault(&opt.Views, 2)
	setDefault(&opt.Folds, 5)
	setDefault(&opt.StackEpochs, 40)
	setDefault(&opt.MinRun, 6)
	if opt.LengthWeight == 0 {
		opt.LengthWeight = 6
	}
	setDefault(&opt.Prune, 0.01)
	opt.Views = min(opt.Views, 2)
	opt.Folds = max(opt.Folds, 2)
}

func setDefault[T int | float64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// variant is one answer as the trainer sees it: its tokens (as typed, or
// with pauses simulated), where its written sentences start, the gold
// label ids, the predicted sentence starts and its features as ids.
type variant struct {
	answer      int
	tokens      []Token
	starts      []bool
	gold        []int
	sentence    []float64
	emit, enter [][]int32
}

// Train fits a Model on labeled answers. The same
// answers and options give the same model, byte for byte.
//
// A first-stage model fits its training answers almost perfectly, so the
// second stage, which learns how far to trust it, is trained on first-
// stage scores of answers held out from it (cross-fitting); the shipped
// first stage is then trained on all answers. Likewise the segmenter
// learns from sentence starts predicted by a sentence model that has not
// seen the answer.
//
// Every answer is used twice: as a typed transcript (no pauses) and with
// pauses after most written sentences, the way a recognizer's word times
// show them, so the model uses pauses when they are there and does not
// rely on them when they are not.
func Train(answers []LabeledAnswer, opt TrainOptions) *Model {
	opt.defaults()
	rng := rand.New(rand.NewPCG(opt.Seed, 0x57a2))
	var variants []*variant
	for k, a := range answers {
		words, labels, sentenceEnd := a.Tokens()
		gold := make([]int, len(labels))
		starts := make([]bool, len(words))
		for i, l := range labels {
			gold[i] = l.Index()
			starts[i] = i == 0 || sentenceEnd[i-1]
		}
		for _, withPauses := range []bool{false, true} {
			tokens := make([]Token, len(words))
			for i, w := range words {
				tokens[i].Text = w
				if withPauses && i > 0 && sentenceEnd[i-1] && rng.Float64() < 0.8 {
					tokens[i].Pause = 0.4 + rng.Float64()*0.6
				}
			}
			variants = append(variants, &variant{answer: k, tokens: tokens, starts: starts, gold: gold})
		}
	}
	seeds := make([]uint64, opt.Folds+3)
	for i := range seeds {
		seeds[i] = rng.Uint64()
	}
	fold := func(v *variant) int { return v.answer % opt.Folds }
	heldOut := func(f int) []*variant { return filter(variants, func(v *variant) bool { return fold(v) != f }) }

	parallel(opt.Folds, func(f int) {
		sm := trainSentenceModel(heldOut(f), seeds[f])
		for _, v := range variants {
			if fold(v) == f {
				v.sentence = sm.Starts(v.tokens)
			}
		}
	})
	model := &Model{
		MinRun:   opt.MinRun,
		Sentence: trainSentenceModel(variants, seeds[opt.Folds]),
	}

	names := internFeatures(variants, opt.MinCount)
	first := make([][]scores, len(variants)) // per variant, per view
	for k := range first {
		first[k] = make([]scores, opt.Views)
	}
	for view := range opt.Views {
		use := make([]bool, len(names))
		for id, f := range names {
			use[id] = inView(view, strings.TrimPrefix(f, enterPrefix))
		}
		parallel(opt.Folds, func(f int) {
			w := trainFirstStage(heldOut(f), use, opt, seeds[f])
			for k, v := range variants {
				if fold(v) == f {
					first[k][view] = w.scores(v)
				}
			}
		})
		w := trainFirstStage(variants, use, opt, seeds[opt.Folds+1])
		model.Views = append(model.Views, w.view(names, opt.Prune))
	}
	model.Stack = trainStack(variants, first, opt, seeds[opt.Folds+2])
	if opt.LengthWeight > 0 {
		model.Stack.Length = partLengths(answers)
		model.Stack.Length.Weight = round4(opt.LengthWeight * model.Stack.rmsTrans())
	}
	return model
}

// partLengths measures how much of the answer each part takes in the
// labeled answers (the lengthScore without its weight).
func partLengths(answers []LabeledAnswer) lengthScore {
	var sum, sq, count [numLabels]float64
	for _, a := range answers {
		_, labels, _ := a.Tokens()
		for i := 0; i < len(labels); {
			j := i
			for j < len(labels) && labels[j] == labels[i] {
				j++
			}
			x := math.Log(float64(j-i) / float64(len(labels)))
			l := labels[i].Index()
			sum[l] += x
			sq[l] += x * x
			count[l]++
			i = j
		}
	}
	var ls lengthScore
	for l := range numLabels {
		ls.Mean[l], ls.SD[l] = -math.Log(float64(numLabels)), 1
		if count[l] > 0 {
			mean := sum[l] / count[l]
			ls.Mean[l] = round4(mean)
			ls.SD[l] = round4(max(math.Sqrt(max(sq[l]/count[l]-mean*mean, 0)), 0.1))
		}
	}
	return ls
}

// rmsTrans is the root mean square of the transition scores.
func (st *Stack) rmsTrans() float64 {
	sum := 0.0
	for _, row := range st.Trans {
		for _, x := range row {
			sum += x * x
		}
	}
	return math.Sqrt(sum / float64(numLabels*numLabels))
}

// enterPrefix marks the names of enter features among the ids.
const enterPrefix = "enter:"

// internFeatures computes the variants' features as ids and returns the
// name of each id. Features seen in fewer than minCount answers get no id:
// too rare in the whole corpus, they are too rare in every fold too.
func internFeatures(variants []*variant, minCount int) []string {
	type named struct{ emit, enter [][]string }
	feats := make([]named, len(variants))
	answersWith := map[string]int{}
	for k, v := range variants {
		emit, enter := wordFeatures(v.tokens, v.sentence)
		for _, fs := range enter {
			for j, f := range fs {
				fs[j] = enterPrefix + f
			}
		}
		feats[k] = named{emit, enter}
		if k > 0 && variants[k-1].answer == v.answer {
			continue // count each answer once
		}
		seen := map[string]bool{}
		for _, fss := range [][][]string{emit, enter} {
			for _, fs := range fss {
				for _, f := range fs {
					if !seen[f] {
						seen[f] = true
						answersWith[f]++
					}
				}
			}
		}
	}
	var names []string
	for f, c := range answersWith {
		if c >= minCount {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	ids := make(map[string]int32, len(names))
	for i, f := range names {
		ids[f] = int32(i)
	}
	toIDs := func(feats [][]string) [][]int32 {
		out := make([][]int32, len(feats))
		for i, fs := range feats {
			for _, f := range fs {
				if id, ok := ids[f]; ok {
					out[i] = append(out[i], id)
				}
			}
		}
		return out
	}
	for k, v := range variants {
		v.emit, v.enter = toIDs(feats[k].emit), toIDs(feats[k].enter)
	}
	return names
}

// firstStage is a trained first-stage view over feature ids: numLabels
// weights per id.
type firstStage struct{ w []float64 }

func (fs firstStage) scores(v *variant) scores {
	sc := newScores(len(v.gold))
	for i := range v.gold {
		dot(&sc.emit[i], fs.w, v.emit[i])
		dot(&sc.enter[i], fs.w, v.enter[i])
	}
	logSoftmax(sc.emit)
	return sc
}

// view names the weights, rounded and pruned for shipping.
func (fs firstStage) view(names []string, prune float64) View {
	view := View{Emit: map[string][numLabels]float64{}, Enter: map[string][numLabels]float64{}}
	for id, f := range names {
		var v [numLabels]float64
		big := 0.0
		for l := range numLabels {
			v[l] = round4(fs.w[id*numLabels+l])
			big = math.Max(big, math.Abs(v[l]))
		}
		if big < prune {
			continue
		}
		if e, ok := strings.CutPrefix(f, enterPrefix); ok {
			view.Enter[e] = v
		} else {
			view.Emit[f] = v
		}
	}
	return view
}

func dot(dst *[numLabels]float64, w []float64, feats []int32) {
	for _, f := range feats {
		x := w[int(f)*numLabels : int(f)*numLabels+numLabels]
		for l := range numLabels {
			dst[l] += x[l]
		}
	}
}

// trainFirstStage fits one view as two logistic models with AdaGrad
// steps and weight decay: which part a word belongs to (softmax over the
// five labels, on emit features), and which part, if any, starts on it
// (softmax over the five labels and "none", whose score is fixed at 0, on
// enter features). Only the features use marks count, and of those only
// the ones seen in at least opt.MinCount of these answers.
func trainFirstStage(variants []*variant, use []bool, opt TrainOptions, seed uint64) firstStage {
	answersWith := make([]int, len(use))
	lastSeen := make([]int, len(use))
	for i := range lastSeen {
		lastSeen[i] = -1
	}
	for _, v := range variants {
		for _, fss := range [][][]int32{v.emit, v.enter} {
			for _, fs := range fss {
				for _, f := range fs {
					if lastSeen[f] != v.answer {
						lastSeen[f] = v.answer
						answersWith[f]++
					}
				}
			}
		}
	}
	keep := func(fs []int32) []int32 {
		var out []int32
		for _, f := range fs {
			if use[f] && answersWith[f] >= opt.MinCount {
				out = append(out, f)
			}
		}
		return out
	}
	type item struct {
		feats []int32
		label int // or -1: no part starts here
		enter bool
	}
	var items []item
	for _, v := range variants {
		for i, g := range v.gold {
			items = append(items, item{keep(v.emit[i]), g, false})
			starts := -1
			if i > 0 && g != v.gold[i-1] {
				starts = g
			}
			items = append(items, item{keep(v.enter[i]), starts, true})
		}
	}
	w := make([]float64, len(use)*numLabels)
	g2 := make([]float64, len(w))
	rng := rand.New(rand.NewPCG(seed, 0x1091))
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	for range opt.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			it := &items[k]
			var z [numLabels]float64
			dot(&z, w, it.feats)
			top, sum := z[0], 0.0
			if it.enter {
				top = 0 // the "none" class
			}
			for _, x := range z {
				top = math.Max(top, x)
			}
			if it.enter {
				sum = math.Exp(-top)
			}
			for l := range z {
				z[l] = math.Exp(z[l] - top)
				sum += z[l]
			}
			var grad [numLabels]float64
			for l := range numLabels {
				grad[l] = z[l] / sum
			}
			if it.label >= 0 {
				grad[it.label]--
			}
			for _, f := range it.feats {
				for l := range numLabels {
					j := int(f)*numLabels + l
					g := grad[l] + opt.L2*w[j]
					g2[j] += g * g
					w[j] -= opt.Rate * g / math.Sqrt(g2[j]+1e-8)
				}
			}
		}
	}
	return firstStage{w}
}

// Offsets of the shape parameters in a flat parameter vector; the
// second stage's word weights follow them.
const (
	transAt    = 0
	returnAt   = transAt + numLabels*numLabels
	startAt    = returnAt + numLabels*numLabels
	endAt      = startAt + numLabels
	missingAt  = endAt + numLabels
	structSize = missingAt + numLabels
)

// walkPath calls enter(i, l) for each word i where a part l starts after
// another part, and shape(j) for each shape parameter (an offset in the
// flat layout) the path uses, once per use.
func walkPath(path []int, enter func(i, l int), shape func(j int)) {
	if len(path) == 0 {
		return
	}
	set := 1 << path[0]
	shape(startAt + path[0])
	for i := 1; i < len(path); i++ {
		prev, l := path[i-1], path[i]
		shape(transAt + prev*numLabels + l)
		if prev == l {
			continue
		}
		if set&(1<<l) != 0 {
			shape(returnAt + prev*numLabels + l)
		}
		set |= 1 << l
		enter(i, l)
	}
	shape(endAt + path[len(path)-1])
	for m := range numLabels {
		if set&(1<<m) == 0 {
			shape(missingAt + m)
		}
	}
}

// stackLayout places a Stack's weights in a flat parameter vector.
type stackLayout struct{ views int }

func (s stackLayout) smoothAt() int { return structSize }
func (s stackLayout) enterAt() int  { return structSize + numSmooth(s.views)*numLabels*numLabels }
func (s stackLayout) size() int     { return s.enterAt() + numEnter(s.views)*numLabels }

func (s stackLayout) load(st *Stack, w []float64) {
	st.Smooth = make([][numLabels][numLabels]float64, numSmooth(s.views))
	st.Enter = make([][numLabels]float64, numEnter(s.views))
	for a := range numLabels {
		for b := range numLabels {
			st.Trans[a][b] = w[transAt+a*numLabels+b]
			st.Return[a][b] = w[returnAt+a*numLabels+b]
		}
		st.Start[a] = w[startAt+a]
		st.End[a] = w[endAt+a]
		st.Missing[a] = w[missingAt+a]
	}
	for k := range st.Smooth {
		for l := range numLabels {
			for m := range numLabels {
				st.Smooth[k][l][m] = w[s.smoothAt()+(k*numLabels+l)*numLabels+m]
			}
		}
	}
	for k := range st.Enter {
		for l := range numLabels {
			st.Enter[k][l] = w[s.enterAt()+k*numLabels+l]
		}
	}
}

// trainStack fits the second stage with the averaged structured
// perceptron on cross-fitted first-stage scores: decode each answer with
// the current weights, move weight from the predicted path's features to
// the gold path's where they differ, and average the weights over all
// steps.
func trainStack(variants []*variant, first [][]scores, opt TrainOptions, seed uint64) Stack {
	var st Stack
	sum, count := 0.0, 0
	for _, sc := range first {
		for _, e := range sc[viewAll].emit {
			for _, x := range e {
				sum += x * x
				count++
			}
		}
	}
	st.Scale = round4(math.Sqrt(sum / math.Max(1, float64(count))))
	lay := stackLayout{opt.Views}
	inputs := make([]stackInputs, len(variants))
	for k, v := range variants {
		inputs[k] = st.inputs(first[k], v.sentence)
	}
	p := newAveraged(lay.size())
	// Start where the full view alone decides.
	for l := range numLabels {
		p.w[lay.smoothAt()+l*numLabels+l] = 1
		p.w[lay.enterAt()+l] = 1
	}
	order := make([]int, len(variants))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x57ac))
	for range opt.StackEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			lay.load(&st, p.w)
			in, gold := &inputs[k], variants[k].gold
			pred := viterbi(st.combine(*in), &st.structure, opt.MinRun)
			if equal(pred, gold) {
				p.step++
				continue
			}
			for i := range pred {
				if g, q := gold[i], pred[i]; g != q {
					for s, x := range in.smooth[i] {
						for m := range numLabels {
							p.add(lay.smoothAt()+(s*numLabels+g)*numLabels+m, x[m])
							p.add(lay.smoothAt()+(s*numLabels+q)*numLabels+m, -x[m])
						}
					}
				}
			}
			for _, path := range []struct {
				labels []int
				sign   float64
			}{{gold, 1}, {pred, -1}} {
				walkPath(path.labels, func(i, l int) {
					for e, x := range in.enter[i] {
						p.add(lay.enterAt()+e*numLabels+l, path.sign*x[l])
					}
				}, func(j int) { p.add(j, path.sign) })
			}
			p.step++
		}
	}
	avg := p.average()
	for i := range avg {
		avg[i] = round4(avg[i])
	}
	lay.load(&st, avg)
	return st
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func filter(vs []*variant, keep func(*variant) bool) []*variant {
	var out []*variant
	for _, v := range vs {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// parallel runs f(0) to f(n-1) on their own goroutines and waits. Each
// f writes only its own results, so the outcome does not depend on the
// schedule.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// averaged holds perceptron weights w and, in u, the sum of each update
// times the step at which it was made; the average over steps is
// w - u/step.
type averaged struct {
	w, u []float64
	step float64
}

func newAveraged(n int) *averaged {
	return &averaged{make([]float64, n), make([]float64, n), 1}
}

func (p *averaged) add(i int, v float64) {
	p.w[i] += v
	p.u[i] += v * p.step
}

func (p *averaged) average() []float64 {
	out := make([]float64, len(p.w))
	for i := range out {
		out[i] = p.w[i] - p.u[i]/p.step
	}
	return out
}

// trainSentenceModel fits a SentenceModel by logistic regression with
// AdaGrad steps, where the variants' starts mark the words that begin a
// written sentence.
func trainSentenceModel(variants []*variant, seed uint64) SentenceModel {
	type item struct {
		feats []string
		y     float64
	}
	var items []item
	count := map[string]int{}
	for _, v := range variants {
		for i, fs := range sentenceStartFeatures(v.tokens) {
			if i == 0 {
				continue
			}
			y := 0.0
			if v.starts[i] {
				y = 1
			}
			items = append(items, item{fs, y})
			for _, f := range fs {
				count[f]++
			}
		}
	}
	var names []string
	for f, c := range count {
		if c >= 4 { // two answers, each seen twice
			names = append(names, f)
		}
	}
	sort.Strings(names)
	id := make(map[string]int32, len(names))
	for i, f := range names {
		id[f] = int32(i)
	}
	x := make([][]int32, len(items))
	for k, it := range items {
		for _, f := range it.feats {
			if j, ok := id[f]; ok {
				x[k] = append(x[k], j)
			}
		}
	}
	w := make([]float64, len(names))
	g2 := make([]float64, len(names))
	const rate, l2 = 0.2, 1e-4
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x5e17))
	for range 8 {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			z := 0.0
			for _, j := range x[k] {
				z += w[j]
			}
			grad := 1/(1+math.Exp(-z)) - items[k].y
			for _, j := range x[k] {
				g := grad + l2*w[j]
				g2[j] += g * g
				w[j] -= rate * g / math.Sqrt(g2[j]+1e-8)
			}
		}
	}
	m := SentenceModel{Weights: map[string]float64{}}
	for j, f := range names {
		if v := round4(w[j]); math.Abs(v) >= 0.01 {
			m.Weights[f] = v
		}
	}
	return m
}

// round4 keeps four decimals, enough for the scores and short in JSON.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
