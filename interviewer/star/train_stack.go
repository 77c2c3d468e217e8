package star

import (
	"math"
	"math/rand/v2"
)

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
