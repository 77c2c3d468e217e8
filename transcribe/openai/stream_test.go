package openai

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

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
