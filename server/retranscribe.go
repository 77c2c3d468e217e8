package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// ErrLive is returned for a session that a server may still be recording.
var ErrLive = errors.New("the session is marked live")

// RetranscribeResult says what a retranscription found.
type RetranscribeResult struct {
	Answers    int
	Utterances int
	Words      int
	// TimesRepaired counts the utterances whose word times were broken
	// and were spread over the utterance (see transcribe.RepairTimes).
	TimesRepaired int
	Report        *interviewer.InterviewReport
}

// Retranscribe hears a session's recordings again with engine and
// replaces its words, utterances and report with what it hears: the
// recordings are the record, and this is how a session a crash
// interrupted, or one heard by a failing engine, gets its full transcript
// and report. The interview is replayed as it happened: the main answer,
// then each probe that was asked, with its reply. A session still marked
// live is refused with ErrLive.
func Retranscribe(ctx context.Context, st store.Store, engine transcribe.Engine, bank *interviewer.Bank,
	analyzer *interviewer.Analyzer, id string, now time.Time) (*RetranscribeResult, error) {
	if !store.ValidSessionID(id) {
		return nil, store.ErrNotFound
	}
	d, err := st.Sessions.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.State == store.StateLive {
		return nil, fmt.Errorf("session %s: %w", id, ErrLive)
	}
	if len(d.Answers) == 0 {
		return nil, fmt.Errorf("session %s has no recording", id)
	}
	var t store.Transcript
	t.Answers = map[int]float64{}
	repaired := 0
	heard := make([][]transcribe.Word, len(d.Answers))
	measured := make([]*interviewer.AudioLevels, len(d.Answers))
	for i, a := range d.Answers {
		samples, err := st.Recordings.Read(ctx, id, a.AudioFile, a.FirstSample, a.Samples)
		if errors.Is(err, store.ErrNotFound) {
			continue // asked, never answered
		}
		if err != nil {
			return nil, fmt.Errorf("session %s: answer %d: %w", id, a.N, err)
		}
		t.Answers[a.N] = float64(len(samples)) / transcribe.SampleRate
		levels := AudioLevels(transcribe.MeasureLevels(samples))
		measured[i] = &levels
		results, err := transcribeRecording(ctx, engine, samples)
		if err != nil {
			return nil, fmt.Errorf("session %s: answer %d: %w", id, a.N, err)
		}
		for _, r := range results {
			if r.TimesRepaired {
				repaired++
			}
			words := transcribe.ShiftWords(r.Words, a.Start)
			heard[i] = append(heard[i], words...)
			t.Utterances = append(t.Utterances, store.UtteranceRecord{N: len(t.Utterances), Answer: a.N,
				Start: round3(r.Start + a.Start), End: round3(r.End + a.Start), Engine: heardBy(r, engine.Name()),
				Fallback: isFallback(r, engine.Name()), Words: len(words)})
			t.Words = append(t.Words, words)
		}
	}
	report, err := interviewer.Replay(bank, analyzer, recorded(d, heard, measured))
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	report.Source, report.Engine = id, engine.Name()
	mainWords := make([]int, 0, len(heard[0]))
	for i := range heard[0] {
		mainWords = append(mainWords, i) // the main answer's words come first
	}
	if err := st.Sessions.ReplaceTranscript(ctx, id, t, report, mainWords, now); err != nil {
		return nil, err
	}
	res := &RetranscribeResult{Answers: len(d.Answers), Utterances: len(t.Utterances), TimesRepaired: repaired, Report: report}
	for _, w := range t.Words {
		res.Words += len(w)
	}
	return res, nil
}

// transcribeRecording runs one recording through a new stream, in 100 ms
// pieces as a live client sends them, and returns the final results on
// the recording's own clock, their word times checked.
func transcribeRecording(ctx context.Context, engine transcribe.Engine, samples []int16) ([]transcribe.Result, error) {
	stream, err := engine.NewStream(ctx, transcribe.StreamOptions{})
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	return hearRecording(ctx, engine.Name(), stream, samples)
}

// hearRecording is transcribeRecording on a stream already open, which it
// leaves open; engine names the engine in errors.
func hearRecording(ctx context.Context, engine string, stream transcribe.Stream, samples []int16) ([]transcribe.Result, error) {
	stream = transcribe.CheckTimes(stream)
	var finals []transcribe.Result
	keep := func(results []transcribe.Result) {
		for _, r := range results {
			if r.Final && len(r.Words) > 0 {
				finals = append(finals, r)
			}
		}
	}
	const piece = transcribe.SampleRate / 10
	for i := 0; i < len(samples); i += piece {
		results, err := stream.Accept(ctx, samples[i:min(i+piece, len(samples))])
		keep(results)
		if err != nil {
			return nil, fmt.Errorf("%s at %.1f s: %w", engine, float64(i)/transcribe.SampleRate, err)
		}
	}
	results, err := stream.Flush(ctx)
	keep(results)
	return finals, err
}

// recorded is the session as the interviewer replays it, with the words
// heard in each answer and what was measured of its audio (nil for an
// answer never recorded).
func recorded(d *store.SessionDetail, heard [][]transcribe.Word, measured []*interviewer.AudioLevels) interviewer.Recorded {
	r := interviewer.Recorded{QuestionID: d.QuestionID, Level: d.Level, Mode: interviewer.Mode(d.Mode)}
	for i, a := range d.Answers {
		skipped := false
		switch {
		case a.N == 0:
			skipped = d.Report != nil && d.Report.Skipped
		case a.N-1 < len(d.Probes):
			skipped = d.Probes[a.N-1].Skipped
		}
		r.Answers = append(r.Answers, interviewer.RecordedAnswer{N: a.N, ProbeID: a.ProbeID, Asked: a.Asked,
			Start: a.Start, End: a.End, Skipped: skipped, Words: heard[i], Audio: measured[i]})
	}
	return r
}
