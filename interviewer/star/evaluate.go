package star

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Eval scores predicted labels against gold labels over a set of
// answers.
type Eval struct {
	Answers int `json:"answers"`
	Words   int `json:"words"`
	Correct int `json:"correct"`
	// Per label: words predicted, words gold, words both.
	Predicted [numLabels]int `json:"predicted"`
	Gold      [numLabels]int `json:"gold"`
	Both      [numLabels]int `json:"both"`
	// Missing parts: gold answers without the part, of those how many the
	// prediction also left out, and parts present in gold that the
	// prediction called missing (false alarms).
	GoldMissing     int `json:"gold_missing"`
	MissingFound    int `json:"missing_found"`
	GoldPresent     int `json:"gold_present"`
	MissingFalseAlm int `json:"missing_false_alarms"`
	// Boundaries: the sum, over gold boundaries, of the distance in words
	// to the nearest predicted boundary.
	Boundaries     int `json:"boundaries"`
	BoundaryOffBy  int `json:"boundary_words_off"`
	PerAnswerWorst []AnswerScore
}

// AnswerScore is one answer's word accuracy.
type AnswerScore struct {
	Name     string
	Accuracy float64
}

// Add scores one answer.
func (e *Eval) Add(name string, gold, pred []Label) {
	e.Answers++
	correct := 0
	var inGold, inPred [numLabels]bool
	for i := range gold {
		g, p := gold[i].Index(), pred[i].Index()
		e.Words++
		e.Gold[g]++
		e.Predicted[p]++
		inGold[g], inPred[p] = true, true
		if g == p {
			e.Correct++
			e.Both[g]++
			correct++
		}
	}
	for l := range numLabels {
		if !inGold[l] {
			e.GoldMissing++
			if !inPred[l] {
				e.MissingFound++
			}
		} else {
			e.GoldPresent++
			if !inPred[l] {
				e.MissingFalseAlm++
			}
		}
	}
	pb := boundaries(pred)
	for _, b := range boundaries(gold) {
		off := len(gold)
		for _, q := range pb {
			off = min(off, abs(b-q))
		}
		e.Boundaries++
		e.BoundaryOffBy += off
	}
	if len(gold) > 0 {
		e.PerAnswerWorst = append(e.PerAnswerWorst, AnswerScore{name, float64(correct) / float64(len(gold))})
	}
}

