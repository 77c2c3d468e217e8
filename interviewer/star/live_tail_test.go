package star

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
	liveTailData = flag.String("live-tail-data", "", "with -live-experiments, the file of tail-reading examples the tail readings learn from (written by TestLiveTailExamples)")
	liveTailOut  = flag.String("live-tail-examples", "", "write the tail reading's training examples to `FILE`: cut answers of testdata/star/train, each read by a segmenter trained on the other series (slow: trains the fold segmenters)")
	liveTailDir  = flag.String("live-tail-folds", "", "with -live-tail-examples, where the fold segmenters are kept between runs (`DIR`; empty: not kept)")
)

// tailFolds is how many parts the training series are cut into for the
// segmenters that read the tail examples; tailEvery the words between
// the cuts of a training answer.
const (
	tailFolds = 3
	tailEvery = 5
)

// tailExample is one cut answer: the tail features and the gold part of
// its last word.
type tailExample struct {
	X    []float64 `json:"x"`
	Gold int       `json:"gold"`
}

// lastPosteriors is the probability of each label at each of the words
// at (indices into the scores), over every labeling the decoder allows:
// one forward pass and one backward pass.
func lastPosteriors(sc scores, st *structure, minRun int, temp float64, at []int) [][numLabels]float64 {
	lt := newLattice(sc, st, minRun, temp)
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
	for i := len(sc.emit) - 1; i >= lo; i-- {
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
	post := lastPosteriors(sc, st, minRun, liveTemperature, at)
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
	// The scores of the last words, as probabilities at the live
	// temperature: of the last word and averaged over the last 5 and 15.
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
			add(mean[l] / z)
		}
	}
	// Cue phrases and word classes of the last 12 words.
	from := max(k-12, 0)
	var cues [numLabels]float64
	for _, cs := range cueStarts(tokens[from:k]) {
		for _, c := range cs {
			if i := strings.Index("STARF", c[:1]); i >= 0 {
				cues[i] = 1
			}
		}
	}
	add(cues[:]...)
	counts := map[string]float64{}
	for _, t := range tokens[from:k] {
		counts[wordClass(t.Text)]++
	}
	for _, c := range []string{"I", "WE", "THEY", "PAST", "PRES", "MOD", "NUM", "CONJ"} {
		add(counts[c] / float64(k-from))
	}
	paused := 0.0
	for _, t := range tokens[from:k] {
		if t.Pause > 0 {
			paused = 1
		}
	}
	add(b2f(anyPause(tokens)), paused)
	return x
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// tailModel is a multinomial logistic model over tail features.
type tailModel struct {
	W          [][numLabels]float64
	Mean, Norm []float64
}

