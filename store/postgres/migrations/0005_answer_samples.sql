-- Where each answer lies in its recording, in samples: a session has one
-- recording, the whole stream, and each answer is a range of it. (The
-- SQLite step of this number also converted the answers of earlier
-- releases; a PostgreSQL database never held any.)
ALTER TABLE answers ADD COLUMN first_sample BIGINT NOT NULL DEFAULT 0;
ALTER TABLE answers ADD COLUMN samples BIGINT NOT NULL DEFAULT 0;
