-- Story journals: a person's stories, and which sessions' main answers are
-- attempts at each, with the figures of their reports as JSON (rewritten
-- whenever the session's report is saved or rebuilt), so that a journal
-- of hundreds of attempts reads without opening their reports.
CREATE TABLE journals (
	id          TEXT PRIMARY KEY,
	secret_hash TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE TABLE stories (
	id         TEXT PRIMARY KEY,
	journal_id TEXT NOT NULL REFERENCES journals(id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	principles TEXT NOT NULL,
	notes      TEXT NOT NULL DEFAULT '',
	vocabulary TEXT NOT NULL DEFAULT '[]',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX stories_journal ON stories(journal_id, created_at);
CREATE TABLE attempts (
	session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	answer     INTEGER NOT NULL,
	story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	figures    TEXT NOT NULL,
	PRIMARY KEY (session_id, answer)
);
CREATE INDEX attempts_story ON attempts(story_id);
