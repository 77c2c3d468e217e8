package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/storetest"
)

// migrateData makes a data folder with a session in every table, its
// journal and its recording, and returns the session's id.
func migrateData(t *testing.T, dir string) string {
	t.Helper()
	f, err := folder.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id, _ := storetest.Filled(t, storetest.Store{Sessions: f.Sessions, Journals: f.Journals, Portable: f.Portable()}, 1)
	rec, err := f.Recordings.Create(t.Context(), id, "session.wav")
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]int16, 40000)
	for i := range samples {
		samples[i] = int16(i * 7)
	}
	if err := errors.Join(rec.Write(samples), rec.Close()); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestMigrate copies a data folder into PostgreSQL and a bucket and from
// there into another data folder through the command line: each run
// verifies, a second copies nothing, and a recording corrupted at the
// destination makes a run fail until --replace copies it again.
func TestMigrate(t *testing.T) {
	src, back := t.TempDir(), t.TempDir()
	id := migrateData(t, src)
	pg := postgresServer.Database(t)
	bucket := []string{"--s3-endpoint", gateway.Endpoint(t), "--s3-path-style"}
	recordings := "s3://" + gateway.Bucket(t) + "/coach"
	to := append([]string{"--to-database", pg, "--to-recordings", recordings}, prefixed("--to-", bucket)...)
	from := append([]string{"--from-database", pg, "--from-recordings", recordings}, prefixed("--from-", bucket)...)

	for _, run := range []struct {
		name string
		args []string
		want string
	}{
		{"into postgres and s3", append([]string{"--from-data", src}, to...), "sessions: 1 copied, 0 already there alike"},
		{"again", append([]string{"--from-data", src}, to...), "sessions: 0 copied, 1 already there alike"},
		{"back into a folder", append([]string{"--to-data", back}, from...), "recordings: 1 copied"},
	} {
		out, stderr, err := runCLIEnv(t, s3Env, append([]string{"migrate"}, run.args...)...)
		if err != nil || !strings.Contains(out, run.want) || !strings.Contains(out, "verified:") || !fourWords.MatchString(out) {
			t.Fatalf("migrate %s: %v\n%s%s", run.name, err, out, stderr)
		}
		if strings.Contains(out+stderr, "forty") {
			t.Errorf("migrate %s printed a transcript's words:\n%s", run.name, out)
		}
	}

	wav := filepath.Join(back, "audio", id, "session.wav")
	body, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	body[len(body)/2] ^= 0x10
	if err := os.WriteFile(wav, body, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"migrate", "--to-data", back}, from...)
	out, _, err := runCLIEnv(t, s3Env, args...)
	if err == nil || !strings.Contains(err.Error(), "pass --replace") || !strings.Contains(out, "problem: recording session.wav of session "+id) {
		t.Errorf("migrate onto a corrupted recording: %v\n%s", err, out)
	}
	if out, _, err := runCLIEnv(t, s3Env, append(args, "--replace")...); err != nil || !strings.Contains(out, "recordings: 0 copied, 0 already there alike, 1 replaced") {
		t.Errorf("migrate --replace: %v\n%s", err, out)
	}
}

// fourWords is the summary's line for the words table of migrateData's
// session on both sides.
var fourWords = regexp.MustCompile(`(?m)^words +4 +4$`)

func prefixed(prefix string, flags []string) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = f
		if strings.HasPrefix(f, "--") {
			out[i] = prefix + f[2:]
		}
	}
	return out
}

// TestMigrateRefuses: a side not named, a source that does not exist,
// the same place twice, and a live source are refused, saying what to do.
func TestMigrateRefuses(t *testing.T) {
	live := t.TempDir()
	f, err := folder.Open(t.Context(), live)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sessions.CreateSession(t.Context(), store.SessionRecord{ID: strings.Repeat("a", 32)}, "s"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--to-data", empty}, "give --from-data DIR, or both --from-database and --from-recordings"},
		{[]string{"--from-data", live, "--to-database", "sqlite:" + filepath.Join(empty, "x.db")}, "give --to-data DIR"},
		{[]string{"--from-data", filepath.Join(empty, "nothing"), "--to-data", empty}, "the source has no database at"},
		{[]string{"--from-data", live, "--to-data", live}, "name another destination"},
		{[]string{"--from-data", live, "--to-data", empty}, "pass --include-live"},
	} {
		_, _, err := runCLI(t, append([]string{"migrate"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("migrate %q: %v; want %q", c.args, err, c.want)
		}
	}
	if out, _, err := runCLI(t, "migrate", "--from-data", live, "--to-data", empty, "--include-live"); err != nil || !strings.Contains(out, "sessions: 1 copied") {
		t.Errorf("migrate --include-live: %v\n%s", err, out)
	}
}
