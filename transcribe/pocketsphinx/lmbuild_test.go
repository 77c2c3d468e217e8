package pocketsphinx

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

var lmSentences = []string{
	"i noticed the webhook drop rate",
	"i pulled the delivery logs",
	"i traced the failures to a race condition",
	"i wrote a fix for the retry logic",
	"the drop rate went to zero",
	"the team adopted the alert as a standard",
	"nobody had asked me to look at it",
	"i pulled the logs and i wrote a fix",
	"the drop rate went from three percent to zero",
}

func buildTestModel() *TrigramModel {
	var sents [][]string
	for _, s := range lmSentences {
		sents = append(sents, strings.Fields(s))
	}
	return BuildTrigramModel(sents)
}

// readARPA parses log10 probabilities and backoffs back from ARPA text.
func readARPA(t *testing.T, text string) (prob, backoff map[string]float64) {
	t.Helper()
	prob, backoff = map[string]float64{}, map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	order := 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "\\") && strings.HasSuffix(line, "-grams:"):
			order, _ = strconv.Atoi(line[1:2])
			continue
		case line == "" || strings.HasPrefix(line, "\\") || strings.HasPrefix(line, "ngram "):
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 || len(strings.Fields(f[1])) != order {
			t.Fatalf("bad ARPA line %q", line)
		}
		p, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			t.Fatal(err)
		}
		prob[f[1]] = math.Pow(10, p)
		if len(f) == 3 {
			b, _ := strconv.ParseFloat(f[2], 64)
			backoff[f[1]] = math.Pow(10, b)
		}
	}
	return prob, backoff
}

// arpaProb evaluates P(w | history) with ARPA backoff rules.
func arpaProb(prob, backoff map[string]float64, history []string, w string) float64 {
	if p, ok := prob[gramKey(append(append([]string{}, history...), w)...)]; ok {
		return p
	}
	if len(history) == 0 {
		return 0
	}
	b, ok := backoff[gramKey(history...)]
	if !ok {
		b = 1
	}
	return b * arpaProb(prob, backoff, history[1:], w)
}

func TestTrigramModelSumsToOne(t *testing.T) {
	m := buildTestModel()
	var buf bytes.Buffer
	if err := m.WriteARPA(&buf); err != nil {
		t.Fatal(err)
	}
	prob, backoff := readARPA(t, buf.String())
	histories := [][]string{{}}
	for _, v := range m.Vocabulary() {
		if v != SentenceEnd {
			histories = append(histories, []string{v})
		}
	}
	for k := range prob {
		if f := strings.Fields(k); len(f) == 2 && f[1] != SentenceEnd {
			histories = append(histories, f)
		}
	}
	histories = append(histories, []string{"i", "never"}, []string{"unseen", "history"})
	for _, h := range histories {
		sum, sumDirect := 0.0, 0.0
		for _, w := range m.Vocabulary() {
			if w == SentenceStart {
				continue
			}
			sum += arpaProb(prob, backoff, h, w)
			u, v := SentenceStart, SentenceStart
			if len(h) == 2 {
				u, v = h[0], h[1]
			} else if len(h) == 1 {
				v = h[0]
			}
			if len(h) == 0 {
				sumDirect += m.prob[0][w]
			} else if len(h) == 1 {
				sumDirect += m.lower(v, w)
			} else {
				sumDirect += m.Prob(u, v, w)
			}
		}
		if math.Abs(sum-1) > 1e-4 || math.Abs(sumDirect-1) > 1e-9 {
			t.Errorf("history %q: probabilities sum to %.6f in ARPA, %.9f in memory", h, sum, sumDirect)
		}
	}
	// Seen continuations are likelier than unseen ones.
	if m.Prob("drop", "rate", "went") <= m.Prob("drop", "rate", "logs") {
		t.Error("P(went | drop rate) is not above an unseen continuation")
	}
}

// PocketSphinx's own tool must accept the file.
func TestTrigramModelLoadsInSphinx(t *testing.T) {
	if _, err := exec.LookPath("sphinx_lm_convert"); err != nil {
		testenv.Missing(t, "sphinxbase-utils is not installed")
	}
	dir := t.TempDir()
	arpa := filepath.Join(dir, "domain.lm")
	f, err := os.Create(arpa)
	if err != nil {
		t.Fatal(err)
	}
	if err := buildTestModel().WriteARPA(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("sphinx_lm_convert", "-i", arpa, "-o", filepath.Join(dir, "domain.lm.bin")).CombinedOutput()
	if err != nil {
		t.Fatalf("sphinx_lm_convert rejects the model: %v\n%s", err, out)
	}
}
