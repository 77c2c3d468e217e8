-- Story journals: a person's stories, and which sessions' main answers are
-- attempts at each, with the figures of their reports as JSON (rewritten
-- whenever the session's report is saved or rebuilt), so that a journal
-- of hundreds of attempts reads without opening their reports.
CREATE TABLE journals (
	id          TEXT COLLATE "C" PRIMARY KEY,
	secret_hash TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE stories (
	id         TEXT COLLATE "C" PRIMARY KEY,
	journal_id TEXT COLLATE "C" NOT NULL REFERENCES journals(id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	principles JSONB NOT NULL,
	notes      TEXT NOT NULL DEFAULT '',
	vocabulary JSONB NOT NULL DEFAULT '[]',
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX stories_journal ON stories(journal_id, created_at);
CREATE TABLE attempts (
	session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	answer     INTEGER NOT NULL,
	story_id   TEXT COLLATE "C" NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	figures    JSONB NOT NULL,
	PRIMARY KEY (session_id, answer)
);
CREATE INDEX attempts_story ON attempts(story_id);
