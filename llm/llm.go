// Package llm adapts an OpenAI-compatible chat endpoint (the OpenAI API,
// or a local server such as Ollama) to the interviewer: it may reword a
// probe so that it refers to what the person actually said.
//
// It is optional. The interviewer's rules choose the probe; this package
// only phrases it, and every failure (timeout, error, output that is not
// the JSON asked for) falls back to the bank's wording.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"

	"github.com/mockinterview/mockinterview/interviewer"
)

// Config points at a chat-completions endpoint.
type Config struct {
	BaseURL    string // e.g. http://localhost:11434/v1 for Ollama; "" for the OpenAI cloud
	APIKey     string
	Model      string        // e.g. gpt-4o-mini, llama3.1
	Timeout    time.Duration // per probe, default 8 s: the person is waiting
	HTTPClient *http.Client
	Logger     zerolog.Logger
}

// Phraser rewords probes with a chat model; it is an interviewer.Phraser.
type Phraser struct {
	client  *openai.Client
	model   string
	timeout time.Duration
	log     zerolog.Logger
}

// New checks the configuration; it does not contact the endpoint.
func New(cfg Config) (*Phraser, error) {
	if cfg.Model == "" {
		return nil, errors.New("llm: no model named (set --llm-model)")
	}
	cloud := cfg.BaseURL == "" || strings.Contains(cfg.BaseURL, "api.openai.com")
	if cloud && cfg.APIKey == "" {
		return nil, errors.New("llm: the OpenAI cloud needs an API key (set --llm-key), or point --llm-url at a local server such as Ollama")
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 8 * time.Second
	}
	return &Phraser{client: openai.NewClientWithConfig(oc), model: cfg.Model, timeout: cfg.Timeout, log: cfg.Logger}, nil
}

var _ interviewer.Phraser = (*Phraser)(nil)

const systemPrompt = `You are a bar-raiser interviewer running a behavioral interview.
You will get the question, the candidate's answer as transcribed by a speech recognizer (no punctuation, some words wrong),
the gap the follow-up must probe, and a template follow-up.
Write ONE follow-up question, spoken aloud, at most 35 words, that probes exactly that gap and refers to something specific the candidate said.
Do not answer for the candidate, do not praise, do not ask two questions.
Reply with JSON only: {"probe": "..."}`

type reply struct {
	Probe string `json:"probe"`
}

// Phrase returns a probe worded for this answer, or the bank's text when
// the model cannot give a valid one in time. It never fails.
func (p *Phraser) Phrase(ctx context.Context, q *interviewer.Question, transcript string, probe interviewer.Probe) string {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	text, err := p.ask(ctx, q, transcript, probe)
	if err != nil {
		p.log.Warn().Err(err).Str("probe", probe.ID).Msg("llm probe failed; asking the bank's probe")
		return probe.Text
	}
	return text
}

func (p *Phraser) ask(ctx context.Context, q *interviewer.Question, transcript string, probe interviewer.Probe) (string, error) {
	if n := len(transcript); n > 6000 {
		transcript = transcript[n-6000:]
	}
	user := fmt.Sprintf("Question: %s\nGap to probe: %s (%s)\nTemplate follow-up: %s\nCandidate's answer: %s",
		q.Text, probe.Gap, probe.Probes, probe.Text, transcript)
	resp, err := p.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: p.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject},
		Temperature:    0.3,
		MaxTokens:      120,
	})
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", errors.New("no choices in the reply")
	}
	text, err := validate(resp.Choices[0].Message.Content)
	if err != nil {
		return "", err
	}
	if err := groundedIn(text, q, transcript, probe); err != nil {
		return "", err
	}
	return text, nil
}

// validate accepts {"probe": "..."} holding one spoken question of sensible
// length, and nothing else.
func validate(content string) (string, error) {
	content = strings.TrimSpace(content)
	// Some local models wrap JSON in a code fence despite being asked not to.
	content = strings.TrimPrefix(strings.TrimSuffix(content, "```"), "```json")
	var r reply
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(content)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return "", fmt.Errorf("reply is not the JSON asked for: %w", err)
	}
	text := strings.Join(strings.Fields(r.Probe), " ")
	words := len(strings.Fields(text))
	switch {
	case words < 4:
		return "", fmt.Errorf("probe too short: %q", text)
	case words > 45 || utf8.RuneCountInString(text) > 320:
		return "", fmt.Errorf("probe too long (%d words)", words)
	case !strings.HasSuffix(text, "?"):
		return "", fmt.Errorf("probe is not a question: %q", text)
	case strings.Count(text, "?") > 1:
		return "", fmt.Errorf("probe asks more than one question: %q", text)
	}
	return text, nil
}
