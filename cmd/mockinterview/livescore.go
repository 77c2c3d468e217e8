package main

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
)

// The scores of livebench: how the live Star and Pacing messages of the
// streamed answers compare with what was told when.

// liveBenchScore scores the live messages of a set of answers. Times are
// seconds on the stream clock, latencies seconds of wall time.
type liveBenchScore struct {
	Name    string `json:"name"`
	Answers int    `json:"answers"`
	// Stars counts the live Star messages scored; PartAccuracy is the
	// share whose current part is the part being told at their now.
	Stars        int     `json:"stars"`
	PartAccuracy float64 `json:"part_accuracy"`
	// Hindsight is the same share for the parts the report gives the
	// words heard by then: the most a live view of these words could
	// reach without knowing what comes next.
	Hindsight float64 `json:"hindsight"`
	// Changes counts the part changes of the told answers; Lag is the time
	// from each to the first Star showing the new part (a change never
	// shown counts as the time to the next change), Missed how many were
	// never shown.
	Changes int       `json:"changes"`
	Lag     quantiles `json:"lag"`
	Missed  int       `json:"missed"`
	// FirstStar is the time from the first word to the first Star.
	FirstStar quantiles `json:"first_star"`
	// PaceError is |live wpm - true running wpm| / true wpm, from 20 s
	// after the first word; RecentPaceError the same for recent_wpm
	// against the true pace over its window.
	PaceError       quantiles `json:"pace_error"`
	RecentPaceError quantiles `json:"recent_pace_error"`
	// FinalLatency runs from sending the audio that holds a final's last
	// word to receiving the final (real time only).
	FinalLatency quantiles `json:"final_latency"`
	// LongestFinal is the most audio one final result covered.
	LongestFinal float64 `json:"longest_final"`
	// Lost is the audio sent that the server did not receive, in seconds.
	Lost float64 `json:"lost"`
}

// quantiles summarizes a sample.
type quantiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

func quantilesOf(v []float64) quantiles {
	if len(v) == 0 {
		return quantiles{}
	}
	s := slices.Clone(v)
	sort.Float64s(s)
	return quantiles{N: len(s), P50: nearestRank(s, 0.5), P90: nearestRank(s, 0.9), P95: nearestRank(s, 0.95), Max: s[len(s)-1]}
}

// nearestRank is the q-quantile of a sorted, non-empty sample: its
// smallest value with at least a share q of the sample at or below it.
func nearestRank(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// paceWarmup is how long after the first word the pace is first scored:
// before it, a few words more or less swing any pace.
const paceWarmup = 20.0

// frameSeconds is the audio per message protocol.Stream sends.
const frameSeconds = 0.1

func scoreRuns(name string, runs []*liveRun, speed float64) liveBenchScore {
	sc := liveBenchScore{Name: name, Answers: len(runs)}
	var right, hindsight int
	var lags, firsts, paceErr, recentErr, latency []float64
	for _, r := range runs {
		t := r.told
		sc.Lost += math.Max(0, r.sent-r.heard)
		var live []protocol.StarMessage
		var paces []protocol.PacingMessage
		for i, m := range r.stars {
			if !m.Final && m.Now <= t.last()+0.5 {
				live = append(live, m)
				if i < len(r.paces) {
					paces = append(paces, r.paces[i])
				} else {
					paces = append(paces, protocol.PacingMessage{})
				}
			}
		}
		if len(live) > 0 {
			firsts = append(firsts, live[0].Now-t.first())
		}
		for i, m := range live {
			sc.Stars++
			if m.Current == t.labelAt(m.Now) {
				right++
			}
			if r.hindsight(m.Now) == t.labelAt(m.Now) {
				hindsight++
			}
			spoken := m.Now - t.first()
			if spoken < paceWarmup {
				continue
			}
			truth := t.wordsBy(m.Now) / math.Min(spoken, t.last()-t.first()) * 60
			paceErr = append(paceErr, math.Abs(paces[i].WPM-truth)/truth)
			if w := paces[i].RecentWindow; w > 0 {
				from := math.Max(t.first(), m.Now-w)
				recent := (t.wordsBy(m.Now) - t.wordsBy(from)) / (m.Now - from) * 60
				if recent > 0 {
					recentErr = append(recentErr, math.Abs(paces[i].RecentWPM-recent)/recent)
				}
			}
		}
		changes, missed, runLags := changeLags(t, live)
		sc.Changes += changes
		sc.Missed += missed
		lags = append(lags, runLags...)
		for _, f := range r.finals {
			alt := f.msg.Channel.Alternatives[0]
			sc.LongestFinal = math.Max(sc.LongestFinal, f.msg.Duration)
			if speed != 1 || r.began.IsZero() {
				continue
			}
			end := alt.Words[len(alt.Words)-1].End
			sent := r.began.Add(time.Duration((math.Floor(end/frameSeconds) + 1) * frameSeconds * float64(time.Second)))
			latency = append(latency, f.at.Sub(sent).Seconds())
		}
	}
	if sc.Stars > 0 {
		sc.PartAccuracy = float64(right) / float64(sc.Stars)
		sc.Hindsight = float64(hindsight) / float64(sc.Stars)
	}
	sc.Lag, sc.FirstStar = quantilesOf(lags), quantilesOf(firsts)
	sc.PaceError, sc.RecentPaceError = quantilesOf(paceErr), quantilesOf(recentErr)
	sc.FinalLatency = quantilesOf(latency)
	return sc
}

// changeLags finds the part changes of a told answer and, for each, the
// time to the first live Star showing the new part (a change never shown
// counts as the time to the next change, and as missed).
func changeLags(t *toldAnswer, live []protocol.StarMessage) (changes, missed int, lags []float64) {
	for i := 1; i < len(t.Sentences); i++ {
		s := t.Sentences[i]
		if s.Label == t.Sentences[i-1].Label {
			continue
		}
		next := t.last() + 0.5
		for _, later := range t.Sentences[i+1:] {
			if later.Label != s.Label {
				next = later.Start
				break
			}
		}
		changes++
		lag, shown := next-s.Start, false
		for _, m := range live {
			if m.Now >= s.Start && m.Now < next && m.Current == s.Label {
				lag, shown = m.Now-s.Start, true
				break
			}
		}
		if !shown {
			missed++
		}
		lags = append(lags, lag)
	}
	return changes, missed, lags
}
