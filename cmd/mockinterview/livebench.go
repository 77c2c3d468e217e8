package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/static"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/transcribe"
)

// runLivebench measures the live view: labeled answers are read aloud by
// flite one sentence at a time, so that the part being told is known at
// every moment, and streamed to a server; the Star, Pacing and Results
// messages are then scored against that truth.
func runLivebench(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "livebench", "[TEST_DIR]")
	var ef engineFlags
	ef.register(fs)
	var cfg liveBenchConfig
	voices := fs.String("voices", "slt,kal16", "flite voices that read the answers, comma-separated")
	fs.Float64Var(&cfg.Speed, "speed", 0, "play the audio this many times faster than real time; 0: as fast as the server takes it (the live messages are on the stream clock, so their accuracy does not change; final latency needs 1)")
	fs.IntVar(&cfg.Streams, "streams", 1, "answers streamed at once")
	fs.IntVar(&cfg.Limit, "limit", 0, "stream only the first N answers of each voice (0: all)")
	fs.DurationVar(&cfg.Pause, "gap", 400*time.Millisecond, "silence between sentences, as a fluent speaker leaves")
	fs.StringVar(&cfg.URL, "url", "", "a running server's listen endpoint (empty: start one in this process on a loopback port)")
	asJSON := fs.Bool("json", false, "print the figures as one JSON object")
	fs.BoolVar(&cfg.Verbose, "v", false, "print each answer's told and live parts, a letter per Star")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir := filepath.Join("testdata", "star", "test")
	switch len(dirs) {
	case 0:
	case 1:
		dir = dirs[0]
	default:
		return usageError{"livebench takes one folder of labeled answers"}
	}
	if cfg.Streams < 1 || cfg.Speed < 0 || cfg.Pause < 0 {
		return usageError{"--streams must be at least 1, and --speed and --gap not negative"}
	}
	cfg.Voices = splitList(*voices)
	if len(cfg.Voices) == 0 {
		return usageError{"--voices needs at least one flite voice, such as slt"}
	}
	answers, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	if cfg.URL == "" {
		url, stop, err := startBenchServer(ctx, &ef, cfg.Streams)
		if err != nil {
			return err
		}
		defer stop()
		cfg.URL = url
	}
	r, err := liveBench(ctx, cfg, answers)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(r)
	}
	r.print(e.stdout)
	return nil
}

// liveBenchConfig says what to stream and how.
type liveBenchConfig struct {
	URL     string
	Voices  []string
	Speed   float64
	Streams int
	Limit   int
	Pause   time.Duration
	Verbose bool
}

// startBenchServer runs the service on a loopback port with a data folder
// of its own, and gives its listen endpoint.
func startBenchServer(ctx context.Context, ef *engineFlags, streams int) (string, func(), error) {
	if ef.engine == "pocketsphinx" && ef.poolSize == 0 {
		ef.poolSize = streams
	}
	log := zerolog.Nop()
	engine, err := ef.open(log)
	if err != nil {
		return "", nil, err
	}
	bank, analyzer, err := loadInterviewer()
	if err != nil {
		engine.Close()
		return "", nil, err
	}
	data, err := os.MkdirTemp("", "mockinterview-livebench-*")
	if err != nil {
		engine.Close()
		return "", nil, err
	}
	dataFolder, err := folder.Open(ctx, data)
	if err != nil {
		engine.Close()
		os.RemoveAll(data)
		return "", nil, err
	}
	handler := server.NewServer(log, server.Config{}, dataFolder.Store(), engine, bank, analyzer, server.NewSessions(), static.Files)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		dataFolder.Close()
		engine.Close()
		os.RemoveAll(data)
		return "", nil, err
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	stop := func() {
		srv.Close()
		dataFolder.Close()
		engine.Close()
		os.RemoveAll(data)
	}
	return "ws://" + ln.Addr().String() + "/v1/listen", stop, nil
}

// toldSentence is one sentence of a labeled answer as it sits in the
// audio: when it is said, its part, and how many words it has.
type toldSentence struct {
	Start, End float64
	Label      star.Label
	Words      int
}

// toldAnswer is a labeled answer read aloud a sentence at a time.
type toldAnswer struct {
	Name      string
	Voice     string
	Principle string
	Audio     []int16
	Sentences []toldSentence
}

// leadIn is the silence before the first word, as a person takes a
// breath after the question.
const leadIn = 1.0

