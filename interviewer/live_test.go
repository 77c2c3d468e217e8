package interviewer

import (
	"math"
	"slices"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
)

// The live view counts the words of the utterance in progress: a Star
// comes from the first partial words, the pace counts them, and the
// final words replace them rather than adding to them.
func TestLiveHearing(t *testing.T) {
	iv := newTestInterview(t, ModePractice)
	iv.Begin(0)
	if l := iv.Live(1); len(l.Parts) != 0 {
		t.Fatalf("live view before any word: %+v", l)
	}
	words, end := speak("So at my last job our checkout page kept timing out during the big holiday sale", 1)
	iv.Hearing(words[:6])
	l := iv.Live(words[5].End + 0.3)
	if len(l.Parts) == 0 || l.Current != star.Situation || l.WPM == 0 {
		t.Fatalf("live view of six partial words: %+v", l)
	}
	if !slices.Equal(l.ToCome, []star.Label{star.Task, star.Action, star.Result, star.Reflection}) {
		t.Errorf("to come after a situation: %v", l.ToCome)
	}
	// 6 words from 1.0 to 3.35 s.
	if want := 6 / (words[5].End - words[0].Start) * 60; math.Abs(l.WPM-want) > 0.1 {
		t.Errorf("pace of the partial words %.1f, want %.1f", l.WPM, want)
	}
	iv.Hearing(words) // the partial grows
	iv.Hear(words)    // and ends in a final with the same words
	l = iv.Live(end)
	if want := float64(len(words)) / (words[len(words)-1].End - words[0].Start) * 60; math.Abs(l.WPM-want) > 0.1 {
		t.Errorf("pace after the final %.1f, want %.1f: partial words counted twice?", l.WPM, want)
	}
	// The pace stops at the last word heard: silence after it does not
	// read as slowing down, and the report's pace is the last live one.
	if later := iv.Live(end + 3); later.WPM != l.WPM || later.Elapsed <= l.Elapsed {
		t.Errorf("three seconds of silence changed the pace %.1f to %.1f (elapsed %.2f to %.2f)", l.WPM, later.WPM, l.Elapsed, later.Elapsed)
	}
	iv.Done(end + 1)
	if r := iv.Report(); math.Abs(r.Pacing.WPM-l.WPM) > 0.5 {
		t.Errorf("report pace %.1f, last live pace %.1f", r.Pacing.WPM, l.WPM)
	}
}

// The recent pace follows a speaker who slows down, where the pace of the
// whole answer lags behind.
func TestLiveRecentPace(t *testing.T) {
	iv := newTestInterview(t, ModePractice)
	iv.Begin(0)
	// 100 words at 200 a minute, then 60 at 100 a minute.
	var words []transcribe.Word
	at := 1.0
	for i := range 160 {
		step := 0.3
		if i >= 100 {
			step = 0.6
		}
		words = append(words, transcribe.Word{Text: "word", Start: at, End: at + 0.25})
		at += step
	}
	at = words[len(words)-1].End
	iv.Hear(words)
	l := iv.Live(at)
	if l.RecentWindow != RecentPace {
		t.Fatalf("recent window %.1f, want %.0f", l.RecentWindow, RecentPace)
	}
	if math.Abs(l.RecentWPM-100) > 5 || l.WPM < l.RecentWPM+5 {
		t.Errorf("recent pace %.1f (want about 100), whole pace %.1f (want well above it)", l.RecentWPM, l.WPM)
	}
}

// "Still to come" names every part not yet told, in STAR order, also when
// the answer opens with its result.
func TestLiveToCome(t *testing.T) {
	iv := newTestInterview(t, ModePractice)
	iv.Begin(0)
	words, end := speak("We cut our cloud bill by forty percent in one quarter, about two hundred thousand dollars a year, and nobody noticed any slowdown.", 1)
	iv.Hear(words)
	l := iv.Live(end)
	if len(l.Parts) != 1 || l.Parts[0].Label != star.Result {
		t.Skipf("the opening was not read as a result (%+v); nothing to check", l.Parts)
	}
	if !slices.Equal(l.ToCome, []star.Label{star.Situation, star.Task, star.Action, star.Reflection}) {
		t.Errorf("to come after a result: %v", l.ToCome)
	}
}

// A new part shows as current only once the reading is sure of it;
// until then its time counts in the part before.
func TestLiveViewHolds(t *testing.T) {
	iv := newTestInterview(t, ModePractice)
	iv.Begin(0)
	situation, end := speak("So at my last job our checkout page kept timing out during the big holiday sale and customers were leaving without paying.", 1)
	iv.Hear(situation)
	if first := iv.LiveView(end); first.Current != star.Situation {
		t.Fatalf("current after a situation: %+v", first)
	}
	action, end2 := speak("So I profiled the service and I found a lock held across a database call, and I moved the call out of the lock and I added a load test.", end+0.5)
	iv.Hear(action)
	raw := iv.Live(end2)
	if raw.Current != star.Action {
		t.Fatalf("the segmenter did not read the action (%+v); nothing to check", raw.Parts)
	}
	sure := iv.answers[0].liveSure
	if sure <= 0 || sure > 1 {
		t.Fatalf("sureness %g, want a probability", sure)
	}
	view := iv.LiveView(end2)
	if want := sure >= star.LiveSure; (view.Current == star.Action) != want {
		t.Errorf("sure %.3f of the action: shown %s", sure, view.Current)
	}

	for _, tt := range []struct {
		sure float64
		want star.Label
	}{{0.5, star.Situation}, {star.LiveSure - 0.01, star.Situation}, {star.LiveSure, star.Action}, {0.99, star.Action}} {
		l := raw
		l.Parts = slices.Clone(raw.Parts)
		if got := holdPart(&l, star.Situation, tt.sure); got != tt.want || l.Current != tt.want {
			t.Errorf("sure %.2f: shown %s (current %s), want %s", tt.sure, got, l.Current, tt.want)
		}
		if tt.want == star.Action {
			if len(l.Parts) != len(raw.Parts) {
				t.Errorf("sure %.2f: parts %+v, want all of %+v", tt.sure, l.Parts, raw.Parts)
			}
			continue
		}
		if len(l.Parts) != len(raw.Parts)-1 {
			t.Fatalf("held: parts %+v; want the action's in the situation", l.Parts)
		}
		if math.Abs(l.Parts[len(l.Parts)-1].Elapsed-(raw.Parts[len(raw.Parts)-2].Elapsed+raw.Parts[len(raw.Parts)-1].Elapsed)) > 0.02 {
			t.Errorf("held part's time %.2f is not the two parts' %+v", l.Parts[len(l.Parts)-1].Elapsed, raw.Parts)
		}
		if !slices.Contains(l.ToCome, star.Action) {
			t.Errorf("the action is not shown yet, so it is still to come: %v", l.ToCome)
		}
	}
	// A part shown that the reading no longer has gives way at once.
	l := raw
	l.Parts = slices.Clone(raw.Parts)
	if got := holdPart(&l, star.Result, 0.1); got != star.Action {
		t.Errorf("shown result, no longer read: now %s, want the action", got)
	}
}
