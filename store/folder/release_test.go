package folder

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// release is a data folder written by the release at commit a8f7dda, the
// last before this package: one interview (an answer, a probe answered, a
// probe asked as the stream ended) and one practice session its server was
// killed in (SIGKILL) while recording. want/ holds what that release's own
// API answered for each session after it had been started again on the
// folder, and the sha256 of each answer's audio as it served it.
const release = "testdata/release-a8f7dda"

// TestOpensReleaseFolder opens a copy of the release's folder, migrates
// and recovers it, and reads back every session, answer, word, utterance,
// part, probe, report and recording exactly as that release served them,
// each answer the whole of its own recording.
func TestOpensReleaseFolder(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(release)); err != nil {
		t.Fatal(err)
	}
	f, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var adopted, total int
	raw := rawDB(t, dir)
	raw.QueryRow(`SELECT count(*) FROM schema_migrations WHERE applied_at = ''`).Scan(&adopted)
	raw.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&total)
	if list, _ := migrations(); adopted != 4 || total != len(list) {
		t.Errorf("schema_migrations: %d steps adopted from user_version, %d in all; want 4 and %d", adopted, total, len(list))
	}

	sums := readSums(t)
	list, err := f.Sessions.ListSessions(ctx, true, nil)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListSessions: %d sessions, %v; want 2", len(list), err)
	}
	for _, rec := range list {
		got, err := f.Sessions.Session(ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want store.SessionDetail
		body, err := os.ReadFile(filepath.Join(release, "want", rec.ID+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, &want); g != w {
			t.Errorf("session %s reads\n%s\nwant, as the release served it,\n%s", rec.ID, g, w)
		}
		for _, a := range got.Answers {
			samples, err := f.Recordings.Read(ctx, rec.ID, a.AudioFile, a.FirstSample, a.Samples)
			if err != nil {
				t.Errorf("session %s answer %d: %v", rec.ID, a.N, err)
				continue
			}
			sum := sha256.Sum256(transcribe.EncodeWAV(samples))
			key := rec.ID + "-" + string(rune('0'+a.N)) + ".wav"
			if hex.EncodeToString(sum[:]) != sums[key] || a.FirstSample != 0 || float64(len(samples))/transcribe.SampleRate != a.AudioSeconds {
				t.Errorf("session %s answer %d: %d samples, not the audio the release served", rec.ID, a.N, len(samples))
			}
		}
	}
}

func readSums(t *testing.T) map[string]string {
	t.Helper()
	file, err := os.Open(filepath.Join(release, "want", "audio.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sums := map[string]string{}
	lines := bufio.NewScanner(file)
	for lines.Scan() {
		if sum, name, ok := strings.Cut(lines.Text(), "  "); ok {
			sums[name] = sum
		}
	}
	return sums
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
