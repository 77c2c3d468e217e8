package server

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mockinterview/mockinterview/transcribe"
)

// TestParseListenOptions reads Deepgram's query parameters: the ones with
// a meaning here are honoured, the others left alone, and a value that
// makes no sense is refused with a message that says what to send.
func TestParseListenOptions(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  ListenOptions
		err   string // part of the error; empty for none
	}{
		{name: "none", query: ""},
		{name: "Deepgram's own, ignored", query: "model=nova-3&language=en-US&punctuate=true&smart_format=true&diarize=true&tier=enhanced&version=latest&no_delay=true"},
		{name: "endpointing", query: "endpointing=300", want: ListenOptions{Pause: 300 * time.Millisecond}},
		{name: "endpointing off", query: "endpointing=false"},
		{name: "endpointing at its bounds", query: "endpointing=10", want: ListenOptions{Pause: 10 * time.Millisecond}},
		{name: "utterance_end_ms", query: "utterance_end_ms=1500", want: ListenOptions{UtteranceEnd: 1500 * time.Millisecond}},
		{name: "interim results on", query: "interim_results=true"},
		{name: "interim results off", query: "interim_results=false", want: ListenOptions{NoInterim: true}},
		{name: "vad events", query: "vad_events=true", want: ListenOptions{SpeechStarted: true}},
		{name: "vad events off", query: "vad_events=false"},
		{name: "keywords and keyterms", query: "keywords=Zorvex:2&keywords=webhook&keywords=um:-5&keywords=Kafka:0.5&keyterm=payment+notification+service",
			want: ListenOptions{Vocabulary: []string{"Zorvex", "webhook", "Kafka", "payment notification service"}}},
		{name: "a keyword with a colon in it", query: "keywords=" + url.QueryEscape("ratio 3:1:2"), want: ListenOptions{Vocabulary: []string{"ratio 3:1"}}},
		{name: "empty keyterm", query: "keyterm=&keyterm=+", want: ListenOptions{}},
		{name: "negative endpointing", query: "endpointing=-5", err: `endpointing "-5": give the pause that ends an utterance in whole milliseconds from 10 to 10000, or false for the server's own (serve --pause)`},
		{name: "endpointing not a number", query: "endpointing=abc", err: `endpointing "abc"`},
		{name: "endpointing in seconds", query: "endpointing=0.5", err: `endpointing "0.5"`},
		{name: "endpointing too long", query: "endpointing=60000", err: `endpointing "60000"`},
		{name: "denoise", query: "denoise=15", want: ListenOptions{Denoise: 15}},
		{name: "denoise none", query: "denoise=0", want: ListenOptions{Denoise: -1}},
		{name: "denoise too much", query: "denoise=90", err: `denoise "90": give how many dB of steady noise to take out before decoding, from 0 (none: audio a browser already cleaned) to 40, such as 15`},
		{name: "denoise yes", query: "denoise=true", err: `denoise "true"`},
		{name: "utterance_end_ms too short", query: "utterance_end_ms=5", err: `utterance_end_ms "5": give the silence after the last word in whole milliseconds from 100 to 60000, such as 1000`},
		{name: "utterance_end_ms not a number", query: "utterance_end_ms=soon", err: `utterance_end_ms "soon"`},
		{name: "interim_results not a bool", query: "interim_results=maybe", err: `interim_results "maybe": use true or false`},
		{name: "vad_events not a bool", query: "vad_events=yes", err: `vad_events "yes": use true or false`},
		{name: "keyword with a bad boost", query: "keywords=Zorvex:lots", err: `keywords "Zorvex:lots": send a word and, if you like, a number to boost it by, such as keywords=Zorvex:2`},
		{name: "keyword without a word", query: "keywords=:2", err: `keywords ":2"`},
		{name: "too many terms", query: strings.Repeat("keyterm=a&", 201), err: "keywords and keyterm: vocabulary of 201 terms: send at most 200"},
		{name: "too long a term", query: "keyterm=" + strings.Repeat("v", 101), err: "keywords and keyterm: vocabulary term"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseListenOptions(q)
			switch {
			case c.err != "":
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("error %v; want one with %q", err, c.err)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case got.Pause != c.want.Pause || got.UtteranceEnd != c.want.UtteranceEnd || got.NoInterim != c.want.NoInterim ||
				got.SpeechStarted != c.want.SpeechStarted || !slices.Equal(got.Vocabulary, c.want.Vocabulary):
				t.Errorf("got %+v; want %+v", got, c.want)
			}
		})
	}
}

