package pocketsphinx

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Sentence marks of an n-gram language model.
const (
	SentenceStart = "<s>"
	SentenceEnd   = "</s>"
)

// TrigramModel is a trigram language model with interpolated Kneser-Ney
// smoothing, built from text so that the embedded recognizer expects the
// words of interview answers. WriteARPA saves it in the ARPA text format
// PocketSphinx reads.
type TrigramModel struct {
	vocab []string // sorted; includes <s> and </s>
	// prob[n-1][gram] is the interpolated probability of the gram's last
	// word after the rest; backoff[n-1][context] the weight given to the
	// next lower order for words not seen after context.
	prob    [3]map[string]float64
	backoff [2]map[string]float64
}

// gramKey joins words with a space: the key of an n-gram.
func gramKey(words ...string) string { return strings.Join(words, " ") }

// BuildTrigramModel counts the sentences (each a list of lowercase words,
// without sentence marks) and smooths the counts with interpolated
// Kneser-Ney, one absolute discount per order estimated from the counts of
// counts.
func BuildTrigramModel(sentences [][]string) *TrigramModel {
	c := countGrams(sentences)
	m := &TrigramModel{vocab: c.vocab}
	for i := range m.prob {
		m.prob[i] = map[string]float64{}
	}
	for i := range m.backoff {
		m.backoff[i] = map[string]float64{}
	}
	m.estimateUnigrams(c)
	m.estimateBigrams(c)
	m.estimateTrigrams(c)
	return m
}

// gramCounts are the counts interpolated Kneser-Ney needs: plain counts for
// the highest order, continuation counts (how many different words come
// before) for the lower ones.
type gramCounts struct {
	vocab        []string       // sorted, with <s> and </s>
	tri          map[string]int // c(u v w)
	triContext   map[string]int // c(u v ·)
	triFollowers map[string]int // N1+(u v ·)
	biCont       map[string]int // N1+(· v w), or c(<s> w)
	biContext    map[string]int // sum over w of biCont[v w]
	biFollowers  map[string]int // distinct w after v
	uniCont      map[string]int // N1+(· w)
}

func countGrams(sentences [][]string) *gramCounts {
	c := &gramCounts{
		tri: map[string]int{}, triContext: map[string]int{}, triFollowers: map[string]int{},
		biCont: map[string]int{}, biContext: map[string]int{}, biFollowers: map[string]int{},
		uniCont: map[string]int{},
	}
	biRaw := map[string]int{} // c(v w)
	vocabSet := map[string]bool{SentenceStart: true, SentenceEnd: true}
	for _, s := range sentences {
		words := append(append([]string{SentenceStart}, s...), SentenceEnd)
		for _, w := range s {
			vocabSet[w] = true
		}
		for i := 1; i < len(words); i++ {
			biRaw[gramKey(words[i-1], words[i])]++
			if i < 2 {
				continue
			}
			k := gramKey(words[i-2], words[i-1], words[i])
			if c.tri[k] == 0 {
				c.triFollowers[gramKey(words[i-2], words[i-1])]++
			}
			c.tri[k]++
			c.triContext[gramKey(words[i-2], words[i-1])]++
		}
	}
	// Lower orders count contexts, not occurrences: a word that follows
	// many different words is a likely guess after a new one. Bigrams that
	// open a sentence have no left context and keep their plain counts.
	for k := range c.tri {
		f := strings.Fields(k)
		c.biCont[gramKey(f[1], f[2])]++
	}
	for k, n := range biRaw {
		if strings.HasPrefix(k, SentenceStart+" ") {
			c.biCont[k] = n
		}
	}
	for k, n := range c.biCont {
		f := strings.Fields(k)
		c.biContext[f[0]] += n
		c.biFollowers[f[0]]++
		c.uniCont[f[1]]++
	}
	for w := range vocabSet {
		c.vocab = append(c.vocab, w)
	}
	sort.Strings(c.vocab)
	return c
}

// estimateUnigrams: continuation counts, discounted and mixed with a
// uniform distribution so that every word of the vocabulary has some mass.
func (m *TrigramModel) estimateUnigrams(c *gramCounts) {
	d1 := discount(c.uniCont)
	predicted := len(m.vocab) - 1 // every word but <s>
	totalCont := 0
	for _, n := range c.uniCont {
		totalCont += n
	}
	uniform := 1 / float64(predicted)
	leftover := d1 * float64(len(c.uniCont)) / float64(totalCont)
	for _, w := range m.vocab {
		if w == SentenceStart {
			continue
		}
		m.prob[0][w] = math.Max(float64(c.uniCont[w])-d1, 0)/float64(totalCont) + leftover*uniform
	}
}

