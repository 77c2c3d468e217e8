package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// ErrNotFound is returned for a session or answer the store does not hold.
var ErrNotFound = errors.New("not found")

// Session states.
const (
	StateLive        = "live"        // a client is connected
	StateDone        = "done"        // ended and reported
	StateInterrupted = "interrupted" // the server stopped before the session ended
)

// Store keeps sessions in a SQLite database and their recordings beside it,
// in one data folder.
type Store struct {
	db  *sql.DB // reads
	w   *sql.DB // writes, on one connection
	dir string
}

// migrations bring the schema from version i to i+1; the database's
// user_version says how many have run. Append, never edit.
var migrations = []string{
	`CREATE TABLE sessions (
		id          TEXT PRIMARY KEY,
		secret_hash TEXT NOT NULL,
		created_at  TEXT NOT NULL,
		ended_at    TEXT NOT NULL DEFAULT '',
		state       TEXT NOT NULL,
		mode        TEXT NOT NULL,
		level       TEXT NOT NULL,
		question_id TEXT NOT NULL,
		principle   TEXT NOT NULL,
		question    TEXT NOT NULL,
		engine      TEXT NOT NULL,
		duration    REAL NOT NULL DEFAULT 0,
		decision    TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX sessions_secret ON sessions(secret_hash);
	CREATE INDEX sessions_created ON sessions(created_at);
	CREATE TABLE answers (
		session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		n             INTEGER NOT NULL,
		probe_id      TEXT NOT NULL DEFAULT '',
		gap           TEXT NOT NULL DEFAULT '',
		asked         TEXT NOT NULL,
		start_time    REAL NOT NULL,
		end_time      REAL,
		audio_file    TEXT NOT NULL,
		audio_seconds REAL NOT NULL DEFAULT 0,
		PRIMARY KEY (session_id, n)
	);
	CREATE TABLE words (
		session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		idx        INTEGER NOT NULL,
		answer     INTEGER NOT NULL,
		utterance  INTEGER NOT NULL,
		text       TEXT NOT NULL,
		start_time REAL NOT NULL,
		end_time   REAL NOT NULL,
		confidence REAL NOT NULL,
		part       TEXT NOT NULL DEFAULT '',
		filler     INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (session_id, idx)
	);
	CREATE TABLE parts (
		session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		idx        INTEGER NOT NULL,
		label      TEXT NOT NULL,
		start_time REAL NOT NULL,
		end_time   REAL NOT NULL,
		duration   REAL NOT NULL,
		speaking   REAL NOT NULL,
		target     REAL NOT NULL,
		status     TEXT NOT NULL,
		words      INTEGER NOT NULL,
		wpm        REAL NOT NULL,
		text       TEXT NOT NULL,
		PRIMARY KEY (session_id, idx)
	);
	CREATE TABLE probes (
		session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		n          INTEGER NOT NULL,
		probe_id   TEXT NOT NULL,
		gap        TEXT NOT NULL,
		probes     TEXT NOT NULL,
		asked      TEXT NOT NULL,
		reply      TEXT NOT NULL,
		skipped    INTEGER NOT NULL,
		rating     TEXT NOT NULL,
		reason     TEXT NOT NULL,
		PRIMARY KEY (session_id, n)
	);
	CREATE TABLE reports (
		session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
		created_at TEXT NOT NULL,
		report     TEXT NOT NULL
	);`,
	// Which engine heard each utterance (a fallback, when the session's own
	// engine failed), and when a session was last rebuilt from its audio.
	`CREATE TABLE utterances (
		session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		n          INTEGER NOT NULL,
		answer     INTEGER NOT NULL,
		start_time REAL NOT NULL,
		end_time   REAL NOT NULL,
		engine     TEXT NOT NULL,
		fallback   INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (session_id, n)
	);
	ALTER TABLE sessions ADD COLUMN retranscribed_at TEXT NOT NULL DEFAULT '';`,
	`ALTER TABLE words ADD COLUMN punctuated TEXT NOT NULL DEFAULT '';`,
	`ALTER TABLE words ADD COLUMN low_confidence INTEGER NOT NULL DEFAULT 0;`,
}

