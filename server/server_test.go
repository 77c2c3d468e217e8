package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// The engine and the bank take a moment to load; the tests share them.
var (
	shared struct {
		once     sync.Once
		engine   transcribe.Engine
		bank     *interviewer.Bank
		analyzer *interviewer.Analyzer
		err      error
	}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.engine != nil {
		shared.engine.Close()
	}
	postgresServer.Stop()
	gateway.Stop()
	os.Exit(code)
}

func deps(t *testing.T) (transcribe.Engine, *interviewer.Bank, *interviewer.Analyzer) {
	t.Helper()
	if _, err := os.Stat(pocketsphinx.DefaultModelDir); err != nil {
		testenv.Missing(t, "no PocketSphinx model at %s (apt-get install pocketsphinx-en-us)", pocketsphinx.DefaultModelDir)
	}
	shared.once.Do(func() {
		if shared.bank, shared.err = interviewer.LoadBank(); shared.err != nil {
			return
		}
		if shared.analyzer, shared.err = interviewer.NewAnalyzer(); shared.err != nil {
			return
		}
		shared.engine, shared.err = pocketsphinx.New(pocketsphinx.Config{PoolSize: 2})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.engine, shared.bank, shared.analyzer
}

type testServer struct {
	url      string // http://127.0.0.1:port
	store    store.Store
	dir      string  // the data folder, whose audio/ holds the recordings
	db       *sql.DB // the rows' database, to count them
	sessions *Sessions
}

// audioDir is the folder of a session's recordings.
func (ts *testServer) audioDir(id string) string {
	return filepath.Join(ts.dir, "audio", id)
}

// answerAudio reads answer n of a session from its recording.
func (ts *testServer) answerAudio(t *testing.T, id string, n int) []int16 {
	t.Helper()
	a, err := ts.store.Sessions.Answer(t.Context(), id, n)
	if err != nil {
		t.Fatalf("answer %d: %v", n, err)
	}
	samples, err := ts.store.Recordings.Read(t.Context(), id, a.AudioFile, a.FirstSample, a.Samples)
	if err != nil {
		t.Fatalf("answer %d: %v", n, err)
	}
	return samples
}

func (ts *testServer) listenURL() string {
	return "ws" + strings.TrimPrefix(ts.url, "http") + "/v1/listen"
}

// startServer runs the whole service on a loopback port with the real
// engine and a database in a temporary folder (or PostgreSQL: see
// postgresVar).
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	return startServerLogging(t, cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel))
}

func startServerLogging(t *testing.T, cfg Config, log zerolog.Logger) *testServer {
	t.Helper()
	engine, _, _ := deps(t)
	return startServerWith(t, cfg, log, engine)
}

func startServerWith(t *testing.T, cfg Config, log zerolog.Logger, engine transcribe.Engine) *testServer {
	t.Helper()
	dir := t.TempDir()
	st, db := openRows(t, dir)
	return startServerOn(t, cfg, log, engine, &testServer{store: st, dir: dir, db: db})
}

// startServerOn runs the service on the store of ts (its store, dir and
// db), which another test server may share, as replicas share a
// database.
func startServerOn(t *testing.T, cfg Config, log zerolog.Logger, engine transcribe.Engine, on *testServer) *testServer {
	t.Helper()
	_, bank, analyzer := deps(t)
	st, dir, db := on.store, on.dir, on.db
	sessions := NewSessions()
	static := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>test</title>")}}
	hs := httptest.NewServer(NewServer(log, cfg, st, engine, bank, analyzer, sessions, static))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := sessions.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		hs.Close()
	})
	return &testServer{url: hs.URL, store: st, dir: dir, db: db, sessions: sessions}
}

// speech synthesizes sentences with flite and joins them with pauses, as
// a person would say them.
func speech(t *testing.T, sentences ...string) []int16 {
	t.Helper()
	return speechIn(t, "slt", sentences...)
}

