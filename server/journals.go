package server

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
)

// JournalSecretHeader is where a client puts a journal's secret when it
// cannot use the query string.
const JournalSecretHeader = "X-Journal-Secret"

// journals serves the story journal API: a person's stories, their
// attempts, the principle map and the practice plan.
type journals struct {
	log        zerolog.Logger
	st         store.Store
	bank       *interviewer.Bank
	sessions   *Sessions
	adminToken string
}

// principles lists the bank's principles as the map shows them.
func (j *journals) principles() []journal.Principle {
	out := make([]journal.Principle, 0, len(j.bank.Principles))
	for _, p := range j.bank.Principles {
		out = append(out, journal.Principle{Name: p.Name, Slug: p.Slug})
	}
	return out
}

// unlocked lets a request through only with the journal's secret (in
// ?secret= or the X-Journal-Secret header) or the operator's token. Any
// other request gets the same 404 as a journal that does not exist.
func (j *journals) unlocked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		w.Header().Set("Cache-Control", "no-store")
		if !store.ValidSessionID(id) {
			writeJournalNotFound(w)
			return
		}
		_, hash, err := j.st.Journals.Journal(r.Context(), id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusInternalServerError, "cannot read the journal")
			return
		}
		secret := r.URL.Query().Get("secret")
		if secret == "" {
			secret = r.Header.Get(JournalSecretHeader)
		}
		switch {
		case err != nil:
			writeJournalNotFound(w)
		case isAdmin(r, j.adminToken),
			secret != "" && subtle.ConstantTimeCompare([]byte(store.HashSecret(secret)), []byte(hash)) == 1:
			next.ServeHTTP(w, r)
		default:
			writeJournalNotFound(w)
		}
	})
}

// writeJournalNotFound is the one answer for a journal that does not
// exist and one asked for without its secret.
func writeJournalNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "no such journal (or not with that secret)")
}

// writeJournalError answers a store error of the journal API.
func writeJournalError(w http.ResponseWriter, err error, notFound string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, notFound)
	case errors.Is(err, store.ErrFull):
		writeError(w, http.StatusConflict, fmt.Sprintf("the journal holds %d stories, the most it can; delete one first", journal.MaxStories))
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, "that answer is an attempt of another story, or its session belongs to another journal; unlink it there first")
	default:
		writeError(w, http.StatusInternalServerError, "cannot read or write the journal; try again")
	}
}

func (j *journals) create() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := readBody(w, r); !ok {
			return
		}
		id, secret := randomHex(16), randomHex(16)
		if err := j.st.Journals.CreateJournal(r.Context(), id, secret, time.Now()); err != nil {
			j.log.Error().Err(err).Msg("create journal")
			writeError(w, http.StatusInternalServerError, "cannot create a journal; try again")
			return
		}
		j.log.Info().Str("journal", id).Msg("journal created")
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusCreated, map[string]string{"id": id, "secret": secret})
	})
}

// JournalView is a journal as the API shows it.
type JournalView struct {
	ID         string                 `json:"id"`
	Created    time.Time              `json:"created"`
	Stories    []journal.StoryRow     `json:"stories"`
	Principles []journal.PrincipleRow `json:"principles"`
	Plan       []journal.Step         `json:"plan"`
}

// StoryView is a story with its attempts and what changed across them.
type StoryView struct {
	journal.Story
	Attempts []journal.Attempt     `json:"attempts"`
	Progress journal.StoryProgress `json:"progress"`
}

func (j *journals) view(r *http.Request) (JournalView, []journal.Entry, error) {
	id := r.PathValue("id")
	created, _, err := j.st.Journals.Journal(r.Context(), id)
	if err != nil {
		return JournalView{}, nil, err
	}
	entries, err := j.st.Journals.Stories(r.Context(), id)
	if err != nil {
		return JournalView{}, nil, err
	}
	principles := j.principles()
	return JournalView{ID: id, Created: created, Stories: journal.Rows(entries),
		Principles: journal.Map(principles, entries), Plan: journal.Plan(principles, entries)}, entries, nil
}

func storyView(e journal.Entry) StoryView {
	progress := journal.Progress(e.Attempts)
	return StoryView{Story: e.Story, Attempts: e.Attempts, Progress: progress}
}

