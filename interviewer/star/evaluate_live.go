package star

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
)

// LiveEvalOptions say how EvaluateLive plays an answer.
type LiveEvalOptions struct {
	// Every is how many words apart the cuts of the first figure are
	// (the label of the last word of each cut, read as unfinished).
	Every int
	// WordsPerSecond is the pace the simulated speaker keeps, and
	// SentenceGap the silence after each written sentence, in seconds.
	WordsPerSecond float64
	SentenceGap    float64
	// Update is how often, in seconds of speech, the live view segments
	// the answer heard so far; Confirm how many updates in a row must
	// find a new part before it is shown (1, interviewer.LiveView's rule,
	// shows it at once: the shipped reading holds it until it is sure).
	Update  float64
	Confirm int
	// ConfirmLater, when above 0, replaces Confirm for a part later in
	// STAR order than the one shown: a story moves on more often than
	// it goes back.
	ConfirmLater int
	// Pauses gives the segmenter a pause after each written sentence, as
	// a recognizer hears one, instead of no pauses at all.
	Pauses bool
}

// DefaultLiveEvalOptions plays answers about as livebench does: a fluent
// speaker, 0.4 s between sentences, an update every second of audio and
// a new part shown at the first update that finds it (Model.NewLiveReader
// holds the part until it is sure, as interviewer.LiveView does).
func DefaultLiveEvalOptions() LiveEvalOptions {
	return LiveEvalOptions{Every: 6, WordsPerSecond: 2.5, SentenceGap: 0.4, Update: 1, Confirm: 1}
}

// LiveEval scores a live reading of answers being told.
type LiveEval struct {
	Answers int
	// Cuts and LastRight: the cuts every Every words, and how many of
	// them gave the cut's last word its gold label.
	Cuts, LastRight int
	// Updates and ShownRight: the simulated live updates, and how many
	// showed the part being told at the update's time.
	Updates, ShownRight int
	// Raw counts the updates whose unconfirmed reading was right.
	RawRight int
	// Lags are the seconds from each gold part change to the first update
	// that shows the new part (the whole part when none does: Missed).
	Lags   []float64
	Missed int
	// ShownChanges counts the changes of the part shown, and Flashes the
	// parts shown for one update only between two updates of another.
	ShownChanges, Flashes int
}

// LastAccuracy is the share of cuts whose last word was labeled right.
func (e *LiveEval) LastAccuracy() float64 { return ratio(e.LastRight, e.Cuts) }

// ShownAccuracy is the share of updates that showed the part being told.
func (e *LiveEval) ShownAccuracy() float64 { return ratio(e.ShownRight, e.Updates) }

// RawAccuracy is ShownAccuracy without the Confirm rule.
func (e *LiveEval) RawAccuracy() float64 { return ratio(e.RawRight, e.Updates) }

// Lag is the q-quantile of the lags.
func (e *LiveEval) Lag(q float64) float64 {
	if len(e.Lags) == 0 {
		return math.NaN()
	}
	s := slices.Clone(e.Lags)
	sort.Float64s(s)
	return s[max(0, int(math.Ceil(q*float64(len(s))))-1)]
}

// Print writes the figures on a few lines.
func (e *LiveEval) Print(w io.Writer) {
	fmt.Fprintf(w, "answers %d\n", e.Answers)
	fmt.Fprintf(w, "last word of a cut right  %.3f (%d cuts)\n", e.LastAccuracy(), e.Cuts)
	fmt.Fprintf(w, "part shown right          %.3f (%d updates; unconfirmed %.3f)\n", e.ShownAccuracy(), e.Updates, e.RawAccuracy())
	fmt.Fprintf(w, "lag p50 / p90 / max       %.1f / %.1f / %.1f s (%d changes, %d missed, %d shown, %d flashes)\n",
		e.Lag(0.5), e.Lag(0.9), e.Lag(1), len(e.Lags), e.Missed, e.ShownChanges, e.Flashes)
}

func (e *LiveEval) merge(o *LiveEval) {
	e.Answers += o.Answers
	e.Cuts += o.Cuts
	e.LastRight += o.LastRight
	e.Updates += o.Updates
	e.ShownRight += o.ShownRight
	e.RawRight += o.RawRight
	e.Lags = append(e.Lags, o.Lags...)
	e.Missed += o.Missed
	e.ShownChanges += o.ShownChanges
	e.Flashes += o.Flashes
}

// EvaluateLive plays each answer as if it were being told and read live:
// newReader gives, for each answer, the reading of its words heard so far
// (a fresh one per answer, as a session has; it may keep what it read at
// earlier updates). It scores the last word of cuts every opt.Every words,
// and the part a live view would show at each update, as
// interviewer.LiveView shows it, against the part being told (in the gap
// after a sentence, that sentence's part), with time simulated from the
// words' places.
func EvaluateLive(newReader func() func([]Token) []Label, answers []LabeledAnswer, opt LiveEvalOptions) LiveEval {
	evals := make([]LiveEval, len(answers))
	eachAtOnce(len(answers), func(i int) { evals[i] = evaluateLiveAnswer(newReader, answers[i], opt) })
	var sum LiveEval
	for _, e := range evals {
		sum.merge(&e)
	}
	return sum
}

