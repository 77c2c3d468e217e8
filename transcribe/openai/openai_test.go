package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

// The fake server below stands in for the OpenAI cloud, which cannot run
// here. It speaks the real wire format: it parses the multipart upload the
// way the API does, checks every field, and answers with bodies recorded in
// the two shapes servers send (testdata).

const testAPIKey = "sk-test-key"

var testVocabulary = []string{"Kubernetes", "Postgres", "on-call rotation"}

// upload is what the fake server received in one request.
type upload struct {
	seconds float64 // length of the WAV file
	prompt  string
}

// transcriptionServer answers POST /v1/audio/transcriptions with answers in
// turn, repeating the last one, after checking the request.
type transcriptionServer struct {
	*httptest.Server
	t        *testing.T
	released chan struct{} // closed as the test ends: hung requests return

	mu      sync.Mutex
	answers []serverAnswer
	uploads []upload
}

type serverAnswer struct {
	status     int
	retryAfter string
	body       string
	stall      bool // never answer; wait for the client to give up
	hang       bool // never answer, whatever the client does, until the test ends
}

func newTranscriptionServer(t *testing.T, answers ...serverAnswer) *transcriptionServer {
	s := &transcriptionServer{t: t, answers: answers, released: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(s.released) }) // before Close, which waits for the handlers
	return s
}

// answerFromNowOn makes the server answer every request from now on with a.
func (s *transcriptionServer) answerFromNowOn(a serverAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(make([]serverAnswer, len(s.uploads)), a)
}

func (s *transcriptionServer) URL() string { return s.Server.URL + "/v1" }

func (s *transcriptionServer) requests() int { return len(s.received()) }

func (s *transcriptionServer) received() []upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]upload(nil), s.uploads...)
}

