package star

import "math"

// A decoder state is a label, the set of labels told so far (a bit mask
// that includes the label) and, while a run is shorter than minRun, its
// length less one.
const numSets = 1 << numLabels

// decode finds the best label sequence where every run of one label is at
// least minRun long (except a run cut short by the end of the answer).
func decode(sc scores, st *structure, minRun int) []int {
	if st.Length.Weight == 0 || len(sc.emit) > maxLengthScored {
		return viterbi(sc, st, minRun)
	}
	return decodeParts(sc, st, minRun)
}

// finish adds to v, the score of an answer whose last part is l with the
// labels of set told, the scores of ending on l and of the parts never told.
func (st *structure) finish(v float64, l, set int) float64 {
	v += st.End[l]
	for m := range numLabels {
		if set&(1<<m) == 0 {
			v += st.Missing[m]
		}
	}
	return v
}

// maxLengthScored is the longest answer, in words, decoded with the length
// score: decodeParts takes time in the square of the length (see
// BenchmarkDecode), and 1000 words are about seven minutes of speech,
// more than twice any level's target. Longer ones are decoded word by
// word without it.
const maxLengthScored = 1000

// viterbi is decode without the length score, word by word.
func viterbi(sc scores, st *structure, minRun int) []int {
	n := len(sc.emit)
	if n == 0 {
		return nil
	}
	minRun = max(minRun, 1)
	states := numLabels * numSets * minRun
	id := func(l, set, k int) int { return (l*numSets+set)*minRun + k }
	neg := math.Inf(-1)
	best := filled(states, neg)
	next := make([]float64, states)
	back := make([]int32, n*states)
	for l := range numLabels {
		best[id(l, 1<<l, 0)] = st.Start[l] + sc.emit[0][l]
	}
	for i := 1; i < n; i++ {
		bk := back[i*states : (i+1)*states]
		for s := range next {
			next[s] = neg
		}
		e := &sc.emit[i]
		for from, v := range best {
			if v == neg {
				continue
			}
			k := from % minRun
			set := from / minRun % numSets
			l := from / minRun / numSets
			if k < minRun-1 { // still inside the minimum run
				to := from + 1
				if x := v + st.Trans[l][l] + e[l]; x > next[to] {
					next[to], bk[to] = x, int32(from)
				}
				continue
			}
			if x := v + st.Trans[l][l] + e[l]; x > next[from] {
				next[from], bk[from] = x, int32(from)
			}
			for l2 := range numLabels {
				if l2 == l {
					continue
				}
				x := v + st.Trans[l][l2] + e[l2] + sc.enter[i][l2]
				if set&(1<<l2) != 0 {
					x += st.Return[l][l2]
				}
				to := id(l2, set|1<<l2, 0)
				if x > next[to] {
					next[to], bk[to] = x, int32(from)
				}
			}
		}
		best, next = next, best
	}
	end, endScore := 0, neg
	for s, v := range best {
		if v == neg {
			continue
		}
		v = st.finish(v, s/minRun/numSets, s/minRun%numSets)
		if v > endScore {
			end, endScore = s, v
		}
	}
	path := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		path[i] = end / minRun / numSets
		end = int(back[i*states+end])
	}
	return path
}

// decodeParts is decode with the length score: a Viterbi over parts (a
// semi-Markov model) rather than words, as a part's length is known only
// when the part is whole. Without the length score it finds the same
// labels as viterbi.
func decodeParts(sc scores, st *structure, minRun int) []int {
	n := len(sc.emit)
	if n == 0 {
		return nil
	}
	d := newPartDecoder(sc, st, max(minRun, 1))
	for j := 1; j <= n; j++ {
		if i := j - 1; i > 0 { // the parts ending before word i are all scored
			d.enterParts(i)
		}
		d.endParts(j)
	}
	return d.path()
}

// partDecoder holds the tables of decodeParts over an answer of n words.
// A state is a label and the set of labels told so far, including it.
type partDecoder struct {
	sc     scores
	st     *structure
	n      int
	minRun int
	// length[l][k] scores a part of l, k words long.
	length [numLabels][]float64
	// stay[i][l] sums the scores of the words before i as words of l that
	// follow a word of l.
	stay [][numLabels]float64
	// sets[l] lists the sets that include l (see setSlot).
	sets [numLabels][]int
	// open[l][k][n-i] is the best score of entering a part of l on word i
	// with the set sets[l][k], less stay[i][l], so a part's score is open
	// plus stay at its end plus its length's score. (open runs backwards
	// so that the search over where a part ending on a word starts reads
	// it and length in the same direction.) reach[l][k][n-i] is the best
	// of open[l][k] on words 1 to i: the search stops once no earlier
	// start can do better (see endParts).
	open, reach [numLabels][][]float64
	// Past peak[l] words, a part of l scores less the longer it is.
	peak [numLabels]int
	// done[j] holds the best scores of the words before j ending with a
	// whole part, and began the word each such part starts on. came[i] is
	// the back pointer of a part entered on word i: label<<numLabels | set.
	done  [][numLabels][numSets]float64
	began [][numLabels][numSets]int32
	came  [][numLabels][numSets]uint8
}

