-- Sessions, their answers, the words heard, the STAR parts, the probes
-- and the report.
CREATE TABLE sessions (
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
);