func (tm *tailModel) probs(x []float64) [numLabels]float64 {
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

// trainTail fits the model by full-batch gradient descent with momentum
// on the mean log loss plus l2 times the squared weights (the bias's
// excepted), the features standardized: deterministic.
func trainTail(ex []tailExample, l2 float64, iters int) *tailModel {
	d := len(ex[0].X)
	tm := &tailModel{W: make([][numLabels]float64, d), Mean: make([]float64, d), Norm: make([]float64, d)}
	for _, e := range ex {
		for j, v := range e.X {
			tm.Mean[j] += v / float64(len(ex))
		}
	}
	for _, e := range ex {
		for j, v := range e.X {
			tm.Norm[j] += (v - tm.Mean[j]) * (v - tm.Mean[j]) / float64(len(ex))
		}
	}
	for j := range tm.Norm {
		if tm.Norm[j] < 1e-12 {
			tm.Norm[j], tm.Mean[j] = 0, 0
		} else {
			tm.Norm[j] = 1 / math.Sqrt(tm.Norm[j])
		}
	}
	tm.Mean[0], tm.Norm[0] = 0, 1 // the bias
	vel := make([][numLabels]float64, d)
	grad := make([][numLabels]float64, d)
	const rate, momentum = 0.5, 0.9
	for range iters {
		for j := range grad {
			grad[j] = [numLabels]float64{}
		}
		for _, e := range ex {
			p := tm.probs(e.X)
			p[e.Gold]--
			for j, v := range e.X {
				v = (v - tm.Mean[j]) * tm.Norm[j]
				if v == 0 {
					continue
				}
				for l := range numLabels {
					grad[j][l] += p[l] * v / float64(len(ex))
				}
			}
		}
		for j := range grad {
			for l := range numLabels {
				g := grad[j][l]
				if j > 0 {
					g += 2 * l2 * tm.W[j][l]
				}
				vel[j][l] = momentum*vel[j][l] - rate*g
				tm.W[j][l] += vel[j][l]
			}
		}
	}
	return tm
}

// tailLoss is the mean log loss and the accuracy of the model on ex.
func tailLoss(tm *tailModel, ex []tailExample) (loss, acc float64) {
	for _, e := range ex {
		p := tm.probs(e.X)
		loss -= math.Log(max(p[e.Gold], 1e-12))
		best := 0
		for l := range p {
			if p[l] > p[best] {
				best = l
			}
		}
		acc += b2f(best == e.Gold)
	}
	return loss / float64(len(ex)), acc / float64(len(ex))
}

// TestLiveTailExamples writes the tail reading's training examples: the
// training answers cut every tailEvery words, as typed and with pauses
// after most sentences (as Train simulates them) by turns, each read by
// the segmenter of its fold (trained on the other folds' series).
func TestLiveTailExamples(t *testing.T) {
	if *liveTailOut == "" {
		t.Skip("-live-tail-examples FILE not given")
	}
	train, err := ReadCorpus(os.DirFS("../../testdata/star/train"))
	if err != nil {
		t.Fatal(err)
	}
	var series []string
	index := map[string]int{}
	for _, a := range train {
		if s := Series(a.Name); index[s] == 0 {
			series = append(series, s)
			index[s] = len(series)
		}
	}
	fold := func(a LabeledAnswer) int { return (index[Series(a.Name)] - 1) % tailFolds }
	models := make([]*Model, tailFolds)
	for f := range tailFolds {
		path := filepath.Join(*liveTailDir, fmt.Sprintf("fold-%d.json", f))
		if *liveTailDir != "" {
			if b, err := os.ReadFile(path); err == nil {
				if models[f], err = ParseModel(b); err != nil {
					t.Fatal(err)
				}
				continue
			}
		}
		var rest []LabeledAnswer
		for _, a := range train {
			if fold(a) != f {
				rest = append(rest, a)
			}
		}
		start := time.Now()
		models[f] = Train(rest, DefaultTrainOptions())
		t.Logf("fold %d: trained on %d answers in %s", f, len(rest), time.Since(start).Round(time.Second))
		if *liveTailDir != "" {
			b, _ := json.Marshal(models[f])
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 0x7a11))
	type job struct {
		m      *Model
		tokens []Token
		gold   []Label
		cut    int
	}
	var jobs []job
	for i, a := range train {
		words, gold, ends := a.Tokens()
		tokens := make([]Token, len(words))
		paused := make([]Token, len(words))
		for j, w := range words {
			tokens[j].Text, paused[j].Text = w, w
			if j > 0 && ends[j-1] && rng.Float64() < 0.8 {
				paused[j].Pause = 0.4 + rng.Float64()*0.6
			}
		}
		for c, cut := 0, 1+i%tailEvery; cut <= len(words); c, cut = c+1, cut+tailEvery {
			tk := tokens
			if c%2 == 1 {
				tk = paused
			}
			jobs = append(jobs, job{models[fold(a)], tk, gold, cut})
		}
	}
	ex := make([]tailExample, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	start := time.Now()
	for i, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tk := j.tokens[:j.cut]
			sc, st := j.m.unfinishedScores(tk)
			path := decode(sc, &st, j.m.MinRun)
			ex[i] = tailExample{tailFeatures(tk, sc, &st, j.m.MinRun, path), j.gold[j.cut-1].Index()}
		})
	}
	wg.Wait()
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
				best := 0
				for l := range p {
					if p[l] > p[best] {
						best = l
					}
				}
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

// lastPosteriors gives, for each word asked, what the full forward-backward
// gives it.
func TestLastPosteriors(t *testing.T) {
	m := defaultModel(t)
	tokens := textTokens(shapeAnswers[0].text)
	for _, k := range []int{1, 3, 9, 40} {
		sc, st := m.unfinishedScores(tokens[:k])
		all := posteriors(sc, &st, m.MinRun, liveTemperature)
		at := []int{k - 1, max(k-4, 0), max(k-8, 0)}
		for j, p := range lastPosteriors(sc, &st, m.MinRun, liveTemperature, at) {
			for l := range numLabels {
				if math.Abs(p[l]-all[at[j]][l]) > 1e-9 {
					t.Fatalf("%d words, word %d: %v, want %v", k, at[j], p, all[at[j]])
				}
			}
		}
		if x := tailFeatures(tokens[:k], sc, &st, m.MinRun, decode(sc, &st, m.MinRun)); len(x) != 108 {
			t.Fatalf("%d tail features, want 108", len(x))
		}
	}
}