// speechIn is speech in one of flite's voices.
func speechIn(t *testing.T, voice string, sentences ...string) []int16 {
	t.Helper()
	if !flite.Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	var out []int16
	pause := make([]int16, transcribe.SampleRate*7/10)
	for _, s := range sentences {
		path, err := flite.Synthesize(context.Background(), flite.CacheDir(), voice, s)
		if err != nil {
			t.Fatal(err)
		}
		samples, _, err := transcribe.ReadWAV(path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, samples...), pause...)
	}
	return out
}

var mainAnswer = []string{
	"Last year our checkout service failed during the holiday sale.",
	"I owned the payment path and I had to fix it within one week.",
	"I rewrote the retry logic and I added alerts on the error rate.",
	"As a result the errors dropped by forty percent.",
	"I learned to measure before I change anything.",
}

var probeReply = []string{
	"I measured the error rate every hour and it fell from five percent to three percent.",
}

func stream(t *testing.T, ts *testServer, start protocol.ClientMessage, answers ...[]int16) *protocol.StreamResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := protocol.Stream(ctx, protocol.StreamConfig{URL: ts.listenURL(), Start: start, Speed: 0}, answers, nil)
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	return res
}

func count(res *protocol.StreamResult, typ string) int {
	n := 0
	for _, e := range res.Events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func heard(res *protocol.StreamResult) string {
	var words []string
	for _, r := range res.Finals() {
		words = append(words, r.Channel.Alternatives[0].Transcript)
	}
	return strings.Join(words, " ")
}

func get(t *testing.T, url string, header http.Header) (int, []byte, http.Header) {
	t.Helper()
	return request(t, http.MethodGet, url, nil, header)
}

// request sends a request and returns the status, the body and the
// headers of the answer.
func request(t *testing.T, method, url string, body io.Reader, header http.Header) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out, resp.Header
}

