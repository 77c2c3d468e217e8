package star

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The learned tail reading (docs/BENCHMARKS.md, "The live view"): a small
// multinomial logistic model that reads the part of the last word heard
// from what the segmenter gives for the unfinished answer (the last
// word's posterior and a few words back, Viterbi's labels, how long the
// reading's last part has run, how much has been heard, the parts seen,
// the cues of the last words). It is trained on the training split's
// answers cut every few words, each read by a segmenter that has not seen
// the answer (trained on the other series), so that the readings it
// learns from are as unsure as those of answers the shipped segmenter has
// never seen.
var (
	liveTailData  = flag.String("live-tail-data", "", "with -live-experiments, the file of tail-reading examples the tail readings learn from (written by TestLiveTailExamples)")
	liveTailOut   = flag.String("live-tail-examples", "", "write the tail reading's training examples to `FILE`: cut answers of testdata/star/train, each read by a segmenter trained on the other series (slow: trains the fold segmenters)")
	liveTailWrite = flag.String("live-tail-write", "", "with -live-tail-data, write the tail reading's weights fitted on them to `FILE` (as train-star --tail does)")
	liveTailDir   = flag.String("live-tail-folds", "", "with -live-tail-examples, where the fold segmenters are kept between runs (`DIR`; empty: not kept)")
)

// tailLoss is the mean log loss and the accuracy of the model on ex.
func tailLoss(tm *TailModel, ex []tailExample) (loss, acc float64) {
	for _, e := range ex {
		p := tm.probs(e.X)
		loss -= math.Log(max(p[e.Gold], 1e-12))
		acc += b2f(mostLikely(p) == e.Gold)
	}
	return loss / float64(len(ex)), acc / float64(len(ex))
}

