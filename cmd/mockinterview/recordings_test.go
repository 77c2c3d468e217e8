package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/mockinterview/mockinterview/internal/s3test"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/s3"
	"github.com/mockinterview/mockinterview/transcribe"
)

// gateway is this package's S3 server, started by the first test that
// asks for a bucket.
var gateway s3test.Server

// s3Env is the environment with the gateway's keys.
var s3Env = map[string]string{"AWS_ACCESS_KEY_ID": s3test.AccessKey, "AWS_SECRET_ACCESS_KEY": s3test.SecretKey}

// getRange fetches url with a Range header and returns the status and
// the body.
func getRange(t *testing.T, url, byteRange string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if byteRange != "" {
		req.Header.Set("Range", byteRange)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// pcm is samples as a WAV file's data.
func pcm(samples []int16) []byte {
	return transcribe.AppendPCM16(nil, samples)
}

// TestServeS3 runs the service with its recordings in a bucket of a
// real S3 server (Versity's gateway), streams an interview with
// `mockinterview stream`, and reads the answer's audio back through the
// API, whole and by a Range request, before and after a restart: the
// bytes sent, in chunk objects under the prefix, nothing left in the
// data folder but the database. retranscribe then hears it again from
// the bucket.
func TestServeS3(t *testing.T) {
	needSpeech(t)
	endpoint, bucket := gateway.Endpoint(t), gateway.Bucket(t)
	data := t.TempDir()
	flags := []string{"--recordings", "s3://" + bucket + "/coach/", "--s3-endpoint", endpoint, "--s3-path-style", "--s3-chunk", "1s"}
	srv := startServeEnv(t, s3Env, data, append(flags, "--max-probes", "1", "--pool-size", "1")...)
	id, secret, answerWAV := streamStory(t, srv)
	sent, _, err := transcribe.ReadWAV(answerWAV)
	if err != nil {
		t.Fatal(err)
	}

	status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", srv.url, id, secret))
	var session struct {
		State   string `json:"state"`
		Answers []struct {
			Audio string `json:"audio"`
		} `json:"answers"`
	}
	if err := json.Unmarshal([]byte(body), &session); status != http.StatusOK || err != nil || len(session.Answers) != 2 {
		t.Fatalf("the session: %d %s (%v)", status, body, err)
	}
	// Samples 1 s to 3 s of the answer: across the edges of chunks of 1 s.
	from, to := 44+2*transcribe.SampleRate, 44+2*3*transcribe.SampleRate+99
	checkAudio := func(srv *serving, when string) {
		t.Helper()
		audioURL := srv.url + session.Answers[0].Audio + "?secret=" + secret
		status, whole := getRange(t, audioURL, "")
		samples := decodePCM(whole[min(44, len(whole)):])
		if status != http.StatusOK || !slices.Equal(whole, transcribe.EncodeWAV(samples)) || len(samples) < len(sent) || !slices.Equal(samples[:len(sent)], sent) {
			t.Errorf("%s: the answer's audio (%d, %d bytes) is not a canonical WAV that begins with the %d samples sent", when, status, len(whole), len(sent))
		}
		status, part := getRange(t, audioURL, fmt.Sprintf("bytes=%d-%d", from, to))
		if want := pcm(sent)[from-44 : to-44+1]; status != http.StatusPartialContent || !slices.Equal(part, want) {
			t.Errorf("%s: Range bytes=%d-%d: %d, %d bytes; want 206 and the %d bytes sent", when, from, to, status, len(part), len(want))
		}
	}
	checkAudio(srv, "served")
	srv.stop()

	// The audio is in the bucket, in chunks of 1 s, and nowhere else.
	chunks := 0
	for obj := range gateway.Client(t).ListObjects(t.Context(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		if !strings.HasPrefix(obj.Key, "coach/"+id+"/session.wav/chunk-") {
			t.Errorf("object %s; want only the session's chunks under coach/", obj.Key)
		}
		chunks++
	}
	if minimum := len(sent) / transcribe.SampleRate; chunks < minimum {
		t.Errorf("%d chunk objects; want at least %d, one a second", chunks, minimum)
	}
	if _, err := os.Stat(filepath.Join(data, "audio", id)); !os.IsNotExist(err) {
		t.Errorf("a recording in the data folder (%v); it belongs in the bucket", err)
	}
	if left, _ := os.ReadDir(filepath.Join(data, "spool")); len(left) != 0 {
		t.Errorf("the spool after the session: %v; want it empty", left)
	}

	srv = startServeEnv(t, s3Env, data, append(flags, "--engine", "instant")...) // reading needs no recognizer
	checkAudio(srv, "after a restart")
	srv.stop()

	out, stderr, err := runCLIEnv(t, s3Env, append([]string{"retranscribe", "--data", data}, append(flags, id)...)...)
	if err != nil || !strings.Contains(out, "session "+id+": 2 answers heard again") {
		t.Errorf("retranscribe: %v\n%s%s", err, out, stderr)
	}
}

// decodePCM is the samples of a WAV file's data.
func decodePCM(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

// TestRecordingsFlagErrors: a --recordings, an endpoint or a chunk that
// cannot be is refused before anything starts, naming the flag or the
// variable, saying what to give, and never quoting a secret.
func TestRecordingsFlagErrors(t *testing.T) {
	keys := map[string]string{"AWS_ACCESS_KEY_ID": "me", "AWS_SECRET_ACCESS_KEY": "hunter2"}
	for _, c := range []struct {
		env        map[string]string
		args       []string
		want, from string
	}{
		{keys, []string{"--recordings", "ftp://coach/audio"}, recordingsAdvice, "--recordings"},
		{keys, []string{"--recordings", "file:"}, "needs the folder's path", "--recordings"},
		{keys, []string{"--recordings", "s3://Coach_Audio/x"}, s3.URLForm, "--recordings"},
		{keys, []string{"--recordings", "s3://me:hunter2@coach-audio/x"}, s3.URLForm, "--recordings"},
		{map[string]string{"MOCKINTERVIEW_RECORDINGS": "s3://coach-audio?key=hunter2", "AWS_ACCESS_KEY_ID": "me"}, nil, s3.URLForm, "MOCKINTERVIEW_RECORDINGS"},
		{map[string]string{"AWS_SECRET_ACCESS_KEY": "hunter2"}, []string{"--recordings", "s3://coach-audio/x"}, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "--recordings"},
		{keys, []string{"--recordings", "s3://coach-audio/x", "--s3-endpoint", "ftp://127.0.0.1:1"}, s3.EndpointForm, "--s3-endpoint"},
		{map[string]string{"MOCKINTERVIEW_S3_CHUNK": "5", "AWS_ACCESS_KEY_ID": "me", "AWS_SECRET_ACCESS_KEY": "hunter2"},
			[]string{"--recordings", "s3://coach-audio/x"}, "give a duration with its unit", "MOCKINTERVIEW_S3_CHUNK"},
		{keys, []string{"--recordings", "s3://coach-audio/x", "--s3-chunk", "500ms"}, "from 1s to 5m", "--s3-chunk"},
		// Well formed, but nobody listens there.
		{keys, []string{"--recordings", "s3://coach-audio/x", "--s3-endpoint", "http://127.0.0.1:1"}, "is the server running there", "--recordings"},
	} {
		args := append([]string{"serve", "--engine", "instant", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, c.args...)
		stdout, stderr, err := runCLIEnv(t, c.env, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.from) ||
			strings.Contains(err.Error()+stdout+stderr, "hunter2") {
			t.Errorf("serve %v %v: %v; want %q from %s and no secret", c.env, c.args, err, c.want, c.from)
		}
	}
}

// TestRecordingsFolder: file:PATH keeps the recordings in PATH, and the
// data folder gets none.
func TestRecordingsFolder(t *testing.T) {
	data, elsewhere := t.TempDir(), filepath.Join(t.TempDir(), "recordings")
	srv := startServe(t, data, "--engine", "instant", "--recordings", "file:"+elsewhere)
	srv.stop()
	if st, err := os.Stat(elsewhere); err != nil || !st.IsDir() {
		t.Errorf("the recordings folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "audio")); !os.IsNotExist(err) {
		t.Errorf("an audio folder in the data folder (%v); the recordings are elsewhere", err)
	}
}

// TestServeUploadsSpool: a serve that died mid-answer left its session
// live, its answer open and 3.5 s of audio in the spool, nothing of it
// up yet (as if the bucket had been unreachable). The next serve uploads
// it, ends the answer where the audio ends, marks the session
// interrupted, and serves the audio from the bucket.
func TestServeUploadsSpool(t *testing.T) {
	ctx := t.Context()
	endpoint, bucket := gateway.Endpoint(t), gateway.Bucket(t)
	data := t.TempDir()
	const id, secret = "00112233445566778899aabbccddeeff", "the-secret"
	db, err := folder.OpenDatabase(ctx, filepath.Join(data, "mockinterview.db"))
	if err != nil {
		t.Fatal(err)
	}
	rec := store.SessionRecord{ID: id, CreatedAt: time.Now(), Mode: "practice", Level: "sde2", QuestionID: "q", Principle: "Ownership",
		Question: "Tell me about a time.", Engine: "instant"}
	if err := db.Sessions.CreateSession(ctx, rec, secret); err != nil {
		t.Fatal(err)
	}
	if err := db.Sessions.AddAnswer(ctx, id, store.AnswerRecord{N: 0, Asked: "Tell me about a time.", AudioFile: "session.wav"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	spooled := make([]int16, transcribe.SampleRate*7/2)
	for i := range spooled {
		spooled[i] = int16(i * 7)
	}
	if err := os.MkdirAll(filepath.Join(data, "spool", id), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "spool", id, "session.wav.pcm"), pcm(spooled), 0o644); err != nil {
		t.Fatal(err)
	}

	srv := startServeEnv(t, s3Env, data, "--engine", "instant", "--recordings", "s3://"+bucket, "--s3-endpoint", endpoint,
		"--s3-path-style", "--s3-chunk", "1s")
	if left, _ := os.ReadDir(filepath.Join(data, "spool")); len(left) != 0 {
		t.Errorf("the spool after the start: %v; want it uploaded and empty", left)
	}
	var n int
	for obj := range gateway.Client(t).ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err == nil && strings.HasPrefix(obj.Key, id+"/session.wav/chunk-") {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d chunk objects; want 4 of 1 s for 3.5 s", n)
	}
	status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", srv.url, id, secret))
	var session struct {
		State   string `json:"state"`
		Answers []struct {
			End          *float64 `json:"end"`
			AudioSeconds float64  `json:"audio_seconds"`
		} `json:"answers"`
	}
	if err := json.Unmarshal([]byte(body), &session); status != http.StatusOK || err != nil || session.State != "interrupted" ||
		len(session.Answers) != 1 || session.Answers[0].End == nil || session.Answers[0].AudioSeconds != 3.5 {
		t.Fatalf("the session after the restart: %d %s (%v); want it interrupted, its answer ended at 3.5 s", status, body, err)
	}
	status, whole := getRange(t, fmt.Sprintf("%s/api/sessions/%s/answers/0/audio?secret=%s", srv.url, id, secret), "")
	if status != http.StatusOK || !slices.Equal(whole, transcribe.EncodeWAV(spooled)) {
		t.Errorf("the answer's audio: %d, %d bytes; want the WAV of the %d samples spooled", status, len(whole), len(spooled))
	}
}