func TestInterviewSession(t *testing.T) {
	ts := startServer(t, Config{MaxProbes: 2, AdminToken: "operator"})
	answer, reply := speech(t, mainAnswer...), speech(t, probeReply...)
	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "interview", Level: "sde2"}, answer, reply, reply)

	// The protocol.
	if res.SessionID == "" || len(res.SessionID) != 32 || len(res.Secret) != 32 {
		t.Fatalf("Begin gave session %q secret %q", res.SessionID, res.Secret)
	}
	if res.Events[0].Type != protocol.TypeBegin || res.Events[1].Type != protocol.TypeQuestion {
		t.Errorf("first events %s, %s; want Begin, Question", res.Events[0].Type, res.Events[1].Type)
	}
	text := heard(res)
	for _, w := range []string{"percent", "holiday", "week"} {
		if !strings.Contains(text, w) {
			t.Errorf("transcript lacks %q: %s", w, text)
		}
	}
	for _, r := range res.Finals() {
		for _, w := range r.Channel.Alternatives[0].Words {
			if w.End < w.Start || w.Start < r.Start-0.01 || w.Confidence < 0 || w.Confidence > 1 {
				t.Errorf("bad word %+v in result %.2f+%.2f", w, r.Start, r.Duration)
			}
		}
	}
	if count(res, protocol.TypeStar) == 0 || count(res, protocol.TypePacing) == 0 {
		t.Errorf("%d Star and %d Pacing events; want some", count(res, protocol.TypeStar), count(res, protocol.TypePacing))
	}
	// While the answer goes on, Star names the current part; as it ends,
	// one final Star, before the first probe, gives the whole answer's
	// parts, the report's.
	var live, final protocol.StarMessage
	finals := 0
	for i, e := range res.Events {
		if e.Type != protocol.TypeStar {
			continue
		}
		var msg protocol.StarMessage
		e.Decode(&msg)
		if !msg.Final {
			live = msg
			continue
		}
		final = msg
		finals++
		if i+2 >= len(res.Events) || res.Events[i+1].Type != protocol.TypePacing || res.Events[i+2].Type != protocol.TypeProbe {
			t.Errorf("the final Star is not followed by Pacing and the first Probe")
		}
	}
	if len(live.Parts) == 0 || live.Current == "" || live.Parts[0].Target <= 0 {
		t.Errorf("last live Star %+v lacks parts, targets or the current part", live)
	}
	if finals != 1 || final.Current != "" {
		t.Errorf("%d final Stars, the last %+v; want one, with no current part", finals, final)
	}
	if n := count(res, protocol.TypeProbe); n != 2 {
		t.Errorf("%d probes; want 2 (MaxProbes)", n)
	}
	if res.Report == nil || res.Report.Mode != interviewer.ModeInterview || res.Report.Verdict == nil || len(res.Report.Words) == 0 {
		t.Fatalf("report %+v", res.Report)
	}
	var got, want []star.Label
	for _, p := range final.Parts {
		got = append(got, p.Label)
	}
	for _, p := range res.Report.Parts {
		want = append(want, p.Label)
	}
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("final Star parts %v, report parts %v", got, want)
	}
	if len(res.Report.Probes) != 2 || res.Report.Probes[0].Answer == "" {
		t.Errorf("report probes %+v; want two with replies", res.Report.Probes)
	}
	if res.Metadata == nil || res.Metadata.SessionID != res.SessionID || res.Metadata.Duration < res.Sent-0.001 {
		t.Errorf("metadata %+v after %.2f s sent", res.Metadata, res.Sent)
	}
	if res.CloseCode != protocol.CloseNormal {
		t.Errorf("close code %d; want 1000", res.CloseCode)
	}
	// Sent faster than real time, the audio waits for the engine: the
	// client hears about it.
	var warning protocol.WarningMessage
	for _, e := range res.Events {
		if e.Type == protocol.TypeWarning {
			e.Decode(&warning)
		}
	}
	if warning.Code != protocol.CodeBehind || warning.Backlog < 3 {
		t.Errorf("warning %+v; want one about a backlog over 3 s", warning)
	}

	// The rows.
	db := ts.db
	var words, answers, parts, probes, reports int
	var state string
	for _, q := range []struct {
		query string
		into  any
	}{
		{`SELECT count(*) FROM words WHERE session_id = $1`, &words},
		{`SELECT count(*) FROM answers WHERE session_id = $1`, &answers},
		{`SELECT count(*) FROM parts WHERE session_id = $1`, &parts},
		{`SELECT count(*) FROM probes WHERE session_id = $1`, &probes},
		{`SELECT count(*) FROM reports WHERE session_id = $1`, &reports},
		{`SELECT state FROM sessions WHERE id = $1`, &state},
	} {
		if err := db.QueryRow(q.query, res.SessionID).Scan(q.into); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	finalWords := 0
	for _, r := range res.Finals() {
		finalWords += len(r.Channel.Alternatives[0].Words)
	}
	if words != finalWords || answers != 3 || parts == 0 || probes != 2 || reports != 1 || state != store.StateDone {
		t.Errorf("rows: %d words (%d heard), %d answers, %d parts, %d probes, %d reports, state %s",
			words, finalWords, answers, parts, probes, reports, state)
	}
	var unlabelled int
	db.QueryRow(`SELECT count(*) FROM words WHERE session_id = $1 AND answer = 0 AND part = ''`, res.SessionID).Scan(&unlabelled)
	if unlabelled != 0 {
		t.Errorf("%d words of the main answer have no STAR part", unlabelled)
	}

	// The recording is exactly the audio sent, and the answers laid end to
	// end are the recording.
	recorded, err := ts.store.Recordings.Read(t.Context(), res.SessionID, "session.wav", 0, math.MaxInt64)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv(s3Var) == "" { // a WAV file in the data folder
		fromFile, format, err := transcribe.ReadWAV(filepath.Join(ts.audioDir(res.SessionID), "session.wav"))
		if err != nil || !slices.Equal(fromFile, recorded) {
			t.Fatalf("the recording's file: %d samples (%v); the store reads %d", len(fromFile), err, len(recorded))
		}
		if format.SampleRate != 16000 || format.Channels != 1 || format.BitDepth != 16 {
			t.Errorf("recorded as %+v", format)
		}
	}
	if sent := int(res.Sent*transcribe.SampleRate + 0.5); len(recorded) != sent {
		t.Errorf("the recording holds %d samples; %d were sent", len(recorded), sent)
	}
	var laid []int16
	for n := range 3 {
		samples := ts.answerAudio(t, res.SessionID, n)
		if n == 0 && len(samples) < len(answer) {
			t.Errorf("answer 0 recorded %d samples; %d were sent for it", len(samples), len(answer))
		}
		laid = append(laid, samples...)
	}
	if !slices.Equal(laid, recorded) {
		t.Errorf("the answers hold %d samples, not the recording's %d laid end to end", len(laid), len(recorded))
	}

	// The API.
	base := ts.url + "/api/sessions/" + res.SessionID
	secret := "?secret=" + res.Secret
	status, body, _ := get(t, base+secret, nil)
	if status != http.StatusOK {
		t.Fatalf("GET session: %d %s", status, body)
	}
	var view struct {
		ID      string `json:"id"`
		Answers []struct {
			N     int     `json:"n"`
			Start float64 `json:"start"`
			Audio string  `json:"audio"`
		} `json:"answers"`
		Words  []store.WordRecord           `json:"words"`
		Report *interviewer.InterviewReport `json:"report"`
	}
	if err := json.Unmarshal(body, &view); err != nil {
		t.Fatal(err)
	}
	if view.ID != res.SessionID || len(view.Answers) != 3 || len(view.Words) != words || view.Report == nil || view.Answers[1].Audio == "" {
		t.Errorf("session view: %s", body[:min(len(body), 600)])
	}
	status, body, header := get(t, ts.url+view.Answers[0].Audio+secret, http.Header{"Range": {"bytes=0-43"}})
	if status != http.StatusPartialContent || len(body) != 44 || string(body[:4]) != "RIFF" || header.Get("Content-Type") != "audio/wav" {
		t.Errorf("audio range: %d %q %s", status, body[:min(4, len(body))], header.Get("Content-Type"))
	}

	status, body, header = get(t, base+"/export.vtt"+secret, nil)
	if status != http.StatusOK || !strings.HasPrefix(header.Get("Content-Type"), "text/vtt") {
		t.Fatalf("export.vtt: %d %s", status, header.Get("Content-Type"))
	}
	cues, err := parseWebVTT(string(body))
	if err != nil {
		t.Fatalf("export.vtt does not parse: %v\n%s", err, body)
	}
	// A cue per utterance, split where its words change part.
	runs := 0
	for i, w := range view.Words {
		if i == 0 || w.Utterance != view.Words[i-1].Utterance || w.Part != view.Words[i-1].Part || w.Answer != view.Words[i-1].Answer {
			runs++
		}
	}
	if len(cues) != runs || len(cues) < len(res.Finals()) {
		t.Errorf("%d cues for %d utterances, %d runs of one part in one utterance", len(cues), len(res.Finals()), runs)
	}
	labelled := regexp.MustCompile(`^\[(Situation|Task|Action|Result|Reflection|Probe \d+)\] \S`)
	for _, c := range cues {
		if !labelled.MatchString(c.text) {
			t.Errorf("cue %q is not prefixed with its part", c.text)
		}
	}
	status, body, _ = get(t, base+"/export.vtt"+secret+"&answer=1", nil)
	if cues, err := parseWebVTT(string(body)); status != http.StatusOK || err != nil || len(cues) == 0 || !strings.HasPrefix(cues[0].text, "[Probe 1]") || cues[0].start > 2 {
		t.Errorf("answer 1's subtitles: %d %v %+v", status, err, cues)
	}
	status, body, _ = get(t, base+"/export.srt"+secret, nil)
	if status != http.StatusOK || !regexp.MustCompile(`^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\[`).Match(body) {
		t.Errorf("export.srt: %d %s", status, body)
	}
	status, body, _ = get(t, base+"/export.md"+secret, nil)
	if status != http.StatusOK || !strings.HasPrefix(string(body), "# Mock interview: Deliver Results") || !strings.Contains(string(body), "## Timing") {
		t.Errorf("export.md: %d %s", status, body)
	}
	status, body, _ = get(t, base+"/export.json"+secret, nil)
	if status != http.StatusOK || !json.Valid(body) {
		t.Errorf("export.json: %d", status)
	}

	// The secret guards everything.
	for _, path := range []string{"", "/answers/0/audio", "/export.json", "/export.vtt"} {
		for _, q := range []string{"", "?secret=wrong", "?secret=" + strings.Repeat("0", 32)} {
			if status, _, _ := get(t, base+path+q, nil); status != http.StatusNotFound {
				t.Errorf("GET %s%s: %d; want 404", path, q, status)
			}
		}
	}
	if status, _, _ := get(t, base, http.Header{SecretHeader: {res.Secret}}); status != http.StatusOK {
		t.Errorf("secret in the header: %d", status)
	}
	if status, _, _ := get(t, base, http.Header{"Authorization": {"Bearer operator"}}); status != http.StatusOK {
		t.Errorf("operator token: %d", status)
	}
	listed := func(query string, header http.Header) int {
		_, body, _ := get(t, ts.url+"/api/sessions"+query, header)
		var l struct{ Sessions []store.SessionRecord }
		if err := json.Unmarshal(body, &l); err != nil {
			t.Fatal(err)
		}
		return len(l.Sessions)
	}
	if n := listed("", nil); n != 0 {
		t.Errorf("listed %d sessions without secrets", n)
	}
	if n := listed("?secrets=nope,"+res.Secret, nil); n != 1 {
		t.Errorf("listed %d sessions with its secret", n)
	}
	if n := listed("", http.Header{"Authorization": {"Bearer operator"}}); n != 1 {
		t.Errorf("operator listed %d sessions", n)
	}

	// Retranscribing rebuilds the words and the report from the
	// recordings, asking the same probes.
	req, _ := http.NewRequest(http.MethodPost, base+"/retranscribe"+secret, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST retranscribe: %v %v", resp.Status, err)
	}
	var again struct {
		RetranscribedAt string                  `json:"retranscribed_at"`
		Words           []store.WordRecord      `json:"words"`
		Utterances      []store.UtteranceRecord `json:"utterances"`
		Report          *interviewer.InterviewReport
	}
	json.NewDecoder(resp.Body).Decode(&again)
	resp.Body.Close()
	if again.RetranscribedAt == "" || len(again.Words) < words*8/10 || len(again.Utterances) == 0 || again.Report == nil {
		t.Fatalf("after retranscribe: %d words (%d before), %d utterances, report %v", len(again.Words), words, len(again.Utterances), again.Report != nil)
	}
	for i, p := range again.Report.Probes {
		if p.ID != res.Report.Probes[i].ID || p.Asked != res.Report.Probes[i].Asked || p.Answer == "" {
			t.Errorf("retranscribed probe %d: %+v; asked %+v", i, p, res.Report.Probes[i])
		}
	}
	if len(again.Report.Probes) != 2 || again.Report.Verdict == nil || again.Utterances[0].Engine != "pocketsphinx" || again.Utterances[0].Fallback {
		t.Errorf("retranscribed report: %d probes, verdict %v, utterance %+v", len(again.Report.Probes), again.Report.Verdict, again.Utterances[0])
	}

	// Delete takes the rows and the files.
	req, _ = http.NewRequest(http.MethodDelete, base+"?secret=wrong", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE with a wrong secret: %v %v", resp.Status, err)
	}
	req, _ = http.NewRequest(http.MethodDelete, base+secret, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %v %v", resp.Status, err)
	}
	if status, _, _ := get(t, base+secret, nil); status != http.StatusNotFound {
		t.Errorf("GET after DELETE: %d", status)
	}
	if _, err := os.Stat(ts.audioDir(res.SessionID)); !os.IsNotExist(err) {
		t.Errorf("recordings still there after DELETE: %v", err)
	}
	if list, err := ts.store.Recordings.List(t.Context(), res.SessionID); err != nil || len(list) != 0 {
		t.Errorf("recordings listed after DELETE: %v (%v)", list, err)
	}
	db.QueryRow(`SELECT count(*) FROM words WHERE session_id = $1`, res.SessionID).Scan(&words)
	if words != 0 {
		t.Errorf("%d words left after DELETE", words)
	}
}

