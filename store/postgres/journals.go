package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/sqlrows"
)

// Journals keeps the story journals beside the sessions: store.Journals.
type Journals struct {
	s *Sessions
}

var _ store.Journals = (*Journals)(nil)

// CreateJournal adds an empty journal with the secret's hash.
func (j *Journals) CreateJournal(ctx context.Context, id, secret string, now time.Time) error {
	_, err := j.s.db.ExecContext(ctx, `INSERT INTO journals (id, secret_hash, created_at) VALUES ($1, $2, $3)`,
		id, store.HashSecret(secret), now)
	if err != nil {
		return fmt.Errorf("create journal: %w", err)
	}
	return nil
}

// Journal returns when a journal was created and its secret's hash.
func (j *Journals) Journal(ctx context.Context, id string) (time.Time, string, error) {
	var created sql.NullTime
	var hash string
	err := j.s.db.QueryRowContext(ctx, `SELECT created_at, secret_hash FROM journals WHERE id = $1`, id).Scan(&created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", store.ErrNotFound
	}
	return timeOf(created), hash, err
}

// DeleteJournal removes a journal, its stories and their attempts, and
// returns the sessions those attempts were in.
func (j *Journals) DeleteJournal(ctx context.Context, id string) ([]string, error) {
	sessions := []string{}
	err := j.s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT a.session_id FROM attempts a JOIN stories st ON st.id = a.story_id
			WHERE st.journal_id = $1 ORDER BY a.session_id`, id)
		if err != nil {
			return err
		}
		err = sqlrows.EachRow(rows, func() error {
			var s string
			err := rows.Scan(&s)
			sessions = append(sessions, s)
			return err
		})
		if err != nil {
			return err
		}
		return sqlrows.AffectedOne(tx.ExecContext(ctx, `DELETE FROM journals WHERE id = $1`, id))
	})
	if err != nil {
		return nil, fmt.Errorf("delete journal: %w", err)
	}
	return sessions, nil
}

// AddStory adds a story to a journal that has room for it.
func (j *Journals) AddStory(ctx context.Context, journalID string, s journal.Story) error {
	principles, vocabulary := sqlrows.ListJSON(s.Principles), sqlrows.ListJSON(s.Vocabulary)
	err := j.s.inTx(ctx, func(tx *sql.Tx) error {
		// The journal's row, locked, makes stories added at once count
		// each other; a journal that does not exist is refused by the
		// insert, as in SQLite.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM journals WHERE id = $1 FOR UPDATE`, journalID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM stories WHERE journal_id = $1`, journalID).Scan(&n); err != nil {
			return err
		}
		if n >= journal.MaxStories {
			return store.ErrFull
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO stories (id, journal_id, title, principles, notes, vocabulary, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.ID, journalID, s.Title, principles, s.Notes, vocabulary, s.Created, s.Updated)
		return err
	})
	if err != nil {
		return fmt.Errorf("add story: %w", err)
	}
	return nil
}

// UpdateStory replaces a story's title, principles, notes and vocabulary.
func (j *Journals) UpdateStory(ctx context.Context, journalID string, s journal.Story) error {
	err := sqlrows.AffectedOne(j.s.db.ExecContext(ctx, `UPDATE stories SET title = $1, principles = $2, notes = $3, vocabulary = $4, updated_at = $5
		WHERE id = $6 AND journal_id = $7`, s.Title, sqlrows.ListJSON(s.Principles), s.Notes, sqlrows.ListJSON(s.Vocabulary), s.Updated, s.ID, journalID))
	if err != nil {
		return fmt.Errorf("update story: %w", err)
	}
	return nil
}

// DeleteStory removes a story; its attempts go with it, the sessions stay.
func (j *Journals) DeleteStory(ctx context.Context, journalID, storyID string) error {
	err := sqlrows.AffectedOne(j.s.db.ExecContext(ctx, `DELETE FROM stories WHERE id = $1 AND journal_id = $2`, storyID, journalID))
	if err != nil {
		return fmt.Errorf("delete story: %w", err)
	}
	return nil
}

// Stories returns a journal's stories with their attempts, oldest first.
func (j *Journals) Stories(ctx context.Context, journalID string) ([]journal.Entry, error) {
	return j.entries(ctx, `st.journal_id = $1`, journalID)
}

// Story returns one story of a journal with its attempts.
func (j *Journals) Story(ctx context.Context, journalID, storyID string) (journal.Entry, error) {
	out, err := j.entries(ctx, `st.journal_id = $1 AND st.id = $2`, journalID, storyID)
	if err != nil {
		return journal.Entry{}, err
	}
	if len(out) == 0 {
		return journal.Entry{}, store.ErrNotFound
	}
	return out[0], nil
}

// entries reads the stories that where selects (over stories as st) and
// their attempts, in two queries.
func (j *Journals) entries(ctx context.Context, where string, args ...any) ([]journal.Entry, error) {
	out := []journal.Entry{}
	index := map[string]int{}
	rows, err := j.s.db.QueryContext(ctx, `SELECT st.id, st.title, st.principles, st.notes, st.vocabulary, st.created_at, st.updated_at
		FROM stories st WHERE `+where+` ORDER BY st.created_at, st.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read stories: %w", err)
	}
	err = sqlrows.EachRow(rows, func() error {
		var s journal.Story
		var principles, vocabulary []byte
		var created, updated sql.NullTime
		if err := rows.Scan(&s.ID, &s.Title, &principles, &s.Notes, &vocabulary, &created, &updated); err != nil {
			return err
		}
		s.Created, s.Updated = timeOf(created), timeOf(updated)
		s.Principles, s.Vocabulary = sqlrows.ParseList(string(principles)), sqlrows.ParseList(string(vocabulary))
		index[s.ID] = len(out)
		out = append(out, journal.Entry{Story: s, Attempts: []journal.Attempt{}})
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = j.s.db.QueryContext(ctx, `SELECT a.story_id, a.session_id, a.answer, s.created_at, a.figures
		FROM attempts a JOIN stories st ON st.id = a.story_id JOIN sessions s ON s.id = a.session_id
		WHERE `+where+` ORDER BY s.created_at, a.session_id, a.answer`, args...)
	if err != nil {
		return nil, fmt.Errorf("read attempts: %w", err)
	}
	err = sqlrows.EachRow(rows, func() error {
		var storyID string
		var figures []byte
		var created sql.NullTime
		var a journal.Attempt
		if err := rows.Scan(&storyID, &a.SessionID, &a.Answer, &created, &figures); err != nil {
			return err
		}
		a.Created = timeOf(created)
		if err := json.Unmarshal(figures, &a.Figures); err != nil {
			return fmt.Errorf("attempt %s/%d: %w", a.SessionID, a.Answer, err)
		}
		e := &out[index[storyID]]
		e.Attempts = append(e.Attempts, a)
		return nil
	})
	return out, err
}

// LinkAttempt makes a session's answer an attempt of a story. The
// session's row is locked first: links of one session wait for each
// other, so that two made at once cannot put it in two journals, and a
// report being saved either comes before (and its figures are taken
// here) or after (and it measures the attempt itself).
func (j *Journals) LinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) (journal.Attempt, error) {
	a := journal.Attempt{SessionID: sessionID, Answer: answer}
	err := j.s.inTx(ctx, func(tx *sql.Tx) error {
		var created sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT created_at FROM sessions WHERE id = $1 FOR UPDATE`, sessionID).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		report, err := j.s.report(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		a.Created, a.Figures = timeOf(created), journal.Measure(report)
		figures, err := json.Marshal(a.Figures)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM stories WHERE id = $1 AND journal_id = $2`, storyID, journalID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		// A session's attempts all belong to one journal, and an answer is
		// an attempt of one story.
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM attempts a JOIN stories st ON st.id = a.story_id
			WHERE a.session_id = $1 AND (st.journal_id != $2 OR (a.answer = $3 AND a.story_id != $4))`,
			sessionID, journalID, answer, storyID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrConflict
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO attempts (session_id, answer, story_id, figures) VALUES ($1, $2, $3, $4)
			ON CONFLICT (session_id, answer) DO UPDATE SET figures = excluded.figures`, sessionID, answer, storyID, string(figures))
		return err
	})
	if err != nil {
		return a, fmt.Errorf("link attempt: %w", err)
	}
	return a, nil
}

