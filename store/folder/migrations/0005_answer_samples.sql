-- Where each answer lies in its recording, in samples. A session now has
-- one recording, the whole stream, and each answer is a range of it; an
-- answer recorded by an earlier release has a file of its own, which it
-- covers from its first sample, its length in seconds being exact.
ALTER TABLE answers ADD COLUMN first_sample INTEGER NOT NULL DEFAULT 0;
ALTER TABLE answers ADD COLUMN samples INTEGER NOT NULL DEFAULT 0;
UPDATE answers SET samples = CAST(round(audio_seconds * 16000) AS INTEGER);
