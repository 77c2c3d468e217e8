package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

// deepgramClient is the folder of the official Deepgram JavaScript SDK
// (installed by `make test` with npm ci) and of the script that drives it.
const deepgramClient = "testdata/deepgram"

// deepgramSentences are said with a second's pause between them, so that
// each is its own utterance; the keyterm makes the recognizer hear Zorvex,
// a name its dictionary lacks.
var deepgramSentences = []string{
	"Last year our checkout service failed during the holiday sale.",
	"Our vendor Zorvex missed the deadline twice.",
	"I rewrote the retry logic and the errors dropped by forty percent.",
}

// deepgramWords are words of those sentences the recognizer reliably hears.
var deepgramWords = []string{"checkout", "service", "holiday", "zorvex", "deadline", "percent"}

// sdkEvent is one line of live.js: a Deepgram SDK event and its data.
type sdkEvent struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// deepgramResults is what the SDK's types say a Results message holds.
type deepgramResults struct {
	Type        string  `json:"type"`
	IsFinal     bool    `json:"is_final"`
	SpeechFinal bool    `json:"speech_final"`
	Start       float64 `json:"start"`
	Duration    float64 `json:"duration"`
	Channel     struct {
		Alternatives []struct {
			Transcript string  `json:"transcript"`
			Confidence float64 `json:"confidence"`
		} `json:"alternatives"`
	} `json:"channel"`
	Metadata struct {
		RequestID string            `json:"request_id"`
		ModelInfo map[string]string `json:"model_info"`
		ModelUUID string            `json:"model_uuid"`
	} `json:"metadata"`
}

// deepgramMetadata is what the SDK's types say Metadata holds.
type deepgramMetadata struct {
	RequestID      string                       `json:"request_id"`
	TransactionKey string                       `json:"transaction_key"`
	SHA256         string                       `json:"sha256"`
	Created        string                       `json:"created"`
	Duration       float64                      `json:"duration"`
	Channels       int                          `json:"channels"`
	Models         []string                     `json:"models"`
	ModelInfo      map[string]map[string]string `json:"model_info"`
}

