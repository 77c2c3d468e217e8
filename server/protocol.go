package server

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// The wire protocol of /v1/listen, described in docs/protocol.md. Audio
// goes up as binary frames of raw 16-bit little-endian PCM; everything else
// is a text frame holding one JSON object with a "type".

// Message types a client sends.
const (
	TypeStart       = "Start"
	TypeAnswerDone  = "AnswerDone"
	TypeSkip        = "Skip"
	TypeKeepAlive   = "KeepAlive"
	TypeFinalize    = "Finalize"
	TypeCloseStream = "CloseStream"
)

// Message types the server sends.
const (
	TypeBegin        = "Begin"
	TypeQuestion     = "Question"
	TypeProbe        = "Probe"
	TypeResults      = "Results"
	TypeUtteranceEnd = "UtteranceEnd"
	TypeStar         = "Star"
	TypePacing       = "Pacing"
	TypeInterrupt    = "Interrupt"
	TypeReport       = "Report"
	TypeWarning      = "Warning"
	TypeError        = "Error"
	TypeMetadata     = "Metadata"
)

// TypeSpeechStarted is sent only to a client that asks for it with
// vad_events=true, as Deepgram does.
const TypeSpeechStarted = "SpeechStarted"

// Error and warning codes.
const (
	CodeBadAudio       = "bad_audio"       // a binary frame that is not whole 16-bit samples
	CodeBadMessage     = "bad_message"     // a text frame that is not a JSON object with a type
	CodeUnknownType    = "unknown_type"    // a message type the server does not know
	CodeNotStarted     = "not_started"     // audio or a command before Start
	CodeAlreadyStarted = "already_started" // a second Start
	CodeBadStart       = "bad_start"       // Start names an unknown question, principle, level or mode
	CodeBusy           = "busy"            // no recognizer free; the socket closes with 1013
	CodeTranscription  = "transcription"   // the engine failed on some audio; it is still recorded
	CodeIdle           = "idle_timeout"    // nothing came from the client for too long
	CodeInternal       = "internal"        // the server could not save something
	CodeBehind         = "behind"          // Warning: transcription lags behind the audio received
	CodeFallback       = "fallback"        // Warning: the fallback engine hears the words, as the session's own fails
	CodeNoisy          = "noisy"           // Warning: the room's noise is close to the voice
	CodeQuiet          = "quiet"           // Warning: the voice is faint
	CodeClipping       = "clipping"        // Warning: the voice is cut off at full scale
	CodeTooLong        = "too_long"        // the session reached its maximum length; it closes with 1008
	CodeFrameTooBig    = "frame_too_big"   // a message over the size limit; the socket closes with 1009
	CodeServerFull     = "server_full"     // too many sessions at once; the socket closes with 1013
)

// Codes that never reach the client as an Error message, counted in the
// metrics beside the others: requests refused before the upgrade, and a
// client that stopped reading (closed with 1008).
const (
	CodeOriginDenied = "origin_denied" // 403: the page that opened the socket is not allowed
	CodeRateLimited  = "rate_limited"  // 429: too many connections from one address
	CodeBadFormat    = "bad_format"    // 400: the query string names another audio format
	CodeBadParameter = "bad_parameter" // 400: a query parameter the server honours has a value it cannot use
	CodeTooLarge     = "too_large"     // 413: a microphone check's recording over the size limit
	CodeSlowClient   = "slow_client"   // the client stopped reading; its queue filled
)

