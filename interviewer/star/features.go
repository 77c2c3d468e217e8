package star

import "strconv"

// bags are the context windows whose words are features, by half-width.
var bags = [...]int{8, 25}

// phraseBag is the half-width of the window whose two-word phrases are
// features.
const phraseBag = 8

// cueWindows are the half-widths within which cue phrases are features.
var cueWindows = [...]int{3, 12, 30}

// wordFeatures names the evidence about each token's part (emit) and about
// a part starting on it (enter): the words around it, short phrases, word
// classes, cue phrases near it, where it sits in the answer, pauses and
// how likely a sentence starts there. Features about which words are
// spoken start with "w" (see inView).
func wordFeatures(tokens []Token, sentStart []float64) (emit, enter [][]string) {
	c := newWordContext(tokens)
	emit = make([][]string, len(tokens))
	enter = make([][]string, len(tokens))
	for i := range tokens {
		pos := strconv.Itoa(10 * i / len(tokens))
		sp := strconv.Itoa(int(sentStart[i] * 4.999))
		emit[i] = c.emitFeatures(i, pos, sp)
		enter[i] = c.enterFeatures(i, pos, sp)
	}
	return emit, enter
}

// wordContext is what the features of each word are read from: the
// tokens, their classes, the cue phrases starting on each, and the
// two-word phrase starting on each, named once as a feature of the words
// after it (phraseL) and once of the words before it (phraseR), as each
// is used by up to 2*phraseBag words.
type wordContext struct {
	tokens           []Token
	class            []string
	cue              [][]string
	phraseL, phraseR []string
}

func newWordContext(tokens []Token) *wordContext {
	n := len(tokens)
	c := &wordContext{tokens: tokens, class: make([]string, n), cue: cueStarts(tokens)}
	for i := range tokens {
		c.class[i] = wordClass(tokens[i].Text)
	}
	c.phraseL, c.phraseR = make([]string, max(n-1, 0)), make([]string, max(n-1, 0))
	for j := range c.phraseL {
		p := tokens[j].Text + "_" + tokens[j+1].Text
		c.phraseL[j], c.phraseR[j] = "wpbL="+p, "wpbR="+p
	}
	return c
}

func (c *wordContext) word(i int) string { return wordAt(c.tokens, i) }

// cls is the class of token i, or the boundary's name past either end.
func (c *wordContext) cls(i int) string {
	if i < 0 || i >= len(c.tokens) {
		return c.word(i)
	}
	return c.class[i]
}

// emitFeatures names the evidence about the part token i belongs to;
// pos is its tenth of the answer and sp its bucket of sentence-start
// probability.
func (c *wordContext) emitFeatures(i int, pos, sp string) []string {
	n := len(c.tokens)
	w0, wl1, wl2, wr1, wr2 := c.word(i), c.word(i-1), c.word(i-2), c.word(i+1), c.word(i+2)
	fs := make([]string, 0, 256)
	fs = append(fs, "bias",
		"w0="+w0, "w-1="+wl1, "w+1="+wr1, "w-2="+wl2, "w+2="+wr2,
		"wb-2="+wl2+"_"+wl1, "wb-1="+wl1+"_"+w0, "wb0="+w0+"_"+wr1, "wb+1="+wr1+"_"+wr2,
		"wt-2="+wl2+"_"+wl1+"_"+w0, "wt-1="+wl1+"_"+w0+"_"+wr1, "wt0="+w0+"_"+wr1+"_"+wr2,
		"pos="+pos,
		"from="+bucket(i, 8, 25, 60, 120),
		"left="+bucket(n-1-i, 8, 25, 60, 120),
		"c0="+c.class[i]+"|pos="+pos,
		"c-1c0="+c.cls(i-1)+"_"+c.class[i], "c0c+1="+c.class[i]+"_"+c.cls(i+1),
		"sp="+sp,
	)
	if len(w0) > 3 {
		fs = append(fs, "wsuf="+w0[len(w0)-2:])
	}
	fs = c.appendBags(fs, i)
	fs = c.appendCues(fs, i)
	fs = c.appendClassCounts(fs, i)
	if c.tokens[i].Pause >= pauseSeconds {
		fs = append(fs, "pause", "wpause+w0="+w0, "wpause+b0="+w0+"_"+wr1)
	}
	if i+1 < n && c.tokens[i+1].Pause >= pauseSeconds {
		fs = append(fs, "pause-after")
	}
	return fs
}

