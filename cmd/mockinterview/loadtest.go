package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

func runLoadtest(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "loadtest", "FILE.wav")
	var cfg loadConfig
	fs.IntVar(&cfg.Sessions, "sessions", 12, "concurrent real-time streams")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long each stream plays the recording, looping it")
	fs.StringVar(&cfg.URL, "url", "ws://127.0.0.1:8080/v1/listen", "the server's listen endpoint; its /metrics gives the memory [$MOCKINTERVIEW_URL]")
	fs.StringVar(&cfg.Mode, "mode", "practice", "practice (no probes) or interview")
	fs.DurationVar(&cfg.Ramp, "ramp", 0, "open the connections over this long (default 10 ms apart, 5 s at most)")
	fs.DurationVar(&cfg.Settle, "settle", 2*time.Second, "how long every connection stays open and idle before the memory is read and the streams start")
	asJSON := fs.Bool("json", false, "print the figures as one JSON object")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError{"loadtest needs one WAV recording to play on every stream"}
	}
	if cfg.Sessions < 1 || cfg.Duration <= 0 || cfg.Sessions > 10000 {
		return usageError{"--sessions must be from 1 to 10000 and --duration positive"}
	}
	audio, _, err := transcribe.ReadWAV(files[0])
	if err != nil {
		return err
	}
	if len(audio) < transcribe.SampleRate/10 {
		return usageError{fmt.Sprintf("%s holds less than 100 ms of audio", files[0])}
	}
	r, err := loadtest(ctx, cfg, audio)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(r)
	}
	r.print(e.stdout, files[0])
	return nil
}

// loadConfig says how hard to load a server.
type loadConfig struct {
	URL      string
	Sessions int
	Duration time.Duration
	Mode     string
	Ramp     time.Duration
	Settle   time.Duration
}

// loadReport is what a load test measured. Times are in milliseconds,
// memory in bytes.
type loadReport struct {
	Sessions  int `json:"sessions"`
	Connected int `json:"connected"`
	Completed int `json:"completed"` // closed with 1000 after their Metadata
	// AudioSent and AudioReceived are seconds: sent by the streams, and
	// received as the server's Metadata tells.
	AudioSent     float64 `json:"audio_sent"`
	AudioReceived float64 `json:"audio_received"`
	Frames        int     `json:"frames"`
	Dropped       int     `json:"dropped_frames"`
	// Late counts frames sent more than one frame after they were due
	// (the server pushed back); WorstLate is the latest.
	Late      int     `json:"late_frames"`
	WorstLate float64 `json:"worst_late_ms"`
	Finals    int     `json:"finals"`
	// FinalLatency runs from sending the audio that holds a final result's
	// last word to receiving the result.
	FinalLatency stats `json:"final_latency_ms"`
	// PartialInterval is the time between partial results of one utterance.
	PartialInterval stats          `json:"partial_interval_ms"`
	Errors          map[string]int `json:"errors"`
	// ServerCPU is the CPU seconds the server spent while the streams ran
	// (from its process_cpu_seconds_total): with AudioSent, what a second
	// of audio costs, however busy the machine was.
	ServerCPU float64 `json:"server_cpu_seconds"`
	// Memory is the server's resident memory from its /metrics: before any
	// connection, with every connection open and idle, and the most seen
	// while streaming.
	Memory struct {
		Baseline          int64 `json:"baseline"`
		Idle              int64 `json:"idle"`
		Streaming         int64 `json:"streaming"`
		PerIdleConnection int64 `json:"per_idle_connection"`
	} `json:"memory"`
}

