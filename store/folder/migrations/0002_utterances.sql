-- Which engine heard each utterance (a fallback, when the session's own
-- engine failed), and when a session was last rebuilt from its audio.
CREATE TABLE utterances (
	session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	answer     INTEGER NOT NULL,
	start_time REAL NOT NULL,
	end_time   REAL NOT NULL,
	engine     TEXT NOT NULL,
	fallback   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (session_id, n)
);
ALTER TABLE sessions ADD COLUMN retranscribed_at TEXT NOT NULL DEFAULT '';