// readSentences reads each sentence of the answer with a flite voice and
// lays the sentences end to end with pause between them.
func readSentences(ctx context.Context, a star.LabeledAnswer, voice string, pause time.Duration) (toldAnswer, error) {
	t := toldAnswer{Name: a.Name, Voice: voice, Principle: a.Principle}
	t.Audio = make([]int16, int(leadIn*transcribe.SampleRate))
	gap := make([]int16, int(pause.Seconds()*transcribe.SampleRate))
	for _, span := range a.Spans {
		for _, text := range splitSentences(span.Text) {
			path, err := flite.Synthesize(ctx, flite.CacheDir(), voice, text)
			if err != nil {
				return t, err
			}
			samples, _, err := transcribe.ReadWAV(path)
			if err != nil {
				return t, fmt.Errorf("%s: %w", path, err)
			}
			samples = trimSilence(samples)
			if len(samples) == 0 {
				continue
			}
			if len(t.Sentences) > 0 {
				t.Audio = append(t.Audio, gap...)
			}
			start := float64(len(t.Audio)) / transcribe.SampleRate
			t.Audio = append(t.Audio, samples...)
			words := 0
			for _, raw := range strings.Fields(text) {
				words += len(star.Normalize(raw))
			}
			t.Sentences = append(t.Sentences, toldSentence{Start: start, End: float64(len(t.Audio)) / transcribe.SampleRate, Label: span.Label, Words: words})
		}
	}
	if len(t.Sentences) == 0 {
		return t, fmt.Errorf("%s: no words to read", a.Name)
	}
	return t, nil
}

