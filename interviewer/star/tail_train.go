package star

import (
	"math"
	"math/rand/v2"
)

// tailFolds is how many parts the training series are cut into for the
// segmenters that read the tail reading's examples; tailEvery the words
// between the cuts of a training answer. tailL2 and tailIters are the
// tail model's weight decay and passes, the decay chosen on a held-out
// fifth of the training examples (1e-4 against 1e-3 and 1e-2).
const (
	tailFolds = 3
	tailEvery = 5
	tailL2    = 1e-4
	tailIters = 300
)

// tailExample is one cut answer: the tail features and the gold part of
// its last word.
type tailExample struct {
	X    []float64 `json:"x"`
	Gold int       `json:"gold"`
}

// TrainTail fits the tail reading on labeled answers (the training
// split): see tailExamples. The same answers give the same weights.
func TrainTail(answers []LabeledAnswer) *TailModel {
	ex := tailExamples(answers, func(_ int, rest []LabeledAnswer) *Model { return Train(rest, DefaultTrainOptions()) })
	return trainTail(ex, tailL2, tailIters)
}

// tailExamples are the answers cut every tailEvery words, typed and with
// pauses after most sentences (as Train simulates them) by turns, each
// read as unfinished by a segmenter trained on the answers of the other
// folds' series (trainFold gives it): the shipped segmenter has seen every
// training answer and reads them far better than an answer being told,
// so the tail reading learns from readings as unsure as those it will
// be asked to improve.
func tailExamples(answers []LabeledAnswer, trainFold func(f int, rest []LabeledAnswer) *Model) []tailExample {
	index := map[string]int{}
	for _, a := range answers {
		if s := Series(a.Name); index[s] == 0 {
			index[s] = len(index) + 1
		}
	}
	fold := func(a LabeledAnswer) int { return (index[Series(a.Name)] - 1) % tailFolds }
	models := make([]*Model, tailFolds)
	for f := range tailFolds {
		var rest []LabeledAnswer
		for _, a := range answers {
			if fold(a) != f {
				rest = append(rest, a)
			}
		}
		models[f] = trainFold(f, rest)
	}
	rng := rand.New(rand.NewPCG(7, 0x7a11))
	type job struct {
		m      *Model
		tokens []Token
		gold   []Label
		cut    int
	}
	var jobs []job
	for i, a := range answers {
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
	eachAtOnce(len(jobs), func(i int) {
		j := jobs[i]
		tk := j.tokens[:j.cut]
		sc, st := j.m.unfinishedScores(tk)
		path := decode(sc, &st, j.m.MinRun)
		ex[i] = tailExample{tailFeatures(tk, sc, &st, j.m.MinRun, path), j.gold[j.cut-1].Index()}
	})
	return ex
}

// trainTail fits the model by full-batch gradient descent with momentum
// on the mean log loss plus l2 times the squared weights (the bias's
// excepted), the features standardized: deterministic.
func trainTail(ex []tailExample, l2 float64, iters int) *TailModel {
	d := len(ex[0].X)
	tm := &TailModel{W: make([][numLabels]float64, d), Mean: make([]float64, d), Norm: make([]float64, d)}
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
