package main

import (
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

// phraser returns the model that words the interviewer's probes, or nil
// when none is configured.
func (f *llmFlags) phraser(log zerolog.Logger) (interviewer.Phraser, error) {
	if f.model == "" {
		return nil, nil
	}
	p, err := llm.New(llm.Config{BaseURL: f.url, APIKey: f.key, Model: f.model, Logger: log})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return p, nil
}
