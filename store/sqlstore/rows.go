package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mockinterview/mockinterview/store"
)

// affectedOne turns an update that touched no row into store.ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, store.ErrNotFound)
	}
	return nil
}

// eachRow calls fn for each row, then closes the rows.
func eachRow(rows *sql.Rows, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanStrings reads the rows of a query of one text column, an empty
// list if there are none.
func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	out := []string{}
	err = eachRow(rows, func() error {
		var s string
		err := rows.Scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}

// scanAll runs query with the session id and sets *out to its rows, each
// read by scan; an empty list, not nil, when there are none.
func scanAll[T any](ctx context.Context, db *sql.DB, query, id string, out *[]T, scan func(*sql.Rows, *T) error) error {
	if err := scanRows(ctx, db, query, id, out, scan); err != nil {
		return fmt.Errorf("session %s: %w", id, err)
	}
	return nil
}

// scanRows is scanAll for a query with any one parameter, its errors
// unwrapped.
func scanRows[T any](ctx context.Context, db *sql.DB, query string, arg any, out *[]T, scan func(*sql.Rows, *T) error) error {
	rows, err := db.QueryContext(ctx, query, arg)
	if err != nil {
		return err
	}
	*out = []T{}
	return eachRow(rows, func() error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		*out = append(*out, v)
		return nil
	})
}

// listJSON writes a list for one column, [] for none.
func listJSON(list []string) string {
	if list == nil {
		list = []string{}
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// parseList reads a column listJSON wrote; an empty list if it cannot.
func parseList(s string) []string {
	out := []string{}
	json.Unmarshal([]byte(s), &out)
	return out
}