func newPartDecoder(sc scores, st *structure, minRun int) *partDecoder {
	n := len(sc.emit)
	d := &partDecoder{sc: sc, st: st, n: n, minRun: minRun, length: st.Length.table(n)}
	d.stay = make([][numLabels]float64, n+1)
	for i := range n {
		for l := range numLabels {
			d.stay[i+1][l] = d.stay[i][l] + sc.emit[i][l] + st.Trans[l][l]
		}
	}
	neg := math.Inf(-1)
	for l := range numLabels {
		for set := 1; set < numSets; set++ {
			if set&(1<<l) != 0 {
				d.sets[l] = append(d.sets[l], set)
				d.open[l] = append(d.open[l], filled(n+1, neg))
				d.reach[l] = append(d.reach[l], filled(n+1, neg))
			}
		}
		k := n
		for k > 1 && d.length[l][k-1] >= d.length[l][k] {
			k--
		}
		d.peak[l] = k
	}
	d.done = make([][numLabels][numSets]float64, n+1)
	d.began = make([][numLabels][numSets]int32, n+1)
	d.came = make([][numLabels][numSets]uint8, n+1)
	for j := range d.done {
		for l := range numLabels {
			for set := range numSets {
				d.done[j][l][set] = neg
			}
		}
	}
	return d
}

// setSlot is set's index in partDecoder.sets[l].
func setSlot(l, set int) int {
	lower := set & (1<<l - 1)
	return lower | (set>>(l+1))<<l
}

// enterParts scores entering a part on word i after each whole part
// that ends before it.
func (d *partDecoder) enterParts(i int) {
	n, st, stay := d.n, d.st, d.stay
	for l, byset := range d.done[i] {
		for set, v := range byset {
			if v == math.Inf(-1) {
				continue
			}
			for l2 := range numLabels {
				if l2 == l {
					continue
				}
				x := v + st.Trans[l][l2] + d.sc.enter[i][l2] - stay[i][l2]
				if set&(1<<l2) != 0 {
					x += st.Return[l][l2]
				}
				to := set | 1<<l2
				if k := setSlot(l2, to); x > d.open[l2][k][n-i] {
					d.open[l2][k][n-i], d.came[i][l2][to] = x, uint8(l<<numLabels|set)
				}
			}
		}
	}
	for l := range numLabels {
		for k := range d.sets[l] {
			d.reach[l][k][n-i] = max(d.open[l][k][n-i], d.reach[l][k][n-i+1])
		}
	}
}

// endParts finds, for each state, the best whole part ending before
// word j.
func (d *partDecoder) endParts(j int) {
	n, st := d.n, d.st
	last := j - d.minRun // the latest word a part ending here may start on
	if j == n {
		last = j - 1
	}
	if last < 0 {
		return
	}
	shortest := j - last // words in the shortest part ending here
	for l := range numLabels {
		end := d.stay[j][l] - st.Trans[l][l]
		d.done[j][l][1<<l] = st.Start[l] + end + d.length[l][j]
		lengths := d.length[l][shortest:j] // of parts starting on words last down to 1
		// A part starting on word last-t or earlier scores no more
		// than reach there plus the best length's score from t on:
		// that of the peak until t passes it, then t's own.
		top := min(max(d.peak[l]-shortest, 0), len(lengths)-1)
		for k, set := range d.sets[l] {
			o := d.open[l][k][n-last : n]
			o = o[:len(lengths)]
			r := d.reach[l][k][n-last : n]
			best, at := math.Inf(-1), 0
			for t, x := range o {
				if best >= r[t]+lengths[max(t, top)] {
					break
				}
				if x += lengths[t]; x > best {
					best, at = x, t
				}
			}
			if x := best + end; x > d.done[j][l][set] {
				d.done[j][l][set], d.began[j][l][set] = x, int32(last-at)
			}
		}
	}
}

// path is the best labeling: the best whole answer, traced back part by
// part.
func (d *partDecoder) path() []int {
	n := d.n
	bestL, bestSet, bestScore := 0, 0, math.Inf(-1)
	for l, byset := range d.done[n] {
		for set, v := range byset {
			if v == math.Inf(-1) {
				continue
			}
			v = d.st.finish(v, l, set)
			if v > bestScore {
				bestL, bestSet, bestScore = l, set, v
			}
		}
	}
	path := make([]int, n)
	for j, l, set := n, bestL, bestSet; j > 0; {
		i := int(d.began[j][l][set])
		for k := i; k < j; k++ {
			path[k] = l
		}
		if i > 0 {
			c := int(d.came[i][l][set])
			l, set = c>>numLabels, c&(numSets-1)
		}
		j = i
	}
	return path
}

// filled returns n copies of x.
func filled(n int, x float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	return s
}