// Limits on what a control message may carry.
const (
	maxVocabulary     = 200 // terms in Start's vocabulary
	maxVocabularyTerm = 100 // bytes in one term
	maxEcho           = 40  // characters of a client's value quoted back in an error
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

// Bounds of the query parameters in milliseconds, and the default gap
// that makes an UtteranceEnd (Deepgram's usual utterance_end_ms).
const (
	minPauseMs          = 10
	maxPauseMs          = 10000
	minUtteranceEndMs   = 100
	maxUtteranceEndMs   = 60000
	defaultUtteranceEnd = time.Second
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
			return o, fmt.Errorf("endpointing %s: give the pause that ends an utterance in whole milliseconds from %d to %d, or false for the server's own (serve --pause)", echo(v), minPauseMs, maxPauseMs)
		}
		o.Pause = time.Duration(ms) * time.Millisecond
	}
	if v := q.Get("utterance_end_ms"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms < minUtteranceEndMs || ms > maxUtteranceEndMs {
			return o, fmt.Errorf("utterance_end_ms %s: give the silence after the last word in whole milliseconds from %d to %d, such as 1000", echo(v), minUtteranceEndMs, maxUtteranceEndMs)
		}
		o.UtteranceEnd = time.Duration(ms) * time.Millisecond
	}
	if v := q.Get("denoise"); v != "" {
		db, err := strconv.Atoi(v)
		if err != nil || db < 0 || db > maxDenoiseDB {
			return o, fmt.Errorf("denoise %s: give how many dB of steady noise to take out before decoding, from 0 (none: audio a browser already cleaned) to %d, such as 15", echo(v), maxDenoiseDB)
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
				return o, fmt.Errorf("keywords %s: send a word and, if you like, a number to boost it by, such as keywords=Zorvex:2", echo(v))
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
	if err := checkVocabulary(o.Vocabulary); err != nil {
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
		return def, fmt.Errorf("%s %s: use true or false", name, echo(v))
	}
	return b, nil
}

// DecodeClientMessage reads one text frame. A frame that is not a JSON
// object with a known "type" gets the Error to send back, whose message
// quotes at most a few dozen characters of what the client sent.
func DecodeClientMessage(data []byte) (ClientMessage, *ErrorMessage) {
	var m ClientMessage
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		e := errorMessage(CodeBadMessage, "a text frame must be a JSON object with a \"type\", such as {\"type\":\"KeepAlive\"}")
		return ClientMessage{}, &e
	}
	switch m.Type {
	case TypeStart, TypeAnswerDone, TypeSkip, TypeKeepAlive, TypeFinalize, TypeCloseStream:
		return m, nil
	}
	e := errorMessage(CodeUnknownType, "unknown message type %s: use Start, AnswerDone, Skip, KeepAlive, Finalize or CloseStream", echo(m.Type))
	return ClientMessage{}, &e
}

// checkVocabulary bounds what Start may ask the engine to favour.
func checkVocabulary(terms []string) error {
	if len(terms) > maxVocabulary {
		return fmt.Errorf("vocabulary of %d terms: send at most %d", len(terms), maxVocabulary)
	}
	for _, t := range terms {
		if len(t) > maxVocabularyTerm {
			return fmt.Errorf("vocabulary term %s is %d bytes long: send names and terms of at most %d bytes", echo(t), len(t), maxVocabularyTerm)
		}
	}
	return nil
}

// echo quotes a value a client sent, cut to maxEcho characters, so that an
// error message stays short whatever came in.
func echo(s string) string {
	if utf8.RuneCountInString(s) <= maxEcho {
		return fmt.Sprintf("%q", s)
	}
	n, cut := 0, len(s)
	for i := range s {
		if n == maxEcho {
			cut = i
			break
		}
		n++
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

// ListenQuery is the query string for the only audio format accepted.
func ListenQuery() url.Values {
	return url.Values{
		"encoding":    {AudioEncoding},
		"sample_rate": {fmt.Sprint(transcribe.SampleRate)},
		"channels":    {fmt.Sprint(AudioChannels)},
	}
}

// ClientMessage is a control message from the client. Only Start has
// fields besides the type.
type ClientMessage struct {
	Type string `json:"type"`
	// Start: the question by id, or a principle (slug or name) to draw one
	// from; neither draws from the whole bank.
	QuestionID string `json:"question_id,omitempty"`
	Principle  string `json:"principle,omitempty"`
	// Level is sde1, sde2 (default) or senior.
	Level string `json:"level,omitempty"`
	// Mode is interview (default) or practice.
	Mode string `json:"mode,omitempty"`
	// Vocabulary lists names and terms the speaker will use.
	Vocabulary []string `json:"vocabulary,omitempty"`
	// Answer, on AnswerDone and Skip, names the answer meant (0 the main
	// one, then the probe's number from its Probe message). The command is
	// ignored when the server has moved on already, as it does when the
	// speaker's silence ended that answer first.
	Answer *int `json:"answer,omitempty"`
}

// BeginMessage opens a session. Keep the secret: it is the key to the
// session's recordings and report in the API.
type BeginMessage struct {
	Type       string  `json:"type"`
	SessionID  string  `json:"session_id"`
	Secret     string  `json:"secret"`
	Mode       string  `json:"mode"`
	Level      string  `json:"level"`
	QuestionID string  `json:"question_id"`
	Principle  string  `json:"principle"`
	Engine     string  `json:"engine"`
	EndSilence float64 `json:"end_silence"`
}

// QuestionMessage is the main question, for the client to say.
type QuestionMessage struct {
	Type       string  `json:"type"`
	QuestionID string  `json:"question_id"`
	Principle  string  `json:"principle"`
	Text       string  `json:"text"`
	Start      float64 `json:"start"`
}

// ProbeMessage is a follow-up question, for the client to say. The reply
// is answer number Answer.
type ProbeMessage struct {
	Type   string  `json:"type"`
	Answer int     `json:"answer"`
	ID     string  `json:"id"`
	Gap    string  `json:"gap"`
	Probes string  `json:"probes"`
	Text   string  `json:"text"`
	Start  float64 `json:"start"`
}

// ResultsMessage carries a transcript, partial or final, in Deepgram's
// shape. Times are seconds on the stream clock: samples received since
// Start, divided by 16000.
type ResultsMessage struct {
	Type         string  `json:"type"`
	ChannelIndex []int   `json:"channel_index"`
	Start        float64 `json:"start"`
	Duration     float64 `json:"duration"`
	IsFinal      bool    `json:"is_final"`
	SpeechFinal  bool    `json:"speech_final"`
	FromFinalize bool    `json:"from_finalize"`
	Channel      Channel `json:"channel"`
	// Answer is the answer the words belong to: 0 the main one, then one
	// per probe.
	Answer int `json:"answer"`
	// Engine, on a final result, names the engine that heard it; Fallback
	// says it is not the session's own engine, which failed on it.
	Engine   string `json:"engine,omitempty"`
	Fallback bool   `json:"fallback,omitempty"`
	// Metadata names the connection and the model, as Deepgram's clients
	// expect on every result.
	Metadata ResultsMetadata `json:"metadata"`
}

// ResultsMetadata is the part of a Results message that Deepgram's
// clients read to tell connections and models apart.
type ResultsMetadata struct {
	RequestID string    `json:"request_id"`
	ModelInfo ModelInfo `json:"model_info"`
	ModelUUID string    `json:"model_uuid"`
}

// ModelInfo describes the session's engine in Deepgram's terms: its name
// as name and arch; the server keeps no model version, so version is
// empty.
type ModelInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch"`
}

// engineModel gives the engine's model a stable identifier in the shape
// of a UUID (Deepgram names models by UUID), derived from its name, and
// its ModelInfo.
func engineModel(engine string) (string, ModelInfo) {
	h := sha256.Sum256([]byte("mockinterview model " + engine))
	h[6] = h[6]&0x0f | 0x50 // version 5, name-based
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
	return uuid, ModelInfo{Name: engine, Arch: engine}
}

// Channel holds the transcript alternatives; there is always exactly one.
type Channel struct {
	Alternatives []Alternative `json:"alternatives"`
}

// Alternative is one transcript with its words.
type Alternative struct {
	Transcript string       `json:"transcript"`
	Confidence float64      `json:"confidence"`
	Words      []ResultWord `json:"words"`
}

// ResultWord is one word with its times in seconds and, from an engine
// that punctuates, the word as written in its transcript (Deepgram's
// name for it).
type ResultWord struct {
	Word           string  `json:"word"`
	Start          float64 `json:"start"`
	End            float64 `json:"end"`
	Confidence     float64 `json:"confidence"`
	PunctuatedWord string  `json:"punctuated_word,omitempty"`
	// LowConfidence, on a final result's word, says the engine was unsure
	// of it (see transcribe.Word).
	LowConfidence bool `json:"low_confidence,omitempty"`
}

// UtteranceEndMessage says that no word has been heard for a while after
// LastWordEnd.
type UtteranceEndMessage struct {
	Type        string  `json:"type"`
	Channel     []int   `json:"channel"`
	LastWordEnd float64 `json:"last_word_end"`
}

// SpeechStartedMessage says that the voice detector heard speech begin at
// Timestamp, sent only when the client asked for it with vad_events=true.
type SpeechStartedMessage struct {
	Type      string  `json:"type"`
	Channel   []int   `json:"channel"`
	Timestamp float64 `json:"timestamp"`
}

// StarMessage is the live STAR timer of the main answer.
type StarMessage struct {
	Type    string                 `json:"type"`
	Parts   []interviewer.LivePart `json:"parts"`
	Current star.Label             `json:"current,omitempty"`
	Elapsed float64                `json:"elapsed"`
	Budget  float64                `json:"budget"`
	Now     float64                `json:"now"`
	// ToCome names the parts not told yet, in STAR order.
	ToCome []star.Label `json:"to_come"`
	// Final marks the parts of the whole main answer, sent once as it ends.
	Final bool `json:"final,omitempty"`
}

// PacingMessage is the live pace of the main answer.
type PacingMessage struct {
	Type             string  `json:"type"`
	WPM              float64 `json:"wpm"`
	Fillers          int     `json:"fillers"`
	FillersPerMinute float64 `json:"fillers_per_minute"`
	Elapsed          float64 `json:"elapsed"`
	// RecentWPM is the pace over the last RecentWindow seconds of the
	// answer, so that a slow-down or a rush shows as it happens.
	RecentWPM    float64 `json:"recent_wpm"`
	RecentWindow float64 `json:"recent_window"`
}

// InterruptMessage is the interviewer cutting in, for the client to say.
type InterruptMessage struct {
	Type string  `json:"type"`
	Text string  `json:"text"`
	At   float64 `json:"at"`
}

// ReportMessage is the final report: the same JSON as
// `mockinterview interview --json`.
type ReportMessage struct {
	Type      string                       `json:"type"`
	SessionID string                       `json:"session_id"`
	Report    *interviewer.InterviewReport `json:"report"`
	// Utterances lists every final result with the engine that heard it,
	// so that a reader can tell which ones the fallback engine transcribed.
	Utterances []store.UtteranceRecord `json:"utterances"`
}

// WarningMessage tells the client about trouble that loses nothing.
type WarningMessage struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Backlog is the audio, in seconds, received but not yet transcribed.
	Backlog float64 `json:"backlog,omitempty"`
	// Audio, on a noisy, quiet or clipping Warning, is the measure of the
	// last few seconds that made it.
	Audio *interviewer.Audio `json:"audio,omitempty"`
}

// ErrorMessage reports a client mistake or a server failure.
type ErrorMessage struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// MetadataMessage is the last message before the server closes the socket.
type MetadataMessage struct {
	Type      string `json:"type"`
	RequestID string `json:"request_id"`
	SessionID string `json:"session_id,omitempty"`
	Created   string `json:"created"`
	// Duration is the seconds of audio received.
	Duration   float64 `json:"duration"`
	Channels   int     `json:"channels"`
	SampleRate int     `json:"sample_rate"`
	// SHA256 is the hex SHA-256 of the session's audio as received: its
	// 16-bit little-endian samples, the same bytes as its recordings.
	SHA256 string `json:"sha256"`
	// TransactionKey is always "deprecated", as Deepgram sends it.
	TransactionKey string `json:"transaction_key"`
	// Models lists the engine's model identifier, the key of ModelInfo.
	Models    []string             `json:"models"`
	ModelInfo map[string]ModelInfo `json:"model_info"`
}

// resultsMessage turns an engine result into its wire form; engine is the
// session's own engine.
func resultsMessage(r transcribe.Result, answer int, fromFinalize bool, engine string) ResultsMessage {
	alt := Alternative{Transcript: r.Text(), Words: make([]ResultWord, len(r.Words))}
	for i, w := range r.Words {
		alt.Words[i] = ResultWord{Word: w.Text, Start: round3(w.Start), End: round3(w.End), Confidence: round3(w.Confidence), PunctuatedWord: w.Punctuated,
			LowConfidence: r.Final && w.LowConfidence}
		alt.Confidence += w.Confidence
	}
	if len(r.Words) > 0 {
		alt.Confidence = round3(alt.Confidence / float64(len(r.Words)))
	}
	return ResultsMessage{
		Type:         TypeResults,
		ChannelIndex: []int{0, 1},
		Start:        round3(r.Start),
		Duration:     round3(r.End - r.Start),
		IsFinal:      r.Final,
		SpeechFinal:  r.Final && !fromFinalize,
		FromFinalize: fromFinalize,
		Channel:      Channel{Alternatives: []Alternative{alt}},
		Answer:       answer,
		Engine:       heardBy(r, engine),
		Fallback:     isFallback(r, engine),
	}
}

// heardBy names the engine of a final result.
func heardBy(r transcribe.Result, engine string) string {
	if !r.Final {
		return ""
	}
	if r.Engine != "" {
		return r.Engine
	}
	return engine
}

func isFallback(r transcribe.Result, engine string) bool {
	return r.Final && r.Engine != "" && r.Engine != engine
}

func errorMessage(code, format string, args ...any) ErrorMessage {
	return ErrorMessage{Type: TypeError, Code: code, Message: strings.TrimSpace(fmt.Sprintf(format, args...))}
}

func round3(x float64) float64 {
	if x < 0 {
		return -round3(-x)
	}
	return float64(int64(x*1000+0.5)) / 1000
}
