package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestJournalCommand keeps a journal from the command line as a person
// would: create it, add a story, count two recordings as attempts with
// analyze --story, read the story's table, and get clear errors for what
// is wrong.
func TestJournalCommand(t *testing.T) {
	needSpeech(t)
	s := startServe(t, t.TempDir())
	out, _, err := runCLI(t, "journal", "new", "--server", s.url, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var j struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(out), &j); err != nil || j.ID == "" {
		t.Fatalf("journal new --json printed %q", out)
	}
	environ := map[string]string{"MOCKINTERVIEW_SERVER": s.url, "MOCKINTERVIEW_JOURNAL": j.ID, "MOCKINTERVIEW_JOURNAL_SECRET": j.Secret}

	out, _, err = runCLIEnv(t, environ, "journal", "add-story", "--title", "Checkout failing", "--principle", "ownership",
		"--principle", "Are Right, A Lot", "--vocabulary", "checkout,retries")
	story := regexp.MustCompile(`^story ([0-9a-f]{32}): Checkout failing \(Ownership; Are Right, A Lot\)`).FindStringSubmatch(out)
	if err != nil || story == nil {
		t.Fatalf("add-story: %v %q", err, out)
	}
	_, _, err = runCLIEnv(t, environ, "journal", "add-story", "--title", "Other", "--principle", "kindness")
	if err == nil || !strings.Contains(err.Error(), `unknown principle "kindness"`) || !strings.Contains(err.Error(), `"Have Backbone; Disagree and Commit"`) {
		t.Errorf("an unknown principle: %v", err)
	}

	wav := spokenWAV(t, "Two days before our sale the checkout started to fail.", "I owned the payment path so I took on finding the cause.",
		"I rewrote the retry logic and I added an alert on the error rate.", "Failed payments dropped from four percent to one percent.")
	typed := filepath.Join(t.TempDir(), "typed.txt")
	os.WriteFile(typed, []byte("I fixed it."), 0o644)
	out, stderr, err := runCLIEnv(t, environ, "analyze", "--story", story[1], "--level", "sde1", wav, typed, wav)
	if err == nil || !strings.Contains(err.Error(), "1 of 3 files did not become attempts") || !strings.Contains(stderr, "give a .wav file") {
		t.Errorf("analyze --story with a transcript among the recordings: %v\n%s", err, stderr)
	}
	if n := len(sessionLine.FindAllString(out, -1)); n != 2 {
		t.Errorf("analyze --story printed %d sessions; want 2\n%s", n, out)
	}

	out, _, err = runCLIEnv(t, environ, "journal", "story", story[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Checkout failing (Ownership; Are Right, A Lot)", "SITUATION", "\n1 first ", "\n2 "} {
		if !strings.Contains(out, want) {
			t.Errorf("journal story lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLIEnv(t, environ, "journal", "show")
	if err != nil || !regexp.MustCompile(`(?m)^Ownership +1 +2 `).MatchString(out) || !strings.Contains(out, "Practise next:") {
		t.Errorf("journal show: %v\n%s", err, out)
	}

	for _, c := range []struct {
		environ map[string]string
		args    []string
		want    string
	}{
		{map[string]string{"MOCKINTERVIEW_SERVER": s.url}, []string{"journal", "show"}, "give the journal with --journal ID"},
		{environ, []string{"journal", "story"}, "needs the story's id"},
		{environ, []string{"journal", "forget"}, `unknown journal action "forget"`},
		{environ, []string{"journal", "show", "--journal-secret", strings.Repeat("0", 32)}, "no such journal"},
		{environ, []string{"analyze", "--story", story[1], "--profile", "p.json", wav}, "--profile cannot be used with --story"},
		{map[string]string{"MOCKINTERVIEW_SERVER": "localhost:1"}, []string{"journal", "new"}, "give the server's address"},
	} {
		if _, _, err := runCLIEnv(t, c.environ, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v; want %q", c.args, err, c.want)
		}
	}
}
