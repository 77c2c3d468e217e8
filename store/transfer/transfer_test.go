package transfer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/internal/pgtest"
	"github.com/mockinterview/mockinterview/internal/s3test"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/postgres"
	"github.com/mockinterview/mockinterview/store/s3"
	"github.com/mockinterview/mockinterview/store/storetest"
)

// The servers of this package's tests, started by the first test that
// asks for them.
var (
	postgresServer pgtest.Server
	gateway        s3test.Server
)

func TestMain(m *testing.M) {
	code := m.Run()
	postgresServer.Stop()
	gateway.Stop()
	os.Exit(code)
}

// openFolder opens a data folder (SQLite and WAV files) as one side of a
// copy.
func openFolder(t *testing.T, dir string) Installation {
	in, _ := openFolderRows(t, dir)
	return in
}

// openFolderRows opens a data folder as one side of a copy, and its rows
// as the store's checks fill them.
func openFolderRows(t *testing.T, dir string) (Installation, storetest.Store) {
	t.Helper()
	f, err := folder.Attach(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return Installation{Sessions: f.Sessions, Rows: f.Portable(), Recordings: f.Recordings},
		storetest.Store{Sessions: f.Sessions, Journals: f.Journals, Portable: f.Portable()}
}

// openPostgres opens a new PostgreSQL database with recordings as one
// side of a copy.
func openPostgres(t *testing.T, recordings store.Recordings) Installation {
	t.Helper()
	db, err := postgres.Open(t.Context(), postgresServer.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return Installation{Sessions: db.Sessions, Rows: db.Portable(), Recordings: recordings}
}

// openBucket opens recordings in a new bucket of the gateway.
func openBucket(t *testing.T) store.Recordings {
	t.Helper()
	r, err := s3.Open(t.Context(), s3.Config{Endpoint: gateway.Endpoint(t), PathStyle: true, Bucket: gateway.Bucket(t), Prefix: "migrated",
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, Chunk: time.Second, Spool: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fill gives a data folder two sessions with rows in every table, their
// journals, and recordings: one longer than a piece of the copy, an
// empty one, and one per answer as older releases kept them.
func fill(t *testing.T, dir string) Installation {
	t.Helper()
	in, s := openFolderRows(t, dir)
	first, _ := storetest.Filled(t, s, 1)
	second, _ := storetest.Filled(t, s, 2)
	record(t, in.Recordings, first, "session.wav", piece+1234, 7)
	record(t, in.Recordings, first, "empty.wav", 0, 0)
	record(t, in.Recordings, second, "answer-0.wav", 16000, -3)
	record(t, in.Recordings, second, "answer-1.wav", 8000, 11)
	return in
}

// record writes a recording of n samples, a ramp from start.
func record(t *testing.T, r store.Recordings, sessionID, name string, n int, start int16) {
	t.Helper()
	rec, err := r.Create(t.Context(), sessionID, name)
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]int16, n)
	for i := range samples {
		samples[i] = start + int16(i)
	}
	if err := errors.Join(rec.Write(samples), rec.Close()); err != nil {
		t.Fatal(err)
	}
}

// mustCopy copies and fails the test on an error or a problem.
func mustCopy(t *testing.T, from, to Installation, opt Options) *Summary {
	t.Helper()
	sum, err := Copy(t.Context(), from, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Problems) > 0 {
		var b strings.Builder
		sum.Print(&b)
		t.Fatalf("problems:\n%s", b.String())
	}
	return sum
}

// fingerprints reads every row and recording of an installation: each
// session's and journal's checksum and each recording's fingerprint.
func fingerprints(t *testing.T, in Installation) map[string]string {
	t.Helper()
	ctx := t.Context()
	out := map[string]string{}
	list, err := in.Sessions.ListSessions(ctx, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		rows, err := in.Rows.ExportSession(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		out["session "+s.ID], err = rows.Checksum()
		if err != nil {
			t.Fatal(err)
		}
		recs, err := in.Recordings.List(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			f, err := fingerprintOf(ctx, in.Recordings, s.ID, r.Name, 1<<40)
			if err != nil {
				t.Fatal(err)
			}
			out["recording "+s.ID+"/"+r.Name] = f.String()
		}
	}
	ids, err := in.Rows.JournalIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		rows, err := in.Rows.ExportJournal(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out["journal "+id], err = rows.Checksum()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sameMaps fails the test where two installations' fingerprints differ.
func sameMaps(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d sessions, journals and recordings; want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q; want %q", k, got[k], v)
		}
	}
}

// TestMigrateRoundTrip copies a data folder into PostgreSQL (with its
// recordings in a folder, and in a bucket), and from there into a new
// data folder: everything reads back as it was, and a second run copies
// nothing and checks everything.
func TestMigrateRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name       string
		recordings func(t *testing.T) store.Recordings
	}{
		{"folder-recordings", func(t *testing.T) store.Recordings {
			r, err := folder.OpenAudio(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return r
		}},
		{"s3-recordings", openBucket},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := fill(t, t.TempDir())
			want := fingerprints(t, src)
			middle := openPostgres(t, c.recordings(t))
			sum := mustCopy(t, src, middle, Options{})
			if sum.Sessions.Copied != 2 || sum.Journals.Copied != 2 || sum.Recordings.Copied != 4 || sum.Samples != piece+1234+24000 {
				t.Errorf("first copy: %+v", sum)
			}
			for _, c := range sum.Tables {
				if c.Source == 0 || c.Source != c.Destination {
					t.Errorf("table %s: %d rows in the source, %d at the destination", c.Table, c.Source, c.Destination)
				}
			}
			sameMaps(t, fingerprints(t, middle), want)

			again := mustCopy(t, src, middle, Options{})
			if (again.Sessions != Tally{Same: 2} || again.Journals != Tally{Same: 2} || again.Recordings != Tally{Same: 4}) {
				t.Errorf("second run: sessions %+v, journals %+v, recordings %+v; want all the same, nothing copied",
					again.Sessions, again.Journals, again.Recordings)
			}

			back := openFolder(t, t.TempDir())
			mustCopy(t, middle, back, Options{})
			sameMaps(t, fingerprints(t, back), want)
		})
	}
}

// TestMigrateCorruptRecording: a recording that differs at the
// destination is a problem, left as it is, until a run with Replace
// copies it again.
func TestMigrateCorruptRecording(t *testing.T) {
	src := fill(t, t.TempDir())
	dir := t.TempDir()
	dst := openFolder(t, dir)
	mustCopy(t, src, dst, Options{})
	list, err := src.Sessions.ListSessions(t.Context(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	var path string
	for _, s := range list {
		if p := filepath.Join(dir, "audio", s.ID, "answer-1.wav"); fileExists(p) {
			path = p
		}
	}
	wav, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wav[len(wav)-100] ^= 0x40 // one sample, its length unchanged
	if err := os.WriteFile(path, wav, 0o644); err != nil {
		t.Fatal(err)
	}

	sum, err := Copy(t.Context(), src, dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Recordings.Conflicts != 1 || len(sum.Problems) != 1 || !strings.Contains(sum.Problems[0], "answer-1.wav") ||
		!strings.Contains(sum.Problems[0], "the destination holds other audio (8000 samples") {
		t.Errorf("after corrupting a recording: %+v", sum)
	}
	if again, _ := os.ReadFile(path); !slices.Equal(again, wav) {
		t.Error("a conflicting recording was overwritten without Replace")
	}
	fixed := mustCopy(t, src, dst, Options{Replace: true})
	if fixed.Recordings.Replaced != 1 || fixed.Recordings.Same != 3 {
		t.Errorf("with Replace: %+v", fixed.Recordings)
	}
	sameMaps(t, fingerprints(t, dst), fingerprints(t, src))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// flipping is recordings that change one sample of whatever is written,
// as a disk or a server that corrupts a write would.
type flipping struct{ store.Recordings }

func (f flipping) Create(ctx context.Context, sessionID, name string) (store.Recording, error) {
	rec, err := f.Recordings.Create(ctx, sessionID, name)
	return flippingRecording{rec}, err
}

type flippingRecording struct{ store.Recording }

func (r flippingRecording) Write(samples []int16) error {
	bad := slices.Clone(samples)
	bad[len(bad)/2] ^= 1
	return r.Recording.Write(bad)
}

// TestMigrateVerifiesCopies: a recording that reads back otherwise than
// it was written is a problem of the run that copied it.
func TestMigrateVerifiesCopies(t *testing.T) {
	src := fill(t, t.TempDir())
	dst := openFolder(t, t.TempDir())
	dst.Recordings = flipping{dst.Recordings}
	sum, err := Copy(t.Context(), src, dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The empty recording has nothing to corrupt.
	if len(sum.Problems) != 3 || sum.Recordings.Copied != 4 {
		t.Fatalf("problems %q, recordings %+v; want 3 copies found to differ", sum.Problems, sum.Recordings)
	}
	for _, p := range sum.Problems {
		if !strings.Contains(p, "copied, but read back from the destination it differs") {
			t.Errorf("problem %q", p)
		}
	}
}

// TestMigrateLive: a source with a live session is refused, and copied
// as it stands with IncludeLive.
func TestMigrateLive(t *testing.T) {
	dir := t.TempDir()
	src := fill(t, dir)
	live := strings.Repeat("f", 32)
	if err := src.Sessions.CreateSession(t.Context(), store.SessionRecord{ID: live, CreatedAt: time.Now()}, "s"); err != nil {
		t.Fatal(err)
	}
	dst := openFolder(t, t.TempDir())
	_, err := Copy(t.Context(), src, dst, Options{})
	if !errors.Is(err, ErrLive) || !strings.Contains(err.Error(), live) {
		t.Fatalf("a live source: %v; want ErrLive naming %s", err, live)
	}
	if list, _ := dst.Sessions.ListSessions(t.Context(), true, nil); len(list) != 0 {
		t.Errorf("refused, but %d sessions were copied", len(list))
	}
	sum := mustCopy(t, src, dst, Options{IncludeLive: true})
	if sum.Sessions.Copied != 3 {
		t.Errorf("with IncludeLive: %+v", sum.Sessions)
	}
	if d, err := dst.Sessions.Session(t.Context(), live); err != nil || d.State != store.StateLive {
		t.Errorf("the live session at the destination: %v", err)
	}
}