// estimateBigrams: over continuation counts, backing off to the unigrams.
func (m *TrigramModel) estimateBigrams(c *gramCounts) {
	d2 := discount(c.biCont)
	for k, n := range c.biCont {
		f := strings.Fields(k)
		ctx := float64(c.biContext[f[0]])
		gamma := d2 * float64(c.biFollowers[f[0]]) / ctx
		m.prob[1][k] = (float64(n)-d2)/ctx + gamma*m.prob[0][f[1]]
		m.backoff[0][f[0]] = gamma
	}
}

// estimateTrigrams: over plain counts, backing off to the bigrams.
func (m *TrigramModel) estimateTrigrams(c *gramCounts) {
	d3 := discount(c.tri)
	for k, n := range c.tri {
		f := strings.Fields(k)
		ctxKey := gramKey(f[0], f[1])
		ctx := float64(c.triContext[ctxKey])
		gamma := d3 * float64(c.triFollowers[ctxKey]) / ctx
		m.prob[2][k] = (float64(n)-d3)/ctx + gamma*m.lower(f[1], f[2])
		m.backoff[1][ctxKey] = gamma
	}
}

// discount is the Kneser-Ney absolute discount n1 / (n1 + 2 n2) from the
// number of grams seen once and twice, kept inside (0.1, 0.9) for tiny
// corpora.
func discount(counts map[string]int) float64 {
	n1, n2 := 0, 0
	for _, c := range counts {
		switch c {
		case 1:
			n1++
		case 2:
			n2++
		}
	}
	if n1 == 0 {
		return 0.5
	}
	return math.Min(0.9, math.Max(0.1, float64(n1)/float64(n1+2*n2)))
}

// lower is P(w | v) with backoff to the unigram.
func (m *TrigramModel) lower(v, w string) float64 {
	if p, ok := m.prob[1][gramKey(v, w)]; ok {
		return p
	}
	return m.backoffWeight(0, v) * m.prob[0][w]
}

func (m *TrigramModel) backoffWeight(order int, ctx string) float64 {
	if g, ok := m.backoff[order][ctx]; ok {
		return g
	}
	return 1 // a context never seen gives all its mass to the lower order
}

// Prob is P(w | u v); use SentenceStart for missing history.
func (m *TrigramModel) Prob(u, v, w string) float64 {
	if p, ok := m.prob[2][gramKey(u, v, w)]; ok {
		return p
	}
	return m.backoffWeight(1, gramKey(u, v)) * m.lower(v, w)
}

// Vocabulary lists the model's words, <s> and </s> included.
func (m *TrigramModel) Vocabulary() []string { return m.vocab }

// WriteARPA writes the model in the ARPA format. Probabilities and backoff
// weights are log10; <s> gets the customary -99 as a word never predicted.
func (m *TrigramModel) WriteARPA(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "\\data\\\nngram 1=%d\nngram 2=%d\nngram 3=%d\n", len(m.vocab), len(m.prob[1]), len(m.prob[2]))
	fmt.Fprintf(bw, "\n\\1-grams:\n")
	for _, word := range m.vocab {
		p := -99.0
		if word != SentenceStart {
			p = math.Log10(m.prob[0][word])
		}
		if g, ok := m.backoff[0][word]; ok {
			fmt.Fprintf(bw, "%.6f\t%s\t%.6f\n", p, word, math.Log10(g))
		} else {
			fmt.Fprintf(bw, "%.6f\t%s\n", p, word)
		}
	}
	for order := 1; order < 3; order++ {
		fmt.Fprintf(bw, "\n\\%d-grams:\n", order+1)
		keys := make([]string, 0, len(m.prob[order]))
		for k := range m.prob[order] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			lp := math.Log10(m.prob[order][k])
			if g, ok := m.backoffWeightOf(order, k); ok {
				fmt.Fprintf(bw, "%.6f\t%s\t%.6f\n", lp, k, math.Log10(g))
			} else {
				fmt.Fprintf(bw, "%.6f\t%s\n", lp, k)
			}
		}
	}
	fmt.Fprintf(bw, "\n\\end\\\n")
	return bw.Flush()
}

// backoffWeightOf is the backoff weight stored with a bigram (as the
// context of trigrams); trigrams carry none.
func (m *TrigramModel) backoffWeightOf(order int, key string) (float64, bool) {
	if order != 1 {
		return 0, false
	}
	g, ok := m.backoff[1][key]
	return g, ok
}