// TestPracticeSession also makes the server push back on the client: past
// a second of backlog it stops reading the socket, and still loses
// nothing.
func TestPracticeSession(t *testing.T) {
	ts := startServer(t, Config{BehindWarning: 0.5, MaxBacklog: 1})
	answer := speech(t, mainAnswer...)
	res := stream(t, ts, protocol.ClientMessage{Principle: "ownership", Mode: "practice", Level: "senior"}, answer)
	recorded := ts.answerAudio(t, res.SessionID, 0)
	if sent := int(res.Sent*transcribe.SampleRate + 0.5); len(recorded) != sent || sent < len(answer) {
		t.Errorf("recorded %d samples of the %d sent", len(recorded), sent)
	}
	if count(res, protocol.TypeProbe) != 0 {
		t.Errorf("practice mode asked %d probes", count(res, protocol.TypeProbe))
	}
	if count(res, protocol.TypeStar) == 0 {
		t.Error("no Star events")
	}
	if res.Report == nil || res.Report.Mode != interviewer.ModePractice || res.Report.Verdict != nil || res.Report.Level == "" {
		t.Fatalf("practice report %+v", res.Report)
	}
	if res.Report.Principle != "Ownership" {
		t.Errorf("principle %q; want Ownership", res.Report.Principle)
	}
}

