-- The word as a punctuating engine wrote it.
ALTER TABLE words ADD COLUMN punctuated TEXT NOT NULL DEFAULT '';
