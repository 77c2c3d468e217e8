package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mockinterview/mockinterview/store/transfer"
)

// migrateUsage is what `migrate -h` says before the flags.
const migrateUsage = `Copies a whole installation, its database (sessions with their answers, words,
utterances, parts, probes and reports; story journals with their stories and
attempts) and its recordings, from the source (--from-*) into the destination
(--to-*), for example from the data folder into PostgreSQL and a bucket:

  mockinterview migrate --from-data ./data \
      --to-database postgres://coach:secret@db:5432/coach --to-recordings s3://coach/recordings \
      --to-s3-endpoint http://127.0.0.1:7070 --to-s3-path-style

and back again with --from-… and --to-data. Each side is a data folder
(--from-data, --to-data: sqlite:DIR/mockinterview.db and file:DIR/audio), or
its database and recordings named alone, or a folder with either replaced.
Both sides' buckets take their keys from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).

Every session's and journal's rows and every recording's samples are read back
from the destination and compared with the source's by SHA-256; the rows per
table are printed for both sides. Any difference exits non-zero. Run it again
at will: what the destination holds alike already is skipped, so a second run
copies nothing and checks everything. What it holds otherwise (a session
changed at either side since) is left and reported, unless --replace.

Sessions live in the source are refused: a service is recording them, or one
died and was not started again. Stop the service (it ends its sessions as it
stops; one that died marks its sessions interrupted when started again and
stopped), then migrate; or copy them as they stand with --include-live: their
rows and audio so far, still live, which the first service started on the
destination marks interrupted. Sessions begun once the copy has started are
not copied: run it again after stopping the service.

Run it with no service writing to the destination.`

// migrateSide is the flags of one side of a copy.
type migrateSide struct {
	name       string // "source" or "destination"
	prefix     string // of the flags' names
	data       string
	database   databaseFlag
	recordings recordingsFlag
}

func (s *migrateSide) register(fs *flagSet) {
	fs.StringVar(&s.data, s.prefix+"data", "", "the "+s.name+"'s data folder: its database sqlite:DIR/mockinterview.db and recordings file:DIR/audio, "+
		"unless --"+s.prefix+"database or --"+s.prefix+"recordings name others")
	s.database.registerAs(fs, s.prefix, "the "+s.name+"'s; empty: sqlite:DIR/mockinterview.db in --"+s.prefix+"data")
	tails := map[string]string{"recordings": "the " + s.name + "'s; empty: file:DIR/audio in --" + s.prefix + "data"}
	if s.prefix == "to-" {
		tails["s3-chunk"] = ""
	}
	s.recordings.registerAs(fs, s.prefix, tails)
}

// check says whether the side is named in full.
func (s *migrateSide) check() error {
	if s.data == "" && (s.database.value == "" || s.recordings.value == "") {
		return usageError{fmt.Sprintf("migrate needs the %s: give --%sdata DIR, or both --%sdatabase and --%srecordings",
			s.name, s.prefix, s.prefix, s.prefix)}
	}
	if err := s.database.check(); err != nil {
		return err
	}
	return s.recordings.check()
}

// open opens the side, without recovering anything: a service may be
// running on it. The source's database must exist already.
func (s *migrateSide) open(ctx context.Context) (*openedStore, error) {
	dir, tmp := s.data, ""
	if dir == "" {
		// Only the spool of recordings in a bucket goes here.
		var err error
		if tmp, err = os.MkdirTemp("", "mockinterview-migrate-"); err != nil {
			return nil, err
		}
		dir = tmp
	}
	if path := s.sqlitePath(dir); s.name == "source" && path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("the source has no database at %s: check --from-data and --from-database", path)
		}
	}
	opened, err := s.database.open(ctx, dir, &s.recordings, "")
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	if tmp != "" {
		closeDB := opened.close
		opened.close = func() error { return errors.Join(closeDB(), os.RemoveAll(tmp)) }
	}
	return opened, nil
}

// sqlitePath is the side's SQLite database in the data folder dir, ""
// if its database is not SQLite.
func (s *migrateSide) sqlitePath(dir string) string {
	kind, path, _ := strings.Cut(s.database.value, ":")
	switch {
	case s.database.value == "":
		return filepath.Join(dir, "mockinterview.db")
	case kind == "sqlite":
		return path
	}
	return ""
}

func runMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "migrate", "")
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprintln(e.stderr, "\n"+migrateUsage) }
	from, to := &migrateSide{name: "source", prefix: "from-"}, &migrateSide{name: "destination", prefix: "to-"}
	from.register(fs)
	to.register(fs)
	includeLive := fs.Bool("include-live", false, "copy the sessions live in the source as they stand, still live, instead of refusing the source (see below)")
	replace := fs.Bool("replace", false, "overwrite the sessions, journals and recordings the destination holds otherwise than the source, instead of reporting them")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	for _, side := range []*migrateSide{from, to} {
		if err := side.check(); err != nil {
			return err
		}
	}
	src, err := from.open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := to.open(ctx)
	if err != nil {
		return err
	}
	defer dst.Close()
	if src.Where == dst.Where && src.RecordingsWhere == dst.RecordingsWhere {
		return usageError{fmt.Sprintf("the source and the destination are both %s with %s: name another destination", src.Where, src.RecordingsWhere)}
	}
	fmt.Fprintf(e.stdout, "copying %s with %s\n   into %s with %s\n", src.Where, src.RecordingsWhere, dst.Where, dst.RecordingsWhere)
	sum, err := transfer.Copy(ctx,
		transfer.Installation{Sessions: src.Sessions, Rows: src.portable, Recordings: src.Recordings},
		transfer.Installation{Sessions: dst.Sessions, Rows: dst.portable, Recordings: dst.Recordings},
		transfer.Options{IncludeLive: *includeLive, Replace: *replace, Progress: e.stderr})
	if errors.Is(err, transfer.ErrLive) {
		return fmt.Errorf("%w: a service is recording them, or one died and was not started again; stop the service "+
			"(or start the dead one and stop it) and run migrate again, or pass --include-live to copy them as they stand", err)
	}
	if sum != nil {
		sum.Print(e.stdout)
	}
	if err != nil {
		return fmt.Errorf("migrate stopped: %w; what was copied stays, and running it again goes on from there", err)
	}
	if n := len(sum.Problems); n > 0 {
		return fmt.Errorf("the destination does not match the source: %d problems, listed above; for rows or recordings left as they were, "+
			"pass --replace to overwrite them with the source's; for copies that read back otherwise, check the destination's storage and run again", n)
	}
	return nil
}