// evaluateLiveAnswer plays one answer: the cuts, then the live updates on
// a simulated clock, then the lag behind each change of part.
func evaluateLiveAnswer(newReader func() func([]Token) []Label, a LabeledAnswer, opt LiveEvalOptions) LiveEval {
	e := LiveEval{Answers: 1}
	tokens, gold := typedTokens(a, opt.Pauses)
	if len(tokens) == 0 {
		return e
	}
	e.readCuts(newReader, tokens, gold, opt.Every)
	_, _, ends := a.Tokens()
	told := tell(gold, ends, opt)
	times, shown := e.followUpdates(newReader(), tokens, told, opt)
	e.measureLags(told, times, shown)
	return e
}

// readCuts reads the answer cut every every words, each cut by a fresh
// reading (nothing held from an earlier one), and counts the cuts whose
// last word got its gold label.
func (e *LiveEval) readCuts(newReader func() func([]Token) []Label, tokens []Token, gold []Label, every int) {
	for cut := every; cut <= len(tokens); cut += every {
		e.Cuts++
		if got := newReader()(tokens[:cut]); got[cut-1] == gold[cut-1] {
			e.LastRight++
		}
	}
}

// toldAnswer is an answer on the simulated clock: word i is said from
// start[i] to start[i]+step, and the telling ends at end.
type toldAnswer struct {
	gold      []Label
	start     []float64
	step, end float64
}

// tell times the answer's words at opt's pace, with a sentence's gap
// after its last word (ends marks them).
func tell(gold []Label, ends []bool, opt LiveEvalOptions) toldAnswer {
	a := toldAnswer{gold: gold, start: make([]float64, len(gold)), step: 1 / opt.WordsPerSecond}
	at := 0.0
	for i := range a.start {
		a.start[i] = at
		at += a.step
		if ends[i] {
			at += opt.SentenceGap
		}
	}
	a.end = at
	return a
}

// heard is how many words have ended by t.
func (a toldAnswer) heard(t float64) int {
	return sort.Search(len(a.start), func(i int) bool { return a.start[i]+a.step > t+1e-9 })
}

// partAt is the part of the last word begun by t.
func (a toldAnswer) partAt(t float64) Label {
	return a.gold[max(sort.Search(len(a.start), func(i int) bool { return a.start[i] > t+1e-9 })-1, 0)]
}

// followUpdates reads the words heard at every update, as a live view
// would, and scores the part shown and the unconfirmed reading against
// the part being told. It returns each update's time and the part shown.
func (e *LiveEval) followUpdates(read func([]Token) []Label, tokens []Token, told toldAnswer, opt LiveEvalOptions) (times []float64, shown []Label) {
	var show liveHold
	for t := opt.Update; t < told.end+opt.Update; t += opt.Update {
		k := told.heard(t)
		if k == 0 {
			continue
		}
		labels := read(tokens[:k])
		current, prev := labels[k-1], show.label
		s := show.update(labels, opt.Confirm, opt.ConfirmLater)
		if prev != "" && s != prev {
			e.ShownChanges++
		}
		e.Updates++
		truth := told.partAt(t)
		if s == truth {
			e.ShownRight++
		}
		if current == truth {
			e.RawRight++
		}
		times = append(times, t)
		shown = append(shown, s)
		if n := len(shown); n >= 3 && shown[n-3] == shown[n-1] && shown[n-2] != shown[n-1] {
			e.Flashes++
		}
	}
	return times, shown
}

// measureLags records, for each change of gold part, the seconds until an
// update showed the new part, or the whole part, counted Missed, when
// none did.
func (e *LiveEval) measureLags(told toldAnswer, times []float64, shown []Label) {
	gold, start := told.gold, told.start
	n := len(gold)
	for i := 1; i < n; i++ {
		if gold[i] == gold[i-1] {
			continue
		}
		next := told.end
		for j := i + 1; j < n; j++ {
			if gold[j] != gold[i] {
				next = start[j]
				break
			}
		}
		lag, found := next-start[i], false
		for u, t := range times {
			if t >= start[i] && t < next && shown[u] == gold[i] {
				lag, found = t-start[i], true
				break
			}
		}
		if !found {
			e.Missed++
		}
		e.Lags = append(e.Lags, lag)
	}
}

// liveHold shows a new part once confirm updates in a row find it in the
// last words, or at once when the part shown is no longer in the reading.
// With confirm 1 (the default) it shows each update's reading, which
// Model.NewLiveReader has already held until it is sure, as
// interviewer.LiveView does.
type liveHold struct {
	label, pending Label
	seen           int
}

// update takes the labels of one update's words and gives the part shown;
// later, when above 0, is confirm for a part later in STAR order.
func (h *liveHold) update(labels []Label, confirm, later int) Label {
	current := labels[len(labels)-1]
	if later > 0 && h.label != "" && current.Index() > h.label.Index() {
		confirm = later
	}
	switch {
	case h.label == "" || current == h.label:
		h.label, h.pending, h.seen = current, "", 0
	case current == h.pending:
		h.seen++
	default:
		h.pending, h.seen = current, 1
	}
	if h.seen >= confirm || !slices.Contains(labels, h.label) {
		h.label, h.pending, h.seen = current, "", 0
	}
	return h.label
}