// TestSilenceEndsAnswer streams an answer followed by more silence than
// the end-of-answer setting: the probe comes from the silence, before the
// recording ends, and the client's late AnswerDone is ignored.
func TestSilenceEndsAnswer(t *testing.T) {
	ts := startServer(t, Config{EndSilence: 1, MaxProbes: 1})
	answer := speech(t, mainAnswer[:2]...)
	answer = append(answer, make([]int16, 3*transcribe.SampleRate)...)
	reply := speech(t, probeReply...)
	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact"}, answer, reply)
	var probe protocol.ProbeMessage
	for _, e := range res.Events {
		if e.Type == protocol.TypeProbe {
			e.Decode(&probe)
		}
	}
	sent := float64(len(answer))/transcribe.SampleRate + 0.5
	if probe.Text == "" || probe.Start >= sent-1 {
		t.Fatalf("probe %+v; want one before the %.1f s of audio ended", probe, sent)
	}
	if res.Report == nil || len(res.Report.Probes) != 1 || res.Report.Probes[0].Answer == "" {
		t.Errorf("the probe's reply was lost: %+v", res.Report)
	}
}

func TestAudioFormatChecked(t *testing.T) {
	ts := startServer(t, Config{})
	for _, q := range []string{
		"encoding=linear16&sample_rate=44100&channels=1",
		"encoding=linear16&sample_rate=48000",
		"sample_rate=16000",
		"encoding=opus&sample_rate=16000",
		"encoding=linear16&sample_rate=16000&channels=2",
	} {
		status, body, _ := get(t, ts.url+"/v1/listen?"+q, nil)
		if status != http.StatusBadRequest || len(body) < 20 {
			t.Errorf("%s: %d %q; want 400 with a message", q, status, body)
		}
	}
	_, err := protocol.Stream(context.Background(), protocol.StreamConfig{URL: ts.listenURL() + "?sample_rate=8000"}, [][]int16{{0}}, nil)
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "16000") {
		t.Errorf("Stream at 8 kHz: %v; want the 400 and its message", err)
	}
}

