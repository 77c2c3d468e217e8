package star

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The decoder, with the shipped model's shape scores, follows word
// evidence as clear as an ordinary answer's into any order of parts:
// result first, a part left out, a return to the situation. And it keeps
// every run at least MinRun words long.
func TestDecodeShapes(t *testing.T) {
	m := defaultModel(t)
	// Evidence only as clear as the least clear tenth of the words of an
	// ordinary answer: the margin between the shipped model's best and
	// second-best label there, counting the score of staying in a label
	// (Trans[l][l]), which acts on every word like the word's own score.
	tokens := textTokens(shapeAnswers[0].text)
	starts := m.Sentence.Starts(tokens)
	emit, enter := wordFeatures(tokens, starts)
	first := make([]scores, len(m.Views))
	for v := range m.Views {
		first[v] = m.Views[v].scores(emit, enter)
	}
	var margins []float64
	for _, e := range m.Stack.combine(m.Stack.inputs(first, starts)).emit {
		s := append([]float64(nil), e[:]...)
		for l := range s {
			s[l] += m.Stack.Trans[l][l]
		}
		sort.Float64s(s)
		margins = append(margins, s[numLabels-1]-s[numLabels-2])
	}
	sort.Float64s(margins)
	margin := margins[len(margins)/10]
	t.Logf("word evidence margin %.1f", margin)
	tests := []struct{ runs, want string }{
		{"S8 T8 A20 R8 F8", "STARF"},
		{"R10 S10 T8 A20 F8", "RSTAF"},
		{"S10 A20 R8 F8", "SARF"},
		{"S10 T8 A10 S10 A10 R8 F8", "STASARF"},
		{"S8 T8 A20 R8", "STAR"},
		{"S10 A10 T2 A10 R8", "SAR"}, // two words are too few for a part
	}
	for _, tt := range tests {
		var labels []int
		for _, run := range strings.Fields(tt.runs) {
			n, _ := strconv.Atoi(run[1:])
			for range n {
				labels = append(labels, strings.IndexByte("STARF", run[0]))
			}
		}
		sc := newScores(len(labels))
		for i, l := range labels {
			for k := range numLabels {
				sc.emit[i][k] = -m.Stack.Trans[k][k]
			}
			sc.emit[i][l] += margin
		}
		path := decode(sc, &m.Stack.structure, m.MinRun)
		got := make([]Label, len(path))
		for i, l := range path {
			got[i] = Labels[l]
		}
		if s := shape(got); s != tt.want {
			t.Errorf("decode(%s) with margin %.1f: shape %s, want %s", tt.runs, margin, s, tt.want)
		}
	}
}

// Decoding part by part finds what decoding word by word finds when
// part lengths score nothing, on the shipped shape scores and random word
// scores as large as real ones; with the length score it keeps every part
// at least MinRun words long.
func TestDecodePartsMatchesViterbi(t *testing.T) {
	m := defaultModel(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 40 {
		n := 1 + rng.IntN(120)
		sc := newScores(n)
		for i := range n {
			for l := range numLabels {
				sc.emit[i][l] = rng.NormFloat64() * 1000
				sc.enter[i][l] = rng.NormFloat64()*2000 - 3000
			}
		}
		st := m.Stack.structure
		st.Length.Weight = 0
		want, got := viterbi(sc, &st, m.MinRun), decodeParts(sc, &st, m.MinRun)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d, %d words: part by part %v, word by word %v", trial, n, got, want)
		}
		st.Length.Weight = m.Stack.Length.Weight
		path := decodeParts(sc, &st, m.MinRun)
		for i := 0; i < n; {
			j := i
			for j < n && path[j] == path[i] {
				j++
			}
			if j-i < m.MinRun && j-i != n && j != n {
				t.Fatalf("trial %d: a part of %d words at %d: %v", trial, j-i, i, path)
			}
			i = j
		}
	}
}

