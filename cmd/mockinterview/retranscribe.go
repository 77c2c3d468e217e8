package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/store"
)

func runRetranscribe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "retranscribe", "SESSION [SESSION ...]")
	var ef engineFlags
	ef.register(fs)
	dataDir := fs.String("data", "./data", "the service's data folder [$MOCKINTERVIEW_DATA]")
	var database databaseFlag
	database.register(fs)
	var recs recordingsFlag
	recs.register(fs)
	force := fs.Bool("force", false, "take a session still marked live: its server died and has not been started again")
	asJSON := fs.Bool("json", false, "print each session's new report as one line of JSON")
	ids, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fs.Usage()
		return usageError{"retranscribe needs the id of at least one session (GET /api/sessions lists them)"}
	}
	for _, id := range ids {
		if !store.ValidSessionID(id) {
			return usageError{fmt.Sprintf("%q is not a session id: those are 32 hexadecimal digits", id)}
		}
	}
	// The service may be running on the same folder: attach, and leave
	// its live sessions alone.
	data, err := database.open(ctx, *dataDir, &recs, "")
	if err != nil {
		return err
	}
	defer data.Close()
	log := zerolog.New(e.stderr).Level(zerolog.WarnLevel)
	engine, err := ef.open(log)
	if err != nil {
		return err
	}
	defer engine.Close()
	bank, analyzer, err := loadInterviewer()
	if err != nil {
		return err
	}
	for _, id := range ids {
		res, err := server.Retranscribe(ctx, data.Store, engine, bank, analyzer, id, time.Now())
		if errors.Is(err, server.ErrLive) && *force {
			if err = data.MarkInterrupted(ctx, id); err == nil {
				res, err = server.Retranscribe(ctx, data.Store, engine, bank, analyzer, id, time.Now())
			}
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("no session %s in %s (check --data and --database)", id, data.Where)
		case errors.Is(err, server.ErrLive):
			return fmt.Errorf("session %s is marked live: a running server is recording it, or its server died and has not been started again; "+
				"wait for it to end, start the server again, or pass --force if no server is running", id)
		case err != nil:
			return err
		}
		if *asJSON {
			if err := json.NewEncoder(e.stdout).Encode(res.Report); err != nil {
				return err
			}
			continue
		}
		decision := "no verdict (practice)"
		if res.Report.Verdict != nil {
			decision = res.Report.Verdict.Decision
		}
		fmt.Fprintf(e.stdout, "session %s: %d answers heard again by %s: %d utterances, %d words; report: %s, %s, %d probes\n",
			id, res.Answers, engine.Name(), res.Utterances, res.Words, decision, interviewer.FormatDuration(res.Report.Budget.Length), len(res.Report.Probes))
	}
	return nil
}