func boundaries(labels []Label) []int {
	var b []int
	for i := 1; i < len(labels); i++ {
		if labels[i] != labels[i-1] {
			b = append(b, i)
		}
	}
	return b
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Accuracy is the share of words labeled right.
func (e *Eval) Accuracy() float64 { return ratio(e.Correct, e.Words) }

// Precision and Recall of one label, over words.
func (e *Eval) Precision(l Label) float64 {
	return ratio(e.Both[l.Index()], e.Predicted[l.Index()])
}

// Recall of one label, over words.
func (e *Eval) Recall(l Label) float64 { return ratio(e.Both[l.Index()], e.Gold[l.Index()]) }

// MeanBoundaryError is the average distance in words from a gold boundary
// to the nearest predicted one.
func (e *Eval) MeanBoundaryError() float64 {
	return float64(e.BoundaryOffBy) / math.Max(1, float64(e.Boundaries))
}

// Print writes the evaluation as a table.
func (e *Eval) Print(w io.Writer) {
	fmt.Fprintf(w, "answers %d, words %d\n", e.Answers, e.Words)
	fmt.Fprintf(w, "word accuracy      %.3f\n", e.Accuracy())
	fmt.Fprintf(w, "%-12s %9s %9s %7s\n", "part", "precision", "recall", "words")
	for _, l := range Labels {
		fmt.Fprintf(w, "%-12s %9.3f %9.3f %7d\n", l, e.Precision(l), e.Recall(l), e.Gold[l.Index()])
	}
	fmt.Fprintf(w, "missing parts      recall %.3f (%d/%d), false alarms %.3f (%d/%d)\n",
		ratio(e.MissingFound, e.GoldMissing), e.MissingFound, e.GoldMissing,
		ratio(e.MissingFalseAlm, e.GoldPresent), e.MissingFalseAlm, e.GoldPresent)
	fmt.Fprintf(w, "boundary error     %.2f words (mean over %d gold boundaries)\n", e.MeanBoundaryError(), e.Boundaries)
}

// ShareBaseline labels an answer of n words by cutting it in the order
// S, T, A, R, Reflection at the shares of the SDE2 target times: what a
// segmenter that knows nothing of the words would do.
func ShareBaseline(n int) []Label {
	shares := []float64{30, 20, 90, 20, 15}
	total := 175.0
	out := make([]Label, n)
	acc := 0.0
	l := 0
	for i := range n {
		for l < numLabels-1 && float64(i)/float64(n) >= (acc+shares[l])/total {
			acc += shares[l]
			l++
		}
		out[i] = Labels[l]
	}
	return out
}

// Evaluate labels each answer's words as a recognizer would give
// them (lowercase, no punctuation, no pauses) and scores the model, and the
// target-share baseline beside it.
func Evaluate(m *Model, answers []LabeledAnswer) (model, baseline Eval) {
	for _, a := range answers {
		tokens, gold := typedTokens(a, false)
		model.Add(a.Name, gold, m.Segment(tokens))
		baseline.Add(a.Name, gold, ShareBaseline(len(tokens)))
	}
	return model, baseline
}

// EvaluateWithSentenceEnds scores the model told where the written
// sentences end, as LabelWords is by a typed transcript's punctuation or by a
// recognizer that punctuates (Whisper): lowercase, and a sentencePause
// after each sentence.
func EvaluateWithSentenceEnds(m *Model, answers []LabeledAnswer) Eval {
	var eval Eval
	for _, a := range answers {
		tokens, gold := typedTokens(a, true)
		eval.Add(a.Name, gold, m.Segment(tokens))
	}
	return eval
}

// typedTokens are an answer's words as a recognizer would give them, with
// no pauses, or with a sentencePause after each written sentence.
func typedTokens(a LabeledAnswer, sentenceEnds bool) ([]Token, []Label) {
	words, gold, ends := a.Tokens()
	tokens := make([]Token, len(words))
	for i, w := range words {
		tokens[i].Text = w
		if sentenceEnds && i > 0 && ends[i-1] {
			tokens[i].Pause = sentencePause
		}
	}
	return tokens, gold
}

// CrossValidate trains on all but one of k folds and scores the held-out
// fold, for each fold in turn, and sums the scores. Answer i goes to fold
// i mod k, so the folds are the same on every run. Options are chosen by
// it on the training split; the test split only checks the result.
func CrossValidate(answers []LabeledAnswer, k int, opt TrainOptions) Eval {
	fold := make([]int, len(answers))
	for i := range answers {
		fold[i] = i % k
	}
	return crossValidate(answers, fold, k, opt)
}

// CrossValidateSeries holds out one series of answers at a time (see
// Series): answers of one series were written together, in one voice and
// often to one pattern of shapes, so holding a whole series out asks what
// the test split asks, how well the model does on answers told by someone
// else. It returns the summed scores and the number of folds.
func CrossValidateSeries(answers []LabeledAnswer, opt TrainOptions) (Eval, int) {
	index := map[string]int{}
	fold := make([]int, len(answers))
	for i, a := range answers {
		s := Series(a.Name)
		if _, ok := index[s]; !ok {
			index[s] = len(index)
		}
		fold[i] = index[s]
	}
	return crossValidate(answers, fold, len(index), opt), len(index)
}

// Series names the batch an answer file belongs to by its number: the
// corpus's first batches are numbered 01 to 09, one number per batch
// across the principles, and later batches 11 to 19, 21 to 29 and so on,
// one tens per batch. "ownership-04.txt" is series "4", "frugality-23.txt"
// series "20".
func Series(name string) string {
	name = strings.TrimSuffix(name, ".txt")
	num := name[strings.LastIndex(name, "-")+1:]
	n, err := strconv.Atoi(num)
	switch {
	case err != nil:
		return num
	case n < 10:
		return strconv.Itoa(n)
	}
	return strconv.Itoa(n / 10 * 10)
}

// eachAtOnce calls f(0) to f(n-1), as many at once as there are CPUs,
// and returns when all have.
func eachAtOnce(n int, f func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}

func crossValidate(answers []LabeledAnswer, fold []int, k int, opt TrainOptions) Eval {
	evals := make([]Eval, k)
	eachAtOnce(k, func(f int) {
		var train, held []LabeledAnswer
		for i, a := range answers {
			if fold[i] == f {
				held = append(held, a)
			} else {
				train = append(train, a)
			}
		}
		evals[f], _ = Evaluate(Train(train, opt), held)
	})
	var sum Eval
	for _, e := range evals {
		sum.merge(&e)
	}
	return sum
}

func (e *Eval) merge(o *Eval) {
	e.Answers += o.Answers
	e.Words += o.Words
	e.Correct += o.Correct
	for l := range numLabels {
		e.Predicted[l] += o.Predicted[l]
		e.Gold[l] += o.Gold[l]
		e.Both[l] += o.Both[l]
	}
	e.GoldMissing += o.GoldMissing
	e.MissingFound += o.MissingFound
	e.GoldPresent += o.GoldPresent
	e.MissingFalseAlm += o.MissingFalseAlm
	e.Boundaries += o.Boundaries
	e.BoundaryOffBy += o.BoundaryOffBy
	e.PerAnswerWorst = append(e.PerAnswerWorst, o.PerAnswerWorst...)
}
