package interviewer

import (
	"errors"
	"fmt"
)

// Restore builds the interview of a live session again from what was
// stored of it, so that it can go on in another process (a replica that
// took the session over after its own died): the main answer's words, and
// each probe asked since with its reply. It leaves the interview in the
// last answer, listening, as the words heard so far left it; the turns
// the interviewer took on the way were said already and are dropped.
//
// With no probe asked yet, the interview goes on as a new one would,
// with the whole bank. Once probes were asked, they are asked again as
// they were, in the same order, and the interview then asks no others:
// it reports after the reply in progress. cfg gives what the server
// sets (Bank, Analyzer, MaxProbes, EndSilence, WordProbes); the question,
// level and mode are the recorded ones.
func Restore(cfg InterviewConfig, r Recorded) (*Interview, error) {
	if len(r.Answers) == 0 {
		return nil, errors.New("no answer to restore")
	}
	q, ok := cfg.Bank.Question(r.QuestionID)
	if !ok {
		return nil, fmt.Errorf("question %q is no longer in the bank", r.QuestionID)
	}
	cfg.Question, cfg.Level, cfg.Mode, cfg.Profile = q, r.Level, r.Mode, Profile{}
	if len(r.Answers) > 1 {
		asked, _, err := askedProbes(cfg.Bank, r)
		if err != nil {
			return nil, err
		}
		limited := *cfg.Bank
		limited.Generic = nil
		cfg.Bank, cfg.Question, cfg.MaxProbes, cfg.WordProbes = &limited, asked, len(asked.Probes), false
	}
	iv, err := NewInterview(cfg)
	if err != nil {
		return nil, err
	}
	iv.Begin(r.Answers[0].Start)
	for i, a := range r.Answers {
		iv.Hear(a.Words)
		if a.Audio != nil {
			iv.SetAudio(*a.Audio)
		}
		if i == len(r.Answers)-1 {
			break
		}
		next := iv.Done
		if a.Skipped {
			next = iv.Skip
		}
		want := r.Answers[i+1]
		if p := askedProbe(next(want.Start)); p == nil || p.ID != want.ProbeID {
			return nil, fmt.Errorf("the interview does not ask probe %q again after answer %d", want.ProbeID, a.N)
		}
	}
	return iv, nil
}

// askedProbe is the probe among turns, if one was asked.
func askedProbe(turns []Turn) *Probe {
	for _, t := range turns {
		if t.Kind == TurnProbe {
			return t.Probe
		}
	}
	return nil
}
