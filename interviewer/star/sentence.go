package star

import (
	"math"
	"math/rand/v2"
	"sort"
)

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
	word := func(i int) string { return wordAt(tokens, i) }
	out := make([][]string, len(tokens))
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
