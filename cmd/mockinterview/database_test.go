package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/pgtest"
	"github.com/mockinterview/mockinterview/store/postgres"
)

// postgresServer is this package's PostgreSQL, started by the first test
// that asks for a database.
var postgresServer pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	postgresServer.Stop()
	gateway.Stop()
	os.Exit(code)
}

// TestServePostgres runs the service on PostgreSQL, streams an interview
// through it with `mockinterview stream`, reads the session back through
// the API after a restart and rebuilds it with retranscribe: the rows in
// PostgreSQL, the recording in the data folder.
func TestServePostgres(t *testing.T) {
	needSpeech(t)
	url := postgresServer.Database(t)
	data := t.TempDir()
	srv := startServe(t, data, "--database", url, "--max-probes", "1")
	id, secret, _ := streamStory(t, srv)
	srv.stop()
	if _, err := os.Stat(filepath.Join(data, "mockinterview.db")); !os.IsNotExist(err) {
		t.Errorf("a SQLite database in the data folder (%v); the rows belong in PostgreSQL", err)
	}
	if _, err := os.Stat(filepath.Join(data, "audio", id, "session.wav")); err != nil {
		t.Errorf("the recording: %v", err)
	}

	srv = startServe(t, data, "--database", url)
	status, body := httpGet(t, fmt.Sprintf("%s/api/sessions/%s?secret=%s", srv.url, id, secret))
	if status != http.StatusOK {
		t.Fatalf("after restart: %d %s", status, body)
	}
	var got struct {
		State   string `json:"state"`
		Answers []struct {
			Audio string `json:"audio"`
		} `json:"answers"`
		Words []struct {
			Text string `json:"text"`
			Part string `json:"part"`
		} `json:"words"`
		Report *struct {
			Probes []json.RawMessage `json:"probes"`
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	text, labelled := "", 0
	for _, w := range got.Words {
		text += w.Text + " "
		if w.Part != "" {
			labelled++
		}
	}
	if got.State != "done" || len(got.Answers) != 2 || got.Report == nil || len(got.Report.Probes) != 1 || !strings.Contains(text, "percent") || labelled == 0 {
		t.Errorf("the session read back from PostgreSQL: %s", body)
	}
	if status, body := httpGet(t, srv.url+got.Answers[0].Audio+"?secret="+secret); status != http.StatusOK || !strings.HasPrefix(body, "RIFF") {
		t.Errorf("recording after restart: %d", status)
	}
	if status, body := httpGet(t, srv.url+"/readyz"); status != http.StatusOK {
		t.Errorf("/readyz on PostgreSQL: %d %s", status, body)
	}
	srv.stop()

	out, stderr, err := runCLI(t, "retranscribe", "--data", data, "--database", url, id)
	if err != nil || !strings.Contains(out, "session "+id+": 2 answers heard again") {
		t.Errorf("retranscribe: %v\n%s%s", err, out, stderr)
	}
}

// TestDatabaseFlagErrors: a --database that cannot be one is refused
// before anything starts, saying what to give, naming the flag or the
// variable, and never quoting a password.
func TestDatabaseFlagErrors(t *testing.T) {
	for _, c := range []struct {
		env        map[string]string
		args       []string
		want, from string
	}{
		{nil, []string{"--database", "mysql://me:hunter2@db/coach"}, "not a database this program keeps", "--database"},
		{nil, []string{"--database", "postgres://me:hunter2@db:port/coach"}, "not a URL this program can read", "--database"},
		{nil, []string{"--database", "postgres://me:hunter2@db/coach?sslmode=maybe"}, "cannot read the URL", "--database"},
		{nil, []string{"--database", "sqlite:"}, "needs the database's path", "--database"},
		{map[string]string{"MOCKINTERVIEW_DATABASE": "me:hunter2@db/coach"}, nil, "not a database this program keeps", "MOCKINTERVIEW_DATABASE"},
		// Well formed, but nobody listens there.
		{nil, []string{"--database", "postgres://me:hunter2@127.0.0.1:1/coach?sslmode=disable&connect_timeout=5"}, "is PostgreSQL running there", "--database"},
	} {
		args := append([]string{"serve", "--engine", "instant", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, c.args...)
		_, _, err := runCLIEnv(t, c.env, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.from) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("serve %v %v: %v; want %q from %s and no password", c.env, c.args, err, c.want, c.from)
		}
		if c.want != "is PostgreSQL running there" && (err == nil || !strings.Contains(err.Error(), postgres.URLForm)) {
			t.Errorf("serve %v %v: %v; want the form %s", c.env, c.args, err, postgres.URLForm)
		}
	}
}

// streamStory streams a four-sentence answer and one probe reply to srv
// as fast as it takes them, and returns the session's id and secret and
// the answer's WAV.
func streamStory(t *testing.T, srv *serving) (id, secret, answerWAV string) {
	t.Helper()
	answerWAV = spokenWAV(t,
		"Last year our checkout service failed during the holiday sale.",
		"I owned the payment path and I had to fix it within one week.",
		"I rewrote the retry logic and I added alerts on the error rate.",
		"As a result the errors dropped by forty percent.")
	reply := spokenWAV(t, "I measured the error rate every hour and it fell from five percent to three percent.")
	out, _, err := runCLI(t, "stream", "--url", srv.listenURL(), "--speed", "0", "--question", "deliver-results-biggest-impact", answerWAV, reply)
	if err != nil {
		t.Fatalf("stream: %v\n%s", err, out)
	}
	m := sessionLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no session line in:\n%s", out)
	}
	return m[1], m[2], answerWAV
}