// With the length score, decoding part by part finds the best-scoring
// labels of all ways of cutting the words into labeled parts, as found by
// trying every next part from every word. Half the trials use the model's
// part lengths, half lengths that peak late (a part best at most of the
// answer), where stopping the search over a part's start too early would
// miss the best.
func TestDecodePartsBest(t *testing.T) {
	m := defaultModel(t)
	const minRun = 2
	rng := rand.New(rand.NewPCG(4, 5))
	for trial := range 40 {
		n := []int{13, 60}[trial%4/2]
		st := m.Stack.structure
		st.Length.Weight = []float64{300, 2000}[trial%8/4]
		if trial%2 == 1 {
			for l := range numLabels {
				st.Length.Mean[l] = math.Log(0.2 * float64(l+1))
				st.Length.SD[l] = 0.4
			}
		}
		sc := newScores(n)
		for i := range n {
			for l := range numLabels {
				sc.emit[i][l] = rng.NormFloat64() * 1000
				sc.enter[i][l] = rng.NormFloat64() * 1000
			}
		}
		length := st.Length.table(n)
		// part scores a part of l on words i to j after a part of prev
		// (-1 for none), with set the labels told before it.
		part := func(prev, l, i, j, set int) float64 {
			v := length[l][j-i] + float64(j-i-1)*st.Trans[l][l]
			for k := i; k < j; k++ {
				v += sc.emit[k][l]
			}
			if prev < 0 {
				return v + st.Start[l]
			}
			v += st.Trans[prev][l] + sc.enter[i][l]
			if set&(1<<l) != 0 {
				v += st.Return[prev][l]
			}
			return v
		}
		finish := func(l, set int) float64 {
			v := st.End[l]
			for m := range numLabels {
				if set&(1<<m) == 0 {
					v += st.Missing[m]
				}
			}
			return v
		}
		// rest is the best score of the words from i on, after a part of
		// prev with the labels of set told.
		memo := map[[3]int]float64{}
		var rest func(i, prev, set int) float64
		rest = func(i, prev, set int) float64 {
			if i == n {
				return finish(prev, set)
			}
			key := [3]int{i, prev, set}
			if v, ok := memo[key]; ok {
				return v
			}
			best := math.Inf(-1)
			for l := range numLabels {
				for j := i + 1; j <= n && l != prev; j++ {
					if j-i >= minRun || j == n {
						best = max(best, part(prev, l, i, j, set)+rest(j, l, set|1<<l))
					}
				}
			}
			memo[key] = best
			return best
		}
		best := rest(0, -1, 0)
		got := decodeParts(sc, &st, minRun)
		v, prev, set := 0.0, -1, 0
		for i := 0; i < n; {
			j := i
			for j < n && got[j] == got[i] {
				j++
			}
			if j-i < minRun && j < n {
				t.Fatalf("trial %d: decodeParts found %v, with a part of %d words", trial, got, j-i)
			}
			v += part(prev, got[i], i, j, set)
			prev, set, i = got[i], set|1<<got[i], j
		}
		if v += finish(prev, set); math.Abs(v-best) > 1e-6 {
			t.Fatalf("trial %d, %d words: decodeParts found %v scoring %.3f, the best scores %.3f", trial, n, got, v, best)
		}
	}
}

// BenchmarkDecode compares decoding word by word (viterbi, what an answer
// still being told gets) with part by part under the length score
// (decodeParts, a finished answer), on random word scores, at an answer's
// length and at maxLengthScored.
func BenchmarkDecode(b *testing.B) {
	m := defaultModel(b)
	for _, n := range []int{450, maxLengthScored} {
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		sc := newScores(n)
		for i := range n {
			for l := range numLabels {
				sc.emit[i][l] = rng.NormFloat64() * 1000
				sc.enter[i][l] = rng.NormFloat64()*2000 - 3000
			}
		}
		for _, d := range []struct {
			name   string
			decode func(scores, *structure, int) []int
		}{{"words", viterbi}, {"parts", decodeParts}} {
			b.Run(fmt.Sprintf("%s-%d", d.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					d.decode(sc, &m.Stack.structure, m.MinRun)
				}
			})
		}
	}
}
