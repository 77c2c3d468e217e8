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
// with their session or story; and the links refused.
func checkAttempts(t *testing.T, s Store) {
	ctx := t.Context()
	j, other := id(501), id(502)
	must(t, s.Journals.CreateJournal(ctx, j, "s", base))
	must(t, s.Journals.CreateJournal(ctx, other, "s", base))
	st, st2, otherStory := story(1, base), story(2, base), story(3, base)
	must(t, errors.Join(s.Journals.AddStory(ctx, j, st), s.Journals.AddStory(ctx, j, st2), s.Journals.AddStory(ctx, other, otherStory)))
	later := create(t, s, 1, base.Add(time.Hour))
	earlier := create(t, s, 2, base.Add(123456789))

	a, err := s.Journals.LinkAttempt(ctx, j, st.ID, later, 0)
	if err != nil || a.Reported || a.SessionID != later || a.Answer != 0 || !sameTime(a.Created, base.Add(time.Hour)) {
		t.Fatalf("link a live session: %+v %v", a, err)
	}
	addWords(t, s, earlier)
	must(t, s.Sessions.SaveReport(ctx, earlier, report("Leaning Hire", "fillers"), []int{0, 1, 2}, base))
	a, err = s.Journals.LinkAttempt(ctx, j, st.ID, earlier, 0)
	if err != nil || !a.Reported || a.Verdict != "Leaning Hire" || !slices.Equal(a.Findings, []string{"fillers"}) {
		t.Errorf("link a reported session: %+v %v", a, err)
	}
	// Linking the same answer to the same story again changes nothing.
	if _, err := s.Journals.LinkAttempt(ctx, j, st.ID, earlier, 0); err != nil {
		t.Errorf("linking again: %v", err)
	}
	e, err := s.Journals.Story(ctx, j, st.ID)
	must(t, err)
	if len(e.Attempts) != 2 || e.Attempts[0].SessionID != earlier || e.Attempts[1].SessionID != later || e.Attempts[1].Reported ||
		!sameTime(e.Attempts[0].Created, base.Add(123456789)) {
		t.Fatalf("attempts %+v; want the earlier session's, reported, then the later's", e.Attempts)
	}

	// The later session's report measures its attempt, and a rebuild
	// measures it again.
	must(t, s.Sessions.SaveReport(ctx, later, report("Hire", "fillers", "vague"), nil, base))
	if e, _ := s.Journals.Story(ctx, j, st.ID); !e.Attempts[1].Reported || e.Attempts[1].Verdict != "Hire" || len(e.Attempts[1].Findings) != 2 {
		t.Errorf("after the report: %+v", e.Attempts[1])
	}
	must(t, s.Sessions.ReplaceTranscript(ctx, later, store.Transcript{Utterances: []store.UtteranceRecord{}, Words: [][]transcribe.Word{}}, report("No Hire"), nil, base))
	if e, _ := s.Journals.Story(ctx, j, st.ID); e.Attempts[1].Verdict != "No Hire" || len(e.Attempts[1].Findings) != 0 {
		t.Errorf("after the rebuild: %+v", e.Attempts[1])
	}

	// A probe's answer is an attempt of another story of the same journal;
	// no answer is an attempt of two stories, no session of two journals.
	if _, err := s.Journals.LinkAttempt(ctx, j, st2.ID, later, 1); err != nil {
		t.Errorf("another answer to another story of the journal: %v", err)
	}
	for name, err := range map[string]error{
		"the same answer to another story":  second(s.Journals.LinkAttempt(ctx, j, st2.ID, later, 0)),
		"a session to another journal":      second(s.Journals.LinkAttempt(ctx, other, otherStory.ID, earlier, 1)),
		"another answer to another journal": second(s.Journals.LinkAttempt(ctx, other, otherStory.ID, later, 2)),
	} {
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: %v; want ErrConflict", name, err)
		}
	}
	for name, err := range map[string]error{
		"a story through another journal": second(s.Journals.LinkAttempt(ctx, other, st.ID, earlier, 0)),
		"no story":                        second(s.Journals.LinkAttempt(ctx, j, id(999), earlier, 0)),
		"no session":                      second(s.Journals.LinkAttempt(ctx, j, st.ID, id(99), 0)),
		"unlink what is not linked":       s.Journals.UnlinkAttempt(ctx, j, st.ID, earlier, 3),
		"unlink through another journal":  s.Journals.UnlinkAttempt(ctx, other, st.ID, earlier, 0),
		"SessionStory of no attempt":      third(s.Journals.SessionStory(ctx, earlier, 3)),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v; want ErrNotFound", name, err)
		}
	}
	if js, sid, err := s.Journals.SessionStory(ctx, later, 1); err != nil || js != j || sid != st2.ID {
		t.Errorf("SessionStory: %s %s %v", js, sid, err)
	}

	must(t, s.Journals.UnlinkAttempt(ctx, j, st.ID, earlier, 0))
	if err := s.Journals.UnlinkAttempt(ctx, j, st.ID, earlier, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unlinking twice: %v", err)
	}
	must(t, s.Journals.DeleteStory(ctx, j, st2.ID))
	if _, _, err := s.Journals.SessionStory(ctx, later, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an attempt outlived its story: %v", err)
	}
	must(t, s.Sessions.DeleteSession(ctx, later))
	if e, _ := s.Journals.Story(ctx, j, st.ID); len(e.Attempts) != 0 {
		t.Errorf("an attempt outlived its session: %+v", e.Attempts)
	}

	another := create(t, s, 3, base)
	for _, sid := range []string{another, earlier} {
		if _, err := s.Journals.LinkAttempt(ctx, j, st.ID, sid, 0); err != nil {
			t.Fatal(err)
		}
	}
	sessions, err := s.Journals.DeleteJournal(ctx, j)
	if err != nil || !slices.Equal(sessions, []string{earlier, another}) {
		t.Errorf("DeleteJournal: %v %v; want %s and %s", sessions, err, earlier, another)
	}
	if _, err := s.Journals.Story(ctx, j, st.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a story outlived its journal: %v", err)
	}
	if _, err := s.Sessions.Session(ctx, another); err != nil {
		t.Errorf("a session went with the journal: %v", err)
	}
	if _, err := s.Journals.DeleteJournal(ctx, j); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a journal twice: %v", err)
	}
	if sessions, err := s.Journals.DeleteJournal(ctx, other); err != nil || sessions == nil || len(sessions) != 0 {
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
