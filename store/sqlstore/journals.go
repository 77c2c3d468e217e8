package sqlstore

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
)

// Journals keeps the story journals beside the sessions: store.Journals.
type Journals struct {
	s *Sessions
}

var _ store.Journals = (*Journals)(nil)

// CreateJournal adds an empty journal with the secret's hash.
func (j *Journals) CreateJournal(ctx context.Context, id, secret string, now time.Time) error {
	_, err := j.s.w.ExecContext(ctx, j.s.q(`INSERT INTO journals (id, secret_hash, created_at) VALUES (?, ?, ?)`),
		id, store.HashSecret(secret), j.s.d.Time(now))
	if err != nil {
		return fmt.Errorf("create journal: %w", err)
	}
	return nil
}

// Journal returns when a journal was created and its secret's hash.
func (j *Journals) Journal(ctx context.Context, id string) (time.Time, string, error) {
	var created time.Time
	var hash string
	err := j.s.db.QueryRowContext(ctx, j.s.q(`SELECT created_at, secret_hash FROM journals WHERE id = ?`), id).Scan(asTime(&created), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", store.ErrNotFound
	}
	return created, hash, err
}

// DeleteJournal removes a journal, its stories and their attempts, and
// returns the sessions those attempts were in.
func (j *Journals) DeleteJournal(ctx context.Context, id string) ([]string, error) {
	var sessions []string
	err := j.s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		sessions, err = scanStrings(tx.QueryContext(ctx, j.s.q(`SELECT DISTINCT a.session_id FROM attempts a JOIN stories st ON st.id = a.story_id
			WHERE st.journal_id = ? ORDER BY a.session_id`), id))
		if err != nil {
			return err
		}
		return affectedOne(tx.ExecContext(ctx, j.s.q(`DELETE FROM journals WHERE id = ?`), id))
	})
	if err != nil {
		return nil, fmt.Errorf("delete journal: %w", err)
	}
	return sessions, nil
}