func (j *journals) get() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _, err := j.view(r)
		if err != nil {
			writeJournalError(w, err, "no such journal (or not with that secret)")
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

// del deletes a journal and its stories, and with ?sessions=1 every
// session linked to it, recordings included. Nothing is deleted while one
// of those sessions is still going on.
func (j *journals) del() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		withSessions := r.URL.Query().Get("sessions")
		if withSessions != "" && withSessions != "0" && withSessions != "1" {
			writeError(w, http.StatusBadRequest, "sessions must be 1 (delete the linked sessions too) or 0")
			return
		}
		if withSessions == "1" {
			entries, err := j.st.Journals.Stories(r.Context(), id)
			if err != nil {
				writeJournalError(w, err, "no such journal (or not with that secret)")
				return
			}
			for _, e := range entries {
				for _, a := range e.Attempts {
					if j.sessions.IsLive(a.SessionID) {
						writeError(w, http.StatusConflict, "a session of this journal is still going on; end it first")
						return
					}
				}
			}
		}
		linked, err := j.st.Journals.DeleteJournal(r.Context(), id)
		if err != nil {
			writeJournalError(w, err, "no such journal (or not with that secret)")
			return
		}
		deleted := 0
		if withSessions == "1" {
			for _, s := range linked {
				err := j.st.Sessions.DeleteSession(r.Context(), s)
				if err == nil || errors.Is(err, store.ErrNotFound) {
					err = j.st.Recordings.Delete(r.Context(), s)
				}
				if err != nil {
					j.log.Error().Err(err).Str("journal", id).Str("session", s).Msg("session left after journal delete")
					writeError(w, http.StatusInternalServerError, "the journal was deleted but some of its sessions could not be; delete them from their own pages")
					return
				}
				deleted++
			}
		}
		j.log.Info().Str("journal", id).Int("sessions_deleted", deleted).Msg("journal deleted")
		w.WriteHeader(http.StatusNoContent)
	})
}

// storyInput is a story as a client sends it; a field left out of a
// PATCH keeps its value.
type storyInput struct {
	Title      *string   `json:"title"`
	Principles *[]string `json:"principles"`
	Notes      *string   `json:"notes"`
	Vocabulary *[]string `json:"vocabulary"`
}

// decodeStrict reads a JSON body that must hold one object with only the
// fields v knows, so that a misspelt field is an error, not ignored.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "the body must be one JSON object: "+err.Error())
		return false
	}
	return true
}

// apply checks the input and writes it into s; the error says what to send.
func (in storyInput) apply(bank *interviewer.Bank, s *journal.Story) error {
	if in.Title != nil {
		t := strings.Join(strings.Fields(*in.Title), " ")
		if t == "" || utf8.RuneCountInString(t) > journal.MaxTitle {
			return fmt.Errorf("title must be 1 to %d characters", journal.MaxTitle)
		}
		s.Title = t
	}
	if in.Principles != nil {
		list, err := canonicalPrinciples(bank, *in.Principles)
		if err != nil {
			return err
		}
		s.Principles = list
	}
	if in.Notes != nil {
		if len(*in.Notes) > journal.MaxNotes {
			return fmt.Errorf("notes of %d bytes: keep them under %d", len(*in.Notes), journal.MaxNotes)
		}
		s.Notes = strings.TrimSpace(*in.Notes)
	}
	if in.Vocabulary != nil {
		terms := []string{}
		for _, t := range *in.Vocabulary {
			if t = strings.TrimSpace(t); t == "" {
				continue
			}
			if len(t) > journal.MaxTerm {
				return fmt.Errorf("vocabulary term %q is over %d bytes", t[:journal.MaxTerm], journal.MaxTerm)
			}
			terms = append(terms, t)
		}
		if len(terms) > journal.MaxVocabulary {
			return fmt.Errorf("vocabulary of %d terms: give at most %d", len(terms), journal.MaxVocabulary)
		}
		s.Vocabulary = terms
	}
	return nil
}

// canonicalPrinciples names each principle as the bank does, once.
func canonicalPrinciples(bank *interviewer.Bank, names []string) ([]string, error) {
	out := []string{}
	for _, n := range names {
		p, ok := bank.Principle(n)
		if !ok {
			return nil, fmt.Errorf("unknown principle %q: use one of %s", n, quotedList(bank.PrincipleNames()))
		}
		if !slices.Contains(out, p.Name) {
			out = append(out, p.Name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("a story serves at least one principle: one of %s", quotedList(bank.PrincipleNames()))
	}
	return out, nil
}

// quotedList writes names that hold commas and semicolons themselves
// ("Are Right, A Lot") so that a reader can tell them apart.
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func (j *journals) addStory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in storyInput
		if !decodeStrict(w, r, &in) {
			return
		}
		if in.Title == nil || in.Principles == nil {
			writeError(w, http.StatusBadRequest, `a story needs a "title" and its "principles" (one or more of the 16)`)
			return
		}
		now := time.Now().UTC()
		s := journal.Story{ID: randomHex(16), Principles: []string{}, Vocabulary: []string{}, Created: now, Updated: now}
		if err := in.apply(j.bank, &s); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		if err := j.st.Journals.AddStory(r.Context(), r.PathValue("id"), s); err != nil {
			writeJournalError(w, err, "no such journal (or not with that secret)")
			return
		}
		writeJSON(w, http.StatusCreated, s)
	})
}