// OpenStore opens (creating if needed) the database in dir for the
// service, brings its schema up to date and recovers what a previous run
// left behind when it died: its live sessions are marked interrupted, and
// their last recordings are measured and their WAV headers made to cover
// every sample written.
func OpenStore(ctx context.Context, dir string) (*Store, error) {
	s, err := AttachStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := s.recoverInterrupted(ctx, ""); err != nil {
		s.Close()
		return nil, fmt.Errorf("database in %s: %w", dir, err)
	}
	return s, nil
}

// AttachStore opens the data folder without touching its live sessions,
// for a command that runs beside a service that may be recording them.
func AttachStore(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "audio"), 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	path := filepath.Join(dir, "mockinterview.db")
	// Durability: WAL, so that readers never wait for the session that
	// writes, and synchronous=NORMAL. In WAL mode NORMAL writes every
	// commit to the log before the commit returns and syncs the log at
	// checkpoints: a killed process (SIGKILL, OOM, a panic) loses no
	// committed word, and the database is never corrupted. Only an OS crash
	// or a power cut may roll back the last commits, and then the
	// recordings, written as the audio arrives without a sync per frame,
	// lose the same last moments: FULL would sync the log on every final
	// result of every session for no better outcome.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	//
	// Writes go through one connection of their own, so that the
	// sessions' commits queue in Go, in turn, rather than retrying on
	// SQLITE_BUSY with the busy handler's growing sleeps; reads have a pool
	// that WAL never makes wait for the writer.
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{db: db, w: w, dir: dir}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// MarkInterrupted does for one session what OpenStore does for all: a
// session a dead process left live is marked interrupted and its open
// answer closed at the end of its recording. Use it only when no running
// service is recording the session.
func (s *Store) MarkInterrupted(ctx context.Context, id string) error {
	if !ValidSessionID(id) {
		return ErrNotFound
	}
	return s.recoverInterrupted(ctx, id)
}