// splitSentences cuts text after each word that ends a written sentence.
func splitSentences(text string) []string {
	var out []string
	var cur []string
	for _, w := range strings.Fields(text) {
		cur = append(cur, w)
		if (transcribe.Word{Text: w}).EndsSentence() {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

// trimSilence drops the near-silence flite puts before and after speech,
// keeping 20 ms on each side.
func trimSilence(s []int16) []int16 {
	const level, keep = 300, transcribe.SampleRate / 50
	first, last := -1, -1
	for i, v := range s {
		if v > level || v < -level {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return s[max(0, first-keep):min(len(s), last+keep)]
}

// labelAt is the part being told at t: that of the sentence said at t, or
// in a pause that of the sentence before it.
func (t *toldAnswer) labelAt(at float64) star.Label {
	l := t.Sentences[0].Label
	for _, s := range t.Sentences {
		if s.Start > at {
			break
		}
		l = s.Label
	}
	return l
}

// wordsBy is how many words were said by t, counting a sentence in
// progress in proportion to its time.
func (t *toldAnswer) wordsBy(at float64) float64 {
	n := 0.0
	for _, s := range t.Sentences {
		switch {
		case at >= s.End:
			n += float64(s.Words)
		case at > s.Start:
			n += float64(s.Words) * (at - s.Start) / (s.End - s.Start)
		}
	}
	return n
}

func (t *toldAnswer) first() float64 { return t.Sentences[0].Start }
func (t *toldAnswer) last() float64  { return t.Sentences[len(t.Sentences)-1].End }

// liveRun is what one streamed answer gave: each live message with the
// time it came, and the final results with the time they came.
type liveRun struct {
	told   *toldAnswer
	began  time.Time // when the first audio went out
	stars  []protocol.StarMessage
	paces  []protocol.PacingMessage // paces[i] came with stars[i]
	finals []timedFinal
	sent   float64
	heard  float64 // the audio the server says it received
	// words are the report's words with the parts the whole answer gave
	// them.
	words []interviewer.ReportWord
}

// hindsight is the part the report gives the last word begun by t: what
// a live view would show at t if it already knew the whole answer.
func (r *liveRun) hindsight(t float64) star.Label {
	var l star.Label
	for _, w := range r.words {
		if w.Start > t {
			break
		}
		l = w.Part
	}
	return l
}

type timedFinal struct {
	msg protocol.ResultsMessage
	at  time.Time
}

func streamTold(ctx context.Context, cfg liveBenchConfig, t *toldAnswer) (*liveRun, error) {
	run := &liveRun{told: t}
	var mu sync.Mutex
	onEvent := func(ev protocol.Event) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		switch ev.Type {
		case protocol.TypeBegin:
			run.began = now
		case protocol.TypeStar:
			var m protocol.StarMessage
			if ev.Decode(&m) == nil {
				run.stars = append(run.stars, m)
			}
		case protocol.TypePacing:
			var m protocol.PacingMessage
			if ev.Decode(&m) == nil && len(run.paces) < len(run.stars) {
				run.paces = append(run.paces, m)
			}
		case protocol.TypeResults:
			var m protocol.ResultsMessage
			if ev.Decode(&m) == nil && m.IsFinal && len(m.Channel.Alternatives) > 0 && len(m.Channel.Alternatives[0].Words) > 0 {
				run.finals = append(run.finals, timedFinal{m, now})
			}
		}
	}
	start := protocol.ClientMessage{Mode: string(interviewer.ModePractice), Principle: t.Principle}
	res, err := protocol.Stream(ctx, protocol.StreamConfig{URL: cfg.URL, Start: start, Speed: cfg.Speed}, [][]int16{t.Audio}, onEvent)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", t.Name, t.Voice, err)
	}
	mu.Lock()
	defer mu.Unlock()
	run.sent = res.Sent
	if res.Metadata != nil {
		run.heard = res.Metadata.Duration
	}
	if res.Report != nil {
		run.words = res.Report.Words
	}
	return run, nil
}

// liveBenchReport is what livebench measured, per voice and over all.
type liveBenchReport struct {
	Speed   float64          `json:"speed"`
	Streams int              `json:"streams"`
	Pause   float64          `json:"pause"`
	Rows    []liveBenchScore `json:"rows"`
	// CPU is the CPU seconds this process spent per second of audio
	// streamed, server and client together (with --url, the client's
	// alone).
	CPU float64 `json:"cpu_per_audio_second"`
	// Timelines show each answer's told and live part, a letter per Star
	// (with -v).
	Timelines []string `json:"timelines,omitempty"`
}

// partLetter is a part's letter in a timeline: S T A R and F for the
// reflection.
func partLetter(l star.Label) byte {
	if l == star.Reflection {
		return 'F'
	}
	if l == "" {
		return '-'
	}
	return strings.ToUpper(string(l))[0]
}

func liveBench(ctx context.Context, cfg liveBenchConfig, answers []star.LabeledAnswer) (*liveBenchReport, error) {
	if !flite.Available() {
		return nil, fmt.Errorf("flite is not installed (apt-get install flite)")
	}
	var told []*toldAnswer
	for _, v := range cfg.Voices {
		for i, a := range answers {
			if cfg.Limit > 0 && i >= cfg.Limit {
				break
			}
			t, err := readSentences(ctx, a, v, cfg.Pause)
			if err != nil {
				return nil, err
			}
			told = append(told, &t)
		}
	}
	runs := make([]*liveRun, len(told))
	errs := make([]error, len(told))
	cpu := processCPU()
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.Streams, len(told)) {
		wg.Go(func() {
			for i := range work {
				runs[i], errs[i] = streamTold(ctx, cfg, told[i])
			}
		})
	}
	for i := range told {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	r := &liveBenchReport{Speed: cfg.Speed, Streams: cfg.Streams, Pause: cfg.Pause.Seconds()}
	audio := 0.0
	for _, run := range runs {
		audio += run.sent
	}
	if audio > 0 {
		r.CPU = (processCPU() - cpu) / audio
	}
	if cfg.Verbose {
		for _, run := range runs {
			var told, live, after strings.Builder
			for _, m := range run.stars {
				if m.Final {
					continue
				}
				told.WriteByte(partLetter(run.told.labelAt(m.Now)))
				live.WriteByte(partLetter(m.Current))
				after.WriteByte(partLetter(run.hindsight(m.Now)))
			}
			r.Timelines = append(r.Timelines, fmt.Sprintf("%s %s\n  told   %s\n  live   %s\n  report %s", run.told.Name, run.told.Voice, told.String(), live.String(), after.String()))
		}
	}
	for _, v := range cfg.Voices {
		var of []*liveRun
		for _, run := range runs {
			if run.told.Voice == v {
				of = append(of, run)
			}
		}
		r.Rows = append(r.Rows, scoreRuns(v, of, cfg.Speed))
	}
	if len(cfg.Voices) > 1 {
		r.Rows = append(r.Rows, scoreRuns("all", runs, cfg.Speed))
	}
	return r, nil
}

func (r *liveBenchReport) print(w io.Writer) {
	for _, t := range r.Timelines {
		fmt.Fprintln(w, t)
	}
	fmt.Fprintf(w, "Live view on the stream clock: %d stream(s) at once, speed %g (0: as fast as the server takes it), %.1f s between sentences; %.3f s of CPU per second of audio\n\n", r.Streams, r.Speed, r.Pause, r.CPU)
	fmt.Fprintf(w, "%-6s %7s %6s %8s %9s %22s %7s %14s %14s %14s %16s %8s %6s\n",
		"voice", "answers", "stars", "part ok", "hindsight", "lag p50/p90/max s", "missed", "first Star s", "pace err p50", "recent p50", "final p50/p95 s", "longest", "lost")
	for _, s := range r.Rows {
		latency := "–"
		if s.FinalLatency.N > 0 {
			latency = fmt.Sprintf("%.2f/%.2f", s.FinalLatency.P50, s.FinalLatency.P95)
		}
		fmt.Fprintf(w, "%-6s %7d %6d %8.3f %9.3f %22s %7s %14s %14.3f %14.3f %16s %7.1fs %5.1fs\n",
			s.Name, s.Answers, s.Stars, s.PartAccuracy, s.Hindsight,
			fmt.Sprintf("%.1f/%.1f/%.1f", s.Lag.P50, s.Lag.P90, s.Lag.Max), fmt.Sprintf("%d/%d", s.Missed, s.Changes),
			fmt.Sprintf("%.1f (max %.1f)", s.FirstStar.P50, s.FirstStar.Max),
			s.PaceError.P50, s.RecentPaceError.P50, latency, s.LongestFinal, s.Lost)
	}
}
