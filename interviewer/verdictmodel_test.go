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

// verdictExample is a training answer as the model sees it.
type verdictExample struct {
	name  string
	round int
	x     [lensCount]float64
	step  int
	rb    *rubric
}

// verdictExamples reads the training answers no decider settles: those
// the model's step decides.
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
		if rb.disqualified() {
			continue
		}
		out = append(out, verdictExample{v.Name, verdictRound(v.Name), verdictFeatures(rb, p), v.Step(), rb})
	}
	return out
}

func fitOn(ex []verdictExample, keep func(verdictExample) bool, l2 float64) verdictModel {
	var xs [][lensCount]float64
	var ys []int
	for _, e := range ex {
		if keep(e) {
			xs = append(xs, e.x)
			ys = append(ys, e.step)
		}
	}
	return fitVerdictModel(xs, ys, l2)
}

// TestVerdictModel: the shipped model is what the fit on the training
// answers gives, and the fit's agreement on answers of a round of authors
// it was not fitted on (each round held out in turn) is logged for the
// weight decays tried, the figure the decay was chosen by.
func TestVerdictModel(t *testing.T) {
	ex := verdictExamples(t)
	m := fitOn(ex, func(verdictExample) bool { return true }, verdictModelL2)
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
	rounds := map[int]bool{}
	for _, e := range ex {
		rounds[e.round] = true
	}
	for _, l2 := range []float64{0.01, 0.03, 0.1, 0.3, 1} {
		exact, n := 0, 0
		for round := range rounds {
			held := fitOn(ex, func(e verdictExample) bool { return e.round != round }, l2)
			for _, e := range ex {
				if e.round == round {
					n++
					if max(1, held.step(held.score(e.x))) == e.step {
						exact++
					}
				}
			}
		}
		t.Logf("weight decay %.2f: the model's step on answers of a round it was not fitted on: %d/%d = %.2f", l2, exact, n, float64(exact)/float64(n))
	}
}
