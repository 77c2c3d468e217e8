package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/static"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "serve", "")
	var ef engineFlags
	ef.register(fs, e)
	var lf llmFlags
	lf.register(fs, e)
	addr := fs.String("addr", envOr(e, "MOCKINTERVIEW_ADDR", "127.0.0.1:8080"), "address to listen on; 0.0.0.0:8080 to be reachable from other machines [$MOCKINTERVIEW_ADDR]")
	data := fs.String("data", envOr(e, "MOCKINTERVIEW_DATA", "./data"), "folder for the database and the recordings [$MOCKINTERVIEW_DATA]")
	endSilence := fs.Duration("end-silence", envDuration(e, "MOCKINTERVIEW_END_SILENCE", 4*time.Second), "silence that ends an answer [$MOCKINTERVIEW_END_SILENCE]")
	maxProbes := fs.Int("max-probes", envInt(e, "MOCKINTERVIEW_MAX_PROBES", 3), "follow-up questions per interview [$MOCKINTERVIEW_MAX_PROBES]")
	adminToken := fs.String("admin-token", envOr(e, "MOCKINTERVIEW_ADMIN_TOKEN", ""), "bearer token that lists and reads every session (empty: nobody can) [$MOCKINTERVIEW_ADMIN_TOKEN]")
	logLevel := fs.String("log-level", envOr(e, "MOCKINTERVIEW_LOG_LEVEL", "info"), "debug, info, warn or error; debug logs transcripts [$MOCKINTERVIEW_LOG_LEVEL]")
	shutdownWait := fs.Duration("shutdown-timeout", envDuration(e, "MOCKINTERVIEW_SHUTDOWN_TIMEOUT", 30*time.Second), "how long a shutdown waits for sessions to finish and report [$MOCKINTERVIEW_SHUTDOWN_TIMEOUT]")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return usageError{"serve takes no arguments"}
	}
	level, err := zerolog.ParseLevel(*logLevel)
	if err != nil || *logLevel == "" {
		return usageError{fmt.Sprintf("unknown log level %q: use debug, info, warn or error", *logLevel)}
	}
	log := zerolog.New(e.stderr).Level(level).With().Timestamp().Logger()

	engine, err := ef.open(log)
	if err != nil {
		return err
	}
	defer engine.Close()
	bank, err := interviewer.LoadBank()
	if err != nil {
		return err
	}
	analyzer, err := interviewer.NewAnalyzer()
	if err != nil {
		return err
	}
	store, err := server.OpenStore(ctx, *data)
	if err != nil {
		return err
	}
	defer store.Close()

	sessions := server.NewSessions()
	phrase, err := lf.phrase(ctx, log)
	if err != nil {
		return err
	}
	cfg := server.Config{EndSilence: endSilence.Seconds(), MaxProbes: *maxProbes, AdminToken: *adminToken, Phrase: phrase}
	handler := server.NewServer(log, cfg, store, engine, bank, analyzer, sessions, static.Files)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (use --addr or $MOCKINTERVIEW_ADDR for another address)", *addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Info().Str("addr", ln.Addr().String()).Str("engine", engine.Name()).Str("data", *data).Msg("listening")
	fmt.Fprintf(e.stdout, "mockinterview: serving http://%s (engine %s, data in %s)\n", ln.Addr(), engine.Name(), *data)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	log.Info().Int("live", sessions.Count()).Msg("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), *shutdownWait)
	defer cancel()
	var wg sync.WaitGroup
	var httpErr error
	wg.Go(func() { httpErr = srv.Shutdown(stopCtx) })
	sessErr := sessions.Shutdown(stopCtx)
	wg.Wait()
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		log.Error().Err(err).Msg("serve")
	}
	if err := errors.Join(httpErr, sessErr); err != nil {
		log.Warn().Err(err).Msg("shutdown cut short")
	}
	log.Info().Msg("stopped")
	return nil
}
