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
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

// levelFlag adds --level, the built-in level whose targets apply; an
// unknown one is refused with "use sde1, sde2 or senior" and then orElse.
func levelFlag(fs *flagSet, usage, orElse string) *string {
	level := fs.String("level", interviewer.DefaultLevel, usage+" [$MOCKINTERVIEW_LEVEL]")
	fs.check("level", "unknown level; use sde1, sde2 or senior"+orElse, func() bool {
		_, err := interviewer.LookupProfile(*level)
		return err == nil
	})
	return level
}

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
		return p, usageError{err.Error() + ", or give your own targets with --profile FILE.json"}
	}
	return p, nil
}

// answerLoader reads recordings (transcribed with the configured engine)
// and typed transcripts. The engine is opened once, when the first
// recording needs it, and kept for the next: a folder of recordings loads
// the recognizer once.
type answerLoader struct {
	ef     *engineFlags
	log    zerolog.Logger
	engine transcribe.Engine
}

func (l *answerLoader) close() {
	if l.engine != nil {
		l.engine.Close()
	}
}

// open opens the engine if it is not open yet.
func (l *answerLoader) open() error {
	if l.engine != nil {
		return nil
	}
	engine, err := l.ef.open(l.log)
	if err != nil {
		return err
	}
	l.engine = engine
	return nil
}

// transcribe reads a WAV recording and runs it through the engine,
// returning the transcript and the 16 kHz samples it heard.
func (l *answerLoader) transcribe(ctx context.Context, path string) (transcribe.Transcript, []int16, error) {
	samples, _, err := transcribe.ReadWAV(path)
	if err != nil {
		return transcribe.Transcript{}, nil, err
	}
	if err := l.open(); err != nil {
		return transcribe.Transcript{}, nil, err
	}
	tr, err := transcribe.TranscribeSamples(ctx, l.engine, samples, transcribe.StreamOptions{})
	if err != nil {
		return tr, samples, fmt.Errorf("transcribe %s: %w", path, err)
	}
	return tr, samples, nil
}

// load reads a recording or a typed transcript, and names what heard it.
func (l *answerLoader) load(ctx context.Context, path string) (interviewer.Answer, string, error) {
	switch {
	case isTranscript(path):
		b, err := os.ReadFile(path)
		if err != nil {
			return interviewer.Answer{}, "", err
		}
		return interviewer.TextAnswer(string(b)), "text", nil
	case !isRecording(path):
		return interviewer.Answer{}, "", usageError{fmt.Sprintf("%s: give a .wav recording or a .txt transcript", path)}
	}
	tr, samples, err := l.transcribe(ctx, path)
	if err != nil {
		return interviewer.Answer{}, "", err
	}
	return recordedAnswer(tr, samples), tr.Engine, nil
}

func isTranscript(path string) bool { return strings.EqualFold(filepath.Ext(path), ".txt") }

func isRecording(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".wav" || ext == ".wave"
}

// analyzeInputs lists the files to analyze: each argument, or for a folder
// the recordings and transcripts directly in it, in name order.
func analyzeInputs(args []string) ([]string, error) {
	var paths []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			paths = append(paths, arg) // its error is reported when it is read
			continue
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return nil, err
		}
		n := len(paths)
		for _, entry := range entries {
			if name := entry.Name(); !entry.IsDir() && (isRecording(name) || isTranscript(name)) {
				paths = append(paths, filepath.Join(arg, name))
			}
		}
		if len(paths) == n {
			return nil, usageError{fmt.Sprintf("%s holds no .wav recording or .txt transcript", arg)}
		}
	}
	return paths, nil
}

// recordedAnswer pairs a transcript with the speech the voice detector
// found in the same samples, and with what was measured of their audio.
func recordedAnswer(tr transcribe.Transcript, samples []int16) interviewer.Answer {
	levels := server.AudioLevels(transcribe.MeasureLevels(samples))
	a := interviewer.Answer{Words: tr.Words, Duration: tr.Duration, Audio: &levels}
	for _, s := range transcribe.DetectSpeech(samples, transcribe.VADConfig{}) {
		a.Speech = append(a.Speech, interviewer.Span{Start: s.Start, End: s.End})
	}
	return a
}

