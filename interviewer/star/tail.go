package star

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
)

// The tail reading. The segmenter learned from whole answers, and reads
// the last words of an answer still being told less well than the rest
// (docs/BENCHMARKS.md, "The live view"): a small model learned from cut
// training answers reads the part of the last word heard from what the
// segmenter gives for the unfinished answer (the last word's posterior
// and a few words back, Viterbi's labels, how long the reading's last
// part has run, how much has been heard, the parts seen, the cues of the
// last words). On answers nothing is trained on, a live view holding its
// part until this reading is LiveSure sure of a new one shows the right
// part more often, and a new part no later, than with the segmenter's
// own posterior.

//go:embed tail.json
var shippedTail []byte

// tailFeatureCount is how many features tailFeatures gives.
const tailFeatureCount = 108

// defaultTail is the embedded tail reading.
var defaultTail = sync.OnceValues(func() (*TailModel, error) { return ParseTail(shippedTail) })

// ParseTail reads tail reading weights written by `mockinterview
// train-star --tail`.
func ParseTail(b []byte) (*TailModel, error) {
	var tm TailModel
	if err := json.Unmarshal(b, &tm); err != nil {
		return nil, err
	}
	if len(tm.W) != tailFeatureCount || len(tm.Mean) != tailFeatureCount || len(tm.Norm) != tailFeatureCount {
		return nil, fmt.Errorf("tail reading of an older layout (%d features, want %d); retrain it with `mockinterview train-star --tail`", len(tm.W), tailFeatureCount)
	}
	return &tm, nil
}

// read is the tail reading of the k tokens heard: the most likely part of
// the last one and its probability, from the unfinished scores and
// Viterbi's path over them.
func (tm *TailModel) read(tokens []Token, sc scores, st *structure, minRun int, path []int) (int, float64) {
	p := tm.probs(tailFeatures(tokens, sc, st, minRun, path))
	best := mostLikely(p)
	return best, p[best]
}

// mostLikely is the part p gives the most probability (the first of a tie).
func mostLikely(p [numLabels]float64) int {
	best := 0
	for l := range p {
		if p[l] > p[best] {
			best = l
		}
	}
	return best
}

// TailModel is the tail reading: a multinomial logistic model of the
// part of the last word heard over tailFeatures, the features centred on
// Mean and scaled by Norm. Trained by TrainTail; the shipped weights are
// embedded (tail.json).
type TailModel struct {
	W    [][numLabels]float64 `json:"w"`
	Mean []float64            `json:"mean"`
	Norm []float64            `json:"norm"`
}

// probs is the probability of each part given the features.
func (tm *TailModel) probs(x []float64) [numLabels]float64 {
	var s [numLabels]float64
	for j, v := range x {
		v = (v - tm.Mean[j]) * tm.Norm[j]
		for l := range numLabels {
			s[l] += tm.W[j][l] * v
		}
	}
	top := math.Inf(-1)
	for _, v := range s {
		top = math.Max(top, v)
	}
	z := 0.0
	for l := range s {
		s[l] = math.Exp(s[l] - top)
		z += s[l]
	}
	for l := range s {
		s[l] /= z
	}
	return s
}

// tailFeatures describes the reading of the k tokens heard, given the
// unfinished scores (the tokens and the pad) and Viterbi's path over them.
func tailFeatures(tokens []Token, sc scores, st *structure, minRun int, path []int) []float64 {
	k := len(tokens)
	var x []float64
	add := func(v ...float64) { x = append(x, v...) }
	oneHot := func(l int) {
		var v [numLabels]float64
		if l >= 0 {
			v[l] = 1
		}
		add(v[:]...)
	}
	add(1) // bias
	at := []int{k - 1, max(k-4, 0), max(k-8, 0)}
	post := newLattice(sc, st, minRun, liveTemperature).posteriorsAt(at...)
	for _, p := range post {
		for l := range numLabels {
			add(p[l], math.Log(max(p[l], 1e-6))/10)
		}
	}
	last := path[k-1]
	oneHot(last)
	oneHot(path[max(k-5, 0)])
	oneHot(path[max(k-10, 0)])
	oneHot(path[k]) // what the decoder has come next, on the first unknown word
	run := 0
	for i := k - 1; i >= 0 && path[i] == last; i-- {
		run++
	}
	lr := math.Log1p(float64(run)) / 5
	add(lr)
	for _, b := range []int{3, 6, 12, 25} {
		add(b2f(run < b))
	}
	var v [numLabels]float64
	v[last] = lr
	add(v[:]...)
	var seen [numLabels]float64
	for _, l := range path[:k] {
		seen[l] = 1
	}
	add(seen[:]...)
	lk := math.Log(float64(k)) / 6
	add(lk)
	for _, b := range []int{30, 60, 100, 150, 200, 300} {
		add(b2f(k < b))
	}
	v = [numLabels]float64{}
	v[last] = lk
	add(v[:]...)
	add(lastScoreShares(sc, k)...)
	add(tailWordFeatures(tokens)...)
	return x
}

// lastScoreShares are the scores of the last words, as probabilities at
// the live temperature: of the last word and averaged over the last 5
// and 15.
func lastScoreShares(sc scores, k int) []float64 {
	var x []float64
	for _, n := range []int{1, 5, 15} {
		var mean [numLabels]float64
		from := max(k-n, 0)
		for i := from; i < k; i++ {
			for l := range numLabels {
				mean[l] += sc.emit[i][l] / float64(k-from)
			}
		}
		top := math.Inf(-1)
		for _, s := range mean {
			top = math.Max(top, s)
		}
		z := 0.0
		for l := range mean {
			mean[l] = math.Exp((mean[l] - top) / liveTemperature)
			z += mean[l]
		}
		for l := range mean {
			x = append(x, mean[l]/z)
		}
	}
	return x
}

// tailWordFeatures are the cue phrases and word classes of the last 12
// words, and whether the answer and its last words have pauses.
func tailWordFeatures(tokens []Token) []float64 {
	k := len(tokens)
	from := max(k-12, 0)
	var cues [numLabels]float64
	for _, cs := range cueStarts(tokens[from:k]) {
		for _, c := range cs {
			if i := strings.Index("STARF", c[:1]); i >= 0 {
				cues[i] = 1
			}
		}
	}
	x := cues[:]
	counts := map[string]float64{}
	for _, t := range tokens[from:k] {
		counts[wordClass(t.Text)]++
	}
	for _, c := range []string{"I", "WE", "THEY", "PAST", "PRES", "MOD", "NUM", "CONJ"} {
		x = append(x, counts[c]/float64(k-from))
	}
	paused := 0.0
	for _, t := range tokens[from:k] {
		if t.Pause > 0 {
			paused = 1
		}
	}
	return append(x, b2f(anyPause(tokens)), paused)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
