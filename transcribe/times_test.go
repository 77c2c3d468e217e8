package transcribe

import (
	"context"
	"math"
	"testing"
)

// soundTimes reports what is wrong with r's times on from..to, or "".
func soundTimes(r Result, from, to float64) string {
	if !finite(r.Start) || !finite(r.End) || r.Start > r.End || r.Start < from || r.End > to {
		return "the result's span"
	}
	for i, w := range r.Words {
		switch {
		case !finite(w.Start) || !finite(w.End):
			return w.Text + " not finite"
		case w.Start > w.End:
			return w.Text + " ends before it starts"
		case w.Start < r.Start || w.End > r.End:
			return w.Text + " outside the result"
		case i > 0 && (w.Start < r.Words[i-1].Start || w.End < r.Words[i-1].End):
			return w.Text + " out of order"
		}
	}
	return ""
}

func TestRepairTimes(t *testing.T) {
	tests := []struct {
		name         string
		r            Result
		from, to     float64
		wantRepaired bool
		want         []Word // nil: only check that the times are sound
	}{{
		name: "sound",
		r:    Result{Start: 1, End: 3, Words: []Word{{Text: "we", Start: 1.1, End: 1.3}, {Text: "shipped", Start: 1.3, End: 2}}},
		from: 0, to: 4,
		want: []Word{{Text: "we", Start: 1.1, End: 1.3}, {Text: "shipped", Start: 1.3, End: 2}},
	}, {
		name: "overlapping words in order",
		r:    Result{Start: 1, End: 3, Words: []Word{{Text: "we", Start: 1.1, End: 1.4}, {Text: "shipped", Start: 1.3, End: 2}}},
		from: 0, to: 4,
		want: []Word{{Text: "we", Start: 1.1, End: 1.4}, {Text: "shipped", Start: 1.3, End: 2}},
	}, {
		name: "a little outside is moved in",
		r:    Result{Start: 10.2, End: 11.8, Words: []Word{{Text: "early", Start: 9.7, End: 10.2}, {Text: "late", Start: 11.8, End: 12.6}}},
		from: 10, to: 12,
		want: []Word{{Text: "early", Start: 10, End: 10.2}, {Text: "late", Start: 11.8, End: 12}},
	}, {
		name: "start after end",
		r:    Result{Start: 1, End: 3, Words: []Word{{Text: "so", Start: 1, End: 1.5}, {Text: "we", Start: 2.5, End: 2}}},
		from: 0, to: 4, wantRepaired: true,
		// 2 letters each: half of 1..3 each.
		want: []Word{{Text: "so", Start: 1, End: 2}, {Text: "we", Start: 2, End: 3}},
	}, {
		name: "out of order",
		r:    Result{Start: 2, End: 4, Words: []Word{{Text: "a", Start: 3, End: 3.2}, {Text: "bbb", Start: 2.1, End: 2.5}}},
		from: 0, to: 5, wantRepaired: true,
		want: []Word{{Text: "a", Start: 2, End: 2.5}, {Text: "bbb", Start: 2.5, End: 4}},
	}, {
		name: "far outside",
		r:    Result{Start: 2, End: 4, Words: []Word{{Text: "a", Start: 2, End: 1e308}, {Text: "b", Start: 1e308, End: 1e308}}},
		from: 0, to: 5, wantRepaired: true,
		want: []Word{{Text: "a", Start: 2, End: 3}, {Text: "b", Start: 3, End: 4}},
	}, {
		name: "negative",
		r:    Result{Start: 2, End: 4, Words: []Word{{Text: "a", Start: -7, End: -6}, {Text: "b", Start: 3, End: 3.5}}},
		from: 1, to: 5, wantRepaired: true,
		want: []Word{{Text: "a", Start: 2, End: 3}, {Text: "b", Start: 3, End: 4}},
	}, {
		name: "not finite, and so is the result",
		r:    Result{Start: math.NaN(), End: math.Inf(1), Words: []Word{{Text: "a", Start: math.NaN(), End: 1}, {Text: "b", Start: 1, End: math.Inf(1)}}},
		from: 1, to: 3, wantRepaired: true,
		want: []Word{{Text: "a", Start: 1, End: 2}, {Text: "b", Start: 2, End: 3}},
	}, {
		name: "sound words, broken result span",
		r:    Result{Start: 9, End: -1, Words: []Word{{Text: "a", Start: 1.5, End: 2}}},
		from: 1, to: 3,
		want: []Word{{Text: "a", Start: 1.5, End: 2}},
	}, {
		name: "no words",
		r:    Result{Start: math.Inf(-1), End: 2},
		from: 1, to: 3,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			r.Words = append([]Word(nil), tt.r.Words...)
			if got := RepairTimes(&r, tt.from, tt.to); got != tt.wantRepaired || r.TimesRepaired != tt.wantRepaired {
				t.Errorf("repaired %v (TimesRepaired %v), want %v", got, r.TimesRepaired, tt.wantRepaired)
			}
			if bad := soundTimes(r, tt.from, tt.to); bad != "" {
				t.Errorf("after RepairTimes, %s: %+v", bad, r)
			}
			if tt.want == nil {
				return
			}
			for i, w := range r.Words {
				if w.Text != tt.want[i].Text || math.Abs(w.Start-tt.want[i].Start) > 1e-9 || math.Abs(w.End-tt.want[i].End) > 1e-9 {
					t.Errorf("word %d = %s %.3f-%.3f, want %s %.3f-%.3f", i, w.Text, w.Start, w.End, tt.want[i].Text, tt.want[i].Start, tt.want[i].End)
				}
			}
		})
	}
}

