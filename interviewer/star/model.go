package star

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Token is one spoken word as the segmenter sees it.
type Token struct {
	Text string
	// Pause is the silence before the word in seconds; 0 when unknown (a
	// typed transcript). Speakers pause between sentences, and a new part
	// of the story starts with a new sentence.
	Pause float64
}

// Model labels the words of an answer with STAR parts in two
// stages.
//
// The first stage is a set of views, each a pair of logistic models over
// sparse features of the words around a word: which part the word belongs
// to, and which part, if any, starts on it. One view sees everything,
// the other only general evidence (cue phrases, word classes, position),
// which carries over better to stories about other things.
//
// The second stage (Stack) weighs the views' scores averaged over several
// widths of context, where sentences likely start, and the answer's shape
// (which part follows which, going back to a part already told, parts left
// out), and decodes with Viterbi under a minimum run length. A finished
// answer is decoded part by part, with a score of how much of the answer
// each part takes (lengthScore), learned after the rest.
//
// It is trained by Train; the shipped weights are embedded.
type Model struct {
	Views []View `json:"views"`
	// Sentence predicts where spoken sentences start: parts almost always
	// change there, and a recognizer gives no punctuation.
	Sentence SentenceModel `json:"sentence"`
	Stack    Stack         `json:"stack"`
	// MinRun is the fewest words a part may have: no real part of a story
	// is a few words long, and short flips are the classic error of a
	// word-by-word labeller.
	MinRun int `json:"min_run"`
}

// View is one first-stage model: weights per feature and label.
type View struct {
	// Emit scores the features of a word for the part it belongs to.
	Emit map[string][numLabels]float64 `json:"emit"`
	// Enter scores the features of a word for the part starting on it,
	// against no part starting there.
	Enter map[string][numLabels]float64 `json:"enter"`
}

// The views, by index.
const (
	viewAll     = 0 // every feature
	viewGeneral = 1 // all but the features about which words are spoken
)

// inView reports whether view v uses the feature. Features about which
// words are spoken start with "w".
func inView(v int, feature string) bool {
	return v != viewGeneral || !strings.HasPrefix(feature, "w")
}

// Stack is the second stage of a Model. Its word weights are laid
// out per view: with V views, Smooth has V*len(smoothWindows) entries
// and Enter has V*(1+len(contrastWindows))+2.
type Stack struct {
	// Scale divides the first stage's scores so they are near 1 and
	// weigh about as much, in training, as one use of a shape score.
	Scale float64 `json:"scale"`
	// Smooth[v*len(smoothWindows)+k][l][m] weighs, for label l, view v's
	// log probability of label m averaged over context window k.
	Smooth [][numLabels][numLabels]float64 `json:"smooth"`
	// Enter weighs, for a part l starting on a word, each view's entering
	// score, how much more the words after it than the words before it
	// sound like l in each view (see contrastWindows), and the predicted
	// probability of a sentence starting there and its log odds.
	Enter [][numLabels]float64 `json:"enter"`
	structure
}

// structure holds the scores of the answer's shape, not of its words.
type structure struct {
	Trans [numLabels][numLabels]float64 `json:"trans"`
	// Return is added to Trans when the part entered was told before: a
	// speaker may go back to the situation, but rarely does.
	Return [numLabels][numLabels]float64 `json:"return"`
	Start  [numLabels]float64            `json:"start"`
	End    [numLabels]float64            `json:"end"`
	// Missing is added at the end of an answer for each part it never told.
	Missing [numLabels]float64 `json:"missing"`
	// Length scores how much of a finished answer each part takes.
	Length lengthScore `json:"length"`
}

// lengthScore is a log-normal score of the share of the answer's words a
// part takes: parts have typical sizes (a task is short, the action long),
// and the word scores alone, summed word by word, cannot tell a part that
// runs on from one that ends on time. Held out by series: 0.944 against
// 0.940 without it (0.946 without the floor at shortZ).
type lengthScore struct {
	// Mean and SD are those of the log share of the answer's words each
	// part took in the training answers, per label, returns counted as
	// parts of their own.
	Mean [numLabels]float64 `json:"mean"`
	SD   [numLabels]float64 `json:"sd"`
	// Weight scales the score; 0 leaves it out.
	Weight float64 `json:"weight"`
}

// shortZ bounds how far below its usual share a part is scored, in
// standard deviations. Without it the quadratic penalty folds a thin
// answer's one-sentence result or reflection into the part before, and
// the coach reports the part missing rather than vague. Parts longer than
// usual are scored in full.
const shortZ = 2

// table gives the score of a part of each label and length, t[l][k] for
// k words (1 to n), in an answer of n words.
func (ls *lengthScore) table(n int) [numLabels][]float64 {
	var t [numLabels][]float64
	for l := range numLabels {
		t[l] = make([]float64, n+1)
		if ls.Weight == 0 {
			continue
		}
		for k := 1; k <= n; k++ {
			z := (math.Log(float64(k)/float64(n)) - ls.Mean[l]) / ls.SD[l]
			z = max(z, -shortZ)
			t[l][k] = -ls.Weight * z * z / 2
		}
	}
	return t
}

// smoothWindows are the context windows, as word offsets [from, to), over
// which the second stage averages first-stage scores.
var smoothWindows = [...][2]int{{0, 1}, {-3, 4}, {-10, 11}, {-25, 26}, {-12, 0}, {1, 13}}

