package protocol

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mockinterview/mockinterview/transcribe"
)

// FuzzDecodeClientMessage feeds the protocol's decoding any text frame:
// it never panics, a frame it takes has a known type and survives being
// encoded again, and a frame it refuses gets a short, well-formed Error.
// Binary frames go through PCM16, which takes whole samples only.
func FuzzDecodeClientMessage(f *testing.F) {
	for _, seed := range []string{
		`{"type":"Start","question_id":"deliver-results-biggest-impact","level":"sde2","mode":"interview","vocabulary":["Kafka"]}`,
		`{"type":"Start","principle":"ownership","mode":"practice"}`,
		`{"type":"AnswerDone","answer":1}`, `{"type":"Skip","answer":0}`, `{"type":"KeepAlive"}`,
		`{"type":"Finalize"}`, `{"type":"CloseStream"}`, `{"type":"Dance"}`, `{"type":5}`, `{}`, `[]`, `null`,
		`{"type":"Start","vocabulary":[[[]]]}`, "{\"type\":\"\xff\"}", `{"type":"KeepAlive"} x`, ``,
		`{"type":"AnswerDone","answer":1e400}`, `{"type":"` + strings.Repeat("é", 100) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		samples, err := transcribe.PCM16(data)
		if (err == nil) != (len(data)%2 == 0) || (err == nil && len(samples) != len(data)/2) {
			t.Fatalf("PCM16 of %d bytes: %d samples, %v", len(data), len(samples), err)
		}
		m, bad := DecodeClientMessage(data)
		if bad != nil {
			if bad.Type != TypeError || (bad.Code != CodeBadMessage && bad.Code != CodeUnknownType) {
				t.Fatalf("refusal %+v", bad)
			}
			if len(bad.Message) > 400 || !utf8.ValidString(bad.Message) {
				t.Fatalf("error message of %d bytes, valid UTF-8 %v: %q", len(bad.Message), utf8.ValidString(bad.Message), bad.Message)
			}
			if !reflect.DeepEqual(m, ClientMessage{}) {
				t.Fatalf("a refused frame gave %+v", m)
			}
			return
		}
		switch m.Type {
		case TypeStart, TypeAnswerDone, TypeSkip, TypeKeepAlive, TypeFinalize, TypeCloseStream:
		default:
			t.Fatalf("took a message of type %q", m.Type)
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, bad := DecodeClientMessage(again)
		if bad != nil || !reflect.DeepEqual(normalize(m), normalize(m2)) {
			t.Fatalf("%s decoded as %+v, encoded as %s, decoded again as %+v (%v)", data, m, again, m2, bad)
		}
		if err := CheckVocabulary(m.Vocabulary); err != nil && len(err.Error()) > 400 {
			t.Fatalf("vocabulary error of %d bytes", len(err.Error()))
		}

	})
}

// normalize makes an empty vocabulary compare equal to a missing one, as
// omitempty encodes both the same.
func normalize(m ClientMessage) ClientMessage {
	if len(m.Vocabulary) == 0 {
		m.Vocabulary = nil
	}
	return m
}
