package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/static"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/instant"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "serve", "")
	var ef engineFlags
	ef.register(fs, "instant")
	fs.Lookup("engine").Usage += "; instant: a test engine for load tests, a made-up word per stretch of speech at once"
	var lf llmFlags
	lf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; 0.0.0.0:8080 to be reachable from other machines [$MOCKINTERVIEW_ADDR]")
	data := fs.String("data", "./data", "folder for the recordings and the SQLite database (unless --recordings and --database name others) [$MOCKINTERVIEW_DATA]")
	var database databaseFlag
	database.register(fs)
	var recs recordingsFlag
	recs.register(fs)
	var sf sessionFlags
	sf.register(fs)
	var cf clusterFlags
	cf.register(fs)
	var lim limitFlags
	lim.register(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := database.check(); err != nil {
		return err
	}
	if err := recs.check(); err != nil {
		return err
	}
	level, _ := zerolog.ParseLevel(sf.logLevel) // checked with the flags
	replica := replicaName(cf.replica, *data)
	log := zerolog.New(e.stderr).Level(level).With().Timestamp().Str("replica", replica).Logger()

	engine, err := ef.serving(log)
	if err != nil {
		return err
	}
	defer engine.Close()
	bank, analyzer, err := loadInterviewer()
	if err != nil {
		return err
	}
	stored, err := database.open(ctx, *data, &recs, replica)
	if err != nil {
		return err
	}
	defer stored.Close()

	sessions := server.NewSessions()
	phraser, err := lf.phraser(log)
	if err != nil {
		return err
	}
	cfg := server.Config{EndSilence: sf.endSilence.Seconds(), MaxProbes: sf.maxProbes, AdminToken: sf.adminToken, Phraser: phraser, Replica: replica}
	lim.apply(&cfg)
	if ef.engine == "openai" && !ef.fallback {
		// Without the embedded fallback, the service is only as ready as
		// the endpoint.
		cfg.EngineReady = ef.endpointsAnswer()
	}
	handler := server.NewServer(log, cfg, stored.Store, engine, bank, analyzer, sessions, static.Files)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (use --addr or $MOCKINTERVIEW_ADDR for another address)", *addr, err)
	}
	defer startReplica(stored, replica, advertised(cf.advertise, ln.Addr()), log)() // after the sessions have finished
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10, IdleTimeout: 2 * time.Minute}
	sayListening(e, log, ln.Addr(), engine.Name(), *data, stored, recs.value != "", cfg)

	if err := serveUntilDone(ctx, srv, ln, sessions, stopping{drain: cf.drain, wait: cf.shutdownWait}, log); err != nil {
		return err
	}
	log.Info().Msg("stopped")
	return nil
}

// sayListening logs where the service listens and with what, and says it
// on stdout; the recordings' place only when --recordings named it.
func sayListening(e env, log zerolog.Logger, addr net.Addr, engine, data string, stored *openedStore, recordings bool, cfg server.Config) {
	log.Info().Str("addr", addr.String()).Str("engine", engine).Str("data", data).Str("database", stored.Where).Str("recordings", stored.RecordingsWhere).
		Int("max_sessions", cfg.MaxSessions).Dur("max_session", cfg.MaxSessionLength).Dur("idle_timeout", cfg.IdleTimeout).
		Int("max_frame", cfg.MaxFrame).Float64("connect_rate", cfg.ConnectRate).Strs("allowed_origins", cfg.AllowedOrigins).Msg("listening")
	where := ""
	if recordings {
		where = ", recordings " + stored.RecordingsWhere
	}
	fmt.Fprintf(e.stdout, "mockinterview: serving http://%s (engine %s, data in %s, database %s%s)\n", addr, engine, data, stored.Where, where)
}

// serving opens the engine serve runs: the flags' engine, or instant, a
// made-up word per stretch of speech at once, for load tests. A decoder
// pool is loaded whole while the server starts.
func (ef *engineFlags) serving(log zerolog.Logger) (transcribe.Engine, error) {
	if ef.engine == "instant" {
		return instant.Engine{}, nil
	}
	engine, err := ef.open(log)
	if err != nil {
		return nil, err
	}
	if p, ok := engine.(interface{ Preload() }); ok {
		p.Preload()
	}
	return engine, nil
}