func runAnalyze(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "analyze", "FILE.wav|FILE.txt|FOLDER ...")
	var ef engineFlags
	ef.register(fs)
	level := levelFlag(fs, "level whose targets apply: sde1, sde2 or senior", ", or give your own targets with --profile FILE.json")
	profilePath := fs.String("profile", "", "a coach's own targets as JSON (overrides --level)")
	asJSON := fs.Bool("json", false, "print one JSON object per answer, one per line")
	story := fs.String("story", "", "count each recording as an attempt of this story of a journal, heard by the running server --server (needs --journal and --journal-secret)")
	jc := journalFlags(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fs.Usage()
		return usageError{"analyze needs a recording (.wav), a typed transcript (.txt) or a folder of them"}
	}
	if *story != "" {
		return analyzeStory(ctx, e, jc, *story, *level, *profilePath, args, *asJSON)
	}
	profile, err := levelProfile(*level, *profilePath)
	if err != nil {
		return err
	}
	paths, err := analyzeInputs(args)
	if err != nil {
		return err
	}
	analyzer, err := interviewer.NewAnalyzer()
	if err != nil {
		return err
	}
	loader := answerLoader{ef: &ef, log: zerolog.New(e.stderr).Level(zerolog.WarnLevel)}
	defer loader.close()
	if len(paths) == 1 {
		r, err := analyzeFile(ctx, &loader, analyzer, profile, paths[0])
		if err != nil {
			return err
		}
		return printAnalysis(e, r, *asJSON)
	}

	// A batch: a file that cannot be read is reported and the others go
	// on; the engine is opened first, as its failure would fail them all.
	for _, p := range paths {
		if isRecording(p) {
			if err := loader.open(); err != nil {
				return err
			}
			break
		}
	}
	var done []interviewer.Report
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := analyzeFile(ctx, &loader, analyzer, profile, p)
		if err != nil {
			fmt.Fprintf(e.stderr, "mockinterview: %v\n", err)
			continue
		}
		if !*asJSON && i > 0 {
			fmt.Fprintf(e.stdout, "\n%s\n\n", strings.Repeat("-", 72))
		}
		if err := printAnalysis(e, r, *asJSON); err != nil {
			return err
		}
		done = append(done, r)
	}
	if !*asJSON && len(done) > 0 {
		fmt.Fprintf(e.stdout, "\n%s\n\n%s", strings.Repeat("=", 72), interviewer.FormatSummary(done))
	}
	if failed := len(paths) - len(done); failed > 0 {
		return fmt.Errorf("%d of %d files could not be analyzed (the reasons are above)", failed, len(paths))
	}
	return nil
}

// analyzeStory makes each recording an attempt of a story of a journal.
func analyzeStory(ctx context.Context, e env, jc *journalClient, story, level, profilePath string, args []string, asJSON bool) error {
	if profilePath != "" {
		return usageError{"--profile cannot be used with --story: a journal's attempts are judged at a built-in --level"}
	}
	paths, err := analyzeInputs(args)
	if err != nil {
		return err
	}
	return analyzeIntoJournal(ctx, e, jc, story, level, paths, asJSON)
}

// analyzeFile reads one answer and analyzes it.
func analyzeFile(ctx context.Context, l *answerLoader, analyzer *interviewer.Analyzer, profile interviewer.Profile, path string) (interviewer.Report, error) {
	ans, engineName, err := l.load(ctx, path)
	if err != nil {
		return interviewer.Report{}, err
	}
	r := analyzer.Analyze(ans, profile)
	r.Source, r.Engine = path, engineName
	return r, nil
}

func printAnalysis(e env, r interviewer.Report, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(r)
	}
	_, err := fmt.Fprint(e.stdout, interviewer.FormatReport(r))
	return err
}
