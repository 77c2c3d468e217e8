package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
)

// chatServer answers POST /v1/chat/completions the way the OpenAI API
// does, with the assistant message content given by reply.
func chatServer(t *testing.T, reply func(req map[string]any) (status int, content string, delay time.Duration)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer test-key" {
			t.Errorf("authorization header %q", r.Header.Get("Authorization"))
		}
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("request body: %v", err)
		}
		status, content, delay := reply(req)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if status != http.StatusOK {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"message":"upstream failed","type":"server_error","code":null}}`)
			return
		}
		body, _ := json.Marshal(content)
		fmt.Fprintf(w, `{"id":"chatcmpl-9x","object":"chat.completion","created":1764160000,"model":"gpt-4o-mini-2024-07-18",
"choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null},"logprobs":null,"finish_reason":"stop"}],
"usage":{"prompt_tokens":212,"completion_tokens":31,"total_tokens":243},"system_fingerprint":"fp_0ba0d124f1"}`, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

var (
	question = &interviewer.Question{ID: "q", Text: "Tell me about a time you refused to ship something that did not meet your standards"}
	probe    = interviewer.Probe{ID: "q-quantify", Gap: interviewer.GapQuantify, Probes: "Data-driven impact measurement", Text: "How did you quantify the impact?"}
)

func TestPhrase(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		content string
		delay   time.Duration
		want    string
	}{
		{"valid", 200, `{"probe": "You said the drop rate improved: how did you measure the revenue you recovered?"}`, 0,
			"You said the drop rate improved: how did you measure the revenue you recovered?"},
		{"fenced", 200, "```json\n{\"probe\": \"How did you put a number on the lost payments?\"}\n```", 0,
			"How did you put a number on the lost payments?"},
		{"not json", 200, `Sure! Here is a follow-up: how did you measure it?`, 0, probe.Text},
		{"extra field", 200, `{"probe": "How did you measure it exactly?", "note": "x"}`, 0, probe.Text},
		{"two questions", 200, `{"probe": "How did you measure it? And who checked it?"}`, 0, probe.Text},
		{"not a question", 200, `{"probe": "Tell me more about the numbers behind that result."}`, 0, probe.Text},
		{"empty", 200, `{"probe": ""}`, 0, probe.Text},
		{"server error", 500, "", 0, probe.Text},
		{"too slow", 200, `{"probe": "How did you measure it in the end?"}`, 2 * time.Second, probe.Text},
		// A model's wording is held to the rules' grounding: a figure or a
		// name the candidate never said is refused.
		{"unsaid figure", 200, `{"probe": "How did you confirm the $8K a month you saved?"}`, 0, probe.Text},
		{"unsaid number word", 200, `{"probe": "How did you measure the forty percent drop?"}`, 0, probe.Text},
		{"unsaid name", 200, `{"probe": "How did the Platform team measure the drop rate?"}`, 0, probe.Text},
		{"second sentence", 200, `{"probe": "You said the webhook was dropping. How did you know the fix held?"}`, 0,
			"You said the webhook was dropping. How did you know the fix held?"},
		{"said figure", 200, `{"probe": "You said the drops fell to 2 a day: how did you count them?"}`, 0,
			"You said the drops fell to 2 a day: how did you count them?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := chatServer(t, func(req map[string]any) (int, string, time.Duration) {
				if req["model"] != "test-model" {
					t.Errorf("model %v", req["model"])
				}
				if rf, _ := req["response_format"].(map[string]any); rf["type"] != "json_object" {
					t.Errorf("response_format %v", req["response_format"])
				}
				msgs, _ := req["messages"].([]any)
				if len(msgs) != 2 || !strings.Contains(fmt.Sprint(msgs[1]), "drop rate improved") {
					t.Errorf("messages %v", msgs)
				}
				return tt.status, tt.content, tt.delay
			})
			p, err := New(Config{BaseURL: srv.URL + "/v1", APIKey: "test-key", Model: "test-model", Timeout: 500 * time.Millisecond, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			got := p.Phrase(context.Background(), question, "i noticed the webhook was dropping the drop rate improved to 2 a day", probe)
			if got != tt.want {
				t.Errorf("Phrase = %q, want %q", got, tt.want)
			}
			if calls.Load() == 0 {
				t.Error("the endpoint was never called")
			}
		})
	}
}

func TestNewNeedsModelAndKey(t *testing.T) {
	if _, err := New(Config{APIKey: "k"}); err == nil {
		t.Error("no model accepted")
	}
	if _, err := New(Config{Model: "gpt-4o-mini"}); err == nil || !strings.Contains(err.Error(), "--llm-key") {
		t.Errorf("cloud without key: %v", err)
	}
	if _, err := New(Config{Model: "llama3.1", BaseURL: "http://127.0.0.1:11434/v1"}); err != nil {
		t.Errorf("local server without key: %v", err)
	}
}