// recoverInterrupted marks the sessions a dead process left live (only
// the one with id, if given) as interrupted, and closes their open
// answers at the end of what was recorded.
func (s *Store) recoverInterrupted(ctx context.Context, id string) error {
	type open struct {
		session, file string
		n             int
		start         float64
	}
	var answers []open
	rows, err := s.db.QueryContext(ctx, `SELECT a.session_id, a.n, a.start_time, a.audio_file FROM answers a
		JOIN sessions s ON s.id = a.session_id WHERE s.state = ? AND a.end_time IS NULL AND (? = '' OR s.id = ?)`, StateLive, id, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a open
		if err := rows.Scan(&a.session, &a.n, &a.start, &a.file); err != nil {
			rows.Close()
			return err
		}
		answers = append(answers, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range answers {
		samples, err := repairRecording(s.AudioPath(a.session, a.file))
		if err != nil {
			return fmt.Errorf("session %s: %w", a.session, err)
		}
		seconds := float64(samples) / transcribe.SampleRate
		if err := s.EndAnswer(ctx, a.session, a.n, a.start+seconds, seconds); err != nil {
			return err
		}
	}
	_, err = s.w.ExecContext(ctx, `UPDATE sessions SET state = ?,
		duration = coalesce((SELECT max(end_time) FROM answers a WHERE a.session_id = sessions.id), 0)
		WHERE state = ? AND (? = '' OR id = ?)`, StateInterrupted, StateLive, id, id)
	return err
}

func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program (%d): upgrade mockinterview", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		// PRAGMA takes no parameters; v is our own integer.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return errors.Join(s.w.Close(), s.db.Close()) }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Dir is the data folder.
func (s *Store) Dir() string { return s.dir }

// SessionRecord is a session's own row.
type SessionRecord struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
	State      string    `json:"state"`
	Mode       string    `json:"mode"`
	Level      string    `json:"level"`
	QuestionID string    `json:"question_id"`
	Principle  string    `json:"principle"`
	Question   string    `json:"question"`
	Engine     string    `json:"engine"`
	// Duration is the seconds of audio received.
	Duration float64 `json:"duration"`
	// Decision is the hiring verdict of an interview, once reported.
	Decision string `json:"decision,omitempty"`
	// AnswerCount is how many answers were recorded: the main one and one
	// per probe asked.
	AnswerCount int `json:"answer_count"`
	// RetranscribedAt is when the words and report were last rebuilt from
	// the recordings.
	RetranscribedAt time.Time `json:"retranscribed_at,omitzero"`
}

// AnswerRecord is one answer: to the main question (N 0) or to a probe.
// Its recording covers the stream from Start to End; the recordings of a
// session laid end to end are the whole stream.
type AnswerRecord struct {
	N            int      `json:"n"`
	ProbeID      string   `json:"probe_id,omitempty"`
	Gap          string   `json:"gap,omitempty"`
	Asked        string   `json:"asked"`
	Start        float64  `json:"start"`
	End          *float64 `json:"end"`
	AudioFile    string   `json:"-"`
	AudioSeconds float64  `json:"audio_seconds"`
}

// WordRecord is one heard word with its place in the session.
type WordRecord struct {
	Answer    int    `json:"answer"`
	Utterance int    `json:"utterance"`
	Text      string `json:"text"`
	// Punctuated is the word as a punctuating engine wrote it, if one did.
	Punctuated string  `json:"punctuated,omitempty"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Confidence float64 `json:"confidence"`
	Part       string  `json:"part,omitempty"`
	Filler     bool    `json:"filler,omitempty"`
	// LowConfidence says the engine was unsure of the word.
	LowConfidence bool `json:"low_confidence,omitempty"`
}

// UtteranceRecord is one final result: where it lies on the stream clock
// and which engine heard it. The session's JSON and the Report message
// carry the same object, so the protocol defines it.
type UtteranceRecord = protocol.Utterance

// ValidSessionID reports whether id has the form of a session id: 32
// lowercase hexadecimal digits (128 random bits).
func ValidSessionID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range []byte(id) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// HashSecret is what the store keeps of a session's secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateSession adds a live session with the secret's hash.
func (s *Store) CreateSession(ctx context.Context, r SessionRecord, secret string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO sessions
		(id, secret_hash, created_at, state, mode, level, question_id, principle, question, engine)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, HashSecret(secret), formatTime(r.CreatedAt), StateLive, r.Mode, r.Level, r.QuestionID, r.Principle, r.Question, r.Engine)
	if err != nil {
		return fmt.Errorf("create session %s: %w", r.ID, err)
	}
	return nil
}

// AddAnswer records that a question or probe was asked.
func (s *Store) AddAnswer(ctx context.Context, sessionID string, a AnswerRecord) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO answers
		(session_id, n, probe_id, gap, asked, start_time, audio_file) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sessionID, a.N, a.ProbeID, a.Gap, a.Asked, a.Start, a.AudioFile)
	if err != nil {
		return fmt.Errorf("session %s: add answer %d: %w", sessionID, a.N, err)
	}
	return nil
}

// EndAnswer records where an answer's recording ends.
func (s *Store) EndAnswer(ctx context.Context, sessionID string, n int, end, audioSeconds float64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE answers SET end_time = ?, audio_seconds = ? WHERE session_id = ? AND n = ?`,
		end, audioSeconds, sessionID, n)
	if err != nil {
		return fmt.Errorf("session %s: end answer %d: %w", sessionID, n, err)
	}
	return nil
}

// AddWords stores the final words of one utterance, numbered from first.
func (s *Store) AddWords(ctx context.Context, sessionID string, answer, utterance, first int, words []transcribe.Word) error {
	return s.AddUtterance(ctx, sessionID, UtteranceRecord{N: utterance, Answer: answer}, first, words)
}

// AddUtterance stores a final result: its words, numbered from first, and
// which engine heard it, in one transaction.
func (s *Store) AddUtterance(ctx context.Context, sessionID string, u UtteranceRecord, first int, words []transcribe.Word) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := addUtterance(ctx, tx, sessionID, u, first, words); err != nil {
		return err
	}
	return tx.Commit()
}