// stats summarizes durations in milliseconds.
type stats struct {
	Count  int     `json:"count"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
	Max    float64 `json:"max"`
}

func summarize(ms []float64) stats {
	if len(ms) == 0 {
		return stats{}
	}
	sort.Float64s(ms)
	return stats{Count: len(ms), Median: math.Round(nearestRank(ms, 0.5)), P95: math.Round(nearestRank(ms, 0.95)), Max: math.Round(ms[len(ms)-1])}
}

// loadtest opens the connections, lets them sit idle, then streams audio
// on all of them at real time, each from its own place in the recording,
// and closes them.
func loadtest(ctx context.Context, cfg loadConfig, audio []int16) (*loadReport, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") {
		return nil, usageError{fmt.Sprintf("--url %q is not a ws:// or wss:// address", cfg.URL)}
	}
	q := u.Query()
	for k, v := range protocol.ListenQuery() {
		q.Set(k, v[0])
	}
	u.RawQuery = q.Encode()
	metricsURL := *u
	metricsURL.Scheme, metricsURL.Path, metricsURL.RawQuery = strings.Replace(u.Scheme, "ws", "http", 1), "/metrics", ""
	memory := func() int64 { return int64(scrapeMetric(ctx, metricsURL.String(), "process_resident_memory_bytes")) }
	cpu := func() float64 { return scrapeMetric(ctx, metricsURL.String(), "process_cpu_seconds_total") }

	r := &loadReport{Sessions: cfg.Sessions, Errors: map[string]int{}}
	r.Memory.Baseline = memory()
	streams := connectAll(ctx, cfg, u.String())
	for _, s := range streams {
		if s.conn != nil {
			r.Connected++
		}
	}
	if r.Connected == 0 {
		for _, s := range streams {
			merge(r.Errors, s.errors)
		}
		return r, fmt.Errorf("loadtest: no connection opened: %v", r.Errors)
	}
	select {
	case <-time.After(cfg.Settle):
	case <-ctx.Done():
	}
	r.Memory.Idle = memory()
	if r.Memory.Idle > 0 && r.Memory.Baseline > 0 {
		r.Memory.PerIdleConnection = (r.Memory.Idle - r.Memory.Baseline) / int64(r.Connected)
	}

	done := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			r.Memory.Streaming = max(r.Memory.Streaming, memory())
			select {
			case <-tick.C:
			case <-done:
				return
			}
		}
	})
	cpuBefore := cpu()
	streamAll(ctx, streams, audio)
	close(done)
	sampler.Wait()
	if after := cpu(); after > 0 {
		r.ServerCPU = math.Round((after-cpuBefore)*10) / 10
	}

	r.add(streams)
	return r, nil
}

// connectAll opens the connections, cfg.Ramp apart in all.
func connectAll(ctx context.Context, cfg loadConfig, url string) []*loadStream {
	step := cfg.Ramp / time.Duration(cfg.Sessions)
	if cfg.Ramp == 0 {
		step = min(10*time.Millisecond, 5*time.Second/time.Duration(cfg.Sessions))
	}
	streams := make([]*loadStream, cfg.Sessions)
	var wg sync.WaitGroup
	for i := range streams {
		s := &loadStream{cfg: cfg, url: url, errors: map[string]int{}}
		streams[i] = s
		wg.Go(func() { s.connect(ctx) })
		select {
		case <-time.After(step):
		case <-ctx.Done():
		}
	}
	wg.Wait()
	return streams
}

// streamAll streams audio on every open connection at once, each from its
// own place in the recording, and waits for them all to close.
func streamAll(ctx context.Context, streams []*loadStream, audio []int16) {
	began := time.Now()
	var wg sync.WaitGroup
	for i, s := range streams {
		if s.conn == nil {
			continue
		}
		offset := i * len(audio) / len(streams)
		// A few milliseconds apart, so that not every frame lands at once.
		start := began.Add(time.Duration(i%20) * 5 * time.Millisecond)
		wg.Go(func() { s.run(ctx, audio, offset, start) })
	}
	wg.Wait()
}

// add sums up what the streams measured.
func (r *loadReport) add(streams []*loadStream) {
	var latencies, partials []float64
	for _, s := range streams {
		merge(r.Errors, s.errors)
		if s.conn == nil {
			continue
		}
		r.AudioSent += float64(s.frames) * loadFrame.Seconds()
		r.Frames += s.frames
		r.Late += s.late
		r.WorstLate = max(r.WorstLate, math.Round(s.worstLate.Seconds()*1000))
		r.Finals += s.finals
		latencies = append(latencies, s.latencies...)
		partials = append(partials, s.partials...)
		if s.metadata != nil {
			r.AudioReceived += s.metadata.Duration
			r.Dropped += max(0, s.frames-int(math.Round(s.metadata.Duration/loadFrame.Seconds())))
		}
		if s.metadata != nil && s.closeCode == protocol.CloseNormal {
			r.Completed++
		}
	}
	r.AudioSent, r.AudioReceived = math.Round(r.AudioSent*10)/10, math.Round(r.AudioReceived*10)/10
	r.FinalLatency, r.PartialInterval = summarize(latencies), summarize(partials)
}

func merge(into, from map[string]int) {
	for k, v := range from {
		into[k] += v
	}
}

// loadFrame is how much audio goes in one message, as the browser sends it.
const loadFrame = 100 * time.Millisecond

// loadStream is one connection of a load test: run writes the socket and
// read reads it.
type loadStream struct {
	cfg  loadConfig
	url  string
	conn *protocol.Conn

	mu        sync.Mutex
	sentAt    []time.Time // when each frame went out
	frames    int
	late      int
	worstLate time.Duration
	finals    int
	latencies []float64 // ms
	partials  []float64 // ms
	errors    map[string]int
	metadata  *protocol.MetadataMessage
	closeCode int
	begun     chan struct{}
	readDone  chan struct{}
}

func (s *loadStream) fail(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors[kind]++
}

func (s *loadStream) connect(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // for the handshake
	defer cancel()
	conn, err := protocol.Dial(ctx, s.url)
	if err != nil {
		var refused *protocol.HandshakeError
		switch {
		case errors.As(err, &refused) && refused.StatusCode == http.StatusOK:
			s.fail(fmt.Sprintf("connect: %s answered 200 OK, not a WebSocket upgrade (the listen endpoint's path is /v1/listen)", s.url))
		case errors.As(err, &refused):
			s.fail(fmt.Sprintf("connect: %s", refused.Status))
		default:
			s.fail("connect: " + err.Error())
		}
		return
	}
	s.conn = conn
	s.begun, s.readDone = make(chan struct{}), make(chan struct{})
	go s.read()
}

// run starts a session, streams audio from offset (looping) in real time
// from start for the test's duration, and closes the stream.
func (s *loadStream) run(ctx context.Context, audio []int16, offset int, start time.Time) {
	defer s.conn.Close()
	if err := s.conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: s.cfg.Mode}); err != nil {
		s.fail("send Start")
		return
	}
	select {
	case <-s.begun:
	case <-s.readDone:
		s.fail("closed before Begin")
		return
	case <-time.After(30 * time.Second):
		s.fail("no Begin within 30 s")
		return
	}
	per := int(loadFrame.Seconds() * transcribe.SampleRate)
	count := int(s.cfg.Duration / loadFrame)
	s.mu.Lock()
	s.sentAt = make([]time.Time, 0, count)
	s.mu.Unlock()
	buf := make([]byte, 2*per)
	pos := offset % len(audio)
	for k := range count {
		due := start.Add(time.Duration(k) * loadFrame)
		if err := protocol.WaitUntil(ctx, due, s.readDone); err != nil {
			if errors.Is(err, protocol.ErrClosedEarly) {
				s.fail("closed while streaming")
			}
			return
		}
		for i := range per {
			binary.LittleEndian.PutUint16(buf[2*i:], uint16(audio[pos]))
			pos = (pos + 1) % len(audio)
		}
		now := time.Now()
		if err := s.conn.SendPCM(buf); err != nil {
			s.fail("send audio")
			return
		}
		s.mu.Lock()
		s.sentAt = append(s.sentAt, now)
		s.frames++
		if late := now.Sub(due); late > loadFrame {
			s.late++
			s.worstLate = max(s.worstLate, late)
		}
		s.mu.Unlock()
	}
	if err := s.conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream}); err != nil {
		s.fail("send CloseStream")
		return
	}
	select {
	case <-s.readDone:
	case <-time.After(60 * time.Second):
		s.fail("not closed within 60 s of CloseStream")
	case <-ctx.Done():
	}
}

// read takes the server's messages: Begin, the results to time, errors,
// Metadata and the close code.
func (s *loadStream) read() {
	defer close(s.readDone)
	var lastPartial time.Time
	begun := false
	for {
		ev, err := s.conn.Next()
		now := time.Now()
		if err != nil {
			if code, reason, ok := protocol.Closed(err); ok {
				s.mu.Lock()
				s.closeCode = code
				if code != protocol.CloseNormal {
					s.errors[fmt.Sprintf("closed with %d %s", code, reason)]++
				}
				s.mu.Unlock()
			}
			return
		}
		switch ev.Type {
		case protocol.TypeBegin:
			if !begun {
				begun = true
				close(s.begun)
			}
		case protocol.TypeResults:
			var res protocol.ResultsMessage
			ev.Decode(&res)
			if !res.IsFinal {
				if !lastPartial.IsZero() {
					s.record(&s.partials, now.Sub(lastPartial))
				}
				lastPartial = now
				continue
			}
			lastPartial = time.Time{}
			words := res.Channel.Alternatives[0].Words
			if len(words) == 0 {
				continue
			}
			s.mu.Lock()
			s.finals++
			// The frame that holds the last word's end.
			k := int(math.Ceil(words[len(words)-1].End/loadFrame.Seconds())) - 1
			if k >= 0 && k < len(s.sentAt) {
				s.latencies = append(s.latencies, float64(now.Sub(s.sentAt[k]).Microseconds())/1000)
			}
			s.mu.Unlock()
		case protocol.TypeError:
			var m protocol.ErrorMessage
			ev.Decode(&m)
			s.fail("Error " + m.Code)
		case protocol.TypeMetadata:
			var meta protocol.MetadataMessage
			ev.Decode(&meta)
			s.mu.Lock()
			s.metadata = &meta
			s.mu.Unlock()
		}
	}
}

func (s *loadStream) record(into *[]float64, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*into = append(*into, float64(d.Microseconds())/1000)
}

// scrapeMetric reads one metric of a single series from a server's
// /metrics, or 0 when it cannot. The series may carry labels: serve
// labels every metric with its replica.
func scrapeMetric(ctx context.Context, metricsURL, name string) float64 {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 4<<20))
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		if i := strings.LastIndexByte(rest, ' '); i >= 0 {
			f, _ := strconv.ParseFloat(rest[i+1:], 64)
			return f
		}
	}
	return 0
}

func (r *loadReport) print(w io.Writer, file string) {
	fmt.Fprintf(w, "loadtest: %d real-time streams of %s\n", r.Sessions, file)
	fmt.Fprintf(w, "connections: %d of %d opened, %d closed normally after their Metadata\n", r.Connected, r.Sessions, r.Completed)
	fmt.Fprintf(w, "audio: %.1f s sent in %d frames, %.1f s received by the server; %d frames dropped, %d late (worst %.0f ms)\n",
		r.AudioSent, r.Frames, r.AudioReceived, r.Dropped, r.Late, r.WorstLate)
	l := r.FinalLatency
	fmt.Fprintf(w, "final results: %d; latency from the last word's audio: median %.0f ms, p95 %.0f ms, max %.0f ms\n", r.Finals, l.Median, l.P95, l.Max)
	p := r.PartialInterval
	fmt.Fprintf(w, "partial results: %d intervals; median %.0f ms, p95 %.0f ms, max %.0f ms\n", p.Count, p.Median, p.P95, p.Max)
	if len(r.Errors) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		kinds := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, k := range kinds {
			fmt.Fprintf(w, "error: %s × %d\n", k, r.Errors[k])
		}
	}
	if r.ServerCPU > 0 && r.AudioSent > 0 {
		fmt.Fprintf(w, "server CPU: %.1f s while streaming, %.3f s per second of audio\n", r.ServerCPU, r.ServerCPU/r.AudioSent)
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	if r.Memory.Baseline == 0 {
		fmt.Fprintln(w, "server memory: unknown (no process_resident_memory_bytes at /metrics)")
		return
	}
	fmt.Fprintf(w, "server memory (resident): %.1f MB before, %.1f MB with %d idle connections (%.0f KB each), %.1f MB at most while streaming\n",
		mb(r.Memory.Baseline), mb(r.Memory.Idle), r.Connected, float64(r.Memory.PerIdleConnection)/1024, mb(r.Memory.Streaming))
}
