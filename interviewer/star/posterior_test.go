package star

import (
	"math"
	"testing"
)

// posteriors (tried for the live view, see TestLiveExperiments; not
// kept) gives, for each word, the probability of each label summed
// over every labeling the decoder allows (viterbi's states and scores,
// divided by temp): where viterbi keeps the one best labeling, this
// weighs all of them, so a last word that the best labeling gives to one
// part but most of the others to another is read as the other.
func posteriors(sc scores, st *structure, minRun int, temp float64) [][numLabels]float64 {
	n := len(sc.emit)
	if n == 0 {
		return nil
	}
	minRun = max(minRun, 1)
	states := numLabels * numSets * minRun
	id := func(l, set, k int) int { return (l*numSets+set)*minRun + k }
	neg := math.Inf(-1)
	// step calls f(from, to, weight) for each move from word i-1 to word i.
	step := func(i int, f func(from, to int, w float64)) {
		e := &sc.emit[i]
		for from := range states {
			k := from % minRun
			set := from / minRun % numSets
			l := from / minRun / numSets
			if set&(1<<l) == 0 {
				continue
			}
			if k < minRun-1 {
				f(from, from+1, (st.Trans[l][l]+e[l])/temp)
				continue
			}
			f(from, from, (st.Trans[l][l]+e[l])/temp)
			for l2 := range numLabels {
				if l2 == l {
					continue
				}
				x := st.Trans[l][l2] + e[l2] + sc.enter[i][l2]
				if set&(1<<l2) != 0 {
					x += st.Return[l][l2]
				}
				f(from, id(l2, set|1<<l2, 0), x/temp)
			}
		}
	}
	alpha := make([][]float64, n)
	for i := range alpha {
		alpha[i] = filled(states, neg)
	}
	for l := range numLabels {
		alpha[0][id(l, 1<<l, 0)] = (st.Start[l] + sc.emit[0][l]) / temp
	}
	for i := 1; i < n; i++ {
		prev, cur := alpha[i-1], alpha[i]
		step(i, func(from, to int, w float64) {
			if prev[from] != neg {
				cur[to] = logAdd(cur[to], prev[from]+w)
			}
		})
	}
	beta := filled(states, neg)
	for s := range states {
		l, set := s/minRun/numSets, s/minRun%numSets
		if set&(1<<l) != 0 {
			beta[s] = st.finish(0, l, set) / temp
		}
	}
	out := make([][numLabels]float64, n)
	next := make([]float64, states)
	for i := n - 1; i >= 0; i-- {
		// out[i] from alpha[i] and beta (of word i).
		var p [numLabels]float64
		for l := range p {
			p[l] = neg
		}
		for s, a := range alpha[i] {
			if a != neg && beta[s] != neg {
				l := s / minRun / numSets
				p[l] = logAdd(p[l], a+beta[s])
			}
		}
		z := neg
		for _, x := range p {
			z = logAdd(z, x)
		}
		for l := range p {
			out[i][l] = math.Exp(p[l] - z)
		}
		if i == 0 {
			break
		}
		for s := range next {
			next[s] = neg
		}
		step(i, func(from, to int, w float64) {
			if beta[to] != neg {
				next[from] = logAdd(next[from], w+beta[to])
			}
		})
		beta, next = next, beta
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

// At a low temperature the posteriors pick the best labeling's label for
// almost every word, and at any temperature each word's sum to one.
func TestPosteriorsFollowViterbi(t *testing.T) {
	m := defaultModel(t)
	tokens := textTokens(shapeAnswers[0].text)
	sc, st := m.unfinishedScores(tokens)
	path := decode(sc, &st, m.MinRun)
	for _, temp := range []float64{1, 100} {
		post := posteriors(sc, &st, m.MinRun, temp)
		same := 0
		for i, p := range post {
			sum, best := 0.0, 0
			for l, x := range p {
				sum += x
				if x > p[best] {
					best = l
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Fatalf("T%g: word %d's posteriors sum to %g", temp, i, sum)
			}
			if best == path[i] {
				same++
			}
		}
		share := float64(same) / float64(len(post))
		t.Logf("T%g: the best label is viterbi's for %.3f of %d words", temp, share, len(post))
		if temp == 1 && share < 0.98 {
			t.Errorf("T1: the posteriors' best label is viterbi's for only %.3f of the words", share)
		}
	}
}