func (j *journals) patchStory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in storyInput
		if !decodeStrict(w, r, &in) {
			return
		}
		e, err := j.st.Journals.Story(r.Context(), r.PathValue("id"), r.PathValue("sid"))
		if err != nil {
			writeJournalError(w, err, "no such story in this journal")
			return
		}
		s := e.Story
		if err := in.apply(j.bank, &s); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.Updated = time.Now().UTC()
		if err := j.st.Journals.UpdateStory(r.Context(), r.PathValue("id"), s); err != nil {
			writeJournalError(w, err, "no such story in this journal")
			return
		}
		writeJSON(w, http.StatusOK, s)
	})
}

func (j *journals) deleteStory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := j.st.Journals.DeleteStory(r.Context(), r.PathValue("id"), r.PathValue("sid")); err != nil {
			writeJournalError(w, err, "no such story in this journal")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (j *journals) getStory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, err := j.st.Journals.Story(r.Context(), r.PathValue("id"), r.PathValue("sid"))
		if err != nil {
			writeJournalError(w, err, "no such story in this journal")
			return
		}
		writeJSON(w, http.StatusOK, storyView(e))
	})
}

// attemptInput names a session's answer and unlocks the session.
type attemptInput struct {
	SessionID     string `json:"session_id"`
	SessionSecret string `json:"session_secret"`
	Answer        *int   `json:"answer"`
}

// link makes a session's main answer an attempt of a story. The session
// is unlocked by its own secret (or the operator's token): knowing a
// journal's secret gives no way into a session.
func (j *journals) link() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in attemptInput
		if !decodeStrict(w, r, &in) {
			return
		}
		n := 0
		if in.Answer != nil {
			n = *in.Answer
		}
		if !j.sessionUnlocked(r, in.SessionID, in.SessionSecret) {
			writeError(w, http.StatusNotFound, "no such session (or not with that session_secret)")
			return
		}
		a, err := j.st.Sessions.Answer(r.Context(), in.SessionID, n)
		if err != nil {
			writeJournalError(w, err, fmt.Sprintf("the session has no answer %d", n))
			return
		}
		if a.ProbeID != "" || a.Gap != "" {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("answer %d is a reply to a probe; link the main answer (0), whose probe replies belong to it", n))
			return
		}
		att, err := j.st.Journals.LinkAttempt(r.Context(), r.PathValue("id"), r.PathValue("sid"), in.SessionID, n)
		if err != nil {
			writeJournalError(w, err, "no such story in this journal")
			return
		}
		writeJSON(w, http.StatusCreated, att)
	})
}

func (j *journals) sessionUnlocked(r *http.Request, id, secret string) bool {
	if !store.ValidSessionID(id) {
		return false
	}
	hash, err := j.st.Sessions.SecretHash(r.Context(), id)
	if err != nil {
		return false
	}
	if isAdmin(r, j.adminToken) {
		return true
	}
	return secret != "" && subtle.ConstantTimeCompare([]byte(store.HashSecret(secret)), []byte(hash)) == 1
}

func (j *journals) unlink() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil {
			writeError(w, http.StatusNotFound, "no such attempt")
			return
		}
		if err := j.st.Journals.UnlinkAttempt(r.Context(), r.PathValue("id"), r.PathValue("sid"), r.PathValue("session"), n); err != nil {
			writeJournalError(w, err, "no such attempt of this story")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// JournalExport is a whole journal: its view and every story's.
type JournalExport struct {
	JournalView
	StoryViews []StoryView `json:"story_views"`
}

func (j *journals) export(format string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, entries, err := j.view(r)
		if err != nil {
			writeJournalError(w, err, "no such journal (or not with that secret)")
			return
		}
		out := JournalExport{JournalView: v, StoryViews: []StoryView{}}
		for _, e := range entries {
			out.StoryViews = append(out.StoryViews, storyView(e))
		}
		var body []byte
		contentType := "application/json"
		if format == "json" {
			body, err = json.MarshalIndent(out, "", "  ")
		} else {
			contentType = "text/markdown; charset=utf-8"
			body = []byte(JournalMarkdown(out))
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, "cannot export the journal")
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mockinterview-journal-%s.%s"`, v.ID[:8], format))
		w.Write(body)
	})
}