// TestLiveTailExamples writes the tail reading's training examples
// (tailExamples on testdata/star/train), the fold segmenters kept in
// -live-tail-folds between runs.
func TestLiveTailExamples(t *testing.T) {
	if *liveTailOut == "" {
		t.Skip("-live-tail-examples FILE not given")
	}
	train, err := ReadCorpus(os.DirFS("../../testdata/star/train"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ex := tailExamples(train, func(f int, rest []LabeledAnswer) *Model {
		path := filepath.Join(*liveTailDir, fmt.Sprintf("fold-%d.json", f))
		if *liveTailDir != "" {
			if b, err := os.ReadFile(path); err == nil {
				m, err := ParseModel(b)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
		}
		m := Train(rest, DefaultTrainOptions())
		if *liveTailDir != "" {
			b, _ := json.Marshal(m)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return m
	})
	t.Logf("%d examples in %s", len(ex), time.Since(start).Round(time.Second))
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*liveTailOut, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readTailExamples reads the examples TestLiveTailExamples wrote.
func readTailExamples(path string) ([]tailExample, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ex []tailExample
	return ex, json.Unmarshal(b, &ex)
}

// splitTail holds out every fifth example's answer-ordered block, for
// choosing l2 on the training split alone.
func splitTail(ex []tailExample) (fit, held []tailExample) {
	for i, e := range ex {
		if i/200%5 == 4 {
			held = append(held, e)
		} else {
			fit = append(fit, e)
		}
	}
	return fit, held
}

// tailReadings are the readings of the learned tail model, trained on
// the examples in path (l2 chosen on a held-out part of them): the last
// word's part is the model's most likely one, shown once the model is th
// sure of it (0: at once), as ShownPart holds the shipped reading.
func tailReadings(t *testing.T, m *Model, cache *scoreCache, path string, expand bool) (names []string, readers []func() func([]Token) []Label) {
	ex, err := readTailExamples(path)
	if err != nil {
		t.Fatal(err)
	}
	tag, features := "tail", func(x []float64) []float64 { return x }
	if expand {
		tag, features = "tail x", expandTail
		for i := range ex {
			ex[i].X = expandTail(ex[i].X)
		}
	}
	fit, held := splitTail(ex)
	viterbiRight := 0
	for _, e := range held {
		// The one-hot of Viterbi's last label follows the bias and the
		// three posteriors (two values per label each).
		if e.X[1+3*2*numLabels+e.Gold] == 1 {
			viterbiRight++
		}
	}
	t.Logf("tail examples: %d (%d held out; Viterbi's last label right %.3f of them)", len(ex), len(held), float64(viterbiRight)/float64(len(held)))
	bestL2, bestLoss := 0.0, math.Inf(1)
	for _, l2 := range []float64{1e-4, 1e-3, 1e-2} {
		tm := trainTail(fit, l2, 300)
		loss, acc := tailLoss(tm, held)
		t.Logf("%s l2 %g: held-out log loss %.4f, last word right %.3f", tag, l2, loss, acc)
		if loss < bestLoss {
			bestL2, bestLoss = l2, loss
		}
	}
	tm := trainTail(ex, bestL2, 300)
	loss, acc := tailLoss(tm, ex)
	t.Logf("%s model, l2 %g, on all its examples: log loss %.4f, right %.3f", tag, bestL2, loss, acc)

	var mu sync.Mutex
	probs := map[uint64][numLabels]float64{}
	probsOf := func(tokens []Token) ([]int, [numLabels]float64) {
		sc, st := cache.get(tokens)
		full := decode(sc, &st, m.MinRun)
		key := keyOf(tokens)
		mu.Lock()
		p, ok := probs[key]
		mu.Unlock()
		if !ok {
			p = tm.probs(features(tailFeatures(tokens, sc, &st, m.MinRun, full)))
			mu.Lock()
			probs[key] = p
			mu.Unlock()
		}
		return full[:len(tokens)], p
	}
	// A new part is shown once the model is th sure of it, or, with
	// twice, once two updates in a row find it.
	for _, rule := range []struct {
		th    float64
		twice bool
	}{{0, false}, {0.5, false}, {0.6, false}, {0.7, false}, {0.8, false}, {0.9, false}, {0.95, false}, {0.99, false},
		{0.6, true}, {0.7, true}, {0.8, true}, {0.9, true}, {0.95, true}} {
		name := fmt.Sprintf("%s sure %.2f", tag, rule.th)
		if rule.twice {
			name += " or twice"
		}
		names = append(names, name)
		readers = append(readers, func() func([]Token) []Label {
			prev, pending := -1, -1
			return func(tokens []Token) []Label {
				path, p := probsOf(tokens)
				best := mostLikely(p)
				read := best
				if prev >= 0 && best != prev && p[best] < rule.th && !(rule.twice && best == pending) {
					best = prev
				}
				pending = -1
				if read != best {
					pending = read
				}
				prev = best
				path[len(path)-1] = best
				return toLabels(path)
			}
		})
	}
	// A part later in the story than the one shown, once the model is
	// ahead sure of it; an earlier one, once it is back sure: a story
	// moves on more often than it returns.
	for _, rule := range []struct{ ahead, back float64 }{{0.6, 0.8}, {0.6, 0.9}, {0.5, 0.8}, {0.7, 0.8}, {0.7, 0.9}, {0.5, 0.9}} {
		names = append(names, fmt.Sprintf("%s ahead %.2f back %.2f", tag, rule.ahead, rule.back))
		readers = append(readers, func() func([]Token) []Label {
			prev := -1
			return func(tokens []Token) []Label {
				path, p := probsOf(tokens)
				best := mostLikely(p)
				th := rule.ahead
				if best < prev {
					th = rule.back
				}
				if prev >= 0 && best != prev && p[best] < th {
					best = prev
				}
				prev = best
				path[len(path)-1] = best
				return toLabels(path)
			}
		})
	}
	return names, readers
}

// expandTail adds to tail features the products of Viterbi's last label
// with the last word's posterior, with the decoder's label for the first
// unknown word and with the run-length buckets: how far to trust each
// reading may depend on which part it reads.
func expandTail(x []float64) []float64 {
	const lastAt, nextAt, runAt = 1 + 3*2*numLabels, 1 + 3*2*numLabels + 3*numLabels, 1 + 3*2*numLabels + 4*numLabels + 1
	out := append([]float64(nil), x...)
	for a := range numLabels {
		v := x[lastAt+a]
		for l := range numLabels {
			out = append(out, v*x[1+l*2], v*x[nextAt+l])
		}
		for b := range 4 {
			out = append(out, v*x[runAt+b])
		}
	}
	return out
}

// posteriorsAt gives, for each word asked, what the full forward-backward
// gives it.
func TestLastPosteriors(t *testing.T) {
	m := defaultModel(t)
	tokens := textTokens(shapeAnswers[0].text)
	for _, k := range []int{1, 3, 9, 40} {
		sc, st := m.unfinishedScores(tokens[:k])
		all := posteriors(sc, &st, m.MinRun, liveTemperature)
		at := []int{k - 1, max(k-4, 0), max(k-8, 0)}
		for j, p := range newLattice(sc, &st, m.MinRun, liveTemperature).posteriorsAt(at...) {
			for l := range numLabels {
				if math.Abs(p[l]-all[at[j]][l]) > 1e-9 {
					t.Fatalf("%d words, word %d: %v, want %v", k, at[j], p, all[at[j]])
				}
			}
		}
		if x := tailFeatures(tokens[:k], sc, &st, m.MinRun, decode(sc, &st, m.MinRun)); len(x) != tailFeatureCount {
			t.Fatalf("%d tail features, want %d", len(x), tailFeatureCount)
		}
	}
}

// TestLiveTailWrite fits the tail reading on the examples of
// -live-tail-data as TrainTail does and writes its weights to FILE: the
// same weights as `mockinterview train-star --tail`, without training the
// fold segmenters again.
func TestLiveTailWrite(t *testing.T) {
	if *liveTailWrite == "" || *liveTailData == "" {
		t.Skip("-live-tail-write FILE and -live-tail-data not given")
	}
	ex, err := readTailExamples(*liveTailData)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(trainTail(ex, tailL2, tailIters))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*liveTailWrite, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
