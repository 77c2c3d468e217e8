package interviewer

import (
	"math"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

// fuzzWords turns fuzz input into timed words: the text's fields, each
// timed by one byte of times (a step forward or back, a word that lasts
// nothing or long, and now and then a time that is not a number at all).
func fuzzWords(text string, times []byte) []transcribe.Word {
	fields := strings.Fields(text)
	words := make([]transcribe.Word, 0, len(fields))
	clock := 0.0
	for i, f := range fields {
		b := byte(i)
		if len(times) > 0 {
			b = times[i%len(times)]
		}
		w := transcribe.Word{Text: f, Confidence: float64(b) / 255}
		switch b {
		case 0xff:
			w.Start, w.End = math.NaN(), math.NaN()
		case 0xfe:
			w.Start, w.End = math.Inf(1), math.Inf(-1)
		case 0xfd:
			w.Start, w.End = -1e9, 1e9
		default:
			clock += float64(int8(b)) / 16
			w.Start, w.End = clock, clock+float64(b%8)/10
		}
		words = append(words, w)
	}
	return words
}

// FuzzAnalyze gives the analysis and the interview random words with
// random times: out of order, overlapping, negative, huge, NaN. Nothing
// may panic, and the interview always ends with a report.
func FuzzAnalyze(f *testing.F) {
	f.Add("so last year I owned the checkout service and um we cut errors by forty percent I learned to measure", []byte{8, 9, 10, 40, 3}, uint8(1), true)
	f.Add("", []byte{}, uint8(0), false)
	f.Add("uh uh uh like you know basically", []byte{0xff, 0xfe, 0xfd, 0x80}, uint8(2), true)
	f.Add("I I I we we we result result situation", []byte{0x7f, 0x81, 0}, uint8(3), false)
	analyzer, err := NewAnalyzer()
	if err != nil {
		f.Fatal(err)
	}
	bank, err := LoadBank()
	if err != nil {
		f.Fatal(err)
	}
	levels := []string{"sde1", "sde2", "senior"}
	var questions []*Question
	for i := range bank.Principles {
		for j := range bank.Principles[i].Questions {
			questions = append(questions, &bank.Principles[i].Questions[j])
		}
	}
	f.Fuzz(func(t *testing.T, text string, times []byte, pick uint8, interview bool) {
		if len(text) > 4000 {
			text = text[:4000]
		}
		words := fuzzWords(text, times)
		level := levels[int(pick)%len(levels)]
		profile, err := LookupProfile(level)
		if err != nil {
			t.Fatal(err)
		}
		var speech []Span
		for _, w := range words[:min(len(words), 5)] {
			speech = append(speech, Span{w.Start, w.End})
		}
		r := analyzer.Analyze(Answer{Words: words, Speech: speech, Duration: float64(pick)}, profile)
		if len(r.Words) != len(words) {
			t.Fatalf("%d words in, %d in the report", len(words), len(r.Words))
		}

		mode := ModePractice
		if interview {
			mode = ModeInterview
		}
		iv, err := NewInterview(InterviewConfig{Bank: bank, Analyzer: analyzer, Question: questions[int(pick)%len(questions)],
			Level: level, Mode: mode, MaxProbes: 1 + int(pick)%3, EndSilence: 1 + float64(pick%5)})
		if err != nil {
			t.Fatal(err)
		}
		var report *InterviewReport
		collect := func(turns []Turn) {
			for _, tn := range turns {
				if tn.Kind == TurnReport {
					report = tn.Report
				}
			}
		}
		collect(iv.Begin(0))
		// The live view segments every word heard so far on each chunk, so
		// the interview hears at most 200 words: longer ones made a single
		// input take seconds and starved the fuzzer (the analysis above
		// takes them all).
		words = words[:min(len(words), 200)]
		for i := 0; i < len(words); i += 3 {
			chunk := words[i:min(i+3, len(words))]
			collect(iv.Hear(chunk))
			iv.Live(chunk[len(chunk)-1].End)
			collect(iv.Tick(chunk[len(chunk)-1].End + float64(pick%7)))
			if int(pick)%11 == i%11 {
				collect(iv.Skip(chunk[0].Start))
			}
		}
		collect(iv.Done(float64(len(words))))
		collect(iv.Finish(float64(len(words)) + 1))
		if report == nil {
			t.Fatal("the interview ended without a report")
		}
	})
}
