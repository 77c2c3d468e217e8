package interviewer

import (
	"math"
	"math/rand/v2"
)

// TrainOptions tune TrainSegmentModel.
type TrainOptions struct {
	Epochs int // passes over the corpus, default 12
	MinRun int // shortest part in words, default 4
	Seed   uint64
	// Prune drops features whose largest averaged weight is below it, to
	// keep the shipped model small. Default 0.05.
	Prune float64
}

// TrainSegmentModel fits a SegmentModel on labeled answers with the
// averaged structured perceptron: decode each answer with the current
// weights, move weight from the predicted labels to the gold ones where
// they differ, and average the weights over all steps.
//
// Every answer is seen twice per epoch: once as a typed transcript (no
// pauses) and once with pauses after most written sentences, the way a
// recognizer's word times show them, so the model uses pauses when they
// are there and does not rely on them when they are not.
func TrainSegmentModel(answers []LabeledAnswer, opt TrainOptions) *SegmentModel {
	if opt.Epochs <= 0 {
		opt.Epochs = 12
	}
	if opt.MinRun <= 0 {
		opt.MinRun = 4
	}
	if opt.Prune == 0 {
		opt.Prune = 0.05
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x57a2))

	type example struct {
		feats [][]string
		gold  []int
	}
	var examples []example
	for _, a := range answers {
		words, labels, sentenceEnd := a.Tokens()
		gold := make([]int, len(labels))
		for i, l := range labels {
			gold[i] = l.Index()
		}
		for _, withPauses := range []bool{false, true} {
			tokens := make([]Token, len(words))
			for i, w := range words {
				tokens[i].Text = w
				if withPauses && i > 0 && sentenceEnd[i-1] && rng.Float64() < 0.8 {
					tokens[i].Pause = 0.4 + rng.Float64()*0.6
				}
			}
			examples = append(examples, example{Features(tokens), gold})
		}
	}

	// w holds the current weights, u the sum of each update times the step
	// at which it was made; the average over steps is w - u/step.
	w := map[string]*[numLabels]float64{}
	u := map[string]*[numLabels]float64{}
	var trans, transU [numLabels][numLabels]float64
	var start, startU [numLabels]float64
	step := 1.0
	add := func(f string, l int, v float64) {
		if w[f] == nil {
			w[f], u[f] = new([numLabels]float64), new([numLabels]float64)
		}
		w[f][l] += v
		u[f][l] += v * step
	}
	model := &SegmentModel{MinRun: opt.MinRun}
	scores := func(feats [][]string) [][numLabels]float64 {
		s := make([][numLabels]float64, len(feats))
		for i, fs := range feats {
			for _, f := range fs {
				if x := w[f]; x != nil {
					for l := range numLabels {
						s[i][l] += x[l]
					}
				}
			}
		}
		return s
	}
	for range opt.Epochs {
		rng.Shuffle(len(examples), func(i, j int) { examples[i], examples[j] = examples[j], examples[i] })
		for _, ex := range examples {
			pred := viterbi(scores(ex.feats), &trans, &start, opt.MinRun)
			for i := range pred {
				g, p := ex.gold[i], pred[i]
				if g != p {
					for _, f := range ex.feats[i] {
						add(f, g, 1)
						add(f, p, -1)
					}
				}
				if i == 0 {
					if g != p {
						start[g]++
						startU[g] += step
						start[p]--
						startU[p] -= step
					}
					continue
				}
				gp, pp := ex.gold[i-1], pred[i-1]
				if gp != pp || g != p {
					trans[gp][g]++
					transU[gp][g] += step
					trans[pp][p]--
					transU[pp][p] -= step
				}
			}
			step++
		}
	}

	model.Weights = map[string][numLabels]float64{}
	for f, x := range w {
		var avg [numLabels]float64
		big := 0.0
		for l := range numLabels {
			avg[l] = round3(x[l] - u[f][l]/step)
			big = math.Max(big, math.Abs(avg[l]))
		}
		if big >= opt.Prune {
			model.Weights[f] = avg
		}
	}
	for a := range numLabels {
		model.Start[a] = round3(start[a] - startU[a]/step)
		for b := range numLabels {
			model.Trans[a][b] = round3(trans[a][b] - transU[a][b]/step)
		}
	}
	return model
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
