package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/transcribe/instant"
)

// BenchmarkJournalView lists a journal of 50 stories and 500 attempts
// (GET /api/journals/{id}: the stories, the principle map and the plan)
// from a data folder on disk, through the whole handler. Issue 30 wants it
// under 50 ms; docs/BENCHMARKS.md has the figure.
func BenchmarkJournalView(b *testing.B) {
	bank, err := interviewer.LoadBank()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	data, err := folder.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer data.Close()
	const journalID, secret = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	if err := data.Journals.CreateJournal(ctx, journalID, secret, time.Now()); err != nil {
		b.Fatal(err)
	}
	began := time.Now().Add(-500 * time.Hour)
	for i := range 50 {
		s := journal.Story{ID: fmt.Sprintf("%032x", i+1), Title: fmt.Sprintf("Story %d", i+1), Created: began, Updated: began,
			Principles: []string{bank.Principles[i%16].Name, bank.Principles[(i+5)%16].Name}, Vocabulary: []string{"kafka"}}
		if err := data.Journals.AddStory(ctx, journalID, s); err != nil {
			b.Fatal(err)
		}
		for k := range 10 {
			if err := addAttempt(ctx, data, journalID, s.ID, began.Add(time.Duration(i*10+k)*time.Hour), i*10+k); err != nil {
				b.Fatal(err)
			}
		}
	}
	handler := NewServer(zerolog.Nop(), Config{}, data.Store(), instant.Engine{}, bank, nil, NewSessions(), fstest.MapFS{})
	req := httptest.NewRequest(http.MethodGet, "/api/journals/"+journalID+"?secret="+secret, nil)
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// addAttempt stores a session with a report like a real one's figures
// and links it to a story.
func addAttempt(ctx context.Context, data *folder.Folder, journalID, storyID string, at time.Time, n int) error {
	id := fmt.Sprintf("%032x", 1<<40+n)
	rec := store.SessionRecord{ID: id, CreatedAt: at, Mode: "interview", Level: "sde2", QuestionID: "q", Principle: "Ownership", Engine: "instant"}
	if err := data.Sessions.CreateSession(ctx, rec, "secret"); err != nil {
		return err
	}
	if err := data.Sessions.AddAnswer(ctx, id, store.AnswerRecord{N: 0, Asked: "Tell me about a time", AudioFile: "session.wav"}); err != nil {
		return err
	}
	if _, err := data.Journals.LinkAttempt(ctx, journalID, storyID, id, 0); err != nil {
		return err
	}
	r := &interviewer.InterviewReport{Mode: interviewer.ModeInterview, Principle: "Ownership",
		Probes:  []interviewer.ProbeExchange{{Gap: "quantify", Verdict: &interviewer.Verdict{Rating: interviewer.RatingWeak}}},
		Verdict: &interviewer.HiringVerdict{Decision: interviewer.VerdictSteps[n%4]}}
	r.Budget = interviewer.Budget{Min: 150, Max: 195, Length: 140 + float64(n%40), Status: interviewer.StatusOK}
	for _, l := range star.Labels {
		r.Timing = append(r.Timing, interviewer.LabelTiming{Label: l, Duration: 20 + float64(n%30), Target: 30, Status: interviewer.StatusOK})
	}
	r.Feedback = []interviewer.Finding{{Code: "result_no_number"}, {Code: "fillers"}, {Code: "situation_long"}}
	return data.Sessions.SaveReport(ctx, id, r, nil, at)
}

// TestJournalJSONDocumented: the fields docs/protocol.md lists for a
// journal and a story are the keys of the real JSON the server gives for
// a journal with a told story and an untold one.
func TestJournalJSONDocumented(t *testing.T) {
	bank, err := interviewer.LoadBank()
	if err != nil {
		t.Fatal(err)
	}
	data, err := folder.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	hs := httptest.NewServer(NewServer(zerolog.Nop(), Config{}, data.Store(), instant.Engine{}, bank, nil, NewSessions(), fstest.MapFS{}))
	defer hs.Close()
	ts := &testServer{url: hs.URL}
	j := newJournal(t, ts)
	told := j.addStory(t, map[string]any{"title": "Told", "principles": []string{"Ownership"}, "notes": "n", "vocabulary": []string{"kafka"}})
	j.addStory(t, map[string]any{"title": "Untold", "principles": []string{"Frugality"}})
	for i := range 2 {
		if err := addAttempt(t.Context(), data, j.ID, told.ID, time.Now().Add(time.Duration(i)*time.Minute), i); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ heading, path string }{
		{"The journal's JSON", ""},
		{"A story's JSON", "/stories/" + told.ID},
	} {
		code, body := j.do(t, http.MethodGet, c.path, nil)
		var v map[string]any
		if code != http.StatusOK || json.Unmarshal(body, &v) != nil {
			t.Fatalf("GET %s: %d %s", c.path, code, body)
		}
		got := map[string]bool{}
		jsonPaths("", v, got)
		doc := fieldsDoc(t, c.heading)
		if len(doc) < 20 {
			t.Fatalf("read %d fields under %q", len(doc), c.heading)
		}
		compareDoc(t, strings.ToLower(c.heading[:1])+c.heading[1:], doc, got)
	}
}
