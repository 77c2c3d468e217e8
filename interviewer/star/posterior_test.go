package star

import (
	"math"
	"slices"
	"testing"
)

// posteriors is the probability of each label at every word, over every
// labeling the decoder allows (the lattice's forward and backward scores
// of each word).
func posteriors(sc scores, st *structure, minRun int, temp float64) [][numLabels]float64 {
	n := len(sc.emit)
	if n == 0 {
		return nil
	}
	lt := newLattice(sc, st, minRun, temp)
	alpha := make([][]float64, n)
	alpha[0] = lt.first()
	for i := 1; i < n; i++ {
		alpha[i] = lt.forward(make([]float64, lt.states), alpha[i-1], i)
	}
	out := make([][numLabels]float64, n)
	beta := lt.last()
	for i := n - 1; i >= 0; i-- {
		out[i] = lt.posterior(alpha[i], beta)
		if i > 0 {
			beta = lt.backward(make([]float64, lt.states), beta, i)
		}
	}
	return out
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

// The live reading is the unfinished segmentation with the last word's
// part read by the tail reading, and its sureness the tail reading's
// probability of that part.
func TestReadUnfinishedSure(t *testing.T) {
	m := defaultModel(t)
	tm, err := defaultTail()
	if err != nil {
		t.Fatal(err)
	}
	tokens := textTokens(shapeAnswers[0].text)
	for _, k := range []int{1, 7, 40, len(tokens)} {
		labels, sure := m.ReadUnfinished(tokens[:k])
		if want := m.SegmentUnfinished(tokens[:k]); !slices.Equal(labels[:k-1], want[:k-1]) {
			t.Fatalf("%d words: labels %v, want SegmentUnfinished's %v", k, labels, want)
		}
		sc, st := m.unfinishedScores(tokens[:k])
		p := tm.probs(tailFeatures(tokens[:k], sc, &st, m.MinRun, decode(sc, &st, m.MinRun)))
		l := labels[k-1].Index()
		for _, x := range p {
			if x > p[l] {
				t.Errorf("%d words: last word read %s, not the tail reading's most likely part (%v)", k, labels[k-1], p)
			}
		}
		if math.Abs(sure-p[l]) > 1e-12 || sure <= 0 || sure > 1+1e-12 {
			t.Errorf("%d words: sure %g, want %g", k, sure, p[l])
		}
	}
}

// The embedded tail reading parses, has the features' layout and reads
// a cut answer as a probability over the parts.
func TestShippedTail(t *testing.T) {
	tm, err := ParseTail(shippedTail)
	if err != nil {
		t.Fatal(err)
	}
	m := defaultModel(t)
	tokens := textTokens(shapeAnswers[0].text)[:30]
	sc, st := m.unfinishedScores(tokens)
	p := tm.probs(tailFeatures(tokens, sc, &st, m.MinRun, decode(sc, &st, m.MinRun)))
	sum := 0.0
	for _, x := range p {
		sum += x
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Fatalf("probabilities %v sum to %g", p, sum)
	}
	if _, err := ParseTail([]byte(`{"w":[[0,0,0,0,0]],"mean":[0],"norm":[1]}`)); err == nil {
		t.Error("weights of another layout parsed")
	}
}
