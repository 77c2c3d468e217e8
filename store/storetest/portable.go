package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/store"
)

// Filled makes a session and a journal with a row in every table: a
// session with two answers (one open), words, utterances, a report with
// parts and probes, ended and rebuilt at times with nanoseconds, and a
// journal with two stories, one of them attempted by the session's main
// answer. It returns their ids. A copy's tests use it as the rows to
// copy.
func Filled(t *testing.T, s Store, n int) (sessionID, journalID string) {
	t.Helper()
	ctx := t.Context()
	at := base.Add(time.Duration(n) * time.Hour).Add(123456789)
	sid := create(t, s, n, at)
	addWords(t, s, sid)
	must(t, s.Sessions.EndAnswer(ctx, sid, 0, 3, 48000))
	must(t, s.Sessions.SaveReport(ctx, sid, report("Leaning Hire", "long-situation"), []int{0, 1, 2}, at.Add(time.Minute+111)))
	must(t, s.Sessions.EndSession(ctx, sid, store.StateDone, 42.5, at.Add(2*time.Minute+222)))
	jid := id(500 + n)
	must(t, s.Journals.CreateJournal(ctx, jid, "journal secret", at.Add(-time.Hour)))
	first, second := story(2*n, at.Add(-time.Minute)), story(2*n+1, at.Add(-time.Second))
	second.Vocabulary = nil
	must(t, s.Journals.AddStory(ctx, jid, first))
	must(t, s.Journals.AddStory(ctx, jid, second))
	_, err := s.Journals.LinkAttempt(ctx, jid, first.ID, sid, 0)
	must(t, err)
	return sid, jid
}

// checkPortable: a session and a journal exported, dropped and imported
// read back as they were, through Portable and through the service's
// reads; imported over rows that differ, they replace them and leave the
// attempts; unknown ids are ErrNotFound.
func checkPortable(t *testing.T, s Store) {
	ctx := t.Context()
	sid, jid := Filled(t, s, 1)
	before, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	stories, err := s.Journals.Stories(ctx, jid)
	must(t, err)
	rows, err := s.Portable.ExportSession(ctx, sid)
	must(t, err)
	journalRows, err := s.Portable.ExportJournal(ctx, jid)
	must(t, err)
	if len(rows.Answers) != 2 || len(rows.Words) != 4 || len(rows.Utterances) != 2 || len(rows.Parts) != 2 || len(rows.Probes) != 1 ||
		rows.Report == nil || rows.SecretHash != store.HashSecret("secret-1") || rows.Answers[1].End != nil {
		t.Errorf("exported session %+v", rows)
	}
	if len(journalRows.Stories) != 2 || len(journalRows.Attempts) != 1 || journalRows.SecretHash != store.HashSecret("journal secret") {
		t.Errorf("exported journal %+v", journalRows)
	}
	sum, journalSum := checksums(t, rows, journalRows)

	must(t, s.Sessions.DeleteSession(ctx, sid))
	_, err = s.Journals.DeleteJournal(ctx, jid)
	must(t, err)
	must(t, s.Portable.ImportSession(ctx, rows))
	must(t, s.Portable.ImportJournal(ctx, journalRows))
	againSum, againJournalSum := exported(t, s, sid, jid)
	if againSum != sum || againJournalSum != journalSum {
		t.Errorf("imported into an empty store, the checksums changed")
	}
	after, err := s.Sessions.Session(ctx, sid)
	must(t, err)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the session read after import\n%+v; before\n%+v", after, before)
	}
	if got, err := s.Journals.Stories(ctx, jid); err != nil || !reflect.DeepEqual(got, stories) {
		t.Errorf("the stories read after import\n%+v %v; before\n%+v", got, err, stories)
	}

	// Changed, then imported over: the rows are the exported ones again,
	// and the journal keeps its attempt.
	must(t, s.Sessions.EndSession(ctx, sid, store.StateInterrupted, 1, base))
	must(t, s.Sessions.AddUtterance(ctx, sid, store.UtteranceRecord{N: 9, Answer: 1, Start: 9, End: 10, Engine: "e"}, 9,
		nil))
	if changed, _ := exported(t, s, sid, jid); changed == sum {
		t.Error("a changed session has the checksum it had")
	}
	must(t, s.Portable.ImportSession(ctx, rows))
	if againSum, againJournalSum := exported(t, s, sid, jid); againSum != sum || againJournalSum != journalSum {
		t.Errorf("imported over changed rows, the checksums differ")
	}

	if _, err := s.Portable.ExportSession(ctx, id(99)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ExportSession of an unknown id: %v", err)
	}
	if _, err := s.Portable.ExportJournal(ctx, id(599)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ExportJournal of an unknown id: %v", err)
	}
	_, other := Filled(t, s, 2)
	if ids, err := s.Portable.JournalIDs(ctx); err != nil || !slices.Equal(ids, []string{jid, other}) {
		t.Errorf("JournalIDs: %v %v; want %s, %s", ids, err, jid, other)
	}
}

// exported exports a session and a journal and returns their checksums.
func exported(t *testing.T, s Store, sessionID, journalID string) (string, string) {
	t.Helper()
	rows, err := s.Portable.ExportSession(t.Context(), sessionID)
	must(t, err)
	journalRows, err := s.Portable.ExportJournal(t.Context(), journalID)
	must(t, err)
	return checksums(t, rows, journalRows)
}

func checksums(t *testing.T, rows *store.SessionRows, journalRows *store.JournalRows) (string, string) {
	t.Helper()
	sum, err := rows.Checksum()
	must(t, err)
	journalSum, err := journalRows.Checksum()
	must(t, err)
	return sum, journalSum
}
