package protocol

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/store"
)

// Audio goes up as binary frames of raw 16-bit little-endian PCM;
// everything else is a text frame holding one JSON object with a "type".

// Message types a client sends.
const (
	TypeStart       = "Start"
	TypeAnswerDone  = "AnswerDone"
	TypeSkip        = "Skip"
	TypeKeepAlive   = "KeepAlive"
	TypeFinalize    = "Finalize"
	TypeCloseStream = "CloseStream"
	TypeResume      = "Resume"
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
	TypeResumed      = "Resumed"
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
	CodeCannotResume   = "cannot_resume"   // Resume names no session held for it; Start may follow
	CodeResumeLater    = "resume_later"    // the replica holding the session cannot be reached yet; send Resume again in a moment
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

// Codes of the server's close frame, as Closed gives them.
const (
	CloseNormal        = 1000 // after CloseStream, or an idle session
	CloseGoingAway     = 1001 // the server shuts down
	ClosePolicy        = 1008 // a session over its maximum length, or a client that stopped reading
	CloseTooBig        = 1009 // a message over the size limit
	CloseTryAgainLater = 1013 // too many sessions
)

// Limits on what a control message may carry.
const (
	maxVocabulary     = 200 // terms in Start's vocabulary
	maxVocabularyTerm = 100 // bytes in one term
	maxQuote          = 40  // characters of a client's value quoted back in an error
)

// DecodeClientMessage reads one text frame. A frame that is not a JSON
// object with a known "type" gets the Error to send back, whose message
// quotes at most a few dozen characters of what the client sent.
func DecodeClientMessage(data []byte) (ClientMessage, *ErrorMessage) {
	var m ClientMessage
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		e := NewError(CodeBadMessage, "a text frame must be a JSON object with a \"type\", such as {\"type\":\"KeepAlive\"}")
		return ClientMessage{}, &e
	}
	switch m.Type {
	case TypeStart, TypeAnswerDone, TypeSkip, TypeKeepAlive, TypeFinalize, TypeCloseStream, TypeResume:
		return m, nil
	}
	e := NewError(CodeUnknownType, "unknown message type %s: use Start, Resume, AnswerDone, Skip, KeepAlive, Finalize or CloseStream", Quote(m.Type))
	return ClientMessage{}, &e
}

// CheckVocabulary bounds what Start (or the query string) may ask the
// engine to favour.
func CheckVocabulary(terms []string) error {
	if len(terms) > maxVocabulary {
		return fmt.Errorf("vocabulary of %d terms: send at most %d", len(terms), maxVocabulary)
	}
	for _, t := range terms {
		if len(t) > maxVocabularyTerm {
			return fmt.Errorf("vocabulary term %s is %d bytes long: send names and terms of at most %d bytes", Quote(t), len(t), maxVocabularyTerm)
		}
	}
	return nil
}

// ClientMessage is a control message from the client. Start and Resume
// have fields besides the type, and so do AnswerDone and Skip.
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
	// Journal, JournalSecret and StoryID make the main answer an attempt
	// of a story of the journal; the story's vocabulary joins the
	// session's.
	Journal       string `json:"journal,omitempty"`
	JournalSecret string `json:"journal_secret,omitempty"`
	StoryID       string `json:"story_id,omitempty"`
	// Answer, on AnswerDone and Skip, names the answer meant (0 the main
	// one, then the probe's number from its Probe message). The command is
	// ignored when the server has moved on already, as it does when the
	// speaker's silence ended that answer first.
	Answer *int `json:"answer,omitempty"`
	// SessionID and Secret, on Resume, name the session to go on with,
	// as its Begin gave them.
	SessionID string `json:"session_id,omitempty"`
	Secret    string `json:"secret,omitempty"`
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
	// ResumeGrace is how long, in seconds, the server holds the session
	// for a Resume after the connection drops; 0: it does not.
	ResumeGrace float64 `json:"resume_grace"`
}

// ResumedMessage answers a Resume: the session goes on over this
// connection. Received is the stream clock where it goes on: the client
// sends its audio again from that sample (Received × 16000) on. Answer is
// the answer being recorded, and Asked what it answers (the question or
// the probe), in case their messages were lost with the connection.
type ResumedMessage struct {
	Type      string  `json:"type"`
	SessionID string  `json:"session_id"`
	Received  float64 `json:"received"`
	Answer    int     `json:"answer"`
	Asked     Asked   `json:"asked"`
}

// Asked is what the answer being recorded answers.
type Asked struct {
	Kind string `json:"kind"` // question or probe
	ID   string `json:"id"`   // the question's or the probe's id
	Text string `json:"text"`
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
	Utterances []Utterance `json:"utterances"`
}

// Utterance is one final result of a session as the Report lists it:
// where it lies on the stream clock, the answer it belongs to, the engine
// that heard it and how many words it holds. It is the record the session
// store keeps, sent as it is stored.
type Utterance = store.UtteranceRecord

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

// NewError builds an Error message; its text is format with args, as
// fmt.Sprintf gives it.
func NewError(code, format string, args ...any) ErrorMessage {
	return ErrorMessage{Type: TypeError, Code: code, Message: strings.TrimSpace(fmt.Sprintf(format, args...))}
}

// Quote quotes a value a client sent, cut to a few dozen characters, so
// that an error message stays short whatever came in.
func Quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuote {
		return fmt.Sprintf("%q", s)
	}
	n, cut := 0, len(s)
	for i := range s {
		if n == maxQuote {
			cut = i
			break
		}
		n++
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}