func (s *transcriptionServer) serve(w http.ResponseWriter, r *http.Request) {
	up := checkUpload(s.t, r)
	s.mu.Lock()
	n := len(s.uploads)
	s.uploads = append(s.uploads, up)
	a := s.answers[min(n, len(s.answers)-1)]
	s.mu.Unlock()
	switch {
	case a.stall:
		<-r.Context().Done()
		return
	case a.hang:
		<-s.released
		return
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

// checkUpload checks one request the way the API would and returns what
// was uploaded.
func checkUpload(t *testing.T, r *http.Request) upload {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
		t.Errorf("request %s %s, want POST /v1/audio/transcriptions", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testAPIKey {
		t.Errorf("Authorization %q, want the bearer key", got)
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		t.Errorf("request is not multipart: %v", err)
		return upload{}
	}
	fields := map[string]string{"model": "whisper-1", "response_format": "verbose_json", "language": "en"}
	for name, want := range fields {
		if got := r.FormValue(name); got != want {
			t.Errorf("field %s = %q, want %q", name, got, want)
		}
	}
	if got := r.MultipartForm.Value["timestamp_granularities[]"]; !containsString(got, "word") {
		t.Errorf("timestamp_granularities[] = %q, want word among them", got)
	}
	prompt := r.FormValue("prompt")
	if !strings.Contains(prompt, "Um,") || !strings.Contains(prompt, "uh") {
		t.Errorf("prompt %q has no fillers", prompt)
	}
	for _, v := range testVocabulary {
		if !strings.Contains(prompt, v) {
			t.Errorf("prompt %q lacks the vocabulary word %q", prompt, v)
		}
	}
	f, header, err := r.FormFile("file")
	if err != nil {
		t.Errorf("no file field: %v", err)
		return upload{prompt: prompt}
	}
	defer f.Close()
	if !strings.HasSuffix(header.Filename, ".wav") {
		t.Errorf("file name %q, want a .wav", header.Filename)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		t.Errorf("read the file: %v", err)
	}
	samples, format, err := transcribe.DecodeWAV(bytes.NewReader(data), header.Filename)
	if err != nil {
		t.Errorf("upload is not a valid WAV: %v", err)
	}
	if format != (transcribe.Format{SampleRate: transcribe.SampleRate, Channels: 1, BitDepth: 16}) {
		t.Errorf("WAV format %+v, want 16 kHz mono 16-bit", format)
	}
	if want := 44 + 2*len(samples); len(data) != want {
		t.Errorf("WAV is %d bytes for %d samples, want %d", len(data), len(samples), want)
	}
	return upload{seconds: float64(len(samples)) / transcribe.SampleRate, prompt: prompt}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Answers in the shapes and words real servers send.
var (
	openAIError500 = `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`
	openAIError429 = `{"error":{"message":"Rate limit reached for whisper-1 in organization org-test on requests per min (RPM): Limit 50, Used 50, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`
	openAIError400 = `{"error":{"message":"Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']","type":"invalid_request_error","param":null,"code":null}}`
)

func readAnswer(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// answerWords reads the top-level words of a recorded OpenAI answer.
func answerWords(t *testing.T, body string) []answerWord {
	t.Helper()
	var a verboseTranscription
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	return a.Words
}

// A synthetic talker: speech is a 140 Hz buzz with harmonics whose loudness
// rises and falls with four syllables a second; the pauses hold a faint
// noise, as a room does. The VAD needs no more to find the utterances.
type talker struct{ rng *rand.Rand }

func newTalker() *talker { return &talker{rng: rand.New(rand.NewPCG(1, 2))} }

func (tk *talker) pause(seconds float64) []int16 {
	out := make([]int16, int(seconds*transcribe.SampleRate))
	for i := range out {
		out[i] = int16(tk.rng.NormFloat64() * 30)
	}
	return out
}

func (tk *talker) speak(seconds float64) []int16 {
	out := make([]int16, int(seconds*transcribe.SampleRate))
	for i := range out {
		at := float64(i) / transcribe.SampleRate
		envelope := 0.35 + 0.65*math.Abs(math.Sin(2*math.Pi*2*at))
		var v float64
		for h := 1.0; h <= 5; h++ {
			v += math.Sin(2*math.Pi*140*h*at) / h
		}
		out[i] = int16(4000*envelope*v + tk.rng.NormFloat64()*30)
	}
	return out
}

func concat(parts ...[]int16) []int16 {
	var out []int16
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// oneUtterance is speech from 0.5 s to 2.0 s.
func oneUtterance() []int16 {
	tk := newTalker()
	return concat(tk.pause(0.5), tk.speak(1.5), tk.pause(1.0))
}

// fixedEngine is a fallback that hears the same words in any audio.
type fixedEngine struct {
	name  string
	words []transcribe.Word
}

func (f fixedEngine) Name() string { return f.name }
func (f fixedEngine) Close() error { return nil }
func (f fixedEngine) NewStream(context.Context, transcribe.StreamOptions) (transcribe.Stream, error) {
	return &fixedStream{f}, nil
}

type fixedStream struct{ f fixedEngine }

func (s *fixedStream) Accept(context.Context, []int16) ([]transcribe.Result, error) { return nil, nil }
func (s *fixedStream) Close() error                                                 { return nil }
func (s *fixedStream) Flush(context.Context) ([]transcribe.Result, error) {
	return []transcribe.Result{{Words: s.f.words, Start: s.f.words[0].Start, End: s.f.words[len(s.f.words)-1].End, Final: true, Engine: s.f.name}}, nil
}

var fallbackWords = []transcribe.Word{{Text: "led", Start: 0.4, End: 0.6, Confidence: 0.8}, {Text: "migration", Start: 0.7, End: 1.2, Confidence: 0.7}}

func testOpenAI(t *testing.T, cfg Config) *Engine {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testAPIKey
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// feed sends samples through a new stream in 100 ms pieces, as a browser
// would, then flushes, and returns the results and the first error.
func feed(t *testing.T, e transcribe.Engine, samples []int16) ([]transcribe.Result, error) {
	t.Helper()
	ctx := context.Background()
	stream, err := e.NewStream(ctx, transcribe.StreamOptions{Vocabulary: testVocabulary})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var results []transcribe.Result
	for i := 0; i < len(samples); i += transcribe.SampleRate / 10 {
		rs, err := stream.Accept(ctx, samples[i:min(i+transcribe.SampleRate/10, len(samples))])
		results = append(results, rs...)
		if err != nil {
			return results, err
		}
	}
	rs, err := stream.Flush(ctx)
	return append(results, rs...), err
}

// checkPlaced checks that got are want moved onto the stream clock by one
// offset, and returns the offset.
func checkPlaced(t *testing.T, r transcribe.Result, want []answerWord) float64 {
	t.Helper()
	if len(r.Words) != len(want) {
		t.Fatalf("%d words %q, want %d", len(r.Words), r.Text(), len(want))
	}
	offset := r.Words[0].Start - want[0].Start
	for i, w := range r.Words {
		if w.Text != want[i].Word {
			t.Errorf("word %d is %q, want %q", i, w.Text, want[i].Word)
		}
		if math.Abs(w.Start-(want[i].Start+offset)) > 1e-9 || math.Abs(w.End-(want[i].End+offset)) > 1e-9 {
			t.Errorf("word %q at %.3f-%.3f, want %.3f-%.3f", w.Text, w.Start, w.End, want[i].Start+offset, want[i].End+offset)
		}
		if w.Confidence != 1 {
			t.Errorf("word %q confidence %v, want 1 when the server gives none", w.Text, w.Confidence)
		}
		if w.Start < r.Start || w.End > r.End {
			t.Errorf("word %q at %.3f-%.3f lies outside its result %.3f-%.3f", w.Text, w.Start, w.End, r.Start, r.End)
		}
	}
	return offset
}

func TestOpenAITwoUtterances(t *testing.T) {
	body := readAnswer(t, "openai_verbose.json")
	server := newTranscriptionServer(t, serverAnswer{status: 200, body: body})
	e := testOpenAI(t, Config{BaseURL: server.URL()})

	tk := newTalker()
	// Speech from 0.5 to 2.0 s and from 3.0 to 4.5 s.
	samples := concat(tk.pause(0.5), tk.speak(1.5), tk.pause(1.0), tk.speak(1.5), tk.pause(1.5))
	results, err := feed(t, e, samples)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want 2: %+v", len(results), results)
	}
	want := answerWords(t, body)
	for i, speechStart := range []float64{0.5, 3.0} {
		r := results[i]
		if !r.Final || r.Engine != "openai" {
			t.Errorf("result %d: Final %v, Engine %q; want a final from openai", i, r.Final, r.Engine)
		}
		checkPlaced(t, r, want)
		// The recorded answer's first word starts 0.22 s into the upload,
		// which begins about 0.2 s before the speech.
		if got := r.Words[0].Start; math.Abs(got-(speechStart+0.02)) > 0.1 {
			t.Errorf("result %d starts its words at %.3f s, want about %.2f s", i, got, speechStart+0.02)
		}
		if math.Abs(r.Start-speechStart) > 0.1 {
			t.Errorf("result %d starts at %.3f s, want about %.1f s", i, r.Start, speechStart)
		}
	}
	if n := server.requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	for i, up := range server.received() {
		// 1.5 s of speech and up to 0.2 s of padding either side.
		if up.seconds < 1.5 || up.seconds > 1.95 {
			t.Errorf("upload %d is %.2f s long, want the 1.5 s utterance and its padding", i, up.seconds)
		}
	}
}

func TestOpenAIWhisperCppShape(t *testing.T) {
	server := newTranscriptionServer(t, serverAnswer{status: 200, body: readAnswer(t, "whispercpp_verbose.json")})
	e := testOpenAI(t, Config{BaseURL: server.URL()})
	results, err := feed(t, e, oneUtterance())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 {
		t.Fatalf("%d results, want 1", len(results))
	}
	// Tokens " migr" "ation" and " Kub" "ern" "etes" join into words; the
	// "," and "." tokens go; confidence is the mean token probability.
	want := []transcribe.Word{
		{Text: "Uh", Start: 0.22, End: 0.45, Confidence: 0.6172949075698853},
		{Text: "I", Start: 0.6, End: 0.72, Confidence: 0.9790127873420715},
		{Text: "led", Start: 0.72, End: 0.9, Confidence: 0.9415218234062195},
		{Text: "the", Start: 0.9, End: 0.98, Confidence: 0.9934452772140503},
		{Text: "migration", Start: 0.98, End: 1.37, Confidence: (0.8327409029006958 + 0.9986141920089722) / 2},
		{Text: "to", Start: 1.37, End: 1.43, Confidence: 0.9972051978111267},
		{Text: "Kubernetes", Start: 1.43, End: 1.62, Confidence: (0.7551127672195435 + 0.9981632828712463 + 0.9995293617248535) / 3},
	}
	got := results[0].Words
	if len(got) != len(want) {
		t.Fatalf("words %q, want %q", transcribe.JoinWords(got), transcribe.JoinWords(want))
	}
	offset := got[0].Start - want[0].Start
	if math.Abs(offset-0.3) > 0.1 {
		t.Errorf("upload starts at %.3f s on the stream clock, want about 0.3 s", offset)
	}
	for i, w := range got {
		if w.Text != want[i].Text || math.Abs(w.Confidence-want[i].Confidence) > 1e-9 ||
			math.Abs(w.Start-offset-want[i].Start) > 1e-6 || math.Abs(w.End-offset-want[i].End) > 1e-6 {
			t.Errorf("word %d = %+v, want %+v shifted by %.3f", i, w, want[i], offset)
		}
	}
}

func TestOpenAIRetries(t *testing.T) {
	okBody := readAnswer(t, "openai_verbose.json")
	fallback := fixedEngine{name: "pocketsphinx", words: fallbackWords}
	tests := []struct {
		name         string
		answers      []serverAnswer
		maxRetries   int
		timeout      time.Duration
		fallback     transcribe.Engine
		wantRequests int
		wantErr      []string // each in the error; nil for success
		wantEngine   string
	}{{
		name: "429 then 500 then 200",
		answers: []serverAnswer{
			{status: 429, retryAfter: "0", body: openAIError429},
			{status: 500, body: openAIError500},
			{status: 200, body: okBody},
		},
		wantRequests: 3,
		wantEngine:   "openai",
	}, {
		name:         "400 is not retried",
		answers:      []serverAnswer{{status: 400, body: openAIError400}},
		wantRequests: 1,
		wantErr:      []string{"400", "Invalid file format"},
	}, {
		name:         "500 every time",
		answers:      []serverAnswer{{status: 500, body: openAIError500}},
		maxRetries:   2,
		wantRequests: 3,
		wantErr:      []string{"500", "3 attempts", "had an error"},
	}, {
		name:         "500 every time, with a fallback",
		answers:      []serverAnswer{{status: 500, body: openAIError500}},
		maxRetries:   2,
		fallback:     fallback,
		wantRequests: 3,
		wantEngine:   "pocketsphinx",
	}, {
		name:         "whisper.cpp error with status 200",
		answers:      []serverAnswer{{status: 200, body: `{"error":"failed to read WAV file"}`}},
		wantRequests: 1,
		wantErr:      []string{"200", "failed to read WAV file"},
	}, {
		name:         "Retry-After too long to wait for",
		answers:      []serverAnswer{{status: 429, retryAfter: "120", body: openAIError429}},
		wantRequests: 1,
		wantErr:      []string{"429", "asks to wait 2m0s"},
	}, {
		name:         "no answer in time",
		answers:      []serverAnswer{{stall: true}},
		maxRetries:   1,
		timeout:      50 * time.Millisecond,
		wantRequests: 2,
		wantErr:      []string{"no answer within 50ms", "2 attempts"},
	}, {
		name:         "no answer in time, with a fallback",
		answers:      []serverAnswer{{stall: true}},
		maxRetries:   1,
		timeout:      50 * time.Millisecond,
		fallback:     fallback,
		wantRequests: 2,
		wantEngine:   "pocketsphinx",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := newTranscriptionServer(t, tt.answers...)
			e := testOpenAI(t, Config{
				BaseURL:    server.URL(),
				MaxRetries: tt.maxRetries,
				Timeout:    tt.timeout,
				Fallback:   tt.fallback,
			})
			results, err := feed(t, e, oneUtterance())
			if n := server.requests(); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error, results %+v", results)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 1 || results[0].Engine != tt.wantEngine {
				t.Fatalf("results %+v, want one from %s", results, tt.wantEngine)
			}
			if tt.wantEngine == "openai" {
				checkPlaced(t, results[0], answerWords(t, okBody))
				return
			}
			// The fallback heard the upload on its own clock; its words
			// move onto the stream clock by where the upload starts.
			got := results[0].Words
			offset := got[0].Start - fallbackWords[0].Start
			if math.Abs(offset-0.3) > 0.1 {
				t.Errorf("fallback words shifted by %.3f s, want about 0.3 s", offset)
			}
			for i, w := range got {
				want := fallbackWords[i]
				if w.Text != want.Text || w.Confidence != want.Confidence ||
					math.Abs(w.Start-offset-want.Start) > 1e-9 || math.Abs(w.End-offset-want.End) > 1e-9 {
					t.Errorf("word %d = %+v, want %+v shifted by %.3f", i, w, want, offset)
				}
			}
		})
	}
}

// A failed utterance keeps its audio, and a later Flush transcribes it.
func TestOpenAIKeepsFailedUtterance(t *testing.T) {
	body := readAnswer(t, "openai_verbose.json")
	server := newTranscriptionServer(t, serverAnswer{status: 503, body: openAIError500}, serverAnswer{status: 200, body: body})
	e := testOpenAI(t, Config{BaseURL: server.URL(), MaxRetries: -1})
	ctx := context.Background()
	s, err := e.NewStream(ctx, transcribe.StreamOptions{Vocabulary: testVocabulary})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tk := newTalker()
	// Ten seconds of quiet after the speech: the buffer would have let go
	// of the utterance by then, had it been transcribed.
	samples := concat(tk.pause(0.5), tk.speak(1.5), tk.pause(10))
	var failed bool
	for i := 0; i < len(samples); i += transcribe.SampleRate / 10 {
		results, err := s.Accept(ctx, samples[i:min(i+transcribe.SampleRate/10, len(samples))])
		if len(results) > 0 {
			t.Fatalf("results %+v from a failing server", results)
		}
		failed = failed || err != nil
	}
	if !failed {
		t.Fatal("the 503 was not reported")
	}
	results, err := s.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 {
		t.Fatalf("%d results, want the utterance that failed", len(results))
	}
	offset := checkPlaced(t, results[0], answerWords(t, body))
	if math.Abs(offset-0.3) > 0.1 {
		t.Errorf("words shifted by %.3f s, want about 0.3 s", offset)
	}
	if n := server.requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	// With the utterance done, only recent audio stays.
	if buffered := float64(len(s.(*stream).audio)) / transcribe.SampleRate; buffered > vadLookback+utterancePad+1 {
		t.Errorf("%.1f s of audio still buffered", buffered)
	}
}

// Speech longer than MaxUtterance goes up in pieces, each no longer than
// MaxUtterance and together covering all of it, while the buffer holds no
// more than the piece in progress.
func TestOpenAICutsLongSpeech(t *testing.T) {
	server := newTranscriptionServer(t, serverAnswer{status: 200, body: readAnswer(t, "openai_verbose.json")})
	const maxUtterance = 2.0
	e := testOpenAI(t, Config{BaseURL: server.URL(), MaxUtterance: maxUtterance * time.Second})
	ctx := context.Background()
	s, err := e.NewStream(ctx, transcribe.StreamOptions{Vocabulary: testVocabulary})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tk := newTalker()
	samples := concat(tk.pause(0.5), tk.speak(7), tk.pause(1))
	var results []transcribe.Result
	var buffered float64
	for i := 0; i < len(samples); i += transcribe.SampleRate / 10 {
		rs, err := s.Accept(ctx, samples[i:min(i+transcribe.SampleRate/10, len(samples))])
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, rs...)
		buffered = max(buffered, float64(len(s.(*stream).audio))/transcribe.SampleRate)
	}
	rs, err := s.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	results = append(results, rs...)

	var total float64
	for i, up := range server.received() {
		if up.seconds > maxUtterance {
			t.Errorf("upload %d is %.2f s, longer than MaxUtterance", i, up.seconds)
		}
		total += up.seconds
	}
	if n := server.requests(); n < 4 || len(results) != n || total < 7 || total > 7.5 {
		t.Errorf("%d uploads of %.2f s in all and %d results, want 7 s of speech (and padding) in at least 4", n, total, len(results))
	}
	for i := 1; i < len(results); i++ {
		if results[i].Start < results[i-1].End {
			t.Errorf("result %d starts at %.3f s, before result %d ends at %.3f s", i, results[i].Start, i-1, results[i-1].End)
		}
	}
	if limit := maxUtterance + vadLookback + utterancePad + 1; buffered > limit {
		t.Errorf("buffered up to %.2f s of audio, want at most %.2f s", buffered, limit)
	}
}

func TestNewOpenAIKey(t *testing.T) {
	tests := []struct {
		baseURL, key string
		wantErr      string
	}{
		{"", "", "OPENAI_API_KEY"},
		{"https://api.openai.com/v1", "", "--openai-url"},
		{"https://api.openai.com/v1", "sk-x", ""},
		{"http://localhost:8000/v1", "", ""},
		{"http://127.0.0.1:8080/v1", "", ""},
		{"localhost:8000", "", "not an http(s) URL"},
	}
	for _, tt := range tests {
		_, err := New(Config{BaseURL: tt.baseURL, APIKey: tt.key})
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("NewOpenAI(%q, key %q): %v", tt.baseURL, tt.key, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("NewOpenAI(%q, key %q) = %v, want an error mentioning %s", tt.baseURL, tt.key, err, tt.wantErr)
		}
	}
}

func TestOpenAIPrompt(t *testing.T) {
	many := make([]string, 200)
	for i := range many {
		many[i] = "term" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
	}
	tests := []struct {
		name       string
		vocabulary []string
		want       string // the prompt's end
	}{
		{"no vocabulary", nil, "split the work."},
		{"vocabulary", []string{"Kubernetes", " Postgres ", "", "kubernetes", "on-call  rotation"}, "Vocabulary: Kubernetes, Postgres, on-call rotation."},
		{"too much vocabulary", many, "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := transcriptionPrompt(tt.vocabulary)
			if !strings.HasPrefix(p, fillerPrompt) || !strings.HasSuffix(p, tt.want) {
				t.Errorf("prompt %q, want the fillers then ...%q", p, tt.want)
			}
			if n := len(strings.Fields(p)); n > maxPromptWords {
				t.Errorf("prompt has %d words, more than %d", n, maxPromptWords)
			}
		})
	}
}

// Answers without word times still give words: spread over their segments,
// or over the upload when there is only text.
func TestOpenAIAnswerWithoutWordTimes(t *testing.T) {
	tests := []struct {
		name, body string
		want       []transcribe.Word
	}{{
		name: "segments, words null",
		body: `{"task":"transcribe","language":"english","duration":2.0,"text":"Um, we shipped it.","words":null,"segments":[{"id":0,"seek":0,"start":0.4,"end":1.6,"text":" Um, we shipped it.","tokens":[],"temperature":0.0,"avg_logprob":-0.3,"compression_ratio":0.7,"no_speech_prob":0.01}]}`,
		want: []transcribe.Word{{Text: "Um", Start: 0.4, End: 0.7, Confidence: 1, Punctuated: "Um,"}, {Text: "we", Start: 0.7, End: 1.0, Confidence: 1, Punctuated: "we"}, {Text: "shipped", Start: 1.0, End: 1.3, Confidence: 1, Punctuated: "shipped"}, {Text: "it", Start: 1.3, End: 1.6, Confidence: 1, Punctuated: "it."}},
	}, {
		name: "text only",
		body: `{"text":"Yes, twice."}`,
		want: []transcribe.Word{{Text: "Yes", Start: 0, End: 1, Confidence: 1, Punctuated: "Yes,"}, {Text: "twice", Start: 1, End: 2, Confidence: 1, Punctuated: "twice."}},
	}, {
		name: "speaches words with spaces and probabilities",
		body: `{"task":"transcribe","language":"en","duration":2.0,"text":"Um, yes.","segments":[],"words":[{"start":0.1,"end":0.4,"word":" Um,","probability":0.52},{"start":0.5,"end":0.9,"word":" yes.","probability":0.97},{"start":0.9,"end":0.9,"word":" ","probability":0.1}]}`,
		want: []transcribe.Word{{Text: "Um", Start: 0.1, End: 0.4, Confidence: 0.52, Punctuated: "Um,"}, {Text: "yes", Start: 0.5, End: 0.9, Confidence: 0.97, Punctuated: "yes."}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a verboseTranscription
			if err := json.Unmarshal([]byte(tt.body), &a); err != nil {
				t.Fatal(err)
			}
			got := a.words(2)
			if len(got) != len(tt.want) {
				t.Fatalf("words %+v, want %+v", got, tt.want)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Text != w.Text || math.Abs(g.Start-w.Start) > 1e-9 || math.Abs(g.End-w.End) > 1e-9 || g.Confidence != w.Confidence || g.Punctuated != w.Punctuated {
					t.Errorf("word %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestOpenAIPlaceWordsClamps(t *testing.T) {
	words := []transcribe.Word{{Text: "early", Start: -0.3, End: 0.2, Confidence: 1}, {Text: " ", Start: 0.3, End: 0.4, Confidence: 1}, {Text: "late", Start: 1.8, End: 2.6, Confidence: 1}, {Text: "after", Start: 2.7, End: 2.9, Confidence: 1}}
	r := placeWords(words, 10, 2, transcribe.Segment{Start: 10.2, End: 11.8})
	want := []transcribe.Word{{Text: "early", Start: 10, End: 10.2, Confidence: 1}, {Text: "late", Start: 11.8, End: 12, Confidence: 1}, {Text: "after", Start: 12, End: 12, Confidence: 1}}
	if len(r.Words) != len(want) {
		t.Fatalf("words %+v, want %+v", r.Words, want)
	}
	for i := range want {
		if r.Words[i] != want[i] {
			t.Errorf("word %d = %+v, want %+v", i, r.Words[i], want[i])
		}
	}
	if r.Start != 10 || r.End != 12 || !r.Final {
		t.Errorf("result %.2f-%.2f final %v, want 10-12 final", r.Start, r.End, r.Final)
	}
}

func TestOpenAIRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{nil, 0, false},
		{map[string]string{"Retry-After": "0"}, 0, true},
		{map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{map[string]string{"Retry-After": "Sun, 01 Mar 2026 12:00:05 GMT"}, 5 * time.Second, true},
		{map[string]string{"Retry-After": "soon"}, 0, false},
		{map[string]string{"Retry-After-Ms": "250", "Retry-After": "1"}, 250 * time.Millisecond, true},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		got, ok := retryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%v) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// The word lists of verbose_json have no punctuation; the transcript does,
// and each word gets its written form from it, so that sentence ends reach
// the STAR segmenter.
func TestOpenAIWordsKeepPunctuation(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // each word's Punctuated
	}{{
		name: "openai words",
		body: `{"text":"So, I led it. We shipped in May!","words":[{"word":"So","start":0,"end":0.2},{"word":"I","start":0.3,"end":0.4},{"word":"led","start":0.4,"end":0.6},{"word":"it","start":0.6,"end":0.8},{"word":"We","start":1.2,"end":1.3},{"word":"shipped","start":1.3,"end":1.6},{"word":"in","start":1.6,"end":1.7},{"word":"May","start":1.7,"end":2}]}`,
		want: []string{"So,", "I", "led", "it.", "We", "shipped", "in", "May!"},
	}, {
		name: "a word the transcript leaves out",
		body: `{"text":"So, I led it.","words":[{"word":"so","start":0,"end":0.2},{"word":"uh","start":0.2,"end":0.3},{"word":"I","start":0.3,"end":0.4},{"word":"led","start":0.4,"end":0.6},{"word":"it","start":0.6,"end":0.8}]}`,
		want: []string{"So,", "", "I", "led", "it."},
	}, {
		name: "whisper.cpp tokens",
		body: `{"text":" The migration ended. Then","segments":[{"start":0,"end":2,"text":" The migration ended. Then","words":[{"word":" The","start":0,"end":0.2},{"word":" migr","start":0.2,"end":0.5},{"word":"ation","start":0.5,"end":0.8},{"word":" ended","start":0.8,"end":1.1},{"word":".","start":1.1,"end":1.1},{"word":" Then","start":1.5,"end":1.8}]}]}`,
		want: []string{"The", "migration", "ended.", "Then"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a verboseTranscription
			if err := json.Unmarshal([]byte(tt.body), &a); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range a.words(2) {
				got = append(got, w.Punctuated)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("punctuated %q, want %q", got, tt.want)
			}
		})
	}
	if !(transcribe.Word{Text: "done", Punctuated: `done."`}).EndsSentence() || (transcribe.Word{Text: "so", Punctuated: "so,"}).EndsSentence() ||
		!(transcribe.Word{Text: "it."}).EndsSentence() || (transcribe.Word{Text: "it"}).EndsSentence() {
		t.Error("EndsSentence: a word ending in '.' (before a closing quote) ends a sentence, one ending in ',' or nothing does not")
	}
}

// A word whose probability is below one half is marked low confidence; a
// word from a server that gives no probability is not.
func TestOpenAILowConfidence(t *testing.T) {
	var a verboseTranscription
	body := `{"text":"Um, we shipped it.","words":[{"start":0.1,"end":0.4,"word":" Um,","probability":0.31},{"start":0.5,"end":0.7,"word":" we","probability":0.5},{"start":0.7,"end":1.0,"word":" shipped"},{"start":1.0,"end":1.2,"word":" it.","probability":0.49}]}`
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, w := range a.words(2) {
		got = append(got, w.LowConfidence)
	}
	if want := []bool{true, false, false, true}; !slices.Equal(got, want) {
		t.Errorf("low confidence %v, want %v", got, want)
	}
}

// soundTimes reports what is wrong with r's times on from..to, or ""
// (as transcribe's own test does).
func soundTimes(r transcribe.Result, from, to float64) string {
	if !isFinite(r.Start) || !isFinite(r.End) || r.Start > r.End || r.Start < from || r.End > to {
		return "the result's span"
	}
	for i, w := range r.Words {
		switch {
		case !isFinite(w.Start) || !isFinite(w.End):
			return w.Text + " not finite"
		case w.Start > w.End:
			return w.Text + " ends before it starts"
		case w.Start < r.Start || w.End > r.End:
			return w.Text + " outside the result"
		case i > 0 && (w.Start < r.Words[i-1].Start || w.End < r.Words[i-1].End):
			return w.Text + " out of order"
		}
	}
	return ""
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// An endpoint whose answer has every kind of broken time: the words come
// out spread over the utterance's speech, in order, and marked.
func TestOpenAIBrokenWordTimes(t *testing.T) {
	body := `{"task":"transcribe","language":"english","duration":1.9,"text":"So I led the migration.",` +
		`"words":[{"word":"So","start":5.0,"end":4.0},{"word":"I","start":-3.0,"end":-2.5},` +
		`{"word":"led","start":1.2,"end":1.4},{"word":"the","start":0.6,"end":0.7},{"word":"migration","start":1e308,"end":1e308}]}`
	server := newTranscriptionServer(t, serverAnswer{status: 200, body: body})
	e := testOpenAI(t, Config{BaseURL: server.URL()})
	results, err := feed(t, e, oneUtterance())
	if err != nil || len(results) != 1 {
		t.Fatalf("results %+v, %v", results, err)
	}
	r := results[0]
	if !r.TimesRepaired || r.Text() != "So I led the migration" {
		t.Errorf("result %+v; want the five words, repaired", r)
	}
	// The speech runs from 0.5 to 2.0 s.
	if bad := soundTimes(r, 0.4, 2.1); bad != "" {
		t.Errorf("%s: %+v", bad, r)
	}
	if first, last := r.Words[0].Start, r.Words[4].End; math.Abs(first-0.5) > 0.1 || math.Abs(last-2.0) > 0.1 {
		t.Errorf("words spread over %.2f-%.2f s, want about the speech, 0.5-2.0 s", first, last)
	}
}
