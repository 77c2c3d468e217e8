package protocol

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseListenOptions reads Deepgram's query parameters: the ones with
// a meaning here are honoured, the others left alone, and a value that
// makes no sense is refused with a message that says what to send.
func TestParseListenOptions(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  ListenOptions
		err   string // part of the error; empty for none
	}{
		{name: "none", query: ""},
		{name: "Deepgram's own, ignored", query: "model=nova-3&language=en-US&punctuate=true&smart_format=true&diarize=true&tier=enhanced&version=latest&no_delay=true"},
		{name: "endpointing", query: "endpointing=300", want: ListenOptions{Pause: 300 * time.Millisecond}},
		{name: "endpointing off", query: "endpointing=false"},
		{name: "endpointing at its bounds", query: "endpointing=10", want: ListenOptions{Pause: 10 * time.Millisecond}},
		{name: "utterance_end_ms", query: "utterance_end_ms=1500", want: ListenOptions{UtteranceEnd: 1500 * time.Millisecond}},
		{name: "interim results on", query: "interim_results=true"},
		{name: "interim results off", query: "interim_results=false", want: ListenOptions{NoInterim: true}},
		{name: "vad events", query: "vad_events=true", want: ListenOptions{SpeechStarted: true}},
		{name: "vad events off", query: "vad_events=false"},
		{name: "keywords and keyterms", query: "keywords=Zorvex:2&keywords=webhook&keywords=um:-5&keywords=Kafka:0.5&keyterm=payment+notification+service",
			want: ListenOptions{Vocabulary: []string{"Zorvex", "webhook", "Kafka", "payment notification service"}}},
		{name: "a keyword with a colon in it", query: "keywords=" + url.QueryEscape("ratio 3:1:2"), want: ListenOptions{Vocabulary: []string{"ratio 3:1"}}},
		{name: "empty keyterm", query: "keyterm=&keyterm=+", want: ListenOptions{}},
		{name: "negative endpointing", query: "endpointing=-5", err: `endpointing "-5": give the pause that ends an utterance in whole milliseconds from 10 to 10000, or false for the server's own (serve --pause)`},
		{name: "endpointing not a number", query: "endpointing=abc", err: `endpointing "abc"`},
		{name: "endpointing in seconds", query: "endpointing=0.5", err: `endpointing "0.5"`},
		{name: "endpointing too long", query: "endpointing=60000", err: `endpointing "60000"`},
		{name: "denoise", query: "denoise=15", want: ListenOptions{Denoise: 15}},
		{name: "denoise none", query: "denoise=0", want: ListenOptions{Denoise: -1}},
		{name: "denoise too much", query: "denoise=90", err: `denoise "90": give how many dB of steady noise to take out before decoding, from 0 (none: audio a browser already cleaned) to 40, such as 15`},
		{name: "denoise yes", query: "denoise=true", err: `denoise "true"`},
		{name: "utterance_end_ms too short", query: "utterance_end_ms=5", err: `utterance_end_ms "5": give the silence after the last word in whole milliseconds from 100 to 60000, such as 1000`},
		{name: "utterance_end_ms not a number", query: "utterance_end_ms=soon", err: `utterance_end_ms "soon"`},
		{name: "interim_results not a bool", query: "interim_results=maybe", err: `interim_results "maybe": use true or false`},
		{name: "vad_events not a bool", query: "vad_events=yes", err: `vad_events "yes": use true or false`},
		{name: "keyword with a bad boost", query: "keywords=Zorvex:lots", err: `keywords "Zorvex:lots": send a word and, if you like, a number to boost it by, such as keywords=Zorvex:2`},
		{name: "keyword without a word", query: "keywords=:2", err: `keywords ":2"`},
		{name: "too many terms", query: strings.Repeat("keyterm=a&", 201), err: "keywords and keyterm: vocabulary of 201 terms: send at most 200"},
		{name: "too long a term", query: "keyterm=" + strings.Repeat("v", 101), err: "keywords and keyterm: vocabulary term"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseListenOptions(q)
			switch {
			case c.err != "":
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("error %v; want one with %q", err, c.err)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case got.Pause != c.want.Pause || got.UtteranceEnd != c.want.UtteranceEnd || got.NoInterim != c.want.NoInterim ||
				got.SpeechStarted != c.want.SpeechStarted || !slices.Equal(got.Vocabulary, c.want.Vocabulary):
				t.Errorf("got %+v; want %+v", got, c.want)
			}
		})
	}
}
