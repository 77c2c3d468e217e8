package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// audioWarnings are the noisy, quiet and clipping Warnings a session
// sent, in order.
func audioWarnings(t *testing.T, res *protocol.StreamResult) []protocol.WarningMessage {
	t.Helper()
	var out []protocol.WarningMessage
	for _, e := range res.Events {
		var w protocol.WarningMessage
		if e.Type != protocol.TypeWarning || e.Decode(&w) != nil {
			continue
		}
		switch w.Code {
		case protocol.CodeNoisy, protocol.CodeQuiet, protocol.CodeClipping:
			out = append(out, w)
		}
	}
	return out
}

// TestAudioInSession streams the same answer clean, in a noisy room, too
// quiet and clipped, through the server on loopback with the real
// recognizer. Clean, nothing is said of the audio and the report judges it
// good; otherwise the live Warnings name the problem, with the audio
// object, repeated at most every 5 s of audio while it lasts, and the
// report judges the recording. A poor one puts the caveat at the top of
// the report, the stored session and the Markdown export.
func TestAudioInSession(t *testing.T) {
	ts := startServer(t, Config{})
	// A quiet room before the answer and a long pause within it: seconds
	// with no speech, which must not pass for a faint voice.
	var clean []int16
	for _, part := range [][]int16{faintRoom(3), speech(t, mainAnswer[:2]...), faintRoom(3), speech(t, mainAnswer[2:]...)} {
		clean = append(clean, part...)
	}
	seconds := float64(len(clean)) / transcribe.SampleRate
	for _, c := range []struct {
		name    string
		audio   []int16
		code    string // the Warning expected; "" for none
		quality interviewer.AudioQuality
	}{
		{"clean", clean, "", interviewer.AudioGood},
		{"noisy", noisemix.Mix(clean, noisemix.Pink(len(clean), 11), 8), protocol.CodeNoisy, interviewer.AudioPoor},
		{"quiet", noisemix.Quiet(clean, -45), protocol.CodeQuiet, interviewer.AudioFair},
		{"clipped", noisemix.Clip(clean, 20), protocol.CodeClipping, interviewer.AudioPoor},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "practice"}, c.audio)
			warnings := audioWarnings(t, res)
			if c.code == "" {
				if len(warnings) > 0 {
					t.Errorf("clean speech got audio warnings: %+v", warnings)
				}
			} else {
				// At least one, then no more than one every 5 s of audio.
				if len(warnings) == 0 || len(warnings) > int(seconds/5)+1 {
					t.Errorf("%d audio warnings over %.0f s: %+v", len(warnings), seconds, warnings)
				}
				for _, w := range warnings {
					if w.Code != c.code || w.Audio == nil || w.Audio.Quality == interviewer.AudioGood || w.Message == "" || w.Message != w.Audio.Advice {
						t.Errorf("warning %+v (audio %+v); want %s with its audio and advice", w, w.Audio, c.code)
					}
				}
			}

			r := res.Report
			if r == nil || r.Audio == nil {
				t.Fatalf("report %+v has no audio", r)
			}
			if r.Audio.Quality != c.quality {
				t.Errorf("report audio %+v; want %s", r.Audio, c.quality)
			}
			poor := c.quality == interviewer.AudioPoor
			if (r.AudioCaveat != "") != poor {
				t.Errorf("quality %s, caveat %q", r.Audio.Quality, r.AudioCaveat)
			}

			status, body, _ := get(t, ts.url+"/api/sessions/"+res.SessionID+"?secret="+res.Secret, nil)
			var view struct {
				Report *interviewer.InterviewReport `json:"report"`
			}
			if status != http.StatusOK || json.Unmarshal(body, &view) != nil || view.Report == nil || view.Report.Audio == nil ||
				*view.Report.Audio != (interviewer.Audio{LevelDBFS: r.Audio.LevelDBFS, NoiseDBFS: r.Audio.NoiseDBFS, SNRDB: r.Audio.SNRDB,
					Clipped: r.Audio.Clipped, Quality: r.Audio.Quality, Advice: r.Audio.Advice}) || view.Report.AudioCaveat != r.AudioCaveat {
				t.Errorf("the stored report's audio %s differs from the Report message's %+v", body[:min(len(body), 300)], r.Audio)
			}
			_, md, _ := get(t, ts.url+"/api/sessions/"+res.SessionID+"/export.md?secret="+res.Secret, nil)
			if !strings.Contains(string(md), "Audio of the answer: "+string(c.quality)) || strings.Contains(string(md), "**Note:**") != poor {
				t.Errorf("export.md does not tell the audio:\n%.600s", md)
			}
		})
	}
}

// faintRoom is seconds of a quiet room: pink noise at -70 dBFS.
func faintRoom(seconds float64) []int16 {
	noise := noisemix.Pink(int(seconds*transcribe.SampleRate), 9)
	out := make([]int16, len(noise))
	for i, v := range noise {
		out[i] = int16(math.Round(v * 32768 * math.Pow(10, -70.0/20)))
	}
	return out
}

// TestLowConfidenceWords: final words the recognizer was unsure of carry
// low_confidence in Results and in the stored session; partial words
// never do.
func TestLowConfidenceWords(t *testing.T) {
	ts := startServer(t, Config{})
	clean := speech(t, mainAnswer...)
	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "practice"},
		noisemix.Mix(clean, noisemix.Pink(len(clean), 5), 15))
	var sent []protocol.ResultWord
	for _, e := range res.Events {
		var m protocol.ResultsMessage
		if e.Type != protocol.TypeResults || e.Decode(&m) != nil {
			continue
		}
		for _, w := range m.Channel.Alternatives[0].Words {
			if !m.IsFinal && w.LowConfidence {
				t.Errorf("a partial word %+v is marked low_confidence", w)
			}
			if m.IsFinal {
				sent = append(sent, w)
			}
		}
	}
	_, body, _ := get(t, ts.url+"/api/sessions/"+res.SessionID+"?secret="+res.Secret, nil)
	var view struct {
		Words  []store.WordRecord           `json:"words"`
		Report *interviewer.InterviewReport `json:"report"`
	}
	if err := json.Unmarshal(body, &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Words) != len(sent) || view.Report == nil || len(view.Report.Words) != len(sent) {
		t.Fatalf("%d words sent, %d stored, report %v", len(sent), len(view.Words), view.Report != nil)
	}
	low := 0
	for i, w := range sent {
		if w.LowConfidence {
			low++
		}
		if view.Words[i].LowConfidence != w.LowConfidence || view.Report.Words[i].LowConfidence != w.LowConfidence {
			t.Errorf("word %d %q: low_confidence %v sent, %v stored, %v in the report", i, w.Word, w.LowConfidence, view.Words[i].LowConfidence, view.Report.Words[i].LowConfidence)
		}
	}
	if low == 0 || low == len(sent) {
		t.Errorf("%d of %d words heard in noise marked low_confidence; want some, not all", low, len(sent))
	}
}

// postCheck sends a recording to the microphone check.
func postCheck(t *testing.T, ts *testServer, expect string, body []byte) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(ts.url+"/api/check?expect="+url.QueryEscape(expect), "audio/wav", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("POST /api/check: %d with a body that is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, v
}

// TestMicrophoneCheck posts a room's quiet and a sentence read aloud to
// the server on loopback, heard by the real recognizer: clean, it is
// recognized and good; drowned in noise, not good; and what is not a
// short WAV recording gets a clear error.
func TestMicrophoneCheck(t *testing.T) {
	ts := startServer(t, Config{})
	const sentence = "I owned the payment path and I had to fix it within one week."
	read := append(make([]int16, transcribe.SampleRate), speech(t, sentence)...)

	status, v := postCheck(t, ts, sentence, transcribe.EncodeWAV(read))
	audio, _ := v["audio"].(map[string]any)
	if status != http.StatusOK || v["recognized"] != true || v["match"].(float64) < 0.7 || audio["quality"] != "good" || audio["advice"] != "" {
		t.Errorf("clean check: %d %v", status, v)
	}
	for _, key := range []string{"level_dbfs", "noise_dbfs", "snr_db", "clipped"} {
		if _, ok := audio[key].(float64); !ok {
			t.Errorf("clean check: audio has no number %s: %v", key, audio)
		}
	}
	if status, v := postCheck(t, ts, "", transcribe.EncodeWAV(read)); status != http.StatusOK || v["recognized"] != true || v["match"] != 0.0 || v["heard"] == "" {
		t.Errorf("check without a sentence: %d %v", status, v)
	}

	noisy := noisemix.Mix(read, noisemix.Pink(len(read), 2), 3)
	status, v = postCheck(t, ts, sentence, transcribe.EncodeWAV(noisy))
	audio, _ = v["audio"].(map[string]any)
	if status != http.StatusOK || audio["quality"] == "good" || !strings.Contains(fmt.Sprint(audio["advice"]), "noise") {
		t.Errorf("noisy check: %d %v", status, v)
	}

	long := transcribe.EncodeWAV(make([]int16, 31*transcribe.SampleRate))
	for _, c := range []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"empty", nil, http.StatusBadRequest, protocol.CodeBadAudio},
		{"not a WAV", []byte("this is not a recording at all, just some text"), http.StatusBadRequest, protocol.CodeBadAudio},
		{"over 30 s", long, http.StatusBadRequest, protocol.CodeBadAudio},
		{"over the size limit", make([]byte, 5<<20), http.StatusRequestEntityTooLarge, ""},
	} {
		status, v := postCheck(t, ts, sentence, c.body)
		if msg, _ := v["error"].(string); status != c.status || msg == "" || c.code != "" && v["code"] != c.code {
			t.Errorf("%s: %d %v; want %d with an error message and code %q", c.name, status, v, c.status, c.code)
		}
	}
	if status, v := postCheck(t, ts, strings.Repeat("word ", 200), transcribe.EncodeWAV(read)); status != http.StatusBadRequest || v["code"] != protocol.CodeBadParameter {
		t.Errorf("a 1000-byte sentence: %d %v", status, v)
	}

	// Every recognizer taken: 503 after a short wait, not a queue.
	engine, _, _ := deps(t)
	ctx := context.Background()
	var held []transcribe.Stream
	for {
		ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		s, err := engine.NewStream(ctx, transcribe.StreamOptions{})
		cancel()
		if err != nil {
			break
		}
		held = append(held, s)
	}
	status, v = postCheck(t, ts, sentence, transcribe.EncodeWAV(read))
	for _, s := range held {
		s.Close()
	}
	if status != http.StatusServiceUnavailable || v["code"] != protocol.CodeBusy {
		t.Errorf("check with every recognizer busy: %d %v", status, v)
	}
}
