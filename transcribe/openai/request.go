package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/mockinterview/mockinterview/transcribe"
)

const (
	// maxRetryAfter is the longest Retry-After the stream waits for. Someone
	// is speaking: after a longer wait the words would come too late, so the
	// attempt fails over to the fallback or to the caller instead.
	maxRetryAfter = 20 * time.Second
	// maxBackoff caps the exponential backoff between attempts.
	maxBackoff = 10 * time.Second
	// maxResponseBytes bounds how much of an answer is read. A verbose_json
	// answer for a minute of speech is a few tens of kilobytes.
	maxResponseBytes = 8 << 20
)

// errBudget is the cause of a context ended by an utterance's budget.
var errBudget = errors.New("the utterance's time budget ran out")

// send transcribes an utterance with the pool within the utterance's
// time budget: it goes to the least busy endpoint whose breaker is closed,
// and when that one fails, to the next, until one answers, the budget
// runs out or none is left. An endpoint whose cool-down is over is probed
// with a copy in the background, or, when nothing else can hear the
// utterance, in the foreground. The error wraps errBreakerOpen when no
// endpoint was asked.
func (e *Engine) send(ctx context.Context, audio []int16, prompt string) ([]transcribe.Word, error) {
	within, cancel := e.withBudget(ctx, audio)
	defer cancel()
	var tried []*endpoint
	var failed error
	for {
		next, others, probes := e.pool.pick(tried)
		probe := false
		if next == nil && len(probes) > 0 && e.cfg.Fallback == nil {
			next, probes, probe = probes[0], probes[1:], true // nobody else can hear it
		}
		for _, ep := range probes {
			e.probe(ep, audio, prompt)
		}
		switch {
		case next == nil && failed != nil:
			return nil, failed
		case next == nil:
			return nil, e.breakerError()
		}
		retries := e.cfg.MaxRetries
		if others > 0 {
			retries = 0 // another endpoint can hear it at once
		}
		words, err := e.ask(ctx, within, next, audio, prompt, probe, retries)
		if err == nil || within.Err() != nil {
			return words, err
		}
		if others > 0 {
			e.log.Warn().Err(err).Str("url", next.url).Msg("the endpoint failed on an utterance; trying the next one")
		}
		tried, failed = append(tried, next), err
	}
}

// withBudget bounds the time an utterance may wait for the endpoints:
// its own length plus Config.Budget.
func (e *Engine) withBudget(ctx context.Context, audio []int16) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, e.budget(audio), errBudget)
}

func (e *Engine) budget(audio []int16) time.Duration {
	return time.Duration(float64(len(audio))/transcribe.SampleRate*float64(time.Second)) + e.cfg.Budget
}

// probe asks ep about an utterance something else hears, in the
// background: its answer only tells ep's breaker that ep is back. Close
// stops it.
func (e *Engine) probe(ep *endpoint, audio []int16, prompt string) {
	audio = slices.Clone(audio)
	e.probes.Go(func() {
		within, cancel := e.withBudget(e.probeCtx, audio)
		defer cancel()
		e.ask(e.probeCtx, within, ep, audio, prompt, true, e.cfg.MaxRetries)
	})
}

// ask sends one utterance to ep within the utterance's budget (within,
// derived from the caller's ctx), with up to retries retries, and tells
// ep's breaker how that went (probe: it is the breaker's probe).
func (e *Engine) ask(ctx, within context.Context, ep *endpoint, audio []int16, prompt string, probe bool, retries int) ([]transcribe.Word, error) {
	ep.inFlight.Add(1)
	defer ep.inFlight.Add(-1)
	words, err := e.transcribeAudio(within, ep, audio, prompt, retries)
	if err != nil && ctx.Err() != nil {
		ep.breaker.abandon(probe)
		return nil, err
	}
	if err != nil && (errors.Is(err, errBudget) || context.Cause(within) == errBudget) {
		ep.breaker.timedOut()
		err = fmt.Errorf("no words within the utterance's budget of %s: %w", e.budget(audio).Round(time.Millisecond), err)
	}
	switch was, is := ep.breaker.done(probe, err); {
	case was != transcribe.BreakerClosed && is == transcribe.BreakerClosed:
		e.log.Info().Str("url", ep.url).Msg("the endpoint answers again; the breaker is closed")
	case was != transcribe.BreakerOpen && is == transcribe.BreakerOpen:
		e.log.Warn().Err(err).Str("url", ep.url).Dur("cooldown", e.cfg.BreakerCooldown).
			Msg("the endpoint failed on too many utterances in a row; the breaker is open and the other endpoints or the fallback hear them")
	}
	return words, err
}

