package folder

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
)

// TestJournalAttempts follows an attempt through its session's life: linked
// while live (no figures yet), measured when the report is saved, measured
// again when the session is retranscribed, gone with its session; and the
// rules a link keeps.
func TestJournalAttempts(t *testing.T) {
	ctx := t.Context()
	f, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	j := f.Journals
	journalID, otherID := strings.Repeat("1", 32), strings.Repeat("2", 32)
	for _, id := range []string{journalID, otherID} {
		if err := j.CreateJournal(ctx, id, "s", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	story := journal.Story{ID: strings.Repeat("3", 32), Title: "Outage", Principles: []string{"Ownership"}, Created: now, Updated: now}
	otherStory := journal.Story{ID: strings.Repeat("4", 32), Title: "Other", Principles: []string{"Frugality"}, Created: now, Updated: now}
	if err := errors.Join(j.AddStory(ctx, journalID, story), j.AddStory(ctx, otherID, otherStory)); err != nil {
		t.Fatal(err)
	}
	newSession(t, f, testID)

	a, err := j.LinkAttempt(ctx, journalID, story.ID, testID, 0)
	if err != nil || a.Reported {
		t.Fatalf("link a live session: %+v %v", a, err)
	}
	report := &interviewer.InterviewReport{Verdict: &interviewer.HiringVerdict{Decision: "Leaning Hire"}}
	report.Feedback = []interviewer.Finding{{Code: "fillers"}}
	if err := f.Sessions.SaveReport(ctx, testID, report, nil, now); err != nil {
		t.Fatal(err)
	}
	if e, err := j.Story(ctx, journalID, story.ID); err != nil || len(e.Attempts) != 1 || !e.Attempts[0].Reported ||
		e.Attempts[0].Verdict != "Leaning Hire" || !slices.Equal(e.Attempts[0].Findings, []string{"fillers"}) {
		t.Fatalf("after the report: %+v %v", e, err)
	}
	report.Feedback = nil
	if err := f.Sessions.ReplaceTranscript(ctx, testID, store.Transcript{}, report, nil, now); err != nil {
		t.Fatal(err)
	}
	if e, _ := j.Story(ctx, journalID, story.ID); len(e.Attempts[0].Findings) != 0 {
		t.Errorf("after retranscription the attempt still has %v", e.Attempts[0].Findings)
	}

	if _, err := j.LinkAttempt(ctx, otherID, otherStory.ID, testID, 0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("linking a session of one journal to another: %v", err)
	}
	if _, err := j.LinkAttempt(ctx, otherID, story.ID, testID, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a story through another journal: %v", err)
	}
	if js, s, err := j.SessionStory(ctx, testID, 0); err != nil || js != journalID || s != story.ID {
		t.Errorf("SessionStory: %s %s %v", js, s, err)
	}
	if err := j.UpdateStory(ctx, otherID, story); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("updating a story through another journal: %v", err)
	}

	if err := f.Sessions.DeleteSession(ctx, testID); err != nil {
		t.Fatal(err)
	}
	if e, _ := j.Story(ctx, journalID, story.ID); len(e.Attempts) != 0 {
		t.Errorf("the attempt outlived its session: %+v", e.Attempts)
	}
	newSession(t, f, strings.Repeat("cd", 16))
	if _, err := j.LinkAttempt(ctx, journalID, story.ID, strings.Repeat("cd", 16), 0); err != nil {
		t.Fatal(err)
	}
	sessions, err := j.DeleteJournal(ctx, journalID)
	if err != nil || !slices.Equal(sessions, []string{strings.Repeat("cd", 16)}) {
		t.Errorf("DeleteJournal: %v %v", sessions, err)
	}
	if _, err := j.Story(ctx, journalID, story.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the story outlived its journal: %v", err)
	}
	if _, err := f.Sessions.Session(ctx, strings.Repeat("cd", 16)); err != nil {
		t.Errorf("the session went with the journal: %v", err)
	}
	if _, err := j.DeleteJournal(ctx, journalID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a journal twice: %v", err)
	}
}

// TestJournalFull refuses a story past the limit and keeps the others.
func TestJournalFull(t *testing.T) {
	ctx := t.Context()
	f, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id := strings.Repeat("1", 32)
	f.Journals.CreateJournal(ctx, id, "s", time.Now())
	for i := range journal.MaxStories + 1 {
		s := journal.Story{ID: strings.Repeat("0", 28) + string(rune('a'+i/26/26%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26)) + "0",
			Title: "S", Principles: []string{"Ownership"}}
		err := f.Journals.AddStory(ctx, id, s)
		if (i < journal.MaxStories) != (err == nil) || (err != nil && !errors.Is(err, store.ErrFull)) {
			t.Fatalf("story %d: %v", i, err)
		}
	}
	if all, err := f.Journals.Stories(ctx, id); err != nil || len(all) != journal.MaxStories {
		t.Errorf("%d stories kept: %v", len(all), err)
	}
}