// TestProtocolErrors checks what the server says about mistakes, on a raw
// socket.
func TestProtocolErrors(t *testing.T) {
	ts := startServer(t, Config{})
	conn, err := protocol.Dial(context.Background(), ts.listenURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	expect := func(typ, code string) map[string]any {
		t.Helper()
		for {
			ev, err := conn.Next()
			if err != nil {
				t.Fatalf("waiting for %s %s: %v", typ, code, err)
			}
			var m map[string]any
			ev.Decode(&m)
			if m["type"] == typ && (code == "" || m["code"] == code) {
				return m
			}
		}
	}
	conn.SendText([]byte(`not json`))
	expect(protocol.TypeError, protocol.CodeBadMessage)
	conn.SendText([]byte(`{"type":"Dance"}`))
	expect(protocol.TypeError, protocol.CodeUnknownType)
	conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, QuestionID: "no-such-question"})
	expect(protocol.TypeError, protocol.CodeBadStart)
	// Audio first would begin a session (TestAudioBeforeStart); after a
	// refused Start it waits for a good one.
	conn.SendPCM(make([]byte, 3200))
	expect(protocol.TypeError, protocol.CodeNotStarted)
	conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "karaoke"})
	expect(protocol.TypeError, protocol.CodeBadStart)
	conn.Send(protocol.ClientMessage{Type: protocol.TypeStart, Mode: "practice"})
	begin := expect(protocol.TypeBegin, "")
	if begin["secret"] == "" {
		t.Errorf("Begin %v without a secret", begin)
	}
	expect(protocol.TypeQuestion, "")
	conn.Send(protocol.ClientMessage{Type: protocol.TypeStart})
	expect(protocol.TypeError, protocol.CodeAlreadyStarted)
	conn.SendPCM(make([]byte, 3201))
	expect(protocol.TypeError, protocol.CodeBadAudio)
	conn.SendPCM(make([]byte, 3200))
	conn.Send(protocol.ClientMessage{Type: protocol.TypeKeepAlive})
	conn.Send(protocol.ClientMessage{Type: protocol.TypeFinalize})
	conn.Send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
	expect(protocol.TypeReport, "")
	meta := expect(protocol.TypeMetadata, "")
	if meta["duration"] != 0.1 {
		t.Errorf("metadata %v; want 0.1 s of audio (the odd frame dropped)", meta)
	}
	_, err = conn.Next()
	if code, _, _ := protocol.Closed(err); code != protocol.CloseNormal {
		t.Errorf("after Metadata: %v; want close 1000", err)
	}
}