// transcribeAudio sends one utterance and returns its words on the
// utterance's own clock, retrying the failures a later try may not have.
func (e *Engine) transcribeAudio(ctx context.Context, ep *endpoint, audio []int16, prompt string, retries int) ([]transcribe.Word, error) {
	wav := transcribe.EncodeWAV(audio)
	for attempt := 0; ; attempt++ {
		t, answer, err := e.post(ctx, ep, wav, prompt)
		if err == nil {
			return t.words(float64(len(audio)) / transcribe.SampleRate), nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		wait, retry := e.retryWait(attempt, err, answer)
		deadline, hasDeadline := ctx.Deadline()
		outOfTime := retry && hasDeadline && time.Until(deadline) < wait
		if !retry || attempt >= retries || outOfTime {
			if wait > maxRetryAfter {
				err = fmt.Errorf("%w (the server asks to wait %s)", err, wait)
			}
			if outOfTime && attempt < retries {
				err = fmt.Errorf("%w; no time left to try again: %w", err, errBudget)
			}
			if attempt > 0 {
				err = fmt.Errorf("%d attempts: %w", attempt+1, err)
			}
			return nil, err
		}
		e.log.Warn().Err(err).Str("url", ep.url).Int("attempt", attempt+1).Int("status", answer.status).Dur("wait", wait).Msg("transcription request failed; retrying")
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("%w (while waiting to retry after: %w)", ctx.Err(), err)
		case <-timer.C:
		}
	}
}

// post makes one request to ep and counts it in ep's figures.
func (e *Engine) post(ctx context.Context, ep *endpoint, wav []byte, prompt string) (verboseTranscription, *recordedAnswer, error) {
	began := time.Now()
	t, answer, err := e.postOnce(ctx, ep.url, wav, prompt)
	ep.record(time.Since(began), err)
	return t, answer, err
}

// postOnce makes one request to the API root base through go-openai. It
// decodes the answer itself from the recorded body, because go-openai's
// AudioResponse has no room for the words whisper.cpp nests inside
// segments, nor for word probabilities.
func (e *Engine) postOnce(parent context.Context, base string, wav []byte, prompt string) (verboseTranscription, *recordedAnswer, error) {
	ctx, cancel := context.WithTimeout(parent, e.cfg.Timeout)
	defer cancel()
	answer := &recordedAnswer{client: e.cfg.HTTPClient}
	config := goopenai.DefaultConfig(e.cfg.APIKey)
	config.BaseURL = base
	config.HTTPClient = answer
	var t verboseTranscription
	_, err := goopenai.NewClientWithConfig(config).CreateTranscription(ctx, goopenai.AudioRequest{
		Model:    e.cfg.Model,
		FilePath: "utterance.wav",
		Reader:   bytes.NewReader(wav),
		Prompt:   prompt,
		Language: e.cfg.Language,
		Format:   goopenai.AudioResponseFormatVerboseJSON,
		TimestampGranularities: []goopenai.TranscriptionTimestampGranularity{
			goopenai.TranscriptionTimestampGranularityWord,
			goopenai.TranscriptionTimestampGranularitySegment,
		},
	})
	// After a 2xx answer the only error left is go-openai's own decoding,
	// which can trip over fields some servers type differently. The
	// recorded body is what counts.
	if err != nil && !answer.succeeded() {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && parent.Err() == nil {
			err = fmt.Errorf("no answer within %s: %w", e.cfg.Timeout, err)
		}
		return t, answer, err
	}
	if err := json.Unmarshal(answer.body, &t); err != nil {
		return t, answer, fmt.Errorf("decode the answer from %s: %w", base, err)
	}
	if len(t.Error) > 0 && string(t.Error) != "null" {
		return t, answer, fmt.Errorf("%s answered %d with an error: %s", base, answer.status, t.Error)
	}
	return t, answer, nil
}

// retryWait says whether the failed attempt (counted from 0) is worth
// repeating, and after how long.
func (e *Engine) retryWait(attempt int, err error, answer *recordedAnswer) (time.Duration, bool) {
	status := 0
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	case answer.status != 0:
		return 0, false // an answer came but could not be read; asking again gets the same
	}
	if status != 0 && status != http.StatusTooManyRequests && status < 500 {
		return 0, false
	}
	if wait, ok := retryAfter(answer.header, time.Now()); ok {
		return wait, wait <= maxRetryAfter
	}
	backoff := min(e.cfg.Backoff<<attempt, maxBackoff)
	return backoff/2 + rand.N(backoff/2+1), true
}

// retryAfter reads how long the server asked to be left alone, from
// Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms >= 0 {
		return time.Duration(ms * float64(time.Millisecond)), true
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if sec, err := strconv.Atoi(v); err == nil && sec >= 0 {
		return time.Duration(sec) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// recordedAnswer is the HTTP doer handed to go-openai for one request. It
// keeps the status, headers and body of the answer so that post can read
// the words go-openai drops and retryWait can honour Retry-After.
type recordedAnswer struct {
	client *http.Client
	status int // 0 until a whole answer has arrived
	header http.Header
	body   []byte
}

func (a *recordedAnswer) Do(req *http.Request) (*http.Response, error) {
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	a.status, a.header, a.body = resp.StatusCode, resp.Header, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (a *recordedAnswer) succeeded() bool { return a.status >= 200 && a.status < 300 }
