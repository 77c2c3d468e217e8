package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// TestAudioBeforeStart plays a Deepgram client on a raw socket: its key as
// an Authorization header and a subprotocol, its options in the query,
// and audio at once, with no Start. The audio begins a practice session
// and nothing of it is lost: the recording and the Metadata's length and
// hash are the audio sent. The options shape what comes back, and a Start
// after the audio is told the session has begun.
func TestAudioBeforeStart(t *testing.T) {
	ts := startServer(t, Config{})
	status, body, _ := get(t, ts.url+"/v1/listen?"+protocol.ListenQuery().Encode()+"&endpointing=-5", nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), `endpointing "-5"`) {
		t.Errorf("endpointing=-5: %d %q; want 400 saying what to send", status, body)
	}

	answer := speech(t, mainAnswer[:2]...)
	q := protocol.ListenQuery()
	for k, v := range map[string]string{"model": "nova-3", "interim_results": "false", "vad_events": "true",
		"utterance_end_ms": "1500", "endpointing": "300", "keywords": "checkout:2"} {
		q.Set(k, v)
	}
	header := http.Header{"Authorization": {"Token not-a-real-key"}, "Sec-WebSocket-Protocol": {"token, not-a-real-key"}}
	d := protocol.Dialer{Header: header}
	conn, err := d.Dial(context.Background(), ts.listenURL()+"?"+q.Encode())
	if err != nil {
		t.Fatalf("dial as a Deepgram client: %v", err)
	}
	defer conn.Close()
	if p := conn.Subprotocol(); p != "token" {
		t.Errorf("subprotocol %q; want token, which a browser needs to open the socket", p)
	}

	// The reader collects everything while the audio goes out as fast as
	// the socket takes it.
	type message struct {
		raw []byte
		m   map[string]any
	}
	messages := make(chan message, 4096)
	go func() {
		defer close(messages)
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		for {
			ev, err := conn.Next()
			if err != nil {
				return
			}
			var m map[string]any
			ev.Decode(&m)
			messages <- message{ev.Raw, m}
		}
	}()
	sum := sha256.New()
	frame := transcribe.SampleRate / 10
	for i := 0; i < len(answer); i += frame {
		b := transcribe.AppendPCM16(nil, answer[i:min(i+frame, len(answer))])
		sum.Write(b)
		if err := conn.SendPCM(b); err != nil {
			t.Fatal(err)
		}
		if i == 5*frame {
			conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "interview"})
		}
	}
	conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})

	var begin, meta map[string]any
	var finals []string
	var speechAt []float64
	utteranceEnds, partials, toldStarted := 0, 0, 0
	for msg := range messages {
		m := msg.m
		switch m["type"] {
		case protocol.TypeBegin:
			begin = m
		case protocol.TypeResults:
			var r protocol.ResultsMessage
			json.Unmarshal(msg.raw, &r)
			if !r.IsFinal {
				partials++
			} else if tr := r.Channel.Alternatives[0].Transcript; tr != "" {
				finals = append(finals, tr)
			}
			if r.Metadata.RequestID == "" || r.Metadata.ModelUUID == "" || r.Metadata.ModelInfo.Name != "pocketsphinx" {
				t.Errorf("Results without Deepgram's metadata: %s", msg.raw)
			}
		case protocol.TypeSpeechStarted:
			if ch, _ := m["channel"].([]any); len(ch) != 1 || ch[0] != 0.0 {
				t.Errorf("SpeechStarted %s; want channel [0]", msg.raw)
			}
			speechAt = append(speechAt, m["timestamp"].(float64))
		case protocol.TypeUtteranceEnd:
			utteranceEnds++
		case protocol.TypeError:
			if m["code"] != protocol.CodeAlreadyStarted || !strings.HasPrefix(m["message"].(string), "audio before Start began a practice session") {
				t.Errorf("unexpected %s", msg.raw)
			}
			toldStarted++
		case protocol.TypeMetadata:
			meta = m
		}
	}

	if begin == nil || begin["mode"] != "practice" || begin["level"] != "sde2" || begin["question_id"] == "" {
		t.Fatalf("Begin %v; want a practice session at sde2 with a question", begin)
	}
	heard := strings.Join(finals, " ")
	for _, w := range []string{"checkout", "service", "holiday"} {
		if !strings.Contains(heard, w) {
			t.Errorf("%q not heard in %q", w, heard)
		}
	}
	if toldStarted != 1 {
		t.Errorf("the Start after the audio got %d already_started errors; want 1", toldStarted)
	}
	if partials > 0 {
		t.Errorf("%d partial Results with interim_results=false", partials)
	}
	if len(speechAt) < 2 || speechAt[0] > 0.5 || !slices.IsSorted(speechAt) {
		t.Errorf("SpeechStarted at %v; want one per sentence, the first at the start", speechAt)
	}
	if utteranceEnds == 0 {
		t.Error("no UtteranceEnd")
	}

	sent := float64(len(answer)) / transcribe.SampleRate
	if meta == nil || meta["duration"] != round3(sent) || meta["sha256"] != hex.EncodeToString(sum.Sum(nil)) ||
		meta["transaction_key"] != "deprecated" || meta["channels"] != 1.0 || meta["created"] == "" {
		t.Fatalf("Metadata %v; want %.3f s of audio with its sha256", meta, sent)
	}
	uuid := meta["models"].([]any)[0].(string)
	if info := meta["model_info"].(map[string]any)[uuid].(map[string]any); info["name"] != "pocketsphinx" {
		t.Errorf("model_info %v", meta["model_info"])
	}
	id := begin["session_id"].(string)
	recorded := ts.answerAudio(t, id, 0)
	if len(recorded) != len(answer) {
		t.Errorf("recorded %d samples; want the %d sent, from the first", len(recorded), len(answer))
	}
	if len(recorded) > 0 && !slices.Equal(recorded[:frame], answer[:frame]) {
		t.Error("the recording does not begin with the first frame sent")
	}
}
