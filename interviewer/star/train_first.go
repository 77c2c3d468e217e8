package star

import (
	"math"
	"math/rand/v2"
	"strings"
)

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
	items := firstStageItems(variants, use, opt.MinCount)
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

// firstStageItem is one example a first-stage view learns from: the
// features of a word with the part it belongs to, or of a word with the
// part starting on it (enter), -1 for none.
type firstStageItem struct {
	feats []int32
	label int
	enter bool
}

// firstStageItems are the examples of each word of the variants, with
// only the features use marks that are seen in at least minCount of
// these answers.
func firstStageItems(variants []*variant, use []bool, minCount int) []firstStageItem {
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
			if use[f] && answersWith[f] >= minCount {
				out = append(out, f)
			}
		}
		return out
	}
	var items []firstStageItem
	for _, v := range variants {
		for i, g := range v.gold {
			items = append(items, firstStageItem{keep(v.emit[i]), g, false})
			starts := -1
			if i > 0 && g != v.gold[i-1] {
				starts = g
			}
			items = append(items, firstStageItem{keep(v.enter[i]), starts, true})
		}
	}
	return items
}
