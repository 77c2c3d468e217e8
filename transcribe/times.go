package transcribe

import (
	"context"
	"math"
	"unicode/utf8"
)

// timeSlack is how far, in seconds, a word's time may lie outside the
// span its result must keep to and still be moved in to the span's edge.
// Engines round their times and pad what they hear; a time further out
// is not rounding but a broken answer.
const timeSlack = 1.0

// RepairTimes makes the times of r's words sound on the span from..to
// (seconds): every time finite, each word's start no later than its end,
// inside the span, and in order (no word starts or ends before the one
// before it does). A time at most timeSlack outside the span is moved to
// its edge. When any word breaks a rule, the engine's times are not to be
// trusted, and all of r's words are spread over the result's own span
// (r.Start to r.End where that is sound, else from..to) in proportion to
// their lengths, and r.TimesRepaired is set; RepairTimes reports whether
// it had to. r.Start and r.End end up inside the span and around the words.
func RepairTimes(r *Result, from, to float64) bool {
	to = max(to, from)
	broken := false
	prev := Word{Start: math.Inf(-1), End: math.Inf(-1)}
	for _, w := range r.Words {
		if !finite(w.Start) || !finite(w.End) || w.Start > w.End || w.Start < from-timeSlack || w.End > to+timeSlack ||
			w.Start < prev.Start || w.End < prev.End {
			broken = true
			break
		}
		prev = w
	}
	start, end := r.Start, r.End
	if !finite(start) || !finite(end) || start > end || start < from-timeSlack || end > to+timeSlack {
		start, end = from, to
		if !broken && len(r.Words) > 0 {
			start, end = r.Words[0].Start, r.Words[len(r.Words)-1].End
		}
	}
	start, end = clamp(start, from, to), clamp(end, from, to)
	if broken {
		spreadByLength(r.Words, start, end)
		r.TimesRepaired = true
	}
	for i := range r.Words {
		w := &r.Words[i]
		w.Start, w.End = clamp(w.Start, from, to), clamp(w.End, from, to)
	}
	if n := len(r.Words); n > 0 {
		start, end = min(start, r.Words[0].Start), max(end, r.Words[n-1].End)
	}
	r.Start, r.End = start, end
	return broken
}

// spreadByLength gives the words back-to-back times from start to end,
// each a share in proportion to its letters.
func spreadByLength(words []Word, start, end float64) {
	total := 0
	for _, w := range words {
		total += max(utf8.RuneCountInString(w.Text), 1)
	}
	done := 0
	for i := range words {
		words[i].Start = start + (end-start)*float64(done)/float64(total)
		done += max(utf8.RuneCountInString(words[i].Text), 1)
		words[i].End = start + (end-start)*float64(done)/float64(total)
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

// CheckTimes wraps s so that every result it returns has sound word times
// (see RepairTimes) on the stream clock: inside the audio fed to the
// stream so far, and no earlier than the end of the words of its last
// final result. Whatever the engine, what reaches a session, its store
// and its subtitles is then in order and finite; a result whose times had
// to be spread has TimesRepaired set.
func CheckTimes(s Stream) Stream { return &checkedStream{Stream: s} }

type checkedStream struct {
	Stream
	fed   int64   // samples accepted: the stream clock's present
	after float64 // where the words of the last final result end
}

func (c *checkedStream) Accept(ctx context.Context, samples []int16) ([]Result, error) {
	c.fed += int64(len(samples))
	results, err := c.Stream.Accept(ctx, samples)
	return c.check(results), err
}

func (c *checkedStream) Flush(ctx context.Context) ([]Result, error) {
	results, err := c.Stream.Flush(ctx)
	return c.check(results), err
}

func (c *checkedStream) check(results []Result) []Result {
	now := float64(c.fed) / SampleRate
	for i := range results {
		r := &results[i]
		RepairTimes(r, c.after, now)
		if r.Final && len(r.Words) > 0 {
			c.after = r.Words[len(r.Words)-1].End
		}
	}
	return results
}
