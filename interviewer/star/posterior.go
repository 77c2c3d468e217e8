package star

import "math"

// lattice weighs every labeling the decoder allows, where viterbi keeps
// only the best: its states and moves are viterbi's, its scores divided
// by a temperature, summed (in logs) instead of maximized.
type lattice struct {
	sc     scores
	st     *structure
	minRun int
	temp   float64
	states int
}

func newLattice(sc scores, st *structure, minRun int, temp float64) *lattice {
	minRun = max(minRun, 1)
	return &lattice{sc: sc, st: st, minRun: minRun, temp: temp, states: numLabels * numSets * minRun}
}

func (lt *lattice) id(l, set, k int) int { return (l*numSets+set)*lt.minRun + k }

// labelOf is a state's label.
func (lt *lattice) labelOf(s int) int { return s / lt.minRun / numSets }

// step calls f(from, to, w) for each move from word i-1 to word i, w its
// score over the temperature.
func (lt *lattice) step(i int, f func(from, to int, w float64)) {
	e, st := &lt.sc.emit[i], lt.st
	for from := range lt.states {
		k := from % lt.minRun
		set := from / lt.minRun % numSets
		l := lt.labelOf(from)
		if set&(1<<l) == 0 {
			continue
		}
		if k < lt.minRun-1 {
			f(from, from+1, (st.Trans[l][l]+e[l])/lt.temp)
			continue
		}
		f(from, from, (st.Trans[l][l]+e[l])/lt.temp)
		for l2 := range numLabels {
			if l2 == l {
				continue
			}
			x := st.Trans[l][l2] + e[l2] + lt.sc.enter[i][l2]
			if set&(1<<l2) != 0 {
				x += st.Return[l][l2]
			}
			f(from, lt.id(l2, set|1<<l2, 0), x/lt.temp)
		}
	}
}

// first is the forward score of each state at the first word.
func (lt *lattice) first() []float64 {
	alpha := filled(lt.states, math.Inf(-1))
	for l := range numLabels {
		alpha[lt.id(l, 1<<l, 0)] = (lt.st.Start[l] + lt.sc.emit[0][l]) / lt.temp
	}
	return alpha
}

// forward sets cur to the forward score of each state at word i, from
// prev, word i-1's, and returns it.
func (lt *lattice) forward(cur, prev []float64, i int) []float64 {
	return lt.sweep(cur, prev, i, true)
}

// backward sets prev to the backward score of each state at word i-1,
// from next, word i's, and returns it.
func (lt *lattice) backward(prev, next []float64, i int) []float64 {
	return lt.sweep(prev, next, i, false)
}

// last is the backward score of each state at the last word: the end of
// the answer.
func (lt *lattice) last() []float64 {
	beta := filled(lt.states, math.Inf(-1))
	for s := range lt.states {
		l, set := lt.labelOf(s), s/lt.minRun%numSets
		if set&(1<<l) != 0 {
			beta[s] = lt.st.finish(0, l, set) / lt.temp
		}
	}
	return beta
}

// sweep sums src's scores over the moves into word i (forward: from
// word i-1's states to word i's; backward: the other way) into dst.
func (lt *lattice) sweep(dst, src []float64, i int, forward bool) []float64 {
	neg := math.Inf(-1)
	for s := range dst {
		dst[s] = neg
	}
	lt.step(i, func(from, to int, w float64) {
		if !forward {
			from, to = to, from
		}
		if src[from] != neg {
			dst[to] = logAdd(dst[to], src[from]+w)
		}
	})
	return dst
}

// posterior is the probability of each label at a word, from the word's
// forward and backward scores.
func (lt *lattice) posterior(alpha, beta []float64) [numLabels]float64 {
	neg := math.Inf(-1)
	var p [numLabels]float64
	for l := range p {
		p[l] = neg
	}
	for s, a := range alpha {
		if a != neg && beta[s] != neg {
			l := lt.labelOf(s)
			p[l] = logAdd(p[l], a+beta[s])
		}
	}
	z := neg
	for _, x := range p {
		z = logAdd(z, x)
	}
	for l := range p {
		p[l] = math.Exp(p[l] - z)
	}
	return p
}

// posteriorsAt is the probability of each label at each of the words
// at, over every labeling of all the words: one forward pass to the last
// of them and one backward pass from the end to the first.
func (lt *lattice) posteriorsAt(at ...int) [][numLabels]float64 {
	lo, hi := at[0], at[0]
	for _, a := range at {
		lo, hi = min(lo, a), max(hi, a)
	}
	alphas := map[int][]float64{}
	alpha, spare := lt.first(), make([]float64, lt.states)
	for i := 0; i <= hi; i++ {
		if i > 0 {
			alpha, spare = lt.forward(spare, alpha, i), alpha
		}
		if i >= lo {
			alphas[i] = append([]float64(nil), alpha...)
		}
	}
	out := make([][numLabels]float64, len(at))
	beta := lt.last()
	for i := len(lt.sc.emit) - 1; i >= lo; i-- {
		for j, a := range at {
			if a == i {
				out[j] = lt.posterior(alphas[i], beta)
			}
		}
		if i > lo {
			beta, spare = lt.backward(spare, beta, i), beta
		}
	}
	return out
}

// logAdd is log(exp(a) + exp(b)).
func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// liveTemperature divides the decoder's scores, which are in the
// thousands per word, before they are read as log probabilities: at 1 or
// 100 the posterior of nearly every word is its Viterbi label's, certain;
// at 1000 a last word between two parts reads as between them
// (TestLiveExperiments, docs/BENCHMARKS.md "The live view").
const liveTemperature = 1000

// LiveSure is how sure a live reading must be of a new part for the last
// words before a live view shows it: the probability ReadUnfinished gives
// (the tail reading's, see tail.go). Chosen on the odd half of typed
// answers no model is trained on and confirmed on the even half
// (docs/BENCHMARKS.md, "The live view"): at 0.7 the part shown is right
// more often than with the segmenter's own posterior held at 0.95, with
// no longer a lag and no more flashes; at 0.6 it flashed more, at 0.8 it
// held true changes too long.
const LiveSure = 0.7

// ShownPart is the part a live view shows for the last words of an answer
// still being told: read, the reading's part, once the reading is LiveSure
// sure of it, and until then shown, the part it showed before ("" when
// none yet).
func ShownPart(shown, read Label, sure float64) Label {
	if shown == "" || sure >= LiveSure {
		return read
	}
	return shown
}

// ReadUnfinished is SegmentUnfinished with the last token's part read by
// the tail reading (TailModel, learned from cut training answers over
// what the segmenter gives for them), and how sure that reading is of it.
// A live view can hold the part it shows until the new one is LiveSure
// sure.
func (m *Model) ReadUnfinished(tokens []Token) ([]Label, float64) {
	if len(tokens) == 0 {
		return nil, 0
	}
	sc, st := m.unfinishedScores(tokens)
	k := len(tokens)
	path := decode(sc, &st, m.MinRun)
	labels := toLabels(path[:k])
	tm, err := defaultTail()
	if err != nil {
		// Not reached: TestShippedTail parses the embedded weights.
		post := newLattice(sc, &st, m.MinRun, liveTemperature).posteriorsAt(k - 1)[0]
		return labels, post[path[k-1]]
	}
	l, sure := tm.read(tokens, sc, &st, m.MinRun, path)
	labels[k-1] = Labels[l]
	return labels, sure
}
