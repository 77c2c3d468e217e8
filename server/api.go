package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Where a client puts a session's secret when it cannot use the query
// string, and the several secrets of the sessions it wants listed.
const (
	SecretHeader  = "X-Session-Secret"
	SecretsHeader = "X-Session-Secrets"
)

func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
}

// handleReadyz answers 200 while the database and the engine answer and
// the server is not shutting down.
func handleReadyz(saved store.Sessions, engine transcribe.Engine, engineReady func(context.Context) error, sessions *Sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if sessions.Closing() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if err := saved.Ping(ctx); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if engineReady != nil {
			if err := engineReady(ctx); err != nil {
				http.Error(w, "engine "+engine.Name()+": "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		endpoint := ""
		if ep, ok := engine.(transcribe.EndpointReporter); ok {
			st := ep.Endpoint()
			if st.Breaker != transcribe.BreakerClosed && st.Fallback == "" {
				http.Error(w, "engine "+engine.Name()+": "+endpointState(st), http.StatusServiceUnavailable)
				return
			}
			endpoint = endpointState(st) + "\n"
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "ready: database ok, engine %s ok, %d live sessions\n%s", engine.Name(), sessions.Count(), endpoint)
	})
}

// endpointState says in a line how an engine's remote endpoint is doing.
func endpointState(st transcribe.EndpointStatus) string {
	line := fmt.Sprintf("endpoint %s: breaker %s", st.URL, st.Breaker)
	if st.Breaker == transcribe.BreakerClosed {
		return line + ": the endpoint hears the utterances"
	}
	line += fmt.Sprintf(" since %s after %d failures in a row (last: %s)", st.Since.UTC().Format(time.RFC3339), st.Failures, st.LastError)
	if st.Fallback != "" {
		return line + "; the fallback " + st.Fallback + " hears the utterances"
	}
	return line + "; no fallback: utterances wait until the endpoint answers"
}

// questionList is the bank as a client needs it to offer a choice.
type questionList struct {
	Levels []levelEntry `json:"levels"`
	// DefaultLevel is the level a Start without one is held at.
	DefaultLevel string           `json:"default_level"`
	Principles   []principleEntry `json:"principles"`
}

// levelEntry is a level with its answer's length target, the band the
// report judges an answer by, in seconds.
type levelEntry struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	BudgetMin float64 `json:"budget_min"`
	BudgetMax float64 `json:"budget_max"`
}

type principleEntry struct {
	Name      string          `json:"name"`
	Slug      string          `json:"slug"`
	Summary   string          `json:"summary"`
	Questions []questionEntry `json:"questions"`
}

type questionEntry struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func handleQuestions(bank *interviewer.Bank) http.Handler {
	list := questionList{Levels: []levelEntry{}, DefaultLevel: interviewer.DefaultLevel, Principles: []principleEntry{}}
	for _, l := range bank.Levels {
		e := levelEntry{ID: l.ID, Name: l.Name}
		if p, err := interviewer.LookupProfile(l.ID); err == nil {
			e.BudgetMin, e.BudgetMax = p.BudgetMin, p.BudgetMax
		}
		list.Levels = append(list.Levels, e)
	}
	for _, p := range bank.Principles {
		e := principleEntry{Name: p.Name, Slug: p.Slug, Summary: p.Summary, Questions: []questionEntry{}}
		for _, q := range p.Questions {
			e.Questions = append(e.Questions, questionEntry{ID: q.ID, Text: q.Text})
		}
		list.Principles = append(list.Principles, e)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, list)
	})
}

// handleListSessions lists the sessions whose secrets the client shows
// (?secrets=a,b, ?secret=a&secret=b or the X-Session-Secrets header), or
// every session to the operator.
func handleListSessions(saved store.Sessions, adminToken string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var hashes []string
		q := r.URL.Query()
		lists := append(append(q["secrets"], q["secret"]...), r.Header.Values(SecretsHeader)...)
		for _, list := range append(lists, r.Header.Values(SecretHeader)...) {
			for _, s := range strings.Split(list, ",") {
				if s = strings.TrimSpace(s); s != "" && len(hashes) < 500 {
					hashes = append(hashes, store.HashSecret(s))
				}
			}
		}
		list, err := saved.ListSessions(r.Context(), isAdmin(r, adminToken), hashes)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "cannot list sessions")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"sessions": list})
	})
}

