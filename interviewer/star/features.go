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
	class := make([]string, n)
	for i := range tokens {
		class[i] = wordClass(tokens[i].Text)
	}
	cls := func(i int) string {
		if i < 0 || i >= n {
			return word(i)
		}
		return class[i]
	}
	cue := cueStarts(tokens)
	// The two-word phrase starting on each word, named once as a feature
	// of the words after it and once of the words before it: each is used
	// by up to 2*phraseBag words.
	phraseL, phraseR := make([]string, max(n-1, 0)), make([]string, max(n-1, 0))
	for j := range phraseL {
		p := tokens[j].Text + "_" + tokens[j+1].Text
		phraseL[j], phraseR[j] = "wpbL="+p, "wpbR="+p
	}
	emit = make([][]string, n)
	enter = make([][]string, n)
	for i := range tokens {
		w0, wl1, wl2, wr1, wr2 := word(i), word(i-1), word(i-2), word(i+1), word(i+2)
		pos := strconv.Itoa(10 * i / n)
		sp := strconv.Itoa(int(sentStart[i] * 4.999))
		fs := make([]string, 0, 256)
		fs = append(fs, "bias",
			"w0="+w0, "w-1="+wl1, "w+1="+wr1, "w-2="+wl2, "w+2="+wr2,
			"wb-2="+wl2+"_"+wl1, "wb-1="+wl1+"_"+w0, "wb0="+w0+"_"+wr1, "wb+1="+wr1+"_"+wr2,
			"wt-2="+wl2+"_"+wl1+"_"+w0, "wt-1="+wl1+"_"+w0+"_"+wr1, "wt0="+w0+"_"+wr1+"_"+wr2,
			"pos="+pos,
			"from="+bucket(i, 8, 25, 60, 120),
			"left="+bucket(n-1-i, 8, 25, 60, 120),
			"c0="+class[i]+"|pos="+pos,
			"c-1c0="+cls(i-1)+"_"+class[i], "c0c+1="+class[i]+"_"+cls(i+1),
			"sp="+sp,
		)
		if len(w0) > 3 {
			fs = append(fs, "wsuf="+w0[len(w0)-2:])
		}
		for _, r := range bags {
			name := "wbag" + strconv.Itoa(r)
			for j := max(0, i-r); j <= min(n-1, i+r); j++ {
				if j < i {
					fs = append(fs, name+"L="+tokens[j].Text)
				} else if j > i {
					fs = append(fs, name+"R="+tokens[j].Text)
				}
			}
		}
		// Two-word phrases near the word, on either side: "had to",
		// "my job", "went from" wherever they sit within phraseBag words,
		// learned from the corpus rather than listed as cues. Held out by
		// series: 0.940 against 0.936.
		for j := max(0, i-phraseBag); j < min(n-1, i+phraseBag); j++ {
			if j+1 < i {
				fs = append(fs, phraseL[j])
			} else if j > i {
				fs = append(fs, phraseR[j])
			}
		}
		for _, r := range cueWindows {
			name := "cue" + strconv.Itoa(r)
			for j := max(0, i-r); j <= min(n-1, i+r); j++ {
				side := "L="
				if j > i {
					side = "R="
				}
				for _, c := range cue[j] {
					fs = append(fs, name+side+c)
				}
			}
		}
		// How many words of each class lie on either side.
		var counts [2]map[string]int
		counts[0], counts[1] = map[string]int{}, map[string]int{}
		for j := max(0, i-10); j <= min(n-1, i+10); j++ {
			side := 0
			if j > i {
				side = 1
			}
			counts[side][class[j]]++
		}
		for side, m := range counts {
			for _, c := range classNames {
				if k := m[c]; k > 0 {
					fs = append(fs, "cb"+strconv.Itoa(side)+"="+c+bucket(k, 2, 4))
				}
			}
		}
		nums, singular, plural := 0, 0, 0
		for j := max(0, i-4); j <= min(n-1, i+4); j++ {
			switch class[j] {
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
		fs = append(fs, "i-near="+bucket(singular, 1, 2), "plural-near="+bucket(plural, 1, 2))
		if tokens[i].Pause >= pauseSeconds {
			fs = append(fs, "pause", "wpause+w0="+w0, "wpause+b0="+w0+"_"+wr1)
		}
		if i+1 < n && tokens[i+1].Pause >= pauseSeconds {
			fs = append(fs, "pause-after")
		}
		emit[i] = fs

		es := []string{"bias", "w0=" + w0, "w-1=" + wl1, "wb0=" + w0 + "_" + wr1,
			"wb-1=" + wl1 + "_" + w0, "c0=" + class[i], "c-1=" + cls(i-1), "pos=" + pos, "sp=" + sp}
		if tokens[i].Pause >= pauseSeconds {
			es = append(es, "pause")
		}
		for _, c := range cue[i] {
			es = append(es, "cue="+c)
		}
		enter[i] = es
	}
	return emit, enter
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