// sessionFlags are how sessions go, who may read them all, and what the
// log says.
type sessionFlags struct {
	endSilence           time.Duration
	maxProbes            int
	adminToken, logLevel string
}

func (f *sessionFlags) register(fs *flagSet) {
	fs.DurationVar(&f.endSilence, "end-silence", time.Duration(interviewer.DefaultEndSilence*float64(time.Second)), "silence that ends an answer [$MOCKINTERVIEW_END_SILENCE]")
	fs.IntVar(&f.maxProbes, "max-probes", interviewer.DefaultMaxProbes, "follow-up questions per interview [$MOCKINTERVIEW_MAX_PROBES]")
	fs.StringVar(&f.adminToken, "admin-token", "", "bearer token that lists and reads every session (empty: nobody can) [$MOCKINTERVIEW_ADMIN_TOKEN]")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error; debug logs transcripts [$MOCKINTERVIEW_LOG_LEVEL]")
	fs.check("end-silence", "give a positive duration, such as 4s", func() bool { return f.endSilence > 0 })
	fs.check("max-probes", "give 1 or more", func() bool { return f.maxProbes >= 1 })
	fs.check("log-level", "use debug, info, warn or error", func() bool {
		_, err := zerolog.ParseLevel(f.logLevel)
		return err == nil && f.logLevel != ""
	})
}

// limitFlags are the service's limits; every flag has an environment
// variable, and the README lists the defaults.
type limitFlags struct {
	maxFrame     int
	maxSession   time.Duration
	maxSessions  int
	idleTimeout  time.Duration
	resumeGrace  time.Duration
	connectRate  float64
	connectBurst int
	origins      string
	proxies      string
	maxBody      int64
}

func (f *limitFlags) register(fs *flagSet) {
	fs.IntVar(&f.maxFrame, "max-frame", 64<<10, "largest WebSocket message in bytes; a larger one closes the socket with 1009 [$MOCKINTERVIEW_MAX_FRAME]")
	fs.DurationVar(&f.maxSession, "max-session", 30*time.Minute, "longest session, in audio or in time; then it is reported and closed with 1008 [$MOCKINTERVIEW_MAX_SESSION]")
	fs.IntVar(&f.maxSessions, "max-sessions", 100, "WebSocket connections at once; past it a new one is closed with 1013 [$MOCKINTERVIEW_MAX_SESSIONS]")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 30*time.Second, "end a session that sends nothing, not even KeepAlive, for this long [$MOCKINTERVIEW_IDLE_TIMEOUT]")
	fs.DurationVar(&f.resumeGrace, "resume-grace", 30*time.Second, "hold a session whose connection dropped this long for the client's Resume (0: end it at once) [$MOCKINTERVIEW_RESUME_GRACE]")
	fs.Float64Var(&f.connectRate, "connect-rate", 1, "WebSocket connections per second one address may open after its burst; past it 429 (0: no limit) [$MOCKINTERVIEW_CONNECT_RATE]")
	fs.IntVar(&f.connectBurst, "connect-burst", 20, "WebSocket connections one address may open at once [$MOCKINTERVIEW_CONNECT_BURST]")
	fs.StringVar(&f.origins, "allowed-origins", "", "comma-separated origins (https://coach.example) whose pages may open a WebSocket besides this server's own; * for any [$MOCKINTERVIEW_ALLOWED_ORIGINS]")
	fs.StringVar(&f.proxies, "trusted-proxies", "", "comma-separated addresses or CIDR ranges of the load balancers in front (10.0.0.0/8): their connections count against the client X-Forwarded-For names, for --connect-rate [$MOCKINTERVIEW_TRUSTED_PROXIES]")
	fs.Int64Var(&f.maxBody, "max-body", 64<<10, "largest API request body in bytes; a larger one gets 413 [$MOCKINTERVIEW_MAX_BODY]")

	fs.check("max-frame", "give at least 2 bytes (one sample); 3200 is 100 ms of audio", func() bool { return f.maxFrame >= 2 })
	fs.check("max-session", "give a positive duration, such as 30m", func() bool { return f.maxSession > 0 })
	fs.check("idle-timeout", "give a positive duration, such as 30s", func() bool { return f.idleTimeout > 0 })
	fs.check("resume-grace", "give 0 (no resuming) or a duration such as 30s", func() bool { return f.resumeGrace >= 0 })
	fs.check("max-sessions", "give 1 or more", func() bool { return f.maxSessions >= 1 })
	fs.check("connect-burst", "give 1 or more", func() bool { return f.connectBurst >= 1 })
	fs.check("max-body", "give 1 or more", func() bool { return f.maxBody >= 1 })
	fs.check("connect-rate", "give 0 (no limit) or more", func() bool { return f.connectRate >= 0 })
	fs.check("trusted-proxies", "give IP addresses or CIDR ranges such as 10.0.0.0/8, comma-separated", func() bool {
		_, err := parsePrefixes(f.proxies)
		return err == nil
	})
	fs.check("allowed-origins", "give origins such as https://coach.example, comma-separated, or * for any", func() bool {
		return !slices.ContainsFunc(splitList(f.origins), func(o string) bool { return !isOrigin(o) })
	})
}