// TestShutdownReports stops the server while an answer streams in real
// time: the session is finished, reported and closed with 1001.
func TestShutdownReports(t *testing.T) {
	ts := startServer(t, Config{})
	// Twice the answer, at real time: the shutdown must come while audio
	// is still being sent, however slowly a loaded machine hears the first
	// words.
	answer := speech(t, slices.Concat(mainAnswer, mainAnswer)...)
	type result struct {
		res *protocol.StreamResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := protocol.Stream(context.Background(), protocol.StreamConfig{URL: ts.listenURL(), Speed: 1, Start: protocol.ClientMessage{Mode: "practice"}}, [][]int16{answer}, nil)
		done <- result{res, err}
	}()
	// Wait until some words have been heard.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		ts.db.QueryRow(`SELECT count(*) FROM words`).Scan(&n)
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no words heard")
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := ts.sessions.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("stream: %v", r.err)
	}
	if r.res.CloseCode != protocol.CloseGoingAway || r.res.Report == nil || r.res.Metadata == nil {
		t.Fatalf("close %d, report %v, metadata %v; want 1001 after both", r.res.CloseCode, r.res.Report != nil, r.res.Metadata)
	}
	if len(r.res.Report.Words) == 0 || r.res.Sent >= float64(len(answer))/transcribe.SampleRate {
		t.Errorf("report of %d words after %.1f s sent", len(r.res.Report.Words), r.res.Sent)
	}
	var state string
	var reports int
	ts.db.QueryRow(`SELECT state FROM sessions WHERE id = $1`, r.res.SessionID).Scan(&state)
	ts.db.QueryRow(`SELECT count(*) FROM reports WHERE session_id = $1`, r.res.SessionID).Scan(&reports)
	if state != store.StateDone || reports != 1 {
		t.Errorf("after shutdown: state %q, %d reports", state, reports)
	}
	if status, _, _ := get(t, ts.url+"/readyz", nil); status != http.StatusServiceUnavailable {
		t.Errorf("readyz while shutting down: %d", status)
	}
}

