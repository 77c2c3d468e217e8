package pocketsphinx

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/transcribe"
)

const testDataDir = "/usr/share/pocketsphinx/test/data"

var (
	sharedEngine     *Engine
	sharedEngineErr  error
	sharedEngineOnce sync.Once
)

// testEngine shares one decoder pool across the tests of this package: a
// decoder takes a quarter of a second and 90 MB to load.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	if _, err := os.Stat(DefaultModelDir); err != nil {
		testenv.Missing(t, "pocketsphinx-en-us is not installed: %v", err)
	}
	sharedEngineOnce.Do(func() {
		sharedEngine, sharedEngineErr = New(Config{PoolSize: 2})
	})
	if sharedEngineErr != nil {
		t.Fatal(sharedEngineErr)
	}
	return sharedEngine
}

func readRaw(t testing.TB, path string) []int16 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		testenv.Missing(t, "pocketsphinx-testdata is not installed: %v", err)
	}
	s, err := transcribe.PCM16(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// librivoxReferences reads the reference transcription shipped with the
// LibriVox excerpts: "<s> words </s> (file-id)".
func librivoxReferences(t testing.TB) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(testDataDir, "librivox", "transcription"))
	if err != nil {
		testenv.Missing(t, "pocketsphinx-testdata is not installed: %v", err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^<s> (.*) </s> \((.*)\)$`)
	refs := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := line.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			refs[m[2]] = m[1]
		}
	}
	return refs
}

// freshEngine loads a decoder of its own, so that a clip's result does not
// depend on which clips a pooled decoder heard before (its running
// cepstral mean carries over from stream to stream).
func freshEngine(t testing.TB) *Engine {
	t.Helper()
	testEngine(t) // skips when the model is missing
	e, err := New(Config{PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func checkWordTimes(t *testing.T, words []transcribe.Word, duration float64) {
	t.Helper()
	prev := 0.0
	for i, w := range words {
		if w.Start < 0 || w.End > duration+1e-9 || w.End < w.Start {
			t.Errorf("word %d %q [%.2f, %.2f] outside the audio [0, %.2f]", i, w.Text, w.Start, w.End, duration)
		}
		if w.Start < prev-1e-9 {
			t.Errorf("word %d %q starts at %.2f, before the previous word's start %.2f", i, w.Text, w.Start, prev)
		}
		prev = w.Start
	}
}

// The bounds are what the stock model measurably reaches on each clip, with
// a little room (each clip on a fresh decoder); they catch a broken front end (wrong rate, byte order,
// silence removal) that would send the error rate towards 1.
func TestPocketSphinxLibriVox(t *testing.T) {
	refs := librivoxReferences(t)
	clips := []struct {
		id    string
		bound float64 // measured 0.364, 0.250, 0.429, 0.368, 0.500 (8 words), default engine, fresh decoder
	}{
		{"sense_and_sensibility_01_austen_64kb-0870", 0.42},
		{"sense_and_sensibility_01_austen_64kb-0880", 0.30},
		{"sense_and_sensibility_01_austen_64kb-0890", 0.48},
		{"sense_and_sensibility_01_austen_64kb-0920", 0.42},
		{"sense_and_sensibility_01_austen_64kb-0930", 0.55},
	}
	var errs, total int
	for _, c := range clips {
		id, bound := c.id, c.bound
		t.Run(id, func(t *testing.T) {
			samples, _, err := transcribe.ReadWAV(filepath.Join(testDataDir, "librivox", id+".wav"))
			if err != nil {
				t.Fatal(err)
			}
			tr, err := transcribe.TranscribeSamples(context.Background(), freshEngine(t), samples, transcribe.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkWordTimes(t, tr.Words, tr.Duration)
			wer := transcribe.WordErrorRate(refs[id], tr.Text)
			t.Logf("WER %.3f RTF %.3f: %q", wer, tr.RTF, tr.Text)
			if wer > bound {
				t.Errorf("WER %.3f above %.2f\nref: %s\nhyp: %s", wer, bound, refs[id], tr.Text)
			}
			errs += transcribe.WordErrors(transcribe.NormalizeText(refs[id]), transcribe.NormalizeText(tr.Text))
			total += len(transcribe.NormalizeText(refs[id]))
		})
	}
	t.Logf("LibriVox overall WER %.3f (%d/%d)", float64(errs)/float64(total), errs, total)
}

// flite answers in spoken interview style.
var fliteAnswers = []struct {
	text  string
	bound float64
}{
	// Bounds sit a little above the measured 0.263, 0.158, 0.222, 0.133
	// (default engine, fresh decoder each, interview model built from the
	// 362 training answers; with the 218-answer model of before they were
	// 0.158, 0.474, 0.222, 0.133: such short clips move with the model).
	{"I noticed that the payment service was dropping about three percent of the webhooks and nobody owned the problem.", 0.29},
	{"So I pulled the delivery logs and I traced the failures to a race condition in the retry logic.", 0.21},
	{"After the fix the drop rate went to zero and the team adopted the alert as a standard.", 0.28},
	{"Looking back I would have proposed a shared reliability target across the teams much earlier.", 0.20},
}

func synth(t testing.TB, voice, text string) []int16 {
	t.Helper()
	if !flite.Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	path, err := flite.Synthesize(context.Background(), flite.CacheDir(), voice, text)
	if err != nil {
		t.Fatal(err)
	}
	samples, _, err := transcribe.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

func TestPocketSphinxFlite(t *testing.T) {
	var errs, total int
	for i, a := range fliteAnswers {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			samples := synth(t, "slt", a.text)
			tr, err := transcribe.TranscribeSamples(context.Background(), freshEngine(t), samples, transcribe.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkWordTimes(t, tr.Words, tr.Duration)
			wer := transcribe.WordErrorRate(a.text, tr.Text)
			t.Logf("WER %.3f: %q", wer, tr.Text)
			if wer > a.bound {
				t.Errorf("WER %.3f above %.2f\nref: %s\nhyp: %s", wer, a.bound, a.text, tr.Text)
			}
			errs += transcribe.WordErrors(transcribe.NormalizeText(a.text), transcribe.NormalizeText(tr.Text))
			total += len(transcribe.NormalizeText(a.text))
		})
	}
	t.Logf("flite slt overall WER %.3f (%d/%d)", float64(errs)/float64(total), errs, total)
}

func silence(seconds float64) []int16 { return make([]int16, int(seconds*transcribe.SampleRate)) }

// firstSound is where a clean recording first rises above a faint level:
// the true start of its first word.
func firstSound(s []int16) float64 {
	for i, v := range s {
		if v > 300 || v < -300 {
			return float64(i) / transcribe.SampleRate
		}
	}
	return 0
}

func TestPocketSphinxTiming(t *testing.T) {
	engine := testEngine(t)
	goforward := readRaw(t, filepath.Join(testDataDir, "goforward.raw"))
	phrase := synth(t, "slt", "I wrote the fix and added an alert.")
	cases := []struct {
		name          string
		first, second []int16
		secondFirst   string
		trueOffset    float64 // where the second phrase's first word begins inside it
	}{
		// Reference word times of goforward.raw: "go" 0.46 to 0.63.
		{"goforward", goforward, goforward, "go", 0.46},
		{"flite", phrase, phrase, "i", firstSound(phrase)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lead := silence(1)
			gap := silence(2)
			audio := append(append(append(append(append([]int16{}, lead...), c.first...), gap...), c.second...), silence(1)...)
			trueStart := float64(len(lead)+len(c.first)+len(gap))/transcribe.SampleRate + c.trueOffset
			tr, err := transcribe.TranscribeSamples(context.Background(), engine, audio, transcribe.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkWordTimes(t, tr.Words, tr.Duration)
			if len(tr.Utterances) < 2 {
				t.Fatalf("want two utterances, got %+v", tr.Utterances)
			}
			var second *transcribe.Word
			for i := range tr.Words {
				if tr.Words[i].Start >= tr.Utterances[len(tr.Utterances)-1].Start {
					second = &tr.Words[i]
					break
				}
			}
			if second == nil {
				t.Fatal("no word in the second utterance")
			}
			t.Logf("second phrase: first word %q at %.3f, truly at %.3f", second.Text, second.Start, trueStart)
			if math.Abs(second.Start-trueStart) > 0.15 {
				t.Errorf("second phrase's first word %q starts at %.3f, truly at %.3f", second.Text, second.Start, trueStart)
			}
		})
	}
}

func TestPocketSphinxPartials(t *testing.T) {
	engine := testEngine(t)
	samples := append(synth(t, "slt", fliteAnswers[0].text+" "+fliteAnswers[1].text), silence(1)...)
	stream, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var partialsAt []float64
	fed := 0
	for i := 0; i < len(samples); i += 1600 {
		rs, err := stream.Accept(context.Background(), samples[i:min(i+1600, len(samples))])
		if err != nil {
			t.Fatal(err)
		}
		fed += min(1600, len(samples)-i)
		for _, r := range rs {
			if !r.Final {
				partialsAt = append(partialsAt, float64(fed)/transcribe.SampleRate)
			}
		}
	}
	if len(partialsAt) < 3 {
		t.Fatalf("only %d partial results in %.1f s of speech", len(partialsAt), float64(len(samples))/transcribe.SampleRate)
	}
	for i := 1; i < len(partialsAt); i++ {
		if gap := partialsAt[i] - partialsAt[i-1]; gap > 0.5+1e-9 && gap < 1.5 {
			// A longer gap is a pause between utterances, not a late partial.
			t.Errorf("partials %.1f s apart at %.1f s; want at most 0.5 s", gap, partialsAt[i])
		}
	}
}

func TestPocketSphinxPoolRestartsClock(t *testing.T) {
	engine := testEngine(t)
	goforward := readRaw(t, filepath.Join(testDataDir, "goforward.raw"))
	for round := range 3 {
		tr, err := transcribe.TranscribeSamples(context.Background(), engine, goforward, transcribe.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Words) == 0 || tr.Words[0].Start > 1 {
			t.Fatalf("round %d: words %+v do not start near 0.46 s: the reused decoder's clock did not restart", round, tr.Words)
		}
	}
}

func TestPocketSphinxMissingModel(t *testing.T) {
	_, err := New(Config{ModelDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "pocketsphinx-en-us") {
		t.Fatalf("want an error naming the package to install, got %v", err)
	}
}

func TestPocketSphinxBusyPool(t *testing.T) {
	engine := testEngine(t)
	var streams []transcribe.Stream
	for range engine.PoolSize() {
		s, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := engine.NewStream(ctx, transcribe.StreamOptions{}); err == nil {
		t.Fatal("a stream past the pool size was handed out")
	}
	for _, s := range streams {
		s.Close()
	}
	s, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func rssBytes() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

// benchAnswer is about sixty seconds of a spoken answer.
const benchAnswer = `While I was working as a backend engineer I noticed that the payment
notification service was dropping a small share of its webhooks. The service belonged to
another team and nobody had asked me to look at it, but the drops delayed payment
confirmations for our customers. I pulled the delivery logs and grouped the failures by
time and by merchant. I traced them to a race condition in the retry logic, reproduced it
on my laptop, and wrote a fix that added a lock around the retry. I also added an alert on
the dead letter queue so that future drops would be caught early. I sent the other team a
pull request that was ready to merge and I helped them roll it out. After the release the
drop rate went to zero and we recovered about eight thousand dollars a week. The other team
adopted the alert as a standard in their template. Looking back, the real gap was that no
one shared a reliability target across teams, and next time I would propose one much earlier.`

// BenchmarkPocketSphinxRTF reports the real-time factor (CPU seconds per
// second of audio, one stream on one core) on a sixty-second answer, and
// the resident memory one decoder adds, for the stock set-up, the interview
// mix with the stock decoder settings, and the default (mix, fast profile).
func BenchmarkPocketSphinxRTF(b *testing.B) {
	if !flite.Available() {
		b.Skip("flite is not installed")
	}
	samples := synth(b, "slt", strings.Join(strings.Fields(benchAnswer), " "))
	for len(samples) < 60*transcribe.SampleRate {
		samples = append(samples, samples...)
	}
	samples = samples[:60*transcribe.SampleRate]
	configs := []struct {
		name string
		cfg  Config
	}{
		{"stock", Config{PoolSize: 1, DomainWeight: -1, Profile: ProfileStock}},
		{"mix", Config{PoolSize: 1, Profile: ProfileStock}},
		{"default", Config{PoolSize: 1}},
	}
	// Engines stay open until the end: memory a closed one gave back would
	// be reused by the next and hide what it takes.
	var engines []*Engine
	defer func() {
		for _, e := range engines {
			e.Close()
		}
	}()
	for _, c := range configs {
		b.Run(c.name, func(b *testing.B) {
			runtime.GC()
			before := rssBytes()
			engine, err := New(c.cfg)
			if err != nil {
				b.Fatal(err)
			}
			engines = append(engines, engine)
			perDecoder := rssBytes() - before
			audio := float64(len(samples)) / transcribe.SampleRate
			b.ResetTimer()
			cpu, wall := 0.0, 0.0
			for b.Loop() {
				c0, w0 := cpuSeconds(), time.Now()
				if _, err := transcribe.TranscribeSamples(context.Background(), engine, samples, transcribe.StreamOptions{}); err != nil {
					b.Fatal(err)
				}
				cpu += cpuSeconds() - c0
				wall += time.Since(w0).Seconds()
			}
			b.ReportMetric(cpu/audio/float64(b.N), "cpu-rtf")
			b.ReportMetric(wall/audio/float64(b.N), "wall-rtf")
			b.ReportMetric(perDecoder/(1<<20), "MB/decoder")
		})
	}
}

// Decoders loaded at the same time by streams that start together must all
// load: the library's log file is process-wide, and a decoder that set it
// while another was writing to it once hung a server start-up for good.
func TestPocketSphinxConcurrentLoad(t *testing.T) {
	testEngine(t)
	const n = 6
	engine, err := New(Config{PoolSize: n})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	engine.Preload() // loads alongside the streams' own loads
	opened := make(chan transcribe.Stream, n)
	failed := make(chan error, n)
	for range n {
		go func() {
			s, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
			if err != nil {
				failed <- err
				return
			}
			opened <- s
		}()
	}
	deadline := time.After(2 * time.Minute) // a hang, not a speed bound
	for range n {
		select {
		case s := <-opened:
			defer s.Close()
		case err := <-failed:
			t.Fatal(err)
		case <-deadline:
			t.Fatalf("%d decoders loading at once did not all load: the library hung", n)
		}
	}
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.all != n {
		t.Fatalf("%d decoders for a pool of %d", engine.all, n)
	}
}

func TestPocketSphinxPreload(t *testing.T) {
	testEngine(t)
	engine, err := New(Config{PoolSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	engine.Preload()
	engine.Preload() // a second call loads nothing more
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		engine.mu.Lock()
		idle, all := len(engine.idle), engine.all
		engine.mu.Unlock()
		if all > 3 {
			t.Fatalf("%d decoders for a pool of 3", all)
		}
		if idle == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("preloading left %d of 3 decoders idle", idle)
		}
	}
}

// Sentences with the 0.4 s a fluent speaker leaves between them end an
// utterance each, and each final comes within half a second of audio
// after its last word; a stream asking for a longer pause keeps some of
// them together.
func TestPocketSphinxEndpointing(t *testing.T) {
	engine := testEngine(t)
	sentences := []string{
		"We kept missing the release date for three months.",
		"I took over the planning and cut the scope in half.",
		"We shipped two weeks early and nobody was paged.",
	}
	var audio []int16
	audio = append(audio, silence(0.5)...)
	for i, s := range sentences {
		if i > 0 {
			audio = append(audio, silence(0.4)...)
		}
		audio = append(audio, trimmed(synth(t, "slt", s))...)
	}
	audio = append(audio, silence(1)...)
	finals := func(opts transcribe.StreamOptions) (ends, lags []float64) {
		stream, err := engine.NewStream(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		for i := 0; i < len(audio); i += 1600 {
			rs, err := stream.Accept(context.Background(), audio[i:min(i+1600, len(audio))])
			if err != nil {
				t.Fatal(err)
			}
			fed := float64(min(i+1600, len(audio))) / transcribe.SampleRate
			for _, r := range rs {
				if r.Final {
					ends = append(ends, r.End)
					lags = append(lags, fed-r.End)
				}
			}
		}
		return ends, lags
	}
	ends, lags := finals(transcribe.StreamOptions{})
	t.Logf("finals end at %v, %v s of audio later", ends, lags)
	if len(ends) != len(sentences) {
		t.Fatalf("%d finals for %d sentences 0.4 s apart: %v", len(ends), len(sentences), ends)
	}
	for i, lag := range lags {
		if lag > 0.55 {
			t.Errorf("final %d came %.2f s of audio after its last word; want at most 0.55", i, lag)
		}
	}
	// A stream that asks for a pause longer than the gaps keeps the
	// sentences together until the library's own half second says so.
	if ends, _ := finals(transcribe.StreamOptions{Pause: 450 * time.Millisecond}); len(ends) >= len(sentences) {
		t.Errorf("with a 450 ms pause asked for: %d finals, want fewer than %d: %v", len(ends), len(sentences), ends)
	}
}

// trimmed drops the silence flite puts before and after speech.
func trimmed(s []int16) []int16 {
	first, last := -1, 0
	for i, v := range s {
		if v > 300 || v < -300 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return s[max(0, first-320):min(len(s), last+320)]
}

// noisyAnswer is read by flite and spoiled with noise to test the
// confidence threshold.
const noisyAnswer = "Last year our checkout service failed during the holiday sale. " +
	"I owned the payment path and I had to fix it within one week. " +
	"I rewrote the retry logic and I added alerts on the error rate. " +
	"As a result the errors dropped by forty percent."

// TestPocketSphinxLowConfidence: in noise, the recognizer's final words
// below its threshold are marked low_confidence and the others not, and
// partial words never are.
func TestPocketSphinxLowConfidence(t *testing.T) {
	engine := testEngine(t)
	clean := append(silence(1), synth(t, "slt", noisyAnswer)...)
	samples := append(noisemix.Mix(clean, noisemix.Pink(len(clean), 4), 15), make([]int16, transcribe.SampleRate)...)
	stream, err := engine.NewStream(context.Background(), transcribe.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var results []transcribe.Result
	for i := 0; i < len(samples); i += 1600 {
		rs, err := stream.Accept(context.Background(), samples[i:min(i+1600, len(samples))])
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, rs...)
	}
	rs, err := stream.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	low, final, partial := 0, 0, 0
	for _, r := range append(results, rs...) {
		for _, w := range r.Words {
			if !r.Final {
				partial++
				if w.LowConfidence {
					t.Errorf("partial word %+v marked low confidence", w)
				}
				continue
			}
			final++
			if w.LowConfidence != (w.Confidence < lowConfidence) {
				t.Errorf("final word %+v: low confidence %v at confidence %.3f", w, w.LowConfidence, w.Confidence)
			}
			if w.LowConfidence {
				low++
			}
		}
	}
	t.Logf("%d of %d final words low confidence; %d partial words", low, final, partial)
	if partial == 0 || low == 0 || low == final {
		t.Errorf("%d of %d final words low confidence, %d partial words; want some low, not all, and partials", low, final, partial)
	}
}
