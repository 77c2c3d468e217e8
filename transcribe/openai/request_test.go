package openai

import (
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

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