func TestHealth(t *testing.T) {
	ts := startServer(t, Config{})
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/": 200, "/api/questions": 200, "/api/sessions/nope": 404} {
		if status, body, _ := get(t, ts.url+path, nil); status != want {
			t.Errorf("GET %s: %d %s; want %d", path, status, body, want)
		}
	}
}

type vttCue struct {
	start, end float64
	text       string
}

var vttTime = regexp.MustCompile(`^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$`)

// parseWebVTT is a strict reader of the WebVTT subset the exports use:
// the header line, then cues made of an optional identifier, a timing
// line with hh:mm:ss.mmm times and at least one line of text, separated
// by blank lines. Cues must start in order and end after they start.
func parseWebVTT(s string) ([]vttCue, error) {
	if strings.HasPrefix(s, "\ufeff") || strings.Contains(s, "\r") {
		return nil, fmt.Errorf("BOM or carriage return")
	}
	if !strings.HasSuffix(s, "\n") {
		return nil, fmt.Errorf("no final line break")
	}
	blocks := strings.Split(strings.TrimSuffix(s, "\n"), "\n\n")
	if blocks[0] != "WEBVTT" {
		return nil, fmt.Errorf("header block %q, want WEBVTT alone", blocks[0])
	}
	var cues []vttCue
	for i, b := range blocks[1:] {
		lines := strings.Split(b, "\n")
		if b == "" || lines[0] == "" {
			return nil, fmt.Errorf("cue %d: extra blank line", i+1)
		}
		if !strings.Contains(lines[0], "-->") {
			lines = lines[1:] // the identifier
		}
		if len(lines) < 2 {
			return nil, fmt.Errorf("cue %d: no timing or no text in %q", i+1, b)
		}
		start, end, ok := strings.Cut(lines[0], " --> ")
		if !ok {
			return nil, fmt.Errorf("cue %d: timing line %q", i+1, lines[0])
		}
		c := vttCue{text: strings.Join(lines[1:], "\n")}
		var err error
		if c.start, err = vttSeconds(start); err != nil {
			return nil, fmt.Errorf("cue %d: %w", i+1, err)
		}
		if c.end, err = vttSeconds(end); err != nil {
			return nil, fmt.Errorf("cue %d: %w", i+1, err)
		}
		if c.end <= c.start {
			return nil, fmt.Errorf("cue %d ends at %.3f, not after its start %.3f", i+1, c.end, c.start)
		}
		if n := len(cues); n > 0 && c.start < cues[n-1].start {
			return nil, fmt.Errorf("cue %d starts at %.3f, before the cue before it (%.3f)", i+1, c.start, cues[n-1].start)
		}
		for _, l := range lines[1:] {
			if strings.TrimSpace(l) == "" || strings.Contains(l, "-->") {
				return nil, fmt.Errorf("cue %d: bad text line %q", i+1, l)
			}
		}
		cues = append(cues, c)
	}
	return cues, nil
}

func vttSeconds(s string) (float64, error) {
	m := vttTime.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("timestamp %q is not hh:mm:ss.mmm", s)
	}
	var v [4]int
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	return float64(v[0]*3600+v[1]*60+v[2]) + float64(v[3])/1000, nil
}

func TestParseWebVTTRejects(t *testing.T) {
	for name, bad := range map[string]string{
		"no header":     "1\n00:00:01.000 --> 00:00:02.000\nhi\n",
		"short time":    "WEBVTT\n\n1\n00:01.000 --> 00:00:02.000\nhi\n",
		"comma":         "WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nhi\n",
		"backwards":     "WEBVTT\n\n1\n00:00:03.000 --> 00:00:02.000\nhi\n",
		"out of order":  "WEBVTT\n\n1\n00:00:03.000 --> 00:00:04.000\nhi\n\n2\n00:00:01.000 --> 00:00:02.000\nho\n",
		"no text":       "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n",
		"no blank line": "WEBVTT\n1\n00:00:01.000 --> 00:00:02.000\nhi\n",
	} {
		if _, err := parseWebVTT(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := parseWebVTT("WEBVTT\n"); err != nil {
		t.Errorf("empty file: %v", err)
	}
}
