-- Several service processes (replicas) may share a database: each says it
-- is alive every few seconds, and each live session names the replica
-- holding it, so that the sessions of a replica that died are recovered
-- and those of the living are left alone. '' is a session of a release
-- before this, or of a process that named no replica.
ALTER TABLE sessions ADD COLUMN replica TEXT NOT NULL DEFAULT '';
CREATE TABLE replicas (
	name         TEXT PRIMARY KEY,
	heartbeat_ms INTEGER NOT NULL,
	-- where the other replicas reach it (http://host:port), to carry a
	-- client's Resume to the replica holding its session
	address      TEXT NOT NULL DEFAULT ''
);
