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
	ef.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError{"transcribe takes exactly one WAV file"}
	}
	loader := answerLoader{ef: &ef, log: zerolog.New(e.stderr)}
	defer loader.close()
	tr, _, err := loader.transcribe(ctx, files[0])
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