// AddStory adds a story to a journal that has room for it.
func (j *Journals) AddStory(ctx context.Context, journalID string, s journal.Story) error {
	principles, vocabulary := listJSON(s.Principles), listJSON(s.Vocabulary)
	err := j.s.inTx(ctx, func(tx *sql.Tx) error {
		// The journal's row, locked (SQLite's write transactions take
		// turns anyway), makes stories added at once count each other; a
		// journal that does not exist is refused by the insert.
		if _, err := tx.ExecContext(ctx, j.s.q(`SELECT 1 FROM journals WHERE id = ?`+j.s.d.ForUpdate), journalID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, j.s.q(`SELECT count(*) FROM stories WHERE journal_id = ?`), journalID).Scan(&n); err != nil {
			return err
		}
		if n >= journal.MaxStories {
			return store.ErrFull
		}
		_, err := tx.ExecContext(ctx, j.s.q(`INSERT INTO stories (id, journal_id, title, principles, notes, vocabulary, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), s.ID, journalID, s.Title, principles, s.Notes, vocabulary, j.s.d.Time(s.Created), j.s.d.Time(s.Updated))
		return err
	})
	if err != nil {
		return fmt.Errorf("add story: %w", err)
	}
	return nil
}

// UpdateStory replaces a story's title, principles, notes and vocabulary.
func (j *Journals) UpdateStory(ctx context.Context, journalID string, s journal.Story) error {
	err := affectedOne(j.s.w.ExecContext(ctx, j.s.q(`UPDATE stories SET title = ?, principles = ?, notes = ?, vocabulary = ?, updated_at = ?
		WHERE id = ? AND journal_id = ?`), s.Title, listJSON(s.Principles), s.Notes, listJSON(s.Vocabulary), j.s.d.Time(s.Updated), s.ID, journalID))
	if err != nil {
		return fmt.Errorf("update story: %w", err)
	}
	return nil
}

// DeleteStory removes a story; its attempts go with it, the sessions stay.
func (j *Journals) DeleteStory(ctx context.Context, journalID, storyID string) error {
	err := affectedOne(j.s.w.ExecContext(ctx, j.s.q(`DELETE FROM stories WHERE id = ? AND journal_id = ?`), storyID, journalID))
	if err != nil {
		return fmt.Errorf("delete story: %w", err)
	}
	return nil
}

// Stories returns a journal's stories with their attempts, oldest first.
func (j *Journals) Stories(ctx context.Context, journalID string) ([]journal.Entry, error) {
	return j.entries(ctx, `st.journal_id = ?`, journalID)
}

// Story returns one story of a journal with its attempts.
func (j *Journals) Story(ctx context.Context, journalID, storyID string) (journal.Entry, error) {
	out, err := j.entries(ctx, `st.journal_id = ? AND st.id = ?`, journalID, storyID)
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
	rows, err := j.s.db.QueryContext(ctx, j.s.q(`SELECT st.id, st.title, st.principles, st.notes, st.vocabulary, st.created_at, st.updated_at
		FROM stories st WHERE `+where+` ORDER BY st.created_at, st.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("read stories: %w", err)
	}
	err = eachRow(rows, func() error {
		var s journal.Story
		var principles, vocabulary []byte
		if err := rows.Scan(&s.ID, &s.Title, &principles, &s.Notes, &vocabulary, asTime(&s.Created), asTime(&s.Updated)); err != nil {
			return err
		}
		s.Principles, s.Vocabulary = parseList(string(principles)), parseList(string(vocabulary))
		index[s.ID] = len(out)
		out = append(out, journal.Entry{Story: s, Attempts: []journal.Attempt{}})
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = j.s.db.QueryContext(ctx, j.s.q(`SELECT a.story_id, a.session_id, a.answer, s.created_at, a.figures
		FROM attempts a JOIN stories st ON st.id = a.story_id JOIN sessions s ON s.id = a.session_id
		WHERE `+where+` ORDER BY s.created_at, a.session_id, a.answer`), args...)
	if err != nil {
		return nil, fmt.Errorf("read attempts: %w", err)
	}
	err = eachRow(rows, func() error {
		var storyID string
		var figures []byte
		var a journal.Attempt
		if err := rows.Scan(&storyID, &a.SessionID, &a.Answer, asTime(&a.Created), &figures); err != nil {
			return err
		}
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
// session's row is locked first (as the whole database is by a SQLite
// write transaction): links of one session wait for each other, so that
// two made at once cannot put it in two journals, and a report being
// saved either comes before (and its figures are taken here) or after
// (and it measures the attempt itself).
func (j *Journals) LinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) (journal.Attempt, error) {
	a := journal.Attempt{SessionID: sessionID, Answer: answer}
	err := j.s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, j.s.q(`SELECT created_at FROM sessions WHERE id = ?`+j.s.d.ForUpdate), sessionID).Scan(asTime(&a.Created))
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
		a.Figures = journal.Measure(report)
		figures, err := json.Marshal(a.Figures)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, j.s.q(`SELECT count(*) FROM stories WHERE id = ? AND journal_id = ?`), storyID, journalID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		// A session's attempts all belong to one journal, and an answer is
		// an attempt of one story.
		if err := tx.QueryRowContext(ctx, j.s.q(`SELECT count(*) FROM attempts a JOIN stories st ON st.id = a.story_id
			WHERE a.session_id = ? AND (st.journal_id != ? OR (a.answer = ? AND a.story_id != ?))`),
			sessionID, journalID, answer, storyID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrConflict
		}
		_, err = tx.ExecContext(ctx, j.s.q(`INSERT INTO attempts (session_id, answer, story_id, figures) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id, answer) DO UPDATE SET figures = excluded.figures`), sessionID, answer, storyID, string(figures))
		return err
	})
	if err != nil {
		return a, fmt.Errorf("link attempt: %w", err)
	}
	return a, nil
}

// UnlinkAttempt removes an attempt from a story of a journal.
func (j *Journals) UnlinkAttempt(ctx context.Context, journalID, storyID, sessionID string, answer int) error {
	err := affectedOne(j.s.w.ExecContext(ctx, j.s.q(`DELETE FROM attempts WHERE session_id = ? AND answer = ? AND story_id IN
		(SELECT id FROM stories WHERE id = ? AND journal_id = ?)`), sessionID, answer, storyID, journalID))
	if err != nil {
		return fmt.Errorf("unlink attempt: %w", err)
	}
	return nil
}

// SessionStory names the story a session's answer is an attempt of.
func (j *Journals) SessionStory(ctx context.Context, sessionID string, answer int) (string, string, error) {
	var journalID, storyID string
	err := j.s.db.QueryRowContext(ctx, j.s.q(`SELECT st.journal_id, st.id FROM attempts a JOIN stories st ON st.id = a.story_id
		WHERE a.session_id = ? AND a.answer = ?`), sessionID, answer).Scan(&journalID, &storyID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", store.ErrNotFound
	}
	return journalID, storyID, err
}

// measureAttempts rewrites the figures of a session's main answer's
// attempt, if it is one, from its new report.
func (s *Sessions) measureAttempts(ctx context.Context, tx *sql.Tx, sessionID string, r *interviewer.InterviewReport) error {
	figures, err := json.Marshal(journal.Measure(r))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE attempts SET figures = ? WHERE session_id = ? AND answer = 0`), string(figures), sessionID)
	return err
}
