package protocol

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/transcribe"
)

// Audio format: the only one the server takes, given in the query string.
const (
	AudioEncoding = "linear16"
	AudioChannels = 1
)

// CheckAudioFormat checks the query string of /v1/listen; a client learns
// what is wrong before any upgrade.
func CheckAudioFormat(q url.Values) error {
	if enc := q.Get("encoding"); enc != AudioEncoding {
		if enc == "" {
			return fmt.Errorf("missing encoding: connect with ?encoding=linear16&sample_rate=16000&channels=1")
		}
		return fmt.Errorf("unsupported encoding %q: send raw 16-bit little-endian PCM as encoding=linear16", enc)
	}
	if rate := q.Get("sample_rate"); rate != fmt.Sprint(transcribe.SampleRate) {
		if rate == "" {
			return fmt.Errorf("missing sample_rate: connect with ?encoding=linear16&sample_rate=16000&channels=1")
		}
		return fmt.Errorf("unsupported sample_rate %q: resample to 16000 Hz on the client and send sample_rate=16000", rate)
	}
	if ch := q.Get("channels"); ch != "" && ch != fmt.Sprint(AudioChannels) {
		return fmt.Errorf("unsupported channels %q: mix down to mono and send channels=1", ch)
	}
	return nil
}

// ListenQuery is the query string for the only audio format accepted.
func ListenQuery() url.Values {
	return url.Values{
		"encoding":    {AudioEncoding},
		"sample_rate": {fmt.Sprint(transcribe.SampleRate)},
		"channels":    {fmt.Sprint(AudioChannels)},
	}
}

// Bounds of the query parameters in milliseconds, and the default gap
// that makes an UtteranceEnd (Deepgram's usual utterance_end_ms).
const (
	minPauseMs          = 10
	maxPauseMs          = 10000
	minUtteranceEndMs   = 100
	maxUtteranceEndMs   = 60000
	DefaultUtteranceEnd = time.Second
	maxDenoiseDB        = 40
)

// ListenOptions are the query parameters of /v1/listen, besides the audio
// format, that a session honours. They carry Deepgram's names and
// meanings, so that a Deepgram client's options work here; the zero value
// is what a client that sends none of them gets.
type ListenOptions struct {
	// Pause is the silence that ends an utterance (endpointing, in ms);
	// zero leaves it to the engine.
	Pause time.Duration
	// UtteranceEnd is the silence after the last word that makes an
	// UtteranceEnd message (utterance_end_ms); zero means 1 s.
	UtteranceEnd time.Duration
	// NoInterim sends final Results only (interim_results=false).
	NoInterim bool
	// SpeechStarted asks for a SpeechStarted message each time the voice
	// detector hears speech begin (vad_events=true).
	SpeechStarted bool
	// Vocabulary holds the words of keywords (word:boost) and the
	// keyterms, for a session whose Start brings no vocabulary of its own.
	Vocabulary []string
	// Denoise is how many dB of steady noise the embedded engine takes out
	// before it decodes (denoise, our own parameter): zero leaves it to
	// the server (serve --denoise), a negative value asks for none, as a
	// page whose browser already suppressed the noise does.
	Denoise int
}

// ParseListenOptions reads the query parameters a session honours, so
// that a client learns what is wrong before any upgrade. Parameters it
// does not know, such as Deepgram's model, language or punctuate, are
// left alone.
func ParseListenOptions(q url.Values) (ListenOptions, error) {
	var o ListenOptions
	switch v := q.Get("endpointing"); v {
	case "", "false", "true": // the engine's own pause
	default:
		ms, err := strconv.Atoi(v)
		if err != nil || ms < minPauseMs || ms > maxPauseMs {
			return o, fmt.Errorf("endpointing %s: give the pause that ends an utterance in whole milliseconds from %d to %d, or false for the server's own (serve --pause)", Quote(v), minPauseMs, maxPauseMs)
		}
		o.Pause = time.Duration(ms) * time.Millisecond
	}
	if v := q.Get("utterance_end_ms"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms < minUtteranceEndMs || ms > maxUtteranceEndMs {
			return o, fmt.Errorf("utterance_end_ms %s: give the silence after the last word in whole milliseconds from %d to %d, such as 1000", Quote(v), minUtteranceEndMs, maxUtteranceEndMs)
		}
		o.UtteranceEnd = time.Duration(ms) * time.Millisecond
	}
	if v := q.Get("denoise"); v != "" {
		db, err := strconv.Atoi(v)
		if err != nil || db < 0 || db > maxDenoiseDB {
			return o, fmt.Errorf("denoise %s: give how many dB of steady noise to take out before decoding, from 0 (none: audio a browser already cleaned) to %d, such as 15", Quote(v), maxDenoiseDB)
		}
		o.Denoise = db
		if db == 0 {
			o.Denoise = -1
		}
	}
	interim, err := queryBool(q, "interim_results", true)
	if err != nil {
		return o, err
	}
	o.NoInterim = !interim
	if o.SpeechStarted, err = queryBool(q, "vad_events", false); err != nil {
		return o, err
	}
	for _, v := range q["keywords"] {
		term, boost, weighted := v, "", false
		if i := strings.LastIndexByte(v, ':'); i >= 0 {
			term, boost, weighted = v[:i], v[i+1:], true
		}
		term = strings.TrimSpace(term)
		if weighted {
			b, err := strconv.ParseFloat(boost, 64)
			if err != nil || term == "" {
				return o, fmt.Errorf("keywords %s: send a word and, if you like, a number to boost it by, such as keywords=Zorvex:2", Quote(v))
			}
			if b <= 0 {
				continue // a word to suppress: the vocabulary can only favour words
			}
		}
		if term != "" {
			o.Vocabulary = append(o.Vocabulary, term)
		}
	}
	for _, v := range q["keyterm"] {
		if term := strings.TrimSpace(v); term != "" {
			o.Vocabulary = append(o.Vocabulary, term)
		}
	}
	if err := CheckVocabulary(o.Vocabulary); err != nil {
		return o, fmt.Errorf("keywords and keyterm: %w", err)
	}
	return o, nil
}

// queryBool reads a true or false parameter, def when it is missing.
func queryBool(q url.Values, name string, def bool) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s %s: use true or false", name, Quote(v))
	}
	return b, nil
}
