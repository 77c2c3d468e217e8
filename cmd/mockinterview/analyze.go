package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

// levelProfile picks a built-in level or a coach's profile file.
func levelProfile(level, profilePath string) (interviewer.Profile, error) {
	if profilePath != "" {
		b, err := os.ReadFile(profilePath)
		if err != nil {
			return interviewer.Profile{}, err
		}
		p, err := interviewer.ParseProfile(b)
		if err != nil {
			return p, fmt.Errorf("%s: %w", profilePath, err)
		}
		return p, nil
	}
	p, err := interviewer.LookupProfile(level)
	if err != nil {
		return p, usageError{err.Error()}
	}
	return p, nil
}

// loadAnswer reads a recording (transcribed with engine) or a typed
// transcript.
func loadAnswer(ctx context.Context, path string, ef *engineFlags, log zerolog.Logger) (interviewer.Answer, string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt":
		b, err := os.ReadFile(path)
		if err != nil {
			return interviewer.Answer{}, "", err
		}
		return interviewer.TextAnswer(string(b)), "text", nil
	case ".wav", ".wave":
	default:
		return interviewer.Answer{}, "", usageError{fmt.Sprintf("%s: give a .wav recording or a .txt transcript", path)}
	}
	tr, samples, err := transcribeFile(ctx, path, ef, log)
	if err != nil {
		return interviewer.Answer{}, "", err
	}
	return recordedAnswer(tr, samples), tr.Engine, nil
}

// recordedAnswer pairs a transcript with the speech the voice detector
// found in the same samples.
func recordedAnswer(tr transcribe.Transcript, samples []int16) interviewer.Answer {
	a := interviewer.Answer{Words: tr.Words, Duration: tr.Duration}
	for _, s := range transcribe.DetectSpeech(samples, transcribe.VADConfig{}) {
		a.Speech = append(a.Speech, interviewer.Span{Start: s.Start, End: s.End})
	}
	return a
}

func runAnalyze(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "analyze", "FILE.wav|FILE.txt")
	var ef engineFlags
	ef.register(fs, e)
	level := fs.String("level", envOr(e, "MOCKINTERVIEW_LEVEL", "sde2"), "level whose targets apply: sde1, sde2 or senior [$MOCKINTERVIEW_LEVEL]")
	profilePath := fs.String("profile", "", "a coach's own targets as JSON (overrides --level)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError{"analyze takes exactly one file"}
	}
	profile, err := levelProfile(*level, *profilePath)
	if err != nil {
		return err
	}
	ans, engineName, err := loadAnswer(ctx, files[0], &ef, zerolog.New(e.stderr).Level(zerolog.WarnLevel))
	if err != nil {
		return err
	}
	analyzer, err := interviewer.NewAnalyzer()
	if err != nil {
		return err
	}
	r := analyzer.Analyze(ans, profile)
	r.Source, r.Engine = files[0], engineName
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(r)
	}
	fmt.Fprint(e.stdout, interviewer.FormatReport(r))
	return nil
}
