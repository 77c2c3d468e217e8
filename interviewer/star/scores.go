package star

import "math"

// scores are the evidence for each label on each word: that the word
// belongs to it (emit) and that a part with that label starts on it
// (enter).
type scores struct {
	emit  [][numLabels]float64
	enter [][numLabels]float64
}

func newScores(n int) scores {
	return scores{make([][numLabels]float64, n), make([][numLabels]float64, n)}
}

// average makes each score the mean of its own and o's.
func (sc scores) average(o scores) {
	for i := range sc.emit {
		for l := range numLabels {
			sc.emit[i][l] = (sc.emit[i][l] + o.emit[i][l]) / 2
			sc.enter[i][l] = (sc.enter[i][l] + o.enter[i][l]) / 2
		}
	}
}

// scores gives the view's log probabilities of each word's part, and its
// log odds of each part against none starting on each word.
func (v *View) scores(emit, enter [][]string) scores {
	sc := newScores(len(emit))
	for i := range emit {
		for _, f := range emit[i] {
			if w, ok := v.Emit[f]; ok {
				addTo(&sc.emit[i], &w)
			}
		}
		for _, f := range enter[i] {
			if w, ok := v.Enter[f]; ok {
				addTo(&sc.enter[i], &w)
			}
		}
	}
	logSoftmax(sc.emit)
	return sc
}

func addTo(dst, w *[numLabels]float64) {
	for l := range numLabels {
		dst[l] += w[l]
	}
}

// logSoftmax turns each word's label scores into log probabilities.
func logSoftmax(s [][numLabels]float64) {
	for i := range s {
		top := s[i][0]
		for _, x := range s[i] {
			top = math.Max(top, x)
		}
		sum := 0.0
		for _, x := range s[i] {
			sum += math.Exp(x - top)
		}
		z := top + math.Log(sum)
		for l := range numLabels {
			s[i][l] -= z
		}
	}
}

// stackInputs are the second stage's inputs per word, in the layout of
// Stack.Smooth and Stack.Enter.
type stackInputs struct {
	smooth [][][numLabels]float64
	enter  [][][numLabels]float64
}

func (st *Stack) inputs(first []scores, starts []float64) stackInputs {
	n := len(starts)
	views := len(first)
	in := stackInputs{make([][][numLabels]float64, n), make([][][numLabels]float64, n)}
	for i := range n {
		in.smooth[i] = make([][numLabels]float64, numSmooth(views))
		in.enter[i] = make([][numLabels]float64, numEnter(views))
	}
	scale := st.Scale
	if scale == 0 {
		scale = 1
	}
	prefix := make([][numLabels]float64, n+1)
	for v, sc := range first {
		// prefix[i] sums the emit scores of the words before i.
		for i := range n {
			for l := range numLabels {
				prefix[i+1][l] = prefix[i][l] + sc.emit[i][l]/scale
			}
		}
		mean := func(a, b int) (m [numLabels]float64) { // of words a..b-1, clipped
			a, b = max(a, 0), min(b, n)
			if b <= a {
				return m
			}
			for l := range numLabels {
				m[l] = (prefix[b][l] - prefix[a][l]) / float64(b-a)
			}
			return m
		}
		at := v * (1 + len(contrastWindows))
		for i := range n {
			for k, w := range smoothWindows {
				in.smooth[i][v*len(smoothWindows)+k] = mean(i+w[0], i+w[1])
			}
			for l := range numLabels {
				in.enter[i][at][l] = sc.enter[i][l] / scale
			}
			for k, w := range contrastWindows {
				after, before := mean(i, i+w), mean(i-w, i)
				for l := range numLabels {
					in.enter[i][at+1+k][l] = after[l] - before[l]
				}
			}
		}
	}
	at := views * (1 + len(contrastWindows))
	for i := range n {
		for l := range numLabels {
			in.enter[i][at][l] = starts[i]
			in.enter[i][at+1][l] = logOdds(starts[i])
		}
	}
	return in
}

// logOdds is log(p/(1-p)), kept within about ±6.
func logOdds(p float64) float64 {
	p = min(max(p, 0.0025), 0.9975)
	return math.Log(p / (1 - p))
}

// combine weighs the inputs into the scores the decoder uses.
func (st *Stack) combine(in stackInputs) scores {
	n := len(in.smooth)
	sc := newScores(n)
	for i := range n {
		for l := range numLabels {
			v := 0.0
			for k, x := range in.smooth[i] {
				for m := range numLabels {
					v += st.Smooth[k][l][m] * x[m]
				}
			}
			sc.emit[i][l] = v
			e := 0.0
			for k, x := range in.enter[i] {
				e += st.Enter[k][l] * x[l]
			}
			sc.enter[i][l] = e
		}
	}
	return sc
}
