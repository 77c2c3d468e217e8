-- The engine was unsure of the word.
ALTER TABLE words ADD COLUMN low_confidence INTEGER NOT NULL DEFAULT 0;
