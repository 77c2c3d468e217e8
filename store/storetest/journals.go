package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// story is story n of a journal, created at.
func story(n int, at time.Time) journal.Story {
	return journal.Story{ID: fmt.Sprintf("%032x", 1000+n), Title: fmt.Sprintf("Story %d", n), Principles: []string{"Ownership", "Deliver Results"},
		Notes: "notes", Vocabulary: []string{"checkout", "retries"}, Created: at, Updated: at}
}

// checkStories: journals and their stories, oldest first, ties by id;
// a story is reached only through its own journal.
func checkStories(t *testing.T, s Store) {
	ctx := t.Context()
	j, other := id(501), id(502)
	created := base.Add(123456789)
	must(t, s.Journals.CreateJournal(ctx, j, "journal secret", created))
	must(t, s.Journals.CreateJournal(ctx, other, "other", base))
	if at, hash, err := s.Journals.Journal(ctx, j); err != nil || !sameTime(at, created) || hash != store.HashSecret("journal secret") {
		t.Errorf("Journal: %v %q %v", at, hash, err)
	}
	if _, _, err := s.Journals.Journal(ctx, id(599)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Journal of an unknown id: %v", err)
	}
	if err := s.Journals.CreateJournal(ctx, j, "again", base); err == nil {
		t.Error("a second journal with the same id was taken")
	}
	if list, err := s.Journals.Stories(ctx, j); err != nil || list == nil || len(list) != 0 {
		t.Errorf("stories of a new journal: %v %v; want an empty list", list, err)
	}
	s3, s1, s2 := story(3, base.Add(time.Second)), story(1, base.Add(500*time.Millisecond)), story(2, base.Add(time.Second))
	s2.Vocabulary, s2.Notes = nil, ""
	for _, st := range []journal.Story{s3, s1, s2} {
		must(t, s.Journals.AddStory(ctx, j, st))
	}
	if err := s.Journals.AddStory(ctx, other, s1); err == nil {
		t.Error("a second story with the same id was taken")
	}
	list, err := s.Journals.Stories(ctx, j)
	must(t, err)
	var ids []string
	for _, e := range list {
		ids = append(ids, e.Story.ID)
		if e.Attempts == nil {
			t.Errorf("story %s: nil attempts; want an empty list", e.Story.ID)
		}
	}
	if !slices.Equal(ids, []string{s1.ID, s2.ID, s3.ID}) {
		t.Errorf("stories in the order %v; want 1, 2, 3", ids)
	}
	got := list[1].Story
	if got.Title != "Story 2" || !slices.Equal(got.Principles, s2.Principles) || got.Vocabulary == nil || len(got.Vocabulary) != 0 ||
		got.Notes != "" || !sameTime(got.Created, s2.Created) || !sameTime(got.Updated, s2.Updated) {
		t.Errorf("story 2 reads %+v", got)
	}

	s1.Title, s1.Principles, s1.Notes, s1.Vocabulary, s1.Updated = "Renamed", []string{"Frugality"}, "new notes", []string{"budget"}, base.Add(time.Hour)
	must(t, s.Journals.UpdateStory(ctx, j, s1))
	e, err := s.Journals.Story(ctx, j, s1.ID)
	must(t, err)
	if e.Story.Title != "Renamed" || !slices.Equal(e.Story.Principles, []string{"Frugality"}) || e.Story.Notes != "new notes" ||
		!slices.Equal(e.Story.Vocabulary, []string{"budget"}) || !sameTime(e.Story.Updated, s1.Updated) || !sameTime(e.Story.Created, s1.Created) {
		t.Errorf("updated story %+v", e.Story)
	}
	for name, err := range map[string]error{
		"UpdateStory through another journal": s.Journals.UpdateStory(ctx, other, s1),
		"UpdateStory of no story":             s.Journals.UpdateStory(ctx, j, story(9, base)),
		"DeleteStory through another journal": s.Journals.DeleteStory(ctx, other, s1.ID),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v; want ErrNotFound", name, err)
		}
	}
	if _, err := s.Journals.Story(ctx, other, s1.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Story through another journal: %v", err)
	}
	must(t, s.Journals.DeleteStory(ctx, j, s1.ID))
	if err := s.Journals.DeleteStory(ctx, j, s1.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a story twice: %v", err)
	}
	if list, _ := s.Journals.Stories(ctx, j); len(list) != 2 {
		t.Errorf("%d stories after a delete; want 2", len(list))
	}
	if err := s.Journals.AddStory(ctx, id(599), story(7, base)); err == nil {
		t.Error("a story of no journal was taken")
	}
}