// apply sets the limits in cfg.
func (f *limitFlags) apply(cfg *server.Config) {
	cfg.MaxFrame, cfg.MaxSessionLength, cfg.MaxSessions, cfg.IdleTimeout = f.maxFrame, f.maxSession, f.maxSessions, f.idleTimeout
	cfg.ConnectRate, cfg.ConnectBurst, cfg.MaxBody = f.connectRate, f.connectBurst, f.maxBody
	cfg.AllowedOrigins = splitList(f.origins)
	cfg.TrustedProxies, _ = parsePrefixes(f.proxies) // checked with the flags
	cfg.ResumeGrace = f.resumeGrace
	if f.resumeGrace == 0 {
		cfg.ResumeGrace = -1 // the server's zero is its default
	}
}

// parsePrefixes reads a comma-separated list of addresses (each its own
// prefix) and CIDR ranges.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range splitList(list) {
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// isOrigin reports whether o is * or an origin: a scheme, http or https,
// and a host, with no path.
func isOrigin(o string) bool {
	if o == "*" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && strings.Trim(u.Path, "/") == ""
}

// endpointAnswers checks that an OpenAI-compatible endpoint answers at
// all: any HTTP status below 500 from GET {base}/models will do.
func endpointAnswers(base, key string) func(context.Context) error {
	if base == "" {
		base = "https://api.openai.com/v1"
	}
	models := strings.TrimSuffix(base, "/") + "/models"
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, models, nil)
		if err != nil {
			return err
		}
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("%s does not answer: %w", base, err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			return fmt.Errorf("%s answers %s", base, resp.Status)
		}
		return nil
	}
}

// serveUntilDone serves until ctx is done, then shuts down: the sessions
// finish and report while the HTTP server stops taking requests, both
// within wait.
// stopping is how a shutdown goes: drain is how long live sessions may
// go on by themselves first, wait how long the whole shutdown may take.
type stopping struct{ drain, wait time.Duration }

func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, sessions *server.Sessions, how stopping, log zerolog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	log.Info().Int("live", sessions.Count()).Dur("drain", how.drain).Msg("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), how.wait)
	defer cancel()
	if how.drain > 0 && !sessions.Drain(stopCtx, how.drain) {
		log.Info().Int("live", sessions.Count()).Msg("drained for --drain; finishing the sessions left")
	}
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
	return nil
}

// loadInterviewer loads the question bank and the STAR analyzer that
// serve, retranscribe and livebench run sessions with.
func loadInterviewer() (*interviewer.Bank, *interviewer.Analyzer, error) {
	bank, err := interviewer.LoadBank()
	if err != nil {
		return nil, nil, err
	}
	analyzer, err := interviewer.NewAnalyzer()
	if err != nil {
		return nil, nil, err
	}
	return bank, analyzer, nil
}
