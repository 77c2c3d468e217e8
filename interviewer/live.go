package interviewer

import (
	"math"
	"slices"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// mainReport is the main answer's report once it is over, and until then
// the live one of what has been heard.
func (iv *Interview) mainReport() *Report {
	if iv.main != nil {
		return iv.main
	}
	r := iv.liveReport(iv.answers[0])
	return &r
}

// liveReport analyzes the answer heard so far, the words of the
// utterance in progress included, as unfinished, once per change.
func (iv *Interview) liveReport(a *answerLog) Report {
	if of := [2]int{a.heard, len(a.words)}; a.liveOf != of {
		a.live, a.liveSure = iv.cfg.Analyzer.analyzeLive(Answer{Words: a.heardSoFar(), Unfinished: true}, iv.cfg.Profile)
		a.liveOf = of
	}
	return a.live
}

// LivePart is one part of the answer so far.
type LivePart struct {
	Label   star.Label `json:"label"`
	Elapsed float64    `json:"elapsed"`
	Target  float64    `json:"target"`
	// Status: ok, near (past 80 % of the target) or over.
	Status string `json:"status"`
}

// Live is the answer in progress, for the live timers.
type Live struct {
	Parts   []LivePart `json:"parts"`
	Current star.Label `json:"current,omitempty"`
	// ToCome are the parts not told yet, in STAR order.
	ToCome  []star.Label `json:"to_come"`
	Elapsed float64      `json:"elapsed"`
	Budget  float64      `json:"budget"`
	// WPM is the pace from the first word to the last heard, RecentWPM
	// over the last RecentWindow seconds of it (RecentPace, or less early
	// in the answer).
	WPM          float64 `json:"wpm"`
	RecentWPM    float64 `json:"recent_wpm"`
	RecentWindow float64 `json:"recent_window"`
	Fillers      int     `json:"fillers"`
	PerMinute    float64 `json:"fillers_per_minute"`
	// Final is set once the main answer is over: the parts are then those
	// of the whole answer, which can differ from the last live view (its
	// last words are only now known to be the ending), and none is current.
	Final bool `json:"final,omitempty"`
}

// RecentPace is the stretch of the answer, in seconds, that the recent
// pace is measured over: long enough for a few sentences, short enough to
// show a rush or a slow-down within half a minute.
const RecentPace = 30.0

// Live segments the main answer as heard so far, the words of the
// utterance in progress included. now extends the current part to the
// present while the person is still talking; 0 stops at the last word.
// Once the main answer is over it gives the whole answer's parts and
// ignores now.
func (iv *Interview) Live(now float64) Live {
	l := Live{Parts: []LivePart{}, ToCome: toCome(nil), Budget: iv.cfg.Profile.Budget()}
	if len(iv.answers) == 0 {
		return l
	}
	words := iv.answers[0].words
	if iv.main == nil {
		words = iv.answers[0].heardSoFar()
	}
	if len(words) == 0 {
		return l
	}
	r := iv.mainReport()
	last := words[len(words)-1].End
	end := last
	if iv.main == nil {
		end = math.Max(now, end)
	}
	for i, p := range r.Parts {
		elapsed := p.Duration
		if i == len(r.Parts)-1 {
			elapsed = end - p.Start
		}
		l.Parts = append(l.Parts, LivePart{Label: p.Label, Elapsed: round2(elapsed), Target: p.Target, Status: liveStatus(elapsed, p.Target)})
	}
	l.ToCome = toCome(l.Parts)
	if l.Final = iv.main != nil; !l.Final {
		l.Current = r.Parts[len(r.Parts)-1].Label
	}
	l.Elapsed = round2(end - words[0].Start)
	// The pace stops at the last word heard, as the report's does, so
	// that a pause does not read as slowing down and the last live pace
	// is the report's.
	if spoken := last - words[0].Start; spoken > 0 {
		l.WPM = round1(float64(len(words)) / spoken * 60)
		l.PerMinute = round1(float64(r.Pacing.Fillers.Count) / spoken * 60)
		l.RecentWindow = round2(math.Min(RecentPace, spoken))
		from, n := last-l.RecentWindow, 0
		for _, w := range words {
			if (w.Start+w.End)/2 > from {
				n++
			}
		}
		l.RecentWPM = round1(float64(n) / l.RecentWindow * 60)
	}
	l.Fillers = r.Pacing.Fillers.Count
	return l
}

// liveStatus is a live part's status: ok, near (past 80 % of its target)
// or over.
func liveStatus(elapsed, target float64) string {
	switch {
	case elapsed > target:
		return "over"
	case elapsed > 0.8*target:
		return "near"
	}
	return "ok"
}

// LiveView is Live as the live timers show it, to be asked once per
// update: a new part becomes current only once the segmentation is sure
// of it (star.LiveSure), so that a part read into the last few words for
// one update does not flash on the page. Until then the words after the
// part shown count in it.
func (iv *Interview) LiveView(now float64) Live {
	l := iv.Live(now)
	if l.Final || len(l.Parts) == 0 {
		return l
	}
	iv.shown = holdPart(&l, iv.shown, iv.answers[0].liveSure)
	return l
}

// holdPart keeps l's current part at shown, the part shown before, while
// the reading of a new one is less than star.LiveSure sure: the parts
// after the last one labeled shown are then counted in it. It gives the
// part l now shows.
func holdPart(l *Live, shown star.Label, sure float64) star.Label {
	if star.ShownPart(shown, l.Current, sure) == l.Current {
		return l.Current
	}
	at := len(l.Parts) - 1 // the last part with the label shown
	for at >= 0 && l.Parts[at].Label != shown {
		at--
	}
	if at < 0 {
		return l.Current
	}
	held := &l.Parts[at]
	for _, p := range l.Parts[at+1:] {
		held.Elapsed = round2(held.Elapsed + p.Elapsed)
	}
	held.Status = liveStatus(held.Elapsed, held.Target)
	l.Parts, l.Current = l.Parts[:at+1], shown
	l.ToCome = toCome(l.Parts)
	return shown
}

// toCome are the parts, in STAR order, that none of parts tells.
func toCome(parts []LivePart) []star.Label {
	out := []star.Label{}
	for _, label := range star.Labels {
		if !slices.ContainsFunc(parts, func(p LivePart) bool { return p.Label == label }) {
			out = append(out, label)
		}
	}
	return out
}