// TestAudioBeforeStart plays a Deepgram client on a raw socket: its key as
// an Authorization header and a subprotocol, its options in the query,
// and audio at once, with no Start. The audio begins a practice session
// and nothing of it is lost: the recording and the Metadata's length and
// hash are the audio sent. The options shape what comes back, and a Start
// after the audio is told the session has begun.
func TestAudioBeforeStart(t *testing.T) {
	ts := startServer(t, Config{})
	status, body, _ := get(t, ts.url+"/v1/listen?"+ListenQuery().Encode()+"&endpointing=-5", nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), `endpointing "-5"`) {
		t.Errorf("endpointing=-5: %d %q; want 400 saying what to send", status, body)
	}

	answer := speech(t, mainAnswer[:2]...)
	q := ListenQuery()
	for k, v := range map[string]string{"model": "nova-3", "interim_results": "false", "vad_events": "true",
		"utterance_end_ms": "1500", "endpointing": "300", "keywords": "checkout:2"} {
		q.Set(k, v)
	}
	header := http.Header{"Authorization": {"Token not-a-real-key"}, "Sec-WebSocket-Protocol": {"token, not-a-real-key"}}
	ws, resp, err := websocket.DefaultDialer.Dial(ts.listenURL()+"?"+q.Encode(), header)
	if err != nil {
		t.Fatalf("dial as a Deepgram client: %v", err)
	}
	defer ws.Close()
	if p := resp.Header.Get("Sec-WebSocket-Protocol"); p != "token" {
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
		ws.SetReadDeadline(time.Now().Add(time.Minute))
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var m map[string]any
			json.Unmarshal(data, &m)
			messages <- message{data, m}
		}
	}()
	sum := sha256.New()
	frame := transcribe.SampleRate / 10
	for i := 0; i < len(answer); i += frame {
		b := make([]byte, 0, 2*frame)
		for _, v := range answer[i:min(i+frame, len(answer))] {
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		}
		sum.Write(b)
		if err := ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
			t.Fatal(err)
		}
		if i == 5*frame {
			ws.WriteJSON(ClientMessage{Type: TypeStart, Mode: "interview"})
		}
	}
	ws.WriteJSON(ClientMessage{Type: TypeCloseStream})

	var begin, meta map[string]any
	var finals []string
	var speechAt []float64
	utteranceEnds, partials, toldStarted := 0, 0, 0
	for msg := range messages {
		m := msg.m
		switch m["type"] {
		case TypeBegin:
			begin = m
		case TypeResults:
			var r ResultsMessage
			json.Unmarshal(msg.raw, &r)
			if !r.IsFinal {
				partials++
			} else if tr := r.Channel.Alternatives[0].Transcript; tr != "" {
				finals = append(finals, tr)
			}
			if r.Metadata.RequestID == "" || r.Metadata.ModelUUID == "" || r.Metadata.ModelInfo.Name != "pocketsphinx" {
				t.Errorf("Results without Deepgram's metadata: %s", msg.raw)
			}
		case TypeSpeechStarted:
			if ch, _ := m["channel"].([]any); len(ch) != 1 || ch[0] != 0.0 {
				t.Errorf("SpeechStarted %s; want channel [0]", msg.raw)
			}
			speechAt = append(speechAt, m["timestamp"].(float64))
		case TypeUtteranceEnd:
			utteranceEnds++
		case TypeError:
			if m["code"] != CodeAlreadyStarted || !strings.HasPrefix(m["message"].(string), "audio before Start began a practice session") {
				t.Errorf("unexpected %s", msg.raw)
			}
			toldStarted++
		case TypeMetadata:
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
