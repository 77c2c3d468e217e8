package interviewer

import (
	"errors"
	"fmt"

	"github.com/mockinterview/mockinterview/transcribe"
)

// Recorded is an interview as it was recorded, to be heard again: the
// question, level and mode it was held with and its answers.
type Recorded struct {
	QuestionID string
	Level      string
	Mode       Mode
	// Answers are in the order they were asked: the main answer, then one
	// per probe.
	Answers []RecordedAnswer
}

// RecordedAnswer is one answer as it was recorded.
type RecordedAnswer struct {
	N       int     // 0 for the main answer, then one per probe asked
	ProbeID string  // the probe it replies to; "" for the main answer
	Asked   string  // the question or probe as it was said
	Start   float64 // when it was asked, on the session clock
	End     *float64
	Skipped bool
	// Words are the words heard in its recording, on the session clock.
	Words []transcribe.Word
	// Audio is what was measured of its recording; nil when it has none.
	Audio *AudioLevels
}

// Replay drives the interview again with the words heard in each answer
// and what was measured of its audio: this is how a retranscribed session
// gets its report. The interviewer may only ask the probes that were
// asked, worded as they were: it chooses among them from the new
// transcript, and each is given the reply that was recorded to it.
func Replay(bank *Bank, analyzer *Analyzer, r Recorded) (*InterviewReport, error) {
	if len(r.Answers) == 0 {
		return nil, errors.New("no answer to replay")
	}
	asked, askedAs, err := askedProbes(bank, r)
	if err != nil {
		return nil, err
	}
	limited := *bank
	limited.Generic = nil
	iv, err := NewInterview(InterviewConfig{
		Bank: &limited, Analyzer: analyzer, Question: asked, Level: r.Level, Mode: r.Mode,
		MaxProbes: max(1, len(asked.Probes)),
	})
	if err != nil {
		return nil, err
	}
	var report *InterviewReport
	take := func(turns []Turn) *Probe {
		for _, t := range turns {
			switch t.Kind {
			case TurnReport:
				report = t.Report
			case TurnProbe:
				return t.Probe
			}
		}
		return nil
	}
	// Each answer is laid on the clock where the interviewer's turn puts
	// it, which is where it was unless the probes come in another order.
	byNumber := map[int]int{}
	for i, a := range r.Answers {
		byNumber[a.N] = i
	}
	take(iv.Begin(0))
	current, clock := 0, 0.0
	for report == nil {
		a := r.Answers[byNumber[current]]
		take(iv.Hear(transcribe.ShiftWords(a.Words, clock-a.Start)))
		if report != nil {
			break
		}
		if a.Audio != nil {
			iv.SetAudio(*a.Audio)
		}
		end := a.endOn(clock)
		next := iv.Done
		if a.Skipped {
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

// endOn is when the answer ends once it is laid on the replay's clock
// from clock: when it ended, or at its last word if that is later.
func (a RecordedAnswer) endOn(clock float64) float64 {
	end := clock
	if a.End != nil {
		end += *a.End - a.Start
	}
	if n := len(a.Words); n > 0 {
		end = max(end, a.Words[n-1].End+clock-a.Start)
	}
	return end
}

// askedProbes is the question with only the probes that were asked, worded
// as they were, and the answer number each was asked as.
func askedProbes(bank *Bank, r Recorded) (*Question, map[string]int, error) {
	q, ok := bank.Question(r.QuestionID)
	if !ok {
		return nil, nil, fmt.Errorf("question %q is no longer in the bank", r.QuestionID)
	}
	asked := *q
	asked.Probes = nil
	askedAs := map[string]int{} // probe id to answer number
	for _, a := range r.Answers[1:] {
		p, ok := bank.findProbe(q, a.ProbeID)
		if !ok {
			return nil, nil, fmt.Errorf("probe %q is no longer in the bank", a.ProbeID)
		}
		p.Text, p.Facts = a.Asked, nil // asked as it was, grounded then
		asked.Probes = append(asked.Probes, p)
		askedAs[p.ID] = a.N
	}
	return &asked, askedAs, nil
}

// findProbe looks a probe up among the question's own and the generic
// ones.
func (b *Bank) findProbe(q *Question, id string) (Probe, bool) {
	for _, list := range [][]Probe{q.Probes, b.Generic} {
		for _, p := range list {
			if p.ID == id {
				return p, true
			}
		}
	}
	return Probe{}, false
}