// requireSecret lets a request through only with the session's secret (in
// ?secret= or the X-Session-Secret header) or the operator's token. Any
// other request gets the same 404 as a session that does not exist.
func requireSecret(saved store.Sessions, adminToken string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !store.ValidSessionID(id) {
			writeNotFound(w)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		hash, err := saved.SecretHash(r.Context(), id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusInternalServerError, "cannot read the session")
			return
		}
		if err == nil && isAdmin(r, adminToken) {
			next.ServeHTTP(w, r)
			return
		}
		secret := r.URL.Query().Get("secret")
		if secret == "" {
			secret = r.Header.Get(SecretHeader)
		}
		if err != nil || secret == "" || subtle.ConstantTimeCompare([]byte(store.HashSecret(secret)), []byte(hash)) != 1 {
			writeNotFound(w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isAdmin(r *http.Request, token string) bool {
	if token == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// sessionView is a session as the API shows it: everything stored, and
// where each answer's recording can be fetched.
type sessionView struct {
	*store.SessionDetail
	Answers []answerView `json:"answers"`
}

type answerView struct {
	store.AnswerRecord
	Audio string `json:"audio"`
}

func viewSession(d *store.SessionDetail) sessionView {
	v := sessionView{SessionDetail: d, Answers: []answerView{}}
	for _, a := range d.Answers {
		v.Answers = append(v.Answers, answerView{AnswerRecord: a, Audio: fmt.Sprintf("/api/sessions/%s/answers/%d/audio", d.ID, a.N)})
	}
	return v
}

func handleGetSession(saved store.Sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := saved.Session(r.Context(), r.PathValue("id"))
		if err != nil {
			writeStoreError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, viewSession(d))
	})
}

func handleDeleteSession(log zerolog.Logger, st store.Store, sessions *Sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if sessions.IsLive(id) {
			writeError(w, http.StatusConflict, "the session is still going on; close it first")
			return
		}
		if _, ok := readBody(w, r); !ok {
			return
		}
		// Another replica may be recording it.
		if d, err := st.Sessions.Session(r.Context(), id); err == nil && d.State == store.StateLive {
			writeError(w, http.StatusConflict, "the session is still going on (on another replica, or one that stopped moments ago); try again once it has ended")
			return
		}
		if err := st.Sessions.DeleteSession(r.Context(), id); err != nil {
			writeStoreError(w, err)
			return
		}
		if err := st.Recordings.Delete(r.Context(), id); err != nil {
			log.Error().Err(err).Str("session", id).Msg("recordings left after delete")
			writeError(w, http.StatusInternalServerError, "the session was deleted but some of its recordings could not be; try again later")
			return
		}
		log.Info().Str("session", id).Msg("session deleted")
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleRetranscribe rebuilds a session's words and report from its
// recordings with the server's engine, and answers with the session as
// GET shows it. The body, if any, is ignored.
func handleRetranscribe(log zerolog.Logger, st store.Store, engine transcribe.Engine, bank *interviewer.Bank,
	analyzer *interviewer.Analyzer, sessions *Sessions, m *metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if _, ok := readBody(w, r); !ok {
			return
		}
		if sessions.IsLive(id) {
			writeError(w, http.StatusConflict, "the session is still going on; retranscribe it once it has ended")
			return
		}
		began := time.Now()
		res, err := Retranscribe(r.Context(), st, engine, bank, analyzer, id, time.Now())
		if errors.Is(err, ErrLive) {
			writeError(w, http.StatusConflict, "the session is still going on; retranscribe it once it has ended")
			return
		}
		if err != nil {
			log.Error().Err(err).Str("session", id).Msg("retranscribe")
			writeStoreError(w, err)
			return
		}
		m.retranscribed.Inc()
		m.timesRepaired.Add(float64(res.TimesRepaired))
		log.Info().Str("session", id).Int("answers", res.Answers).Int("utterances", res.Utterances).Int("words", res.Words).
			Str("engine", engine.Name()).Dur("took", time.Since(began)).Msg("session retranscribed")
		d, err := st.Sessions.Session(r.Context(), id)
		if err != nil {
			writeStoreError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, viewSession(d))
	})
}

// handleAudio serves an answer's range of its recording as a WAV file,
// with range requests, so that a player can seek.
func handleAudio(st store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil {
			writeError(w, http.StatusNotFound, "no such answer")
			return
		}
		a, err := st.Sessions.Answer(r.Context(), id, n)
		if err != nil {
			writeStoreError(w, err)
			return
		}
		p, modified, err := openPlayback(r.Context(), st.Recordings, id, a)
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, "the recording is missing")
			return
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, "cannot read the recording")
			return
		}
		w.Header().Set("Content-Type", "audio/wav")
		w.Header().Set("Cache-Control", "private, no-cache")
		http.ServeContent(w, r, fmt.Sprintf("answer-%d.wav", a.N), modified, p)
	})
}

func handleExport(saved store.Sessions, format string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := saved.Session(r.Context(), r.PathValue("id"))
		if err != nil {
			writeStoreError(w, err)
			return
		}
		answer := -1
		if v := r.URL.Query().Get("answer"); v != "" {
			if answer, err = strconv.Atoi(v); err != nil || answer < 0 || answer >= len(d.Answers) {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("answer must be a number from 0 to %d", len(d.Answers)-1))
				return
			}
		}
		var body []byte
		var contentType string
		switch format {
		case "json":
			contentType = "application/json"
			body, err = json.MarshalIndent(viewSession(d), "", "  ")
		case "md":
			contentType = "text/markdown; charset=utf-8"
			body = []byte(Markdown(d))
		case "vtt":
			contentType = "text/vtt; charset=utf-8"
			body = []byte(WebVTT(Cues(d, answer)))
		case "srt":
			contentType = "application/x-subrip; charset=utf-8"
			body = []byte(SRT(Cues(d, answer)))
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, "cannot export the session")
			return
		}
		name := "mockinterview-" + d.ID[:min(8, len(d.ID))]
		if answer >= 0 {
			name += fmt.Sprintf("-answer-%d", answer)
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
		w.Write(body)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeCodedError is writeError with a code a program can act on beside
// the message, which says what to do.
func writeCodedError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error": msg, "code": code})
}

// writeNotFound is the one answer for a session that does not exist, an
// id that cannot be one, and a session asked for without its secret: they
// must not be told apart.
func writeNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "no such session (or not with that secret)")
}

func writeStoreError(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeNotFound(w)
		return
	}
	writeError(w, http.StatusInternalServerError, "cannot read the session")
}