// brokenEngine's streams give a final result with broken times whenever
// a second of audio has come, as a faulty engine might.
type brokenEngine struct{}

func (brokenEngine) Name() string { return "broken" }
func (brokenEngine) Close() error { return nil }
func (brokenEngine) NewStream(context.Context, StreamOptions) (Stream, error) {
	return &brokenStream{}, nil
}

type brokenStream struct{ fed int }

func (s *brokenStream) Accept(_ context.Context, samples []int16) ([]Result, error) {
	before := s.fed / SampleRate
	s.fed += len(samples)
	if s.fed/SampleRate == before {
		return nil, nil
	}
	at := float64(before)
	return []Result{
		{Start: at, End: at + 0.5, Words: []Word{{Text: "partial", Start: at + 0.5, End: at}}},
		{Start: at, End: at + 1, Final: true, Words: []Word{
			{Text: "back", Start: at + 0.6, End: at + 0.8}, {Text: "to", Start: at - 3, End: at - 2.9},
			{Text: "front", Start: math.Inf(1), End: math.NaN()}, {Text: "future", Start: at + 5, End: at + 6}}},
	}, nil
}
func (s *brokenStream) Flush(context.Context) ([]Result, error) { return nil, nil }
func (s *brokenStream) Close() error                            { return nil }

// CheckTimes keeps every result of any engine inside the audio fed and
// after the last final result's words.
func TestCheckTimes(t *testing.T) {
	tr, err := TranscribeSamples(context.Background(), brokenEngine{}, make([]int16, 3*SampleRate), StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Words) != 12 {
		t.Fatalf("%d words, want 12", len(tr.Words))
	}
	for i, w := range tr.Words {
		if !finite(w.Start) || !finite(w.End) || w.Start > w.End || w.Start < 0 || w.End > 3 ||
			(i > 0 && (w.Start < tr.Words[i-1].End)) {
			t.Errorf("word %d %s at %v-%v: out of order or outside the audio", i, w.Text, w.Start, w.End)
		}
	}

	s := CheckTimes(&brokenStream{})
	results, _ := s.Accept(context.Background(), make([]int16, SampleRate))
	if len(results) != 2 || !results[0].TimesRepaired || !results[1].TimesRepaired {
		t.Fatalf("results %+v; want both repaired", results)
	}
	if bad := soundTimes(results[0], 0, 1); bad != "" {
		t.Errorf("partial: %s: %+v", bad, results[0])
	}
}
