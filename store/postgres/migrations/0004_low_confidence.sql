-- The engine was unsure of the word.
ALTER TABLE words ADD COLUMN low_confidence BOOLEAN NOT NULL DEFAULT false;