// enterFeatures names the evidence about a part starting on token i.
func (c *wordContext) enterFeatures(i int, pos, sp string) []string {
	w0, wl1, wr1 := c.word(i), c.word(i-1), c.word(i+1)
	es := []string{"bias", "w0=" + w0, "w-1=" + wl1, "wb0=" + w0 + "_" + wr1,
		"wb-1=" + wl1 + "_" + w0, "c0=" + c.class[i], "c-1=" + c.cls(i-1), "pos=" + pos, "sp=" + sp}
	if c.tokens[i].Pause >= pauseSeconds {
		es = append(es, "pause")
	}
	for _, cue := range c.cue[i] {
		es = append(es, "cue="+cue)
	}
	return es
}

// appendBags adds the words on either side of token i within each of
// bags, and the two-word phrases within phraseBag.
func (c *wordContext) appendBags(fs []string, i int) []string {
	n := len(c.tokens)
	for _, r := range bags {
		name := "wbag" + strconv.Itoa(r)
		for j := max(0, i-r); j <= min(n-1, i+r); j++ {
			if j < i {
				fs = append(fs, name+"L="+c.tokens[j].Text)
			} else if j > i {
				fs = append(fs, name+"R="+c.tokens[j].Text)
			}
		}
	}
	// Two-word phrases near the word, on either side: "had to", "my job",
	// "went from" wherever they sit within phraseBag words, learned from
	// the corpus rather than listed as cues. Held out by series: 0.940
	// against 0.936.
	for j := max(0, i-phraseBag); j < min(n-1, i+phraseBag); j++ {
		if j+1 < i {
			fs = append(fs, c.phraseL[j])
		} else if j > i {
			fs = append(fs, c.phraseR[j])
		}
	}
	return fs
}

// appendCues adds the cue phrases starting on either side of token i
// within each of cueWindows.
func (c *wordContext) appendCues(fs []string, i int) []string {
	n := len(c.tokens)
	for _, r := range cueWindows {
		name := "cue" + strconv.Itoa(r)
		for j := max(0, i-r); j <= min(n-1, i+r); j++ {
			side := "L="
			if j > i {
				side = "R="
			}
			for _, cue := range c.cue[j] {
				fs = append(fs, name+side+cue)
			}
		}
	}
	return fs
}

// appendClassCounts adds how many words of each class lie on either side
// of token i within 10 words, and whether numbers, "I" and "we" are
// within 4.
func (c *wordContext) appendClassCounts(fs []string, i int) []string {
	n := len(c.tokens)
	var counts [2]map[string]int
	counts[0], counts[1] = map[string]int{}, map[string]int{}
	for j := max(0, i-10); j <= min(n-1, i+10); j++ {
		side := 0
		if j > i {
			side = 1
		}
		counts[side][c.class[j]]++
	}
	for side, m := range counts {
		for _, cl := range classNames {
			if k := m[cl]; k > 0 {
				fs = append(fs, "cb"+strconv.Itoa(side)+"="+cl+bucket(k, 2, 4))
			}
		}
	}
	nums, singular, plural := 0, 0, 0
	for j := max(0, i-4); j <= min(n-1, i+4); j++ {
		switch c.class[j] {
		case "NUM":
			nums++
		case "I":
			singular++
		case "WE":
			plural++
		}
	}
	if nums > 0 {
		fs = append(fs, "num-near")
	}
	return append(fs, "i-near="+bucket(singular, 1, 2), "plural-near="+bucket(plural, 1, 2))
}

// wordAt is token i's word, or "<s>" before the first and "</s>" after
// the last.
func wordAt(tokens []Token, i int) string {
	if i < 0 {
		return "<s>"
	}
	if i >= len(tokens) {
		return "</s>"
	}
	return tokens[i].Text
}

// pauseSeconds is the silence that counts as a pause between sentences.
const pauseSeconds = 0.35

// bucket names the first bound that v stays below, or "more".
func bucket(v int, bounds ...int) string {
	for _, b := range bounds {
		if v < b {
			return "<" + strconv.Itoa(b)
		}
	}
	return "more"
}
