package openai

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/mockinterview/mockinterview/transcribe"
)

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