// UnlinkAttempt removes an attempt from a story of a journal.
func (j *Journals) UnlinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) error {
	err := sqlrows.AffectedOne(j.s.db.ExecContext(ctx, `DELETE FROM attempts WHERE session_id = $1 AND answer = $2 AND story_id IN
		(SELECT id FROM stories WHERE id = $3 AND journal_id = $4)`, sessionID, answer, storyID, journalID))
	if err != nil {
		return fmt.Errorf("unlink attempt: %w", err)
	}
	return nil
}

// SessionStory names the story a session's answer is an attempt of.
func (j *Journals) SessionStory(ctx context.Context, sessionID string, answer int) (string, string, error) {
	var journalID, storyID string
	err := j.s.db.QueryRowContext(ctx, `SELECT st.journal_id, st.id FROM attempts a JOIN stories st ON st.id = a.story_id
		WHERE a.session_id = $1 AND a.answer = $2`, sessionID, answer).Scan(&journalID, &storyID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", store.ErrNotFound
	}
	return journalID, storyID, err
}

// measureAttempts rewrites the figures of a session's main answer's
// attempt, if it is one, from its new report.
func measureAttempts(ctx context.Context, tx *sql.Tx, sessionID string, r *interviewer.InterviewReport) error {
	figures, err := json.Marshal(journal.Measure(r))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE attempts SET figures = $1 WHERE session_id = $2 AND answer = 0`, string(figures), sessionID)
	return err
}
