package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
)

// portable is store.Portable: the rows copied whole, as stored.
type portable struct {
	s *Sessions
}

var _ store.Portable = portable{}

// ExportSession reads every row of a session.
func (p portable) ExportSession(ctx context.Context, id string) (*store.SessionRows, error) {
	r := &store.SessionRows{}
	s := &r.Session
	err := p.s.db.QueryRowContext(ctx, p.s.q(`SELECT id, secret_hash, created_at, ended_at, state, mode, level, question_id, principle,
		question, engine, duration, decision, retranscribed_at, (SELECT count(*) FROM answers a WHERE a.session_id = sessions.id)
		FROM sessions WHERE id = ?`), id).Scan(&s.ID, &r.SecretHash, asTime(&s.CreatedAt), asTime(&s.EndedAt), &s.State, &s.Mode, &s.Level,
		&s.QuestionID, &s.Principle, &s.Question, &s.Engine, &s.Duration, &s.Decision, asTime(&s.RetranscribedAt), &s.AnswerCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("export session %s: %w", id, err)
	}
	// The session's answers and utterances are read as the service reads
	// them, the other rows whole.
	r.Answers, err = p.s.answers(ctx, id)
	if err == nil {
		r.Utterances, err = p.s.utterances(ctx, id)
	}
	for _, read := range []func(context.Context, *store.SessionRows) error{p.exportWords, p.exportParts, p.exportProbes, p.exportReport} {
		if err == nil {
			err = read(ctx, r)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("export %w", err)
	}
	return r, nil
}

func (p portable) exportWords(ctx context.Context, r *store.SessionRows) error {
	return scanAll(ctx, p.s.db, p.s.q(`SELECT idx, answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence, part, filler
		FROM words WHERE session_id = ? ORDER BY idx`), r.Session.ID, &r.Words, func(rows *sql.Rows, w *store.WordRow) error {
		return rows.Scan(&w.Index, &w.Answer, &w.Utterance, &w.Text, &w.Punctuated, &w.Start, &w.End, &w.Confidence, &w.LowConfidence, &w.Part, &w.Filler)
	})
}

func (p portable) exportParts(ctx context.Context, r *store.SessionRows) error {
	return scanAll(ctx, p.s.db, p.s.q(`SELECT idx, label, start_time, end_time, duration, speaking, target, status, words, wpm, text
		FROM parts WHERE session_id = ? ORDER BY idx`), r.Session.ID, &r.Parts, func(rows *sql.Rows, t *store.PartRow) error {
		return rows.Scan(&t.Index, &t.Label, &t.Start, &t.End, &t.Duration, &t.Speaking, &t.Target, &t.Status, &t.Words, &t.WPM, &t.Text)
	})
}

func (p portable) exportProbes(ctx context.Context, r *store.SessionRows) error {
	return scanAll(ctx, p.s.db, p.s.q(`SELECT n, probe_id, gap, probes, asked, reply, skipped, rating, reason
		FROM probes WHERE session_id = ? ORDER BY n`), r.Session.ID, &r.Probes, func(rows *sql.Rows, b *store.ProbeRow) error {
		return rows.Scan(&b.N, &b.ProbeID, &b.Gap, &b.Probes, &b.Asked, &b.Reply, &b.Skipped, &b.Rating, &b.Reason)
	})
}

func (p portable) exportReport(ctx context.Context, r *store.SessionRows) error {
	var created time.Time
	var body []byte
	err := p.s.db.QueryRowContext(ctx, p.s.q(`SELECT created_at, report FROM reports WHERE session_id = ?`), r.Session.ID).
		Scan(asTime(&created), &body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("session %s: report: %w", r.Session.ID, err)
	}
	r.Report = &store.ReportRow{Created: created, Body: body}
	return nil
}

// ImportSession writes a session's rows in place of those the database
// holds for it, in one transaction: its own row is updated where it
// exists, so that the journals' attempts at its answers stay.
func (p portable) ImportSession(ctx context.Context, r *store.SessionRows) error {
	s, t := r.Session, p.s.d.Time
	err := p.s.inTx(ctx, func(tx *sql.Tx) error {
		w := writer{ctx: ctx, tx: tx, s: p.s}
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
func (p portable) JournalIDs(ctx context.Context) ([]string, error) {
	ids, err := scanStrings(p.s.db.QueryContext(ctx, `SELECT id FROM journals ORDER BY id`))
	if err != nil {
		return nil, fmt.Errorf("list journals: %w", err)
	}
	return ids, nil
}

// ExportJournal reads a journal with its stories, by id, and their
// attempts, by session and answer.
func (p portable) ExportJournal(ctx context.Context, id string) (*store.JournalRows, error) {
	r := &store.JournalRows{ID: id}
	err := p.s.db.QueryRowContext(ctx, p.s.q(`SELECT secret_hash, created_at FROM journals WHERE id = ?`), id).Scan(&r.SecretHash, asTime(&r.Created))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err == nil {
		err = scanRows(ctx, p.s.db, p.s.q(`SELECT id, title, principles, notes, vocabulary, created_at, updated_at
			FROM stories WHERE journal_id = ? ORDER BY id`), id, &r.Stories, func(rows *sql.Rows, s *journal.Story) error {
			var principles, vocabulary []byte
			err := rows.Scan(&s.ID, &s.Title, &principles, &s.Notes, &vocabulary, asTime(&s.Created), asTime(&s.Updated))
			s.Principles, s.Vocabulary = parseList(string(principles)), parseList(string(vocabulary))
			return err
		})
	}
	if err == nil {
		err = scanRows(ctx, p.s.db, p.s.q(`SELECT a.session_id, a.answer, a.story_id, a.figures FROM attempts a
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
func (p portable) ImportJournal(ctx context.Context, r *store.JournalRows) error {
	t := p.s.d.Time
	err := p.s.inTx(ctx, func(tx *sql.Tx) error {
		w := writer{ctx: ctx, tx: tx, s: p.s}
		// Its stories and their attempts go with it.
		w.exec(`DELETE FROM journals WHERE id = ?`, r.ID)
		w.exec(`INSERT INTO journals (id, secret_hash, created_at) VALUES (?, ?, ?)`, r.ID, r.SecretHash, t(r.Created))
		w.each(`INSERT INTO stories (id, journal_id, title, principles, notes, vocabulary, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			len(r.Stories), func(i int) []any {
				s := r.Stories[i]
				return []any{s.ID, r.ID, s.Title, listJSON(s.Principles), s.Notes, listJSON(s.Vocabulary), t(s.Created), t(s.Updated)}
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
	s   *Sessions
	err error
}

func (w *writer) exec(query string, args ...any) {
	if w.err == nil {
		_, w.err = w.tx.ExecContext(w.ctx, w.s.q(query), args...)
	}
}

// each runs query n times, prepared once, with the arguments of row i.
func (w *writer) each(query string, n int, args func(i int) []any) {
	if w.err != nil || n == 0 {
		return
	}
	stmt, err := w.tx.PrepareContext(w.ctx, w.s.q(query))
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
