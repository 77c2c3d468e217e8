package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/transcribe"
)

func runTranscribe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "transcribe", "FILE.wav")
	var ef engineFlags
	ef.register(fs, e)
	asJSON := fs.Bool("json", false, "print one JSON object")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError{"transcribe takes exactly one WAV file"}
	}
	tr, _, err := transcribeFile(ctx, files[0], &ef, zerolog.New(e.stderr))
	if err != nil {
		return err
	}
	if tr.Words == nil {
		tr.Words = []transcribe.Word{}
		tr.Utterances = []transcribe.Utterance{}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		return enc.Encode(tr)
	}
	for _, u := range tr.Utterances {
		fmt.Fprintf(e.stdout, "[%7.2f - %7.2f] %s\n", u.Start, u.End, u.Text)
	}
	return nil
}

// transcribeFile reads a WAV recording and runs it through the configured
// engine, returning the transcript and the 16 kHz samples it heard.
func transcribeFile(ctx context.Context, path string, ef *engineFlags, log zerolog.Logger) (transcribe.Transcript, []int16, error) {
	samples, _, err := transcribe.ReadWAV(path)
	if err != nil {
		return transcribe.Transcript{}, nil, err
	}
	engine, err := ef.open(log)
	if err != nil {
		return transcribe.Transcript{}, nil, err
	}
	defer engine.Close()
	tr, err := transcribe.TranscribeSamples(ctx, engine, samples, transcribe.StreamOptions{})
	if err != nil {
		return tr, samples, fmt.Errorf("transcribe %s: %w", path, err)
	}
	return tr, samples, nil
}
