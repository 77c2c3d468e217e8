package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/llm"
)

// llmFlags configure the optional chat model that words probes for the
// answer at hand. Without a model the bank's probes are asked as written.
type llmFlags struct {
	url, key, model string
}

func (f *llmFlags) register(fs *flagSet) {
	fs.StringVar(&f.url, "llm-url", "", "OpenAI-compatible chat endpoint for wording probes, e.g. http://localhost:11434/v1 (Ollama); empty: the OpenAI cloud [$MOCKINTERVIEW_LLM_URL]")
	fs.StringVar(&f.key, "llm-key", "", "API key for the chat endpoint [$MOCKINTERVIEW_LLM_KEY]")
	fs.StringVar(&f.model, "llm-model", "", "chat model that words probes; empty: no LLM, the rules alone [$MOCKINTERVIEW_LLM_MODEL]")
}

// phrase returns the interviewer's probe-wording hook, or nil when no model
// is configured.
func (f *llmFlags) phrase(ctx context.Context, log zerolog.Logger) (func(*interviewer.Question, string, interviewer.Probe) string, error) {
	if f.model == "" {
		return nil, nil
	}
	p, err := llm.New(llm.Config{BaseURL: f.url, APIKey: f.key, Model: f.model, Logger: log})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return func(q *interviewer.Question, transcript string, probe interviewer.Probe) string {
		return p.Phrase(ctx, q, transcript, probe)
	}, nil
}
