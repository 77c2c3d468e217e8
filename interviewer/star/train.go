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

// round4 keeps four decimals, enough for the scores and short in JSON.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
