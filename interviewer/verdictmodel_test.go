package interviewer

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var showVerdictModel = flag.Bool("show-verdict-model", false, "print the verdict model fitted on testdata/verdicts/train, to paste into verdictmodel.go")

// verdictRound is the round of authors a labeled answer was written in,
// read from its number (testdata/verdicts/README.md, "Split rule").
func verdictRound(name string) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(name[strings.LastIndex(name, "-")+1:], ".txt"))
	for round, upTo := range []int{50, 60, 70, 80, 90} {
		if n <= upTo {
			return round
		}
	}
	return 5
}

// verdictExample is a training answer as the verdict reads it.
type verdictExample struct {
	name  string
	round int
	x     [lensCount]float64
	step  int
	rb    *rubric
	// question and principle are the question's text and its
	// principle's name, as the verdict is given them.
	question, principle string
	// decided: a decider (off the question, a hand-off left with the
	// other team) settles the step, not the model.
	decided bool
}

// verdictExamples reads every training answer for the verdict.
func verdictExamples(t *testing.T) []verdictExample {
	t.Helper()
	bank, analyzer := verdictTools(t)
	answers, err := LoadVerdicts(filepath.Join(verdictDir, "train"))
	if err != nil {
		t.Fatal(err)
	}
	var out []verdictExample
	for _, v := range answers {
		r, err := judgeLabeled(bank, analyzer, v)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := bank.Question(v.QuestionID)
		p := bank.PrincipleOf(q)
		rb := readRubric(r, p)
		out = append(out, verdictExample{v.Name, verdictRound(v.Name), verdictFeatures(rb, p), v.Step(), rb, r.Question, r.Principle, rb.disqualified()})
	}
	return out
}

// fitOn fits the model to the examples kept that no decider settles.
func fitOn(ex []verdictExample, keep func(verdictExample) bool, l2 float64) verdictModel {
	var xs [][lensCount]float64
	var ys []int
	for _, e := range ex {
		if keep(e) && !e.decided {
			xs = append(xs, e.x)
			ys = append(ys, e.step)
		}
	}
	return fitVerdictModel(xs, ys, l2)
}

// agreement is how many of the examples kept the whole verdict, with
// model m, puts on their labeled step.
func agreement(ex []verdictExample, keep func(verdictExample) bool, m verdictModel) int {
	n := 0
	for _, e := range ex {
		if !keep(e) {
			continue
		}
		if step, _ := e.rb.decide(m, e.x, e.question, e.principle); step == e.step {
			n++
		}
	}
	return n
}

// tuneCuts sets the model's two upper cuts where the whole verdict agrees
// with the examples kept most often: every pair on a grid of 0.05 is
// tried, and of the pairs that tie for the most, the one nearest their
// mean is taken, the middle of the best region rather than its edge.
func tuneCuts(ex []verdictExample, keep func(verdictExample) bool, m verdictModel) verdictModel {
	type pair struct{ lo, hi float64 }
	var best []pair
	most := -1
	for i := range 31 {
		lo := -0.5 + 0.05*float64(i)
		for j := range 41 {
			hi := 1 + 0.05*float64(j)
			if hi < lo {
				continue
			}
			c := m
			c.cuts[1], c.cuts[2] = lo, hi
			switch n := agreement(ex, keep, c); {
			case n > most:
				most, best = n, []pair{{lo, hi}}
			case n == most:
				best = append(best, pair{lo, hi})
			}
		}
	}
	var mean pair
	for _, b := range best {
		mean.lo += b.lo / float64(len(best))
		mean.hi += b.hi / float64(len(best))
	}
	near := best[0]
	for _, b := range best {
		if math.Hypot(b.lo-mean.lo, b.hi-mean.hi) < math.Hypot(near.lo-mean.lo, near.hi-mean.hi) {
			near = b
		}
	}
	m.cuts[1], m.cuts[2] = near.lo, near.hi
	return m
}

// TestVerdictModel: the shipped model is what the fit on the training
// answers gives, its upper cuts tuned for the whole verdict; and the
// agreement of the whole verdict on answers of a round of authors the
// model was neither fitted nor tuned on (each round held out in turn) is
// logged for the weight decays tried, the figure the decay was chosen by,
// with the fitted cuts and with the tuned ones.
func TestVerdictModel(t *testing.T) {
	ex := verdictExamples(t)
	all := func(verdictExample) bool { return true }
	m := tuneCuts(ex, all, fitOn(ex, all, verdictModelL2))
	if *showVerdictModel {
		fmt.Printf("coef: [lensCount]float64{%.4g, %.4g, %.4g, %.4g, %.4g},\ncuts: [3]float64{%.4g, %.4g, %.4g},\n",
			m.coef[0], m.coef[1], m.coef[2], m.coef[3], m.coef[4], m.cuts[0], m.cuts[1], m.cuts[2])
	}
	for i := range m.coef {
		if math.Abs(m.coef[i]-shippedVerdictModel.coef[i]) > 0.002 {
			t.Errorf("coefficient of %s: fitted %.4f, shipped %.4f (-show-verdict-model prints the fit)", lensNames[i], m.coef[i], shippedVerdictModel.coef[i])
		}
	}
	for j := range m.cuts {
		if math.Abs(m.cuts[j]-shippedVerdictModel.cuts[j]) > 0.002 {
			t.Errorf("cut %d: fitted %.4f, shipped %.4f (-show-verdict-model prints the fit)", j, m.cuts[j], shippedVerdictModel.cuts[j])
		}
	}
	t.Logf("the whole verdict on the training answers: %d/%d with the fitted cuts, %d/%d with the tuned ones",
		agreement(ex, all, fitOn(ex, all, verdictModelL2)), len(ex), agreement(ex, all, m), len(ex))
	rounds := map[int]bool{}
	for _, e := range ex {
		rounds[e.round] = true
	}
	for _, l2 := range []float64{0.01, 0.03, 0.1, 0.3, 1} {
		fitted, tuned, n := 0, 0, 0
		for round := range rounds {
			others := func(e verdictExample) bool { return e.round != round }
			this := func(e verdictExample) bool { return e.round == round }
			held := fitOn(ex, others, l2)
			fitted += agreement(ex, this, held)
			tuned += agreement(ex, this, tuneCuts(ex, others, held))
			for _, e := range ex {
				if this(e) {
					n++
				}
			}
		}
		t.Logf("weight decay %.2f: the whole verdict on answers of a round it was not fitted on: %d/%d = %.2f with the fitted cuts, %d/%d = %.2f with cuts tuned on the other rounds",
			l2, fitted, n, float64(fitted)/float64(n), tuned, n, float64(tuned)/float64(n))
	}
}