// checkAttempts follows attempts through their sessions' lives: linked
// while live, measured by each report, re-measured by a rebuild, gone
// with their session or story; and the links refused. Each step starts
// from where the one before it left the store.
func checkAttempts(t *testing.T, s Store) {
	f := newAttemptsFixture(t, s)
	checkLinkAttempts(t, s, f)
	checkAttemptsMeasured(t, s, f)
	checkLinksRefused(t, s, f)
	checkAttemptsGone(t, s, f)
	checkDeleteJournal(t, s, f)
}

// attemptsFixture is what checkAttempts links: two stories of journal j,
// one of journal other, and two sessions, the later created first.
type attemptsFixture struct {
	j, other            string
	st, st2, otherStory journal.Story
	later, earlier      string
}

func newAttemptsFixture(t *testing.T, s Store) attemptsFixture {
	ctx := t.Context()
	f := attemptsFixture{j: id(501), other: id(502), st: story(1, base), st2: story(2, base), otherStory: story(3, base)}
	must(t, s.Journals.CreateJournal(ctx, f.j, "s", base))
	must(t, s.Journals.CreateJournal(ctx, f.other, "s", base))
	must(t, errors.Join(s.Journals.AddStory(ctx, f.j, f.st), s.Journals.AddStory(ctx, f.j, f.st2), s.Journals.AddStory(ctx, f.other, f.otherStory)))
	f.later = create(t, s, 1, base.Add(time.Hour))
	f.earlier = create(t, s, 2, base.Add(123456789))
	return f
}

// checkLinkAttempts links a live session and a reported one to the same
// story, the second twice, and reads them back oldest first.
func checkLinkAttempts(t *testing.T, s Store, f attemptsFixture) {
	ctx := t.Context()
	a, err := s.Journals.LinkAttempt(ctx, f.j, f.st.ID, f.later, 0)
	if err != nil || a.Reported || a.SessionID != f.later || a.Answer != 0 || !sameTime(a.Created, base.Add(time.Hour)) {
		t.Fatalf("link a live session: %+v %v", a, err)
	}
	addWords(t, s, f.earlier)
	must(t, s.Sessions.SaveReport(ctx, f.earlier, report("Leaning Hire", "fillers"), []int{0, 1, 2}, base))
	a, err = s.Journals.LinkAttempt(ctx, f.j, f.st.ID, f.earlier, 0)
	if err != nil || !a.Reported || a.Verdict != "Leaning Hire" || !slices.Equal(a.Findings, []string{"fillers"}) {
		t.Errorf("link a reported session: %+v %v", a, err)
	}
	// Linking the same answer to the same story again changes nothing.
	if _, err := s.Journals.LinkAttempt(ctx, f.j, f.st.ID, f.earlier, 0); err != nil {
		t.Errorf("linking again: %v", err)
	}
	e, err := s.Journals.Story(ctx, f.j, f.st.ID)
	must(t, err)
	if len(e.Attempts) != 2 || e.Attempts[0].SessionID != f.earlier || e.Attempts[1].SessionID != f.later || e.Attempts[1].Reported ||
		!sameTime(e.Attempts[0].Created, base.Add(123456789)) {
		t.Fatalf("attempts %+v; want the earlier session's, reported, then the later's", e.Attempts)
	}
}

// checkAttemptsMeasured: the later session's report measures its
// attempt, and a rebuild measures it again.
func checkAttemptsMeasured(t *testing.T, s Store, f attemptsFixture) {
	ctx := t.Context()
	must(t, s.Sessions.SaveReport(ctx, f.later, report("Hire", "fillers", "vague"), nil, base))
	if e, _ := s.Journals.Story(ctx, f.j, f.st.ID); !e.Attempts[1].Reported || e.Attempts[1].Verdict != "Hire" || len(e.Attempts[1].Findings) != 2 {
		t.Errorf("after the report: %+v", e.Attempts[1])
	}
	must(t, s.Sessions.ReplaceTranscript(ctx, f.later, store.Transcript{Utterances: []store.UtteranceRecord{}, Words: [][]transcribe.Word{}}, report("No Hire"), nil, base))
	if e, _ := s.Journals.Story(ctx, f.j, f.st.ID); e.Attempts[1].Verdict != "No Hire" || len(e.Attempts[1].Findings) != 0 {
		t.Errorf("after the rebuild: %+v", e.Attempts[1])
	}
}

