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
			words := shiftWords(r.Words, a.Start)
			heard[i] = append(heard[i], words...)
			t.Utterances = append(t.Utterances, store.UtteranceRecord{N: len(t.Utterances), Answer: a.N,
				Start: round3(r.Start + a.Start), End: round3(r.End + a.Start), Engine: heardBy(r, engine.Name()),
				Fallback: isFallback(r, engine.Name()), Words: len(words)})
			t.Words = append(t.Words, words)
		}
	}
	report, err := replay(d, heard, measured, bank, analyzer)
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

func shiftWords(words []transcribe.Word, by float64) []transcribe.Word {
	out := make([]transcribe.Word, len(words))
	for i, w := range words {
		w.Start, w.End = w.Start+by, w.End+by
		out[i] = w
	}
	return out
}

// replay drives the interview again with the words heard in each answer
// and what was measured of its audio (nil for an answer never recorded).
// The interviewer may only ask the probes that were asked, worded as they
// were: it chooses among them from the new transcript, and each is given
// the reply that was recorded to it.
func replay(d *store.SessionDetail, heard [][]transcribe.Word, measured []*interviewer.AudioLevels, bank *interviewer.Bank,
	analyzer *interviewer.Analyzer) (*interviewer.InterviewReport, error) {
	q, ok := bank.Question(d.QuestionID)
	if !ok {
		return nil, fmt.Errorf("question %q is no longer in the bank", d.QuestionID)
	}
	asked := *q
	asked.Probes = nil
	askedAs := map[string]int{} // probe id to answer number
	for _, a := range d.Answers[1:] {
		p, ok := findProbe(bank, q, a.ProbeID)
		if !ok {
			return nil, fmt.Errorf("probe %q is no longer in the bank", a.ProbeID)
		}
		p.Text = a.Asked
		asked.Probes = append(asked.Probes, p)
		askedAs[p.ID] = a.N
	}
	limited := *bank
	limited.Generic = nil
	skipped := map[int]bool{}
	for i, p := range d.Probes {
		skipped[i+1] = p.Skipped
	}
	if d.Report != nil {
		skipped[0] = d.Report.Skipped
	}
	iv, err := interviewer.NewInterview(interviewer.InterviewConfig{
		Bank: &limited, Analyzer: analyzer, Question: &asked, Level: d.Level, Mode: interviewer.Mode(d.Mode),
		MaxProbes: max(1, len(asked.Probes)),
	})
	if err != nil {
		return nil, err
	}
	var report *interviewer.InterviewReport
	take := func(turns []interviewer.Turn) *interviewer.Probe {
		for _, t := range turns {
			switch t.Kind {
			case interviewer.TurnReport:
				report = t.Report
			case interviewer.TurnProbe:
				return t.Probe
			}
		}
		return nil
	}
	// Each answer is laid on the clock where the interviewer's turn puts
	// it, which is where it was unless the probes come in another order.
	byNumber := map[int]int{}
	for i, a := range d.Answers {
		byNumber[a.N] = i
	}
	take(iv.Begin(0))
	current, clock := 0, 0.0
	for report == nil {
		i := byNumber[current]
		a := d.Answers[i]
		take(iv.Hear(shiftWords(heard[i], clock-a.Start)))
		if report != nil {
			break
		}
		if measured[i] != nil {
			iv.SetAudio(*measured[i])
		}
		end := clock
		if a.End != nil {
			end += *a.End - a.Start
		}
		if n := len(heard[i]); n > 0 {
			end = max(end, heard[i][n-1].End+clock-a.Start)
		}
		next := iv.Done
		if skipped[current] {
			next = iv.Skip
		}
		p := take(next(end))
		if p == nil {
			break
		}
		n, ok := askedAs[p.ID]
		if !ok {
			return nil, fmt.Errorf("the interviewer asked probe %q twice", p.ID)
		}
		delete(askedAs, p.ID)
		current, clock = n, end
	}
	if report == nil {
		return nil, errors.New("the interview gave no report")
	}
	return report, nil
}

// findProbe looks a probe up among the question's own and the generic
// ones.
func findProbe(bank *interviewer.Bank, q *interviewer.Question, id string) (interviewer.Probe, bool) {
	for _, list := range [][]interviewer.Probe{q.Probes, bank.Generic} {
		for _, p := range list {
			if p.ID == id {
				return p, true
			}
		}
	}
	return interviewer.Probe{}, false
}
