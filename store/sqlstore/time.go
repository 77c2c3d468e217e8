package sqlstore

import (
	"database/sql"
	"fmt"
	"time"
)

// timeOf reads a time column scanned into an any: a time.Time
// (PostgreSQL), RFC 3339 text (SQLite), or NULL or empty text for a time
// not yet known, the zero time.
func timeOf(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v.UTC(), nil
	case []byte:
		return timeOf(string(v))
	case string:
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", v, err)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("a time column holds a %T", v)
}

// asTime is a destination of Scan that reads a time column into t, as
// timeOf does.
func asTime(t *time.Time) sql.Scanner { return timeColumn{t} }

type timeColumn struct{ t *time.Time }

func (c timeColumn) Scan(v any) error {
	var err error
	*c.t, err = timeOf(v)
	return err
}
