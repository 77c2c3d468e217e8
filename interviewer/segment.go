package interviewer

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

const numLabels = len(Labels)

// Token is one spoken word as the segmenter sees it.
type Token struct {
	Text string
	// Pause is the silence before the word in seconds; 0 when unknown (a
	// typed transcript). Speakers pause between sentences, and a new part
	// of the story starts with a new sentence.
	Pause float64
}

// SegmentModel is a linear model over word features with transition
// scores between labels, decoded with Viterbi under a minimum run length.
// It is trained by TrainSegmentModel; the shipped weights are embedded.
type SegmentModel struct {
	Weights map[string][numLabels]float64 `json:"weights"`
	Trans   [numLabels][numLabels]float64 `json:"trans"`
	Start   [numLabels]float64            `json:"start"`
	// MinRun is the fewest words a part may have: no real part of a story
	// is one or two words long, and short flips are the classic error of
	// a word-by-word labeller.
	MinRun int `json:"min_run"`
}

//go:embed star_model.json
var shippedModel []byte

// DefaultSegmentModel loads the embedded, trained weights.
func DefaultSegmentModel() (*SegmentModel, error) {
	var m SegmentModel
	if err := json.Unmarshal(shippedModel, &m); err != nil {
		return nil, fmt.Errorf("embedded STAR model: %w", err)
	}
	if m.MinRun < 1 {
		m.MinRun = 1
	}
	return &m, nil
}

// Segment labels every token with a STAR part.
func (m *SegmentModel) Segment(tokens []Token) []Label {
	feats := Features(tokens)
	scores := make([][numLabels]float64, len(tokens))
	for i, fs := range feats {
		for _, f := range fs {
			if w, ok := m.Weights[f]; ok {
				for l := range numLabels {
					scores[i][l] += w[l]
				}
			}
		}
	}
	path := viterbi(scores, &m.Trans, &m.Start, m.MinRun)
	out := make([]Label, len(path))
	for i, l := range path {
		out[i] = Labels[l]
	}
	return out
}

// viterbi finds the best label sequence where every run of one label is at
// least minRun long (except a run cut short by the end of the answer). Each
// label is expanded into minRun chained states; only the last one may loop
// or leave.
func viterbi(scores [][numLabels]float64, trans *[numLabels][numLabels]float64, start *[numLabels]float64, minRun int) []int {
	n := len(scores)
	if n == 0 {
		return nil
	}
	if minRun < 1 {
		minRun = 1
	}
	states := numLabels * minRun
	neg := math.Inf(-1)
	best := make([]float64, states)
	next := make([]float64, states)
	back := make([][]int32, n)
	for s := range best {
		best[s] = neg
	}
	for l := range numLabels {
		best[l*minRun] = start[l] + scores[0][l]
	}
	back[0] = make([]int32, states)
	for i := 1; i < n; i++ {
		back[i] = make([]int32, states)
		for s := range next {
			next[s] = neg
		}
		for from := range states {
			if best[from] == neg {
				continue
			}
			l, k := from/minRun, from%minRun
			if k < minRun-1 { // still inside the minimum run
				to := from + 1
				if v := best[from] + trans[l][l] + scores[i][l]; v > next[to] {
					next[to], back[i][to] = v, int32(from)
				}
				continue
			}
			for l2 := range numLabels {
				to := l2 * minRun
				if l2 == l {
					to = from
				}
				if v := best[from] + trans[l][l2] + scores[i][l2]; v > next[to] {
					next[to], back[i][to] = v, int32(from)
				}
			}
		}
		best, next = next, best
	}
	end := 0
	for s := range states {
		if best[s] > best[end] {
			end = s
		}
	}
	path := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		path[i] = end / minRun
		end = int(back[i][end])
	}
	return path
}

// Features names the evidence about each token's part: the words around
// it, short phrases, where it sits in the answer, pauses, numbers and
// pronouns nearby.
func Features(tokens []Token) [][]string {
	n := len(tokens)
	word := func(i int) string {
		if i < 0 {
			return "<s>"
		}
		if i >= n {
			return "</s>"
		}
		return tokens[i].Text
	}
	out := make([][]string, n)
	for i := range tokens {
		w0 := word(i)
		fs := make([]string, 0, 48)
		fs = append(fs, "bias",
			"w0="+w0, "w-1="+word(i-1), "w+1="+word(i+1), "w-2="+word(i-2), "w+2="+word(i+2),
			"b-2="+word(i-2)+"_"+word(i-1), "b-1="+word(i-1)+"_"+w0, "b0="+w0+"_"+word(i+1), "b+1="+word(i+1)+"_"+word(i+2),
			"t-2="+word(i-2)+"_"+word(i-1)+"_"+w0, "t-1="+word(i-1)+"_"+w0+"_"+word(i+1), "t0="+w0+"_"+word(i+1)+"_"+word(i+2),
			"pos="+strconv.Itoa(10*i/n),
			"from="+bucket(i, 8, 25, 60, 120),
			"left="+bucket(n-1-i, 8, 25, 60, 120),
		)
		if len(w0) > 3 {
			fs = append(fs, "suf="+w0[len(w0)-2:])
		}
		for j := max(0, i-8); j <= min(n-1, i+8); j++ {
			if j != i {
				side := "L"
				if j > i {
					side = "R"
				}
				fs = append(fs, "bag"+side+"="+tokens[j].Text)
			}
		}
		nums, firstSing, firstPlur := 0, 0, 0
		for j := max(0, i-4); j <= min(n-1, i+4); j++ {
			switch t := tokens[j].Text; {
			case isNumber(t):
				nums++
			case t == "i" || t == "my" || t == "me" || t == "i'd" || t == "i'm" || t == "i've":
				firstSing++
			case t == "we" || t == "our" || t == "us" || t == "we'd" || t == "we're":
				firstPlur++
			}
		}
		if nums > 0 {
			fs = append(fs, "num-near")
		}
		if isNumber(w0) {
			fs = append(fs, "num")
		}
		fs = append(fs, "i-near="+bucket(firstSing, 1, 2), "we-near="+bucket(firstPlur, 1, 2))
		if p := tokens[i].Pause; p >= 0.35 {
			fs = append(fs, "pause", "pause+w0="+w0, "pause+b0="+w0+"_"+word(i+1))
		}
		if i+1 < n && tokens[i+1].Pause >= 0.35 {
			fs = append(fs, "pause-after")
		}
		out[i] = fs
	}
	return out
}

// bucket names the first bound that v stays below, or "more".
func bucket(v int, bounds ...int) string {
	for _, b := range bounds {
		if v < b {
			return "<" + strconv.Itoa(b)
		}
	}
	return "more"
}

var numberWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`zero one two three four five six seven eight nine ten eleven twelve
		thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
		sixty seventy eighty ninety hundred thousand million billion percent half double triple
		twice thrice dozen dozens hundreds thousands millions k`) {
		m[w] = true
	}
	return m
}()

// isNumber reports whether a spoken word is, or is part of, a number:
// digits ("40", "8k", "2m") or number words ("eight", "thousand", "percent").
func isNumber(w string) bool {
	if numberWords[w] {
		return true
	}
	return w != "" && w[0] >= '0' && w[0] <= '9'
}