// contrastWindows are the widths compared before and after a word where a
// part may start.
var contrastWindows = [...]int{5, 15}

func numSmooth(views int) int { return views * len(smoothWindows) }
func numEnter(views int) int  { return views*(1+len(contrastWindows)) + 2 }

//go:embed model.json
var shippedModel []byte

// DefaultModel loads the embedded, trained weights.
func DefaultModel() (*Model, error) {
	m, err := ParseModel(shippedModel)
	if err != nil {
		return nil, fmt.Errorf("embedded STAR model: %w", err)
	}
	return m, nil
}

// ParseModel reads weights written by `mockinterview train-star`.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if len(m.Views) == 0 || len(m.Stack.Smooth) != numSmooth(len(m.Views)) || len(m.Stack.Enter) != numEnter(len(m.Views)) {
		return nil, fmt.Errorf("STAR model of an older layout (%d views, %d smoothed inputs); retrain it with `mockinterview train-star`",
			len(m.Views), len(m.Stack.Smooth))
	}
	m.MinRun = max(m.MinRun, 1)
	return &m, nil
}

// Segment labels every token of a finished answer with a STAR part.
func (m *Model) Segment(tokens []Token) []Label {
	return m.segment(tokens, m.Stack.structure)
}

func (m *Model) segment(tokens []Token, st structure) []Label {
	if len(tokens) == 0 {
		return nil
	}
	return toLabels(decode(m.answerScores(tokens), &st, m.MinRun))
}

// toLabels names the labels of a decoded path.
func toLabels(path []int) []Label {
	out := make([]Label, len(path))
	for i, l := range path {
		out[i] = Labels[l]
	}
	return out
}

// answerScores are the scores the decoder reads for each of the tokens.
func (m *Model) answerScores(tokens []Token) scores {
	starts := m.Sentence.Starts(tokens)
	sc := m.wordScores(tokens, starts)
	if !anyPause(tokens) {
		// Words without pauses (a transcript typed without punctuation)
		// are read a second time as if the speaker had paused wherever a
		// sentence more likely starts than not, and the two readings
		// weigh equally: held out by series, 0.929 against 0.928.
		paused := expectedPauses(tokens, starts)
		sc.average(m.wordScores(paused, m.Sentence.Starts(paused)))
	}
	return sc
}

// wordScores are the second stage's scores of each word, given where
// sentences likely start.
func (m *Model) wordScores(tokens []Token, starts []float64) scores {
	emit, enter := wordFeatures(tokens, starts)
	first := make([]scores, len(m.Views))
	for v, view := range m.Views {
		first[v] = view.scores(emit, enter)
	}
	return m.Stack.combine(m.Stack.inputs(first, starts))
}

func anyPause(tokens []Token) bool {
	for _, t := range tokens {
		if t.Pause > 0 {
			return true
		}
	}
	return false
}

// expectedPauses copies tokens with a sentence pause before each word
// where a sentence likely starts (starts above one half).
func expectedPauses(tokens []Token, starts []float64) []Token {
	out := make([]Token, len(tokens))
	copy(out, tokens)
	for i := 1; i < len(out); i++ {
		if starts[i] > 0.5 {
			out[i].Pause = sentencePause
		}
	}
	return out
}

// SegmentUnfinished labels the tokens of an answer that is still being
// told. The model learned from whole answers, where the last words are the
// result and the reflection, and so reads the last words of any answer as
// its ending: two minutes of background, cut off mid-flow, would end in a
// "result". Here the answer is followed by unfinishedPad words the model
// has never seen, standing for what is still to come, whose labels are
// dropped: the words heard so far are labeled as the start of a longer
// answer.
func (m *Model) SegmentUnfinished(tokens []Token) []Label {
	if len(tokens) == 0 {
		return nil
	}
	sc, st := m.unfinishedScores(tokens)
	return toLabels(decode(sc, &st, m.MinRun)[:len(tokens)])
}

// unfinishedScores are the scores of the tokens followed by
// unfinishedPad unknown ones, and the answer's shape to decode them with.
func (m *Model) unfinishedScores(tokens []Token) (scores, structure) {
	padded := make([]Token, len(tokens), len(tokens)+unfinishedPad)
	copy(padded, tokens)
	for range unfinishedPad {
		padded = append(padded, Token{Text: "…"})
	}
	// How much of the answer a part takes is not known before its end.
	st := m.Stack.structure
	st.Length.Weight = 0
	return m.answerScores(padded), st
}

// unfinishedPad is past the widest reach of the position features ("left"
// counts up to 120 words), so none of the words heard reads as near the
// end.
const unfinishedPad = 120

// NewLiveReader gives a reading of one answer still being told, to be
// asked with the words heard so far at each update. A new part for the
// last words is read only once the reading is sure of it (LiveSure);
// until then the last words keep the part the previous update gave them,
// so that a part read into the last few words for one update does not
// flash on a live view.
func (m *Model) NewLiveReader() func([]Token) []Label {
	var prev Label
	return func(tokens []Token) []Label {
		labels, sure := m.ReadUnfinished(tokens)
		if k := len(labels); k > 0 {
			labels[k-1] = ShownPart(prev, labels[k-1], sure)
			prev = labels[k-1]
		}
		return labels
	}
}
