package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

// pickQuestion finds the question to ask: by id, or one of a principle's
// (chosen at random), or the coaching material's own story.
func pickQuestion(bank *interviewer.Bank, id, principle string) (*interviewer.Question, error) {
	if id == "" && principle == "" {
		id = interviewer.ExampleQuestion
	}
	c, err := bank.Choose(interviewer.Choices{QuestionID: id, Principle: principle}, rand.IntN)
	var bad *interviewer.ChoiceError
	switch {
	case errors.As(err, &bad) && bad.Choice == interviewer.ChoiceQuestion:
		return nil, usageError{fmt.Sprintf("no question %q; `mockinterview questions` lists them", id)}
	case errors.As(err, &bad) && bad.Choice == interviewer.ChoicePrinciple:
		return nil, usageError{fmt.Sprintf("no principle %q; one of: %s", principle, strings.Join(bank.PrincipleNames(), ", "))}
	case err != nil:
		return nil, err
	}
	return c.Question, nil
}

func runQuestions(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "questions", "")
	principle := fs.String("principle", "", "only this principle's questions")
	asJSON := fs.Bool("json", false, "print the bank as JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	bank, err := interviewer.LoadBank()
	if err != nil {
		return err
	}
	principles := bank.Principles
	if *principle != "" {
		p, ok := bank.Principle(*principle)
		if !ok {
			return usageError{fmt.Sprintf("no principle %q; one of: %s", *principle, strings.Join(bank.PrincipleNames(), ", "))}
		}
		principles = []interviewer.Principle{*p}
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(principles)
	}
	for _, p := range principles {
		fmt.Fprintf(e.stdout, "%s\n  emphasize: %s\n  downplay:  %s\n", p.Name, p.Lens.Emphasize, p.Lens.Downplay)
		for _, q := range p.Questions {
			fmt.Fprintf(e.stdout, "  %-44s %s\n", q.ID, q.Text)
			for _, pr := range q.Probes {
				fmt.Fprintf(e.stdout, "      %-11s %s\n", "["+string(pr.Gap)+"]", pr.Text)
			}
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

func runInterview(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "interview", "ANSWER.wav [PROBE_ANSWER.wav ...]")
	var ef engineFlags
	ef.register(fs)
	var lf llmFlags
	lf.register(fs)
	questionID := fs.String("question", "", "question id (see `mockinterview questions`)")
	principle := fs.String("principle", "", "ask one of this principle's questions")
	level := levelFlag(fs, "sde1, sde2 or senior", "")
	probes := fs.Int("probes", interviewer.DefaultMaxProbes, "follow-up probes to ask")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError{"interview needs at least the answer's recording"}
	}
	bank, err := interviewer.LoadBank()
	if err != nil {
		return err
	}
	q, err := pickQuestion(bank, *questionID, *principle)
	if err != nil {
		return err
	}
	analyzer, err := interviewer.NewAnalyzer()
	if err != nil {
		return err
	}
	log := zerolog.New(e.stderr).Level(zerolog.WarnLevel)
	phraser, err := lf.phraser(log)
	if err != nil {
		return err
	}
	iv, err := interviewer.NewInterview(interviewer.InterviewConfig{Bank: bank, Analyzer: analyzer, Question: q, Level: *level,
		MaxProbes: *probes, WordProbes: phraser != nil})
	if err != nil {
		return usageError{err.Error()}
	}
	var recordings [][]int16
	for _, f := range files {
		s, _, err := transcribe.ReadWAV(f)
		if err != nil {
			return err
		}
		recordings = append(recordings, s)
	}
	engine, err := ef.open(log)
	if err != nil {
		return err
	}
	defer engine.Close()

	n := narrator{out: e.stdout, iv: iv, phraser: phraser}
	if *asJSON {
		n.out = io.Discard
	}
	report, err := n.interview(ctx, engine, files, recordings, e.stderr)
	if err != nil {
		return err
	}
	report.Source, report.Engine = strings.Join(files, ","), engine.Name()
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(report)
	}
	fmt.Fprint(e.stdout, "\n", interviewer.FormatInterviewReport(*report))
	return nil
}

// narrator holds the interview on the command line: it prints what the
// interviewer says and words the probes with the phraser, if there is one.
type narrator struct {
	out     io.Writer
	iv      *interviewer.Interview
	phraser interviewer.Phraser
}

// interview plays the recordings as the answers, one after the other on
// one clock, and returns the report.
func (n narrator) interview(ctx context.Context, engine transcribe.Engine, files []string, recordings [][]int16, stderr io.Writer) (*interviewer.InterviewReport, error) {
	clock := 0.0
	report := n.say(ctx, n.iv.Begin(clock), clock)
	for i, samples := range recordings {
		if report != nil {
			fmt.Fprintf(stderr, "mockinterview: the interview ended before %s was needed\n", files[i])
			break
		}
		tr, err := transcribe.TranscribeSamples(ctx, engine, samples, transcribe.StreamOptions{})
		if err != nil {
			return nil, fmt.Errorf("transcribe %s: %w", files[i], err)
		}
		fmt.Fprintf(n.out, "\nCandidate: %s\n", tr.Text)
		report = n.say(ctx, n.iv.Hear(transcribe.ShiftWords(tr.Words, clock)), clock)
		n.iv.SetAudio(server.AudioLevels(transcribe.MeasureLevels(samples)))
		clock += tr.Duration
		if report == nil {
			report = n.say(ctx, n.iv.Done(clock), clock)
		}
	}
	if report == nil {
		report = n.say(ctx, n.iv.Finish(clock), clock)
	}
	return report, nil
}

// say prints what the interviewer says and returns the report once it
// comes. A probe that waits for its words gets them from the phraser.
func (n narrator) say(ctx context.Context, turns []interviewer.Turn, now float64) *interviewer.InterviewReport {
	for _, t := range turns {
		switch t.Kind {
		case interviewer.TurnQuestion:
			fmt.Fprintf(n.out, "Interviewer: %s\n", t.Text)
		case interviewer.TurnWording:
			return n.say(ctx, n.iv.Ask(now, n.phraser.Phrase(ctx, n.iv.Question(), t.Transcript, *t.Probe)), now)
		case interviewer.TurnProbe:
			fmt.Fprintf(n.out, "\nInterviewer (probe, %s): %s\n", t.Probe.Gap, t.Text)
		case interviewer.TurnInterrupt:
			fmt.Fprintf(n.out, "\nInterviewer (cuts in): %s\n", t.Text)
		case interviewer.TurnReport:
			return t.Report
		}
	}
	return nil
}