func addUtterance(ctx context.Context, tx *sql.Tx, sessionID string, u UtteranceRecord, first int, words []transcribe.Word) error {
	for i, w := range words {
		if _, err := tx.ExecContext(ctx, `INSERT INTO words
			(session_id, idx, answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sessionID, first+i, u.Answer, u.N, w.Text, w.Punctuated, w.Start, w.End, w.Confidence, w.LowConfidence); err != nil {
			return fmt.Errorf("session %s: add words: %w", sessionID, err)
		}
	}
	if u.Engine == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO utterances (session_id, n, answer, start_time, end_time, engine, fallback)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, sessionID, u.N, u.Answer, u.Start, u.End, u.Engine, u.Fallback); err != nil {
		return fmt.Errorf("session %s: add utterance %d: %w", sessionID, u.N, err)
	}
	return nil
}

// SaveReport stores the interview's report and what it says about the
// answers: each main-answer word's part (mainWords holds their indexes, in
// the report's order), the parts, the probes with their verdicts.
func (s *Store) SaveReport(ctx context.Context, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := saveReport(ctx, tx, sessionID, r, mainWords, now); err != nil {
		return err
	}
	return tx.Commit()
}

func saveReport(ctx context.Context, tx *sql.Tx, sessionID string, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	exec := func(query string, args ...any) {
		if err == nil {
			_, err = tx.ExecContext(ctx, query, args...)
		}
	}
	for i, w := range r.Words {
		if i < len(mainWords) {
			exec(`UPDATE words SET part = ?, filler = ? WHERE session_id = ? AND idx = ?`, string(w.Part), w.Filler, sessionID, mainWords[i])
		}
	}
	exec(`DELETE FROM parts WHERE session_id = ?`, sessionID)
	for i, p := range r.Parts {
		exec(`INSERT INTO parts (session_id, idx, label, start_time, end_time, duration, speaking, target, status, words, wpm, text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sessionID, i, string(p.Label), p.Start, p.End, p.Duration, p.Speaking, p.Target, string(p.Status), p.Words, p.WPM, p.Text)
	}
	exec(`DELETE FROM probes WHERE session_id = ?`, sessionID)
	for i, p := range r.Probes {
		rating, reason := "", ""
		if p.Verdict != nil {
			rating, reason = p.Verdict.Rating, p.Verdict.Reason
		}
		exec(`INSERT INTO probes (session_id, n, probe_id, gap, probes, asked, reply, skipped, rating, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sessionID, i+1, p.ID, string(p.Gap), p.Probes, p.Asked, p.Answer, p.Skipped, rating, reason)
	}
	decision := ""
	if r.Verdict != nil {
		decision = r.Verdict.Decision
	}
	exec(`INSERT INTO reports (session_id, created_at, report) VALUES (?, ?, ?)
		ON CONFLICT (session_id) DO UPDATE SET created_at = excluded.created_at, report = excluded.report`,
		sessionID, formatTime(now), string(body))
	exec(`UPDATE sessions SET decision = ? WHERE id = ?`, decision, sessionID)
	if err != nil {
		return fmt.Errorf("session %s: save report: %w", sessionID, err)
	}
	return nil
}

// Transcript is a session's words heard anew from its recordings.
type Transcript struct {
	// Utterances are numbered from 0 in stream order; Words holds each
	// one's words.
	Utterances []UtteranceRecord
	Words      [][]transcribe.Word
	// Answers gives each answer's recorded length in seconds, by number.
	Answers map[int]float64
}

// ReplaceTranscript swaps a session's words, utterances and report for
// those made again from its recordings, in one transaction. mainWords are
// the word numbers of the main answer, as SaveReport takes them.
func (s *Store) ReplaceTranscript(ctx context.Context, sessionID string, t Transcript, r *interviewer.InterviewReport, mainWords []int, now time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, table := range []string{"words", "utterances"} {
		// table is one of our own names.
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE session_id = ?`, sessionID); err != nil {
			return fmt.Errorf("session %s: clear %s: %w", sessionID, table, err)
		}
	}
	first := 0
	for i, u := range t.Utterances {
		if err := addUtterance(ctx, tx, sessionID, u, first, t.Words[i]); err != nil {
			return err
		}
		first += len(t.Words[i])
	}
	duration := 0.0
	for n, seconds := range t.Answers {
		var start float64
		if err := tx.QueryRowContext(ctx, `UPDATE answers SET audio_seconds = ?, end_time = start_time + ?
			WHERE session_id = ? AND n = ? RETURNING start_time`, seconds, seconds, sessionID, n).Scan(&start); err != nil {
			return fmt.Errorf("session %s: answer %d: %w", sessionID, n, err)
		}
		duration = max(duration, start+seconds)
	}
	if err := saveReport(ctx, tx, sessionID, r, mainWords, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET retranscribed_at = ?, duration = max(duration, ?) WHERE id = ?`,
		formatTime(now), duration, sessionID); err != nil {
		return fmt.Errorf("session %s: %w", sessionID, err)
	}
	return tx.Commit()
}

// EndSession records how a session ended and how much audio it had.
func (s *Store) EndSession(ctx context.Context, sessionID, state string, duration float64, now time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET state = ?, duration = ?, ended_at = ? WHERE id = ?`,
		state, duration, formatTime(now), sessionID)
	if err != nil {
		return fmt.Errorf("session %s: end: %w", sessionID, err)
	}
	return nil
}

// SecretHash returns the hash of a session's secret.
func (s *Store) SecretHash(ctx context.Context, sessionID string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT secret_hash FROM sessions WHERE id = ?`, sessionID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return h, err
}

const sessionColumns = `s.id, s.created_at, s.ended_at, s.state, s.mode, s.level, s.question_id, s.principle, s.question,
	s.engine, s.duration, s.decision, (SELECT count(*) FROM answers a WHERE a.session_id = s.id), s.retranscribed_at`

func scanSession(sc interface{ Scan(...any) error }) (SessionRecord, error) {
	var r SessionRecord
	var created, ended, retranscribed string
	err := sc.Scan(&r.ID, &created, &ended, &r.State, &r.Mode, &r.Level, &r.QuestionID, &r.Principle, &r.Question,
		&r.Engine, &r.Duration, &r.Decision, &r.AnswerCount, &retranscribed)
	r.CreatedAt, r.EndedAt, r.RetranscribedAt = parseTime(created), parseTime(ended), parseTime(retranscribed)
	return r, err
}

// ListSessions returns sessions, newest first: all of them when all is
// set, else those whose secrets hash to one of secretHashes.
func (s *Store) ListSessions(ctx context.Context, all bool, secretHashes []string) ([]SessionRecord, error) {
	query := `SELECT ` + sessionColumns + ` FROM sessions s`
	var args []any
	if !all {
		if len(secretHashes) == 0 {
			return []SessionRecord{}, nil
		}
		query += ` WHERE s.secret_hash IN (?` + strings.Repeat(`, ?`, len(secretHashes)-1) + `)`
		for _, h := range secretHashes {
			args = append(args, h)
		}
	}
	query += ` ORDER BY s.created_at DESC, s.id`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	out := []SessionRecord{}
	for rows.Next() {
		r, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SessionDetail is everything stored about one session.
type SessionDetail struct {
	SessionRecord
	Answers    []AnswerRecord               `json:"answers"`
	Words      []WordRecord                 `json:"words"`
	Utterances []UtteranceRecord            `json:"utterances"`
	Parts      []interviewer.PartTiming     `json:"parts"`
	Probes     []interviewer.ProbeExchange  `json:"probes"`
	Report     *interviewer.InterviewReport `json:"report"`
}

// Session reads everything about one session.
func (s *Store) Session(ctx context.Context, id string) (*SessionDetail, error) {
	rec, err := scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	d := &SessionDetail{SessionRecord: rec, Answers: []AnswerRecord{}, Words: []WordRecord{}, Utterances: []UtteranceRecord{},
		Parts: []interviewer.PartTiming{}, Probes: []interviewer.ProbeExchange{}}
	if d.Answers, err = s.answers(ctx, id); err != nil {
		return nil, err
	}
	if err := s.each(ctx, `SELECT answer, utterance, text, punctuated, start_time, end_time, confidence, low_confidence, part, filler
		FROM words WHERE session_id = ? ORDER BY idx`, id, func(rows *sql.Rows) error {
		var w WordRecord
		err := rows.Scan(&w.Answer, &w.Utterance, &w.Text, &w.Punctuated, &w.Start, &w.End, &w.Confidence, &w.LowConfidence, &w.Part, &w.Filler)
		d.Words = append(d.Words, w)
		return err
	}); err != nil {
		return nil, err
	}
	if err := s.each(ctx, `SELECT u.n, u.answer, u.start_time, u.end_time, u.engine, u.fallback,
		(SELECT count(*) FROM words w WHERE w.session_id = u.session_id AND w.utterance = u.n)
		FROM utterances u WHERE u.session_id = ? ORDER BY u.n`, id, func(rows *sql.Rows) error {
		var u UtteranceRecord
		err := rows.Scan(&u.N, &u.Answer, &u.Start, &u.End, &u.Engine, &u.Fallback, &u.Words)
		d.Utterances = append(d.Utterances, u)
		return err
	}); err != nil {
		return nil, err
	}
	if err := s.each(ctx, `SELECT label, start_time, end_time, duration, speaking, target, status, words, wpm, text
		FROM parts WHERE session_id = ? ORDER BY idx`, id, func(rows *sql.Rows) error {
		var p interviewer.PartTiming
		err := rows.Scan(&p.Label, &p.Start, &p.End, &p.Duration, &p.Speaking, &p.Target, &p.Status, &p.Words, &p.WPM, &p.Text)
		d.Parts = append(d.Parts, p)
		return err
	}); err != nil {
		return nil, err
	}
	if err := s.each(ctx, `SELECT probe_id, gap, probes, asked, reply, skipped, rating, reason
		FROM probes WHERE session_id = ? ORDER BY n`, id, func(rows *sql.Rows) error {
		var p interviewer.ProbeExchange
		var v interviewer.Verdict
		err := rows.Scan(&p.ID, &p.Gap, &p.Probes, &p.Asked, &p.Answer, &p.Skipped, &v.Rating, &v.Reason)
		if v.Rating != "" {
			p.Verdict = &v
		}
		d.Probes = append(d.Probes, p)
		return err
	}); err != nil {
		return nil, err
	}
	// The probes table keeps no words: a reply's words are the session's
	// words of its answer, probe k's being answer k's.
	for k := range d.Probes {
		d.Probes[k].Words = []transcribe.Word{}
		for _, w := range d.Words {
			if w.Answer == k+1 {
				d.Probes[k].Words = append(d.Probes[k].Words, transcribe.Word{Text: w.Text, Start: w.Start, End: w.End, Confidence: w.Confidence,
					Punctuated: w.Punctuated, LowConfidence: w.LowConfidence})
			}
		}
	}
	var body string
	err = s.db.QueryRowContext(ctx, `SELECT report FROM reports WHERE session_id = ?`, id).Scan(&body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("session %s: report: %w", id, err)
	default:
		d.Report = new(interviewer.InterviewReport)
		if err := json.Unmarshal([]byte(body), d.Report); err != nil {
			return nil, fmt.Errorf("session %s: report: %w", id, err)
		}
		// A report stored before budget.length existed gets it from its words.
		if w := d.Report.Words; d.Report.Budget.Length == 0 && len(w) > 0 {
			d.Report.Budget.Length = w[len(w)-1].End - w[0].Start
		}
		// The probes table keeps no audio either: the report's probes do.
		for k := range min(len(d.Probes), len(d.Report.Probes)) {
			d.Probes[k].Audio = d.Report.Probes[k].Audio
		}
	}
	return d, nil
}

func (s *Store) answers(ctx context.Context, id string) ([]AnswerRecord, error) {
	out := []AnswerRecord{}
	err := s.each(ctx, `SELECT n, probe_id, gap, asked, start_time, end_time, audio_file, audio_seconds
		FROM answers WHERE session_id = ? ORDER BY n`, id, func(rows *sql.Rows) error {
		var a AnswerRecord
		var end sql.NullFloat64
		err := rows.Scan(&a.N, &a.ProbeID, &a.Gap, &a.Asked, &a.Start, &end, &a.AudioFile, &a.AudioSeconds)
		if end.Valid {
			a.End = &end.Float64
		}
		out = append(out, a)
		return err
	})
	return out, err
}

// Answer reads one answer's row.
func (s *Store) Answer(ctx context.Context, sessionID string, n int) (AnswerRecord, error) {
	all, err := s.answers(ctx, sessionID)
	if err != nil {
		return AnswerRecord{}, err
	}
	for _, a := range all {
		if a.N == n {
			return a, nil
		}
	}
	return AnswerRecord{}, ErrNotFound
}

// each runs query with the session id and calls scan on every row.
func (s *Store) each(ctx context.Context, query, id string, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, query, id)
	if err != nil {
		return fmt.Errorf("session %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("session %s: %w", id, err)
		}
	}
	return rows.Err()
}

// DeleteSession removes a session's rows and its recordings.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if !ValidSessionID(id) {
		return ErrNotFound // and no path outside the audio folder is ever removed
	}
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if err := os.RemoveAll(s.AudioDir(id)); err != nil {
		return fmt.Errorf("delete session %s: recordings: %w", id, err)
	}
	return nil
}

// AudioDir is the folder of a session's recordings.
func (s *Store) AudioDir(sessionID string) string {
	return filepath.Join(s.dir, "audio", sessionID)
}

// AudioPath is where a stored recording name lives.
func (s *Store) AudioPath(sessionID, file string) string {
	return filepath.Join(s.AudioDir(sessionID), filepath.Base(file))
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
