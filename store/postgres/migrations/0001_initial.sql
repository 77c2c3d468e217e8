-- Sessions, their answers, the words heard, the STAR parts, the probes
-- and the report. Ids sort byte by byte (COLLATE "C") whatever the
-- database's locale, as they do in SQLite; a time not yet known is NULL.
CREATE TABLE sessions (
	id          TEXT COLLATE "C" PRIMARY KEY,
	secret_hash TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	ended_at    TIMESTAMPTZ,
	state       TEXT NOT NULL,
	mode        TEXT NOT NULL,
	level       TEXT NOT NULL,
	question_id TEXT NOT NULL,
	principle   TEXT NOT NULL,
	question    TEXT NOT NULL,
	engine      TEXT NOT NULL,
	duration    DOUBLE PRECISION NOT NULL DEFAULT 0,
	decision    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_secret ON sessions(secret_hash);
CREATE INDEX sessions_created ON sessions(created_at);
CREATE TABLE answers (
	session_id    TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	n             INTEGER NOT NULL,
	probe_id      TEXT NOT NULL DEFAULT '',
	gap           TEXT NOT NULL DEFAULT '',
	asked         TEXT NOT NULL,
	start_time    DOUBLE PRECISION NOT NULL,
	end_time      DOUBLE PRECISION,
	audio_file    TEXT NOT NULL,
	audio_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
	PRIMARY KEY (session_id, n)
);
CREATE TABLE words (
	session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	idx        INTEGER NOT NULL,
	answer     INTEGER NOT NULL,
	utterance  INTEGER NOT NULL,
	text       TEXT NOT NULL,
	start_time DOUBLE PRECISION NOT NULL,
	end_time   DOUBLE PRECISION NOT NULL,
	confidence DOUBLE PRECISION NOT NULL,
	part       TEXT NOT NULL DEFAULT '',
	filler     BOOLEAN NOT NULL DEFAULT false,
	PRIMARY KEY (session_id, idx)
);
CREATE TABLE parts (
	session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	idx        INTEGER NOT NULL,
	label      TEXT NOT NULL,
	start_time DOUBLE PRECISION NOT NULL,
	end_time   DOUBLE PRECISION NOT NULL,
	duration   DOUBLE PRECISION NOT NULL,
	speaking   DOUBLE PRECISION NOT NULL,
	target     DOUBLE PRECISION NOT NULL,
	status     TEXT NOT NULL,
	words      INTEGER NOT NULL,
	wpm        DOUBLE PRECISION NOT NULL,
	text       TEXT NOT NULL,
	PRIMARY KEY (session_id, idx)
);
CREATE TABLE probes (
	session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	probe_id   TEXT NOT NULL,
	gap        TEXT NOT NULL,
	probes     TEXT NOT NULL,
	asked      TEXT NOT NULL,
	reply      TEXT NOT NULL,
	skipped    BOOLEAN NOT NULL,
	rating     TEXT NOT NULL,
	reason     TEXT NOT NULL,
	PRIMARY KEY (session_id, n)
);
CREATE TABLE reports (
	session_id TEXT COLLATE "C" PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
	created_at TIMESTAMPTZ NOT NULL,
	report     JSONB NOT NULL
);
