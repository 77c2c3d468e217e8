package store

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

// SessionRecord is a session's own row.
type SessionRecord struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
	State      string    `json:"state"`
	Mode       string    `json:"mode"`
	Level      string    `json:"level"`
	QuestionID string    `json:"question_id"`
	Principle  string    `json:"principle"`
	Question   string    `json:"question"`
	Engine     string    `json:"engine"`
	// Duration is the seconds of audio received.
	Duration float64 `json:"duration"`
	// Decision is the hiring verdict of an interview, once reported.
	Decision string `json:"decision,omitempty"`
	// AnswerCount is how many answers were recorded: the main one and one
	// per probe asked.
	AnswerCount int `json:"answer_count"`
	// RetranscribedAt is when the words and report were last rebuilt from
	// the recordings.
	RetranscribedAt time.Time `json:"retranscribed_at,omitzero"`
	// Replica is the service process that created the session and, while
	// it is live, holds it (see Replicas); only CreateSession takes it.
	Replica string `json:"-"`
}

// AnswerRecord is one answer: to the main question (N 0) or to a probe.
// It covers the stream from Start to End: Samples samples of the
// recording AudioFile from FirstSample on. The answers of a session laid
// end to end are the whole stream.
type AnswerRecord struct {
	N       int      `json:"n"`
	ProbeID string   `json:"probe_id,omitempty"`
	Gap     string   `json:"gap,omitempty"`
	Asked   string   `json:"asked"`
	Start   float64  `json:"start"`
	End     *float64 `json:"end"`
	// AudioFile names the recording the answer is a range of.
	AudioFile   string `json:"-"`
	FirstSample int64  `json:"-"`
	// Samples is the answer's length; 0 while it is being recorded.
	Samples      int64   `json:"-"`
	AudioSeconds float64 `json:"audio_seconds"`
}

// WordRecord is one heard word with its place in the session.
type WordRecord struct {
	Answer    int    `json:"answer"`
	Utterance int    `json:"utterance"`
	Text      string `json:"text"`
	// Punctuated is the word as a punctuating engine wrote it, if one did.
	Punctuated string  `json:"punctuated,omitempty"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Confidence float64 `json:"confidence"`
	Part       string  `json:"part,omitempty"`
	Filler     bool    `json:"filler,omitempty"`
	// LowConfidence says the engine was unsure of the word.
	LowConfidence bool `json:"low_confidence,omitempty"`
}

// UtteranceRecord is one final result: where it lies on the stream clock
// and which engine heard it.
type UtteranceRecord struct {
	N      int     `json:"n"`
	Answer int     `json:"answer"`
	Start  float64 `json:"start"`
	End    float64 `json:"end"`
	Engine string  `json:"engine"`
	// Fallback says the session's own engine failed on this utterance and
	// Engine, the fallback, transcribed it instead.
	Fallback bool `json:"fallback,omitempty"`
	// Words is how many words it holds.
	Words int `json:"words"`
}

// SessionDetail is everything stored about one session.
type SessionDetail struct {
	SessionRecord
	Answers    []AnswerRecord               `json:"answers"`
	Words      []WordRecord                 `json:"words"`
	Utterances []UtteranceRecord            `json:"utterances"`
	Parts      []interviewer.PartTiming     `json:"parts"`
	Probes     []interviewer.ProbeExchange  `json:"probes"`
	Report     *interviewer.InterviewReport `json:"report"`
}

// Transcript is a session's words heard anew from its recordings.
type Transcript struct {
	// Utterances are numbered from 0 in stream order; Words holds each
	// one's words.
	Utterances []UtteranceRecord
	Words      [][]transcribe.Word
	// Answers gives each answer's recorded length in seconds, by number.
	Answers map[int]float64
}

// ValidSessionID reports whether id has the form of a session id: 32
// lowercase hexadecimal digits (128 random bits).
func ValidSessionID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range []byte(id) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// HashSecret is what a store keeps of a session's secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
