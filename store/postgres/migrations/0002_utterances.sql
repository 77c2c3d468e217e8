-- Which engine heard each utterance (a fallback, when the session's own
-- engine failed), and when a session was last rebuilt from its audio.
CREATE TABLE utterances (
	session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	answer     INTEGER NOT NULL,
	start_time DOUBLE PRECISION NOT NULL,
	end_time   DOUBLE PRECISION NOT NULL,
	engine     TEXT NOT NULL,
	fallback   BOOLEAN NOT NULL DEFAULT false,
	PRIMARY KEY (session_id, n)
);
ALTER TABLE sessions ADD COLUMN retranscribed_at TIMESTAMPTZ;