// checkLinksRefused: a probe's answer is an attempt of another story of
// the same journal; no answer is an attempt of two stories, no session of
// two journals, and nothing is reached through the wrong journal.
func checkLinksRefused(t *testing.T, s Store, f attemptsFixture) {
	ctx := t.Context()
	if _, err := s.Journals.LinkAttempt(ctx, f.j, f.st2.ID, f.later, 1); err != nil {
		t.Errorf("another answer to another story of the journal: %v", err)
	}
	for name, err := range map[string]error{
		"the same answer to another story":  second(s.Journals.LinkAttempt(ctx, f.j, f.st2.ID, f.later, 0)),
		"a session to another journal":      second(s.Journals.LinkAttempt(ctx, f.other, f.otherStory.ID, f.earlier, 1)),
		"another answer to another journal": second(s.Journals.LinkAttempt(ctx, f.other, f.otherStory.ID, f.later, 2)),
	} {
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: %v; want ErrConflict", name, err)
		}
	}
	for name, err := range map[string]error{
		"a story through another journal": second(s.Journals.LinkAttempt(ctx, f.other, f.st.ID, f.earlier, 0)),
		"no story":                        second(s.Journals.LinkAttempt(ctx, f.j, id(999), f.earlier, 0)),
		"no session":                      second(s.Journals.LinkAttempt(ctx, f.j, f.st.ID, id(99), 0)),
		"unlink what is not linked":       s.Journals.UnlinkAttempt(ctx, f.j, f.st.ID, f.earlier, 3),
		"unlink through another journal":  s.Journals.UnlinkAttempt(ctx, f.other, f.st.ID, f.earlier, 0),
		"SessionStory of no attempt":      third(s.Journals.SessionStory(ctx, f.earlier, 3)),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v; want ErrNotFound", name, err)
		}
	}
	if js, sid, err := s.Journals.SessionStory(ctx, f.later, 1); err != nil || js != f.j || sid != f.st2.ID {
		t.Errorf("SessionStory: %s %s %v", js, sid, err)
	}
}

// checkAttemptsGone: an attempt unlinked once, and gone with its story or
// its session.
func checkAttemptsGone(t *testing.T, s Store, f attemptsFixture) {
	ctx := t.Context()
	must(t, s.Journals.UnlinkAttempt(ctx, f.j, f.st.ID, f.earlier, 0))
	if err := s.Journals.UnlinkAttempt(ctx, f.j, f.st.ID, f.earlier, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unlinking twice: %v", err)
	}
	must(t, s.Journals.DeleteStory(ctx, f.j, f.st2.ID))
	if _, _, err := s.Journals.SessionStory(ctx, f.later, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an attempt outlived its story: %v", err)
	}
	must(t, s.Sessions.DeleteSession(ctx, f.later))
	if e, _ := s.Journals.Story(ctx, f.j, f.st.ID); len(e.Attempts) != 0 {
		t.Errorf("an attempt outlived its session: %+v", e.Attempts)
	}
}

// checkDeleteJournal: deleting a journal lists the sessions its attempts
// were in and takes its stories, not the sessions; a journal without
// attempts lists none.
func checkDeleteJournal(t *testing.T, s Store, f attemptsFixture) {
	ctx := t.Context()
	another := create(t, s, 3, base)
	for _, sid := range []string{another, f.earlier} {
		if _, err := s.Journals.LinkAttempt(ctx, f.j, f.st.ID, sid, 0); err != nil {
			t.Fatal(err)
		}
	}
	sessions, err := s.Journals.DeleteJournal(ctx, f.j)
	if err != nil || !slices.Equal(sessions, []string{f.earlier, another}) {
		t.Errorf("DeleteJournal: %v %v; want %s and %s", sessions, err, f.earlier, another)
	}
	if _, err := s.Journals.Story(ctx, f.j, f.st.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a story outlived its journal: %v", err)
	}
	if _, err := s.Sessions.Session(ctx, another); err != nil {
		t.Errorf("a session went with the journal: %v", err)
	}
	if _, err := s.Journals.DeleteJournal(ctx, f.j); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a journal twice: %v", err)
	}
	if sessions, err := s.Journals.DeleteJournal(ctx, f.other); err != nil || sessions == nil || len(sessions) != 0 {
		t.Errorf("deleting a journal without attempts: %v %v; want an empty list", sessions, err)
	}
}

// checkFull refuses a story past journal.MaxStories and keeps the others.
func checkFull(t *testing.T, s Store) {
	ctx := t.Context()
	j := id(501)
	must(t, s.Journals.CreateJournal(ctx, j, "s", base))
	for i := range journal.MaxStories + 1 {
		err := s.Journals.AddStory(ctx, j, story(i, base))
		if (i < journal.MaxStories) != (err == nil) || (err != nil && !errors.Is(err, store.ErrFull)) {
			t.Fatalf("story %d: %v", i, err)
		}
	}
	if all, err := s.Journals.Stories(ctx, j); err != nil || len(all) != journal.MaxStories {
		t.Errorf("%d stories kept: %v", len(all), err)
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }
