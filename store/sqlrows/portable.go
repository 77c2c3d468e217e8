package sqlrows

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
)

// Dialect is what differs between our SQL databases in the plain SQL that
// copies whole rows: how a query names its parameters and how a time is
// written.
type Dialect struct {
	// Bind rewrites a query written with ? for its parameters into the
	// driver's form; nil keeps it.
	Bind func(query string) string
	// Time is a time as a time column takes it; the zero time is one not
	// yet known.
	Time func(time.Time) any
}

// Numbered is Dialect.Bind for PostgreSQL: ?, ?, ? become $1, $2, $3.
// The queries it rewrites hold no ? of their own.
func Numbered(query string) string {
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Portable is store.Portable for a database with our schema: the same
// plain SQL for SQLite and PostgreSQL, but for Dialect.
type Portable struct {
	// DB is where reads go.
	DB *sql.DB
	// InTx runs fn in a write transaction, committed if fn returns nil.
	InTx    func(ctx context.Context, fn func(tx *sql.Tx) error) error
	Dialect Dialect
}

var _ store.Portable = Portable{}

func (p Portable) q(query string) string {
	if p.Dialect.Bind == nil {
		return query
	}
	return p.Dialect.Bind(query)
}

// ExportSession reads every row of a session.
func (p Portable) ExportSession(ctx context.Context, id string) (*store.SessionRows, error) {
	r := &store.SessionRows{}
	s := &r.Session
	var created, ended, retranscribed any
	err := p.DB.QueryRowContext(ctx, p.q(`SELECT id, secret_hash, created_at, ended_at, state, mode, level, question_id, principle,
		question, engine, duration, decision, retranscribed_at, (SELECT count(*) FROM answers a WHERE a.session_id = sessions.id)
		FROM sessions WHERE id = ?`), id).Scan(&s.ID, &r.SecretHash, &created, &ended, &s.State, &s.Mode, &s.Level, &s.QuestionID,
		&s.Principle, &s.Question, &s.Engine, &s.Duration, &s.Decision, &retranscribed, &s.AnswerCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err == nil {
		s.CreatedAt, err = TimeOf(created)
	}
	if err == nil {
		s.EndedAt, err = TimeOf(ended)
	}
	if err == nil {
		s.RetranscribedAt, err = TimeOf(retranscribed)
	}
	if err != nil {
		return nil, fmt.Errorf("export session %s: %w", id, err)
	}
	for _, read := range []func(context.Context, *store.SessionRows) error{
		p.exportAnswers, p.exportWords, p.exportUtterances, p.exportParts, p.exportProbes, p.exportReport,
	} {
		if err := read(ctx, r); err != nil {
			return nil, fmt.Errorf("export %w", err)
		}
	}
	return r, nil
}

func (p Portable) exportAnswers(ctx context.Context, r *store.SessionRows) error {
	return ScanAll(ctx, p.DB, p.q(`SELECT n, probe_id, gap, asked, start_time, end_time, audio_file, first_sample, samples, audio_seconds
		FROM answers WHERE session_id = ? ORDER BY n`), r.Session.ID, &r.Answers, func(rows *sql.Rows, a *store.AnswerRecord) error {
		var end sql.NullFloat64
		err := rows.Scan(&a.N, &a.ProbeID, &a.Gap, &a.Asked, &a.Start, &end, &a.AudioFile, &a.FirstSample, &a.Samples, &a.AudioSeconds)
		if end.Valid {
			a.End = &end.Float64
		}
		return err
	})
}

func (p Portable) exportWords(ctx context.Context, r *store.SessionRows) error {
	return ScanAll(ctx, p.DB, p.q(`SELECT idx, answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence, part, filler
		FROM words WHERE session_id = ? ORDER BY idx`), r.Session.ID, &r.Words, func(rows *sql.Rows, w *store.WordRow) error {
		return rows.Scan(&w.Index, &w.Answer, &w.Utterance, &w.Text, &w.Punctuated, &w.Start, &w.End, &w.Confidence, &w.LowConfidence, &w.Part, &w.Filler)
	})
}

func (p Portable) exportUtterances(ctx context.Context, r *store.SessionRows) error {
	return ScanAll(ctx, p.DB, p.q(`SELECT u.n, u.answer, u.start_time, u.end_time, u.engine, u.fallback,
		(SELECT count(*) FROM words w WHERE w.session_id = u.session_id AND w.utterance = u.n)
		FROM utterances u WHERE u.session_id = ? ORDER BY u.n`), r.Session.ID, &r.Utterances, func(rows *sql.Rows, u *store.UtteranceRecord) error {
		return rows.Scan(&u.N, &u.Answer, &u.Start, &u.End, &u.Engine, &u.Fallback, &u.Words)
	})
}

func (p Portable) exportParts(ctx context.Context, r *store.SessionRows) error {
	return ScanAll(ctx, p.DB, p.q(`SELECT idx, label, start_time, end_time, duration, speaking, target, status, words, wpm, text
		FROM parts WHERE session_id = ? ORDER BY idx`), r.Session.ID, &r.Parts, func(rows *sql.Rows, t *store.PartRow) error {
		return rows.Scan(&t.Index, &t.Label, &t.Start, &t.End, &t.Duration, &t.Speaking, &t.Target, &t.Status, &t.Words, &t.WPM, &t.Text)
	})
}

func (p Portable) exportProbes(ctx context.Context, r *store.SessionRows) error {
	return ScanAll(ctx, p.DB, p.q(`SELECT n, probe_id, gap, probes, asked, reply, skipped, rating, reason
		FROM probes WHERE session_id = ? ORDER BY n`), r.Session.ID, &r.Probes, func(rows *sql.Rows, b *store.ProbeRow) error {
		return rows.Scan(&b.N, &b.ProbeID, &b.Gap, &b.Probes, &b.Asked, &b.Reply, &b.Skipped, &b.Rating, &b.Reason)
	})
}

func (p Portable) exportReport(ctx context.Context, r *store.SessionRows) error {
	var created any
	var body []byte
	err := p.DB.QueryRowContext(ctx, p.q(`SELECT created_at, report FROM reports WHERE session_id = ?`), r.Session.ID).Scan(&created, &body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("session %s: report: %w", r.Session.ID, err)
	}
	r.Report = &store.ReportRow{Body: body}
	if r.Report.Created, err = TimeOf(created); err != nil {
		return fmt.Errorf("session %s: report: %w", r.Session.ID, err)
	}
	return nil
}

// ImportSession writes a session's rows in place of those the database
// holds for it, in one transaction: its own row is updated where it
// exists, so that the journals' attempts at its answers stay.
func (p Portable) ImportSession(ctx context.Context, r *store.SessionRows) error {
	s, t := r.Session, p.Dialect.Time
	err := p.InTx(ctx, func(tx *sql.Tx) error {
		w := writer{ctx: ctx, tx: tx, p: p}
		w.exec(`INSERT INTO sessions (id, secret_hash, created_at, ended_at, state, mode, level, question_id, principle, question, engine,
			duration, decision, retranscribed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at, ended_at = excluded.ended_at,
			state = excluded.state, mode = excluded.mode, level = excluded.level, question_id = excluded.question_id,
			principle = excluded.principle, question = excluded.question, engine = excluded.engine, duration = excluded.duration,
			decision = excluded.decision, retranscribed_at = excluded.retranscribed_at`,
			s.ID, r.SecretHash, t(s.CreatedAt), t(s.EndedAt), s.State, s.Mode, s.Level, s.QuestionID, s.Principle, s.Question, s.Engine,
			s.Duration, s.Decision, t(s.RetranscribedAt))
		for _, table := range []string{"answers", "words", "utterances", "parts", "probes", "reports"} {
			// table is one of our own names.
			w.exec(`DELETE FROM `+table+` WHERE session_id = ?`, s.ID)
		}
		w.each(`INSERT INTO answers (session_id, n, probe_id, gap, asked, start_time, end_time, audio_file, first_sample, samples, audio_seconds)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, len(r.Answers), func(i int) []any {
			a := r.Answers[i]
			return []any{s.ID, a.N, a.ProbeID, a.Gap, a.Asked, a.Start, a.End, a.AudioFile, a.FirstSample, a.Samples, a.AudioSeconds}
		})
		w.each(`INSERT INTO words (session_id, idx, answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence, part, filler)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, len(r.Words), func(i int) []any {
			x := r.Words[i]
			return []any{s.ID, x.Index, x.Answer, x.Utterance, x.Text, x.Punctuated, x.Start, x.End, x.Confidence, x.LowConfidence, x.Part, x.Filler}
		})
		w.each(`INSERT INTO utterances (session_id, n, answer, start_time, end_time, engine, fallback) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			len(r.Utterances), func(i int) []any {
				u := r.Utterances[i]
				return []any{s.ID, u.N, u.Answer, u.Start, u.End, u.Engine, u.Fallback}
			})
		w.each(`INSERT INTO parts (session_id, idx, label, start_time, end_time, duration, speaking, target, status, words, wpm, text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, len(r.Parts), func(i int) []any {
			x := r.Parts[i]
			return []any{s.ID, x.Index, string(x.Label), x.Start, x.End, x.Duration, x.Speaking, x.Target, string(x.Status), x.Words, x.WPM, x.Text}
		})
		w.each(`INSERT INTO probes (session_id, n, probe_id, gap, probes, asked, reply, skipped, rating, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			len(r.Probes), func(i int) []any {
				b := r.Probes[i]
				return []any{s.ID, b.N, b.ProbeID, b.Gap, b.Probes, b.Asked, b.Reply, b.Skipped, b.Rating, b.Reason}
			})
		if r.Report != nil {
			w.exec(`INSERT INTO reports (session_id, created_at, report) VALUES (?, ?, ?)`, s.ID, t(r.Report.Created), string(r.Report.Body))
		}
		return w.err
	})
	if err != nil {
		return fmt.Errorf("import session %s: %w", s.ID, err)
	}
	return nil
}

// JournalIDs returns the id of every journal, in byte order.
func (p Portable) JournalIDs(ctx context.Context) ([]string, error) {
	rows, err := p.DB.QueryContext(ctx, `SELECT id FROM journals ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list journals: %w", err)
	}
	ids := []string{}
	err = EachRow(rows, func() error {
		var id string
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list journals: %w", err)
	}
	return ids, nil
}

// ExportJournal reads a journal with its stories, by id, and their
// attempts, by session and answer.
func (p Portable) ExportJournal(ctx context.Context, id string) (*store.JournalRows, error) {
	r := &store.JournalRows{ID: id}
	var created any
	err := p.DB.QueryRowContext(ctx, p.q(`SELECT secret_hash, created_at FROM journals WHERE id = ?`), id).Scan(&r.SecretHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err == nil {
		r.Created, err = TimeOf(created)
	}
	if err == nil {
		err = scanAll(ctx, p.DB, p.q(`SELECT id, title, principles, notes, vocabulary, created_at, updated_at
			FROM stories WHERE journal_id = ? ORDER BY id`), id, &r.Stories, func(rows *sql.Rows, s *journal.Story) error {
			var principles, vocabulary []byte
			var created, updated any
			if err := rows.Scan(&s.ID, &s.Title, &principles, &s.Notes, &vocabulary, &created, &updated); err != nil {
				return err
			}
			s.Principles, s.Vocabulary = ParseList(string(principles)), ParseList(string(vocabulary))
			return errors.Join(scanTime(created, &s.Created), scanTime(updated, &s.Updated))
		})
	}
	if err == nil {
		err = scanAll(ctx, p.DB, p.q(`SELECT a.session_id, a.answer, a.story_id, a.figures FROM attempts a
			JOIN stories st ON st.id = a.story_id WHERE st.journal_id = ? ORDER BY a.session_id, a.answer`), id, &r.Attempts,
			func(rows *sql.Rows, a *store.AttemptRow) error {
				// Into a []byte, which database/sql copies out of the
				// driver's buffer.
				var figures []byte
				err := rows.Scan(&a.SessionID, &a.Answer, &a.StoryID, &figures)
				a.Figures = figures
				return err
			})
	}
	if err != nil {
		return nil, fmt.Errorf("export journal %s: %w", id, err)
	}
	return r, nil
}

// ImportJournal writes a journal, its stories and their attempts in place
// of any the database holds for it, in one transaction.
func (p Portable) ImportJournal(ctx context.Context, r *store.JournalRows) error {
	t := p.Dialect.Time
	err := p.InTx(ctx, func(tx *sql.Tx) error {
		w := writer{ctx: ctx, tx: tx, p: p}
		// Its stories and their attempts go with it.
		w.exec(`DELETE FROM journals WHERE id = ?`, r.ID)
		w.exec(`INSERT INTO journals (id, secret_hash, created_at) VALUES (?, ?, ?)`, r.ID, r.SecretHash, t(r.Created))
		w.each(`INSERT INTO stories (id, journal_id, title, principles, notes, vocabulary, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			len(r.Stories), func(i int) []any {
				s := r.Stories[i]
				return []any{s.ID, r.ID, s.Title, ListJSON(s.Principles), s.Notes, ListJSON(s.Vocabulary), t(s.Created), t(s.Updated)}
			})
		w.each(`INSERT INTO attempts (session_id, answer, story_id, figures) VALUES (?, ?, ?, ?)`, len(r.Attempts), func(i int) []any {
			a := r.Attempts[i]
			return []any{a.SessionID, a.Answer, a.StoryID, string(a.Figures)}
		})
		return w.err
	})
	if err != nil {
		return fmt.Errorf("import journal %s: %w", r.ID, err)
	}
	return nil
}

// writer runs statements in a transaction until one fails, keeping the
// first error.
type writer struct {
	ctx context.Context
	tx  *sql.Tx
	p   Portable
	err error
}

func (w *writer) exec(query string, args ...any) {
	if w.err == nil {
		_, w.err = w.tx.ExecContext(w.ctx, w.p.q(query), args...)
	}
}

// each runs query n times, prepared once, with the arguments of row i.
func (w *writer) each(query string, n int, args func(i int) []any) {
	if w.err != nil || n == 0 {
		return
	}
	stmt, err := w.tx.PrepareContext(w.ctx, w.p.q(query))
	if err != nil {
		w.err = err
		return
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(w.ctx, args(i)...); err != nil {
			w.err = err
			return
		}
	}
}

// TimeOf reads a time column scanned into an any: a time.Time
// (PostgreSQL), RFC 3339 text (SQLite), or NULL or empty text for a time
// not yet known, the zero time.
func TimeOf(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v.UTC(), nil
	case []byte:
		return TimeOf(string(v))
	case string:
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", v, err)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("a time column holds a %T", v)
}

func scanTime(v any, t *time.Time) error {
	var err error
	*t, err = TimeOf(v)
	return err
}