// TestDeepgramSDK points the official Deepgram JavaScript SDK's live client
// at the server and streams a synthesized answer through it, as any
// Deepgram client would: no Start, Deepgram's options in the query, the
// key as an Authorization header (Node.js) or a subprotocol (a browser).
// The transcripts, UtteranceEnd, SpeechStarted and Metadata must come
// through the SDK's own events, and the session's recording must be the
// audio sent.
func TestDeepgramSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed, so the Deepgram SDK cannot run (apt-get install nodejs npm; make test does)")
	}
	if _, err := os.Stat(filepath.Join(deepgramClient, "node_modules", "@deepgram", "sdk")); err != nil {
		t.Fatalf("the Deepgram SDK is not installed in e2e/%s: run make test, or npm ci --prefix e2e/%s", deepgramClient, deepgramClient)
	}
	if !flite.Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	var samples []int16
	for _, s := range deepgramSentences {
		path, err := flite.Synthesize(t.Context(), flite.CacheDir(), "slt", s)
		if err != nil {
			t.Fatal(err)
		}
		said, _, err := transcribe.ReadWAV(path)
		if err != nil {
			t.Fatal(err)
		}
		samples = append(append(samples, said...), make([]int16, transcribe.SampleRate)...)
	}
	samples = append(samples, make([]int16, transcribe.SampleRate)...) // two seconds' silence at the end
	wav := filepath.Join(t.TempDir(), "answer.wav")
	if err := os.WriteFile(wav, transcribe.EncodeWAV(samples), 0o644); err != nil {
		t.Fatal(err)
	}
	pcm := transcribe.EncodeWAV(samples)[44:]
	srv := startServer(t, server.Config{})
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	t.Run("node", func(t *testing.T) {
		options := map[string]any{
			"model": "nova-3", "language": "en-US", "smart_format": true, "punctuate": true,
			"encoding": "linear16", "sample_rate": 16000, "channels": 1,
			"interim_results": true, "utterance_end_ms": 1000, "vad_events": true, "endpointing": 300,
			"keyterm": []string{"Zorvex"},
		}
		events := runDeepgramClient(t, node, url, wav, options, 3, "node")

		var finals []string
		var requestID string
		var sessionID, mode string
		partials, speechStarted, utteranceEnds, reports := 0, 0, 0, 0
		var meta *deepgramMetadata
		var closed struct{ Code int }
		for _, e := range events {
			switch e.Event {
			case "Transcript":
				var r deepgramResults
				if err := json.Unmarshal(e.Data, &r); err != nil || r.Type != "Results" || len(r.Channel.Alternatives) != 1 {
					t.Fatalf("Transcript %s", e.Data)
				}
				if r.IsFinal {
					finals = append(finals, r.Channel.Alternatives[0].Transcript)
				} else {
					partials++
				}
				if r.Metadata.RequestID == "" || r.Metadata.ModelUUID == "" || r.Metadata.ModelInfo["name"] != "pocketsphinx" {
					t.Errorf("Results without the metadata Deepgram clients read: %s", e.Data)
				}
				requestID = r.Metadata.RequestID
			case "SpeechStarted":
				speechStarted++
			case "UtteranceEnd":
				utteranceEnds++
			case "Metadata":
				meta = &deepgramMetadata{}
				json.Unmarshal(e.Data, meta)
			case "Unhandled": // our own messages: the practice session's Begin, Star, Report…
				var m struct {
					Type      string `json:"type"`
					SessionID string `json:"session_id"`
					Mode      string `json:"mode"`
				}
				json.Unmarshal(e.Data, &m)
				switch m.Type {
				case protocol.TypeBegin:
					sessionID, mode = m.SessionID, m.Mode
				case protocol.TypeReport:
					reports++
				case protocol.TypeError:
					t.Errorf("Error %s", e.Data)
				}
			case "Close":
				json.Unmarshal(e.Data, &closed)
			case "Error":
				t.Errorf("the SDK reported an error: %s", e.Data)
			}
		}

		heard := strings.Join(finals, " ")
		t.Logf("final transcripts: %q", finals)
		for _, w := range deepgramWords {
			if !strings.Contains(heard, w) {
				t.Errorf("%q not in the final transcripts %q", w, heard)
			}
		}
		if partials == 0 {
			t.Error("no interim Results with interim_results=true")
		}
		if speechStarted < 2 || utteranceEnds < 2 {
			t.Errorf("%d SpeechStarted and %d UtteranceEnd events; want one per sentence or so", speechStarted, utteranceEnds)
		}
		if mode != "practice" || reports != 1 {
			t.Errorf("a session in mode %q and %d reports; want a practice session and its report", mode, reports)
		}
		sum := sha256.Sum256(pcm)
		want := strconv.FormatFloat(float64(len(samples))/transcribe.SampleRate, 'f', 3, 64)
		switch {
		case meta == nil:
			t.Fatal("no Metadata")
		case strconv.FormatFloat(meta.Duration, 'f', 3, 64) != want || meta.SHA256 != hex.EncodeToString(sum[:]):
			t.Errorf("Metadata says %.3f s of audio, sha256 %s; want %s s, %x", meta.Duration, meta.SHA256, want, sum)
		case meta.RequestID != requestID || meta.Channels != 1 || meta.Created == "" || meta.TransactionKey == "" ||
			len(meta.Models) != 1 || meta.ModelInfo[meta.Models[0]]["name"] != "pocketsphinx":
			t.Errorf("Metadata %+v", *meta)
		}
		if closed.Code != 1000 {
			t.Errorf("closed with %d; want 1000 after CloseStream", closed.Code)
		}
		if sessionID != "" {
			a, err := srv.data.Sessions.Answer(t.Context(), sessionID, 0)
			var recorded []int16
			if err == nil {
				recorded, err = srv.data.Recordings.Read(t.Context(), sessionID, a.AudioFile, a.FirstSample, a.Samples)
			}
			if err != nil || len(recorded) != len(samples) {
				t.Errorf("recorded %d samples (%v); want the %d sent", len(recorded), err, len(samples))
			}
		}
	})

	// A browser's WebSocket cannot send headers: the SDK sends the key as
	// the subprotocol ["token", KEY], and the socket fails unless the
	// server picks one.
	t.Run("browser", func(t *testing.T) {
		options := map[string]any{"model": "nova-3", "encoding": "linear16", "sample_rate": 16000, "interim_results": false}
		events := runDeepgramClient(t, node, url, wav, options, 0, "browser")
		finals, partials, metadata, closed := 0, 0, 0, false
		for _, e := range events {
			switch e.Event {
			case "Transcript":
				var r deepgramResults
				json.Unmarshal(e.Data, &r)
				if !r.IsFinal {
					partials++
				} else if strings.Contains(r.Channel.Alternatives[0].Transcript, "checkout") {
					finals++
				}
			case "Metadata":
				metadata++
			case "Close":
				closed = true
			case "Error":
				t.Errorf("the SDK reported an error: %s", e.Data)
			}
		}
		if finals == 0 || partials > 0 || metadata != 1 || !closed {
			t.Errorf("%d final Results with checkout, %d partial, %d Metadata, closed %v; want finals only, then Metadata and the close",
				finals, partials, metadata, closed)
		}
	})
}

// runDeepgramClient runs live.js and returns the SDK events it printed.
func runDeepgramClient(t *testing.T, node, url, wav string, options map[string]any, speed float64, transport string) []sdkEvent {
	t.Helper()
	opts, err := json.Marshal(options)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "live.js", url, wav, string(opts), strconv.FormatFloat(speed, 'f', -1, 64), transport)
	cmd.Dir = deepgramClient
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node live.js: %v\n%s\n%s", err, stderr.String(), stdout.String())
	}
	var events []sdkEvent
	lines := bufio.NewScanner(&stdout)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		var e sdkEvent
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
			t.Fatalf("live.js printed %q: %v", lines.Text(), err)
		}
		events = append(events, e)
	}
	if len(events) == 0 || events[0].Event != "Open" {
		t.Fatalf("the SDK never opened the socket:\n%s\n%s", stderr.String(), stdout.String())
	}
	return events
}
