// Package sqlrows holds the few helpers every database/sql store of ours
// shares, whatever its dialect: reading rows, telling an update that
// touched nothing, and keeping a list of strings in one column. The SQL
// of the service stays with each store (store/folder for SQLite,
// store/postgres); only the plain SQL that copies whole rows from one
// database to another (Portable, for `mockinterview migrate`) is shared,
// each store giving its Dialect.
package sqlrows

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mockinterview/mockinterview/store"
)

// AffectedOne turns an update that touched no row into store.ErrNotFound.
func AffectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, store.ErrNotFound)
	}
	return nil
}

// EachRow calls fn for each row, then closes the rows.
func EachRow(rows *sql.Rows, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScanAll runs query with the session id and sets *out to its rows, each
// read by scan; an empty list, not nil, when there are none.
func ScanAll[T any](ctx context.Context, db *sql.DB, query, id string, out *[]T, scan func(*sql.Rows, *T) error) error {
	if err := scanAll(ctx, db, query, id, out, scan); err != nil {
		return fmt.Errorf("session %s: %w", id, err)
	}
	return nil
}

// scanAll is ScanAll for a query with any one parameter, its errors
// unwrapped.
func scanAll[T any](ctx context.Context, db *sql.DB, query string, arg any, out *[]T, scan func(*sql.Rows, *T) error) error {
	rows, err := db.QueryContext(ctx, query, arg)
	if err != nil {
		return err
	}
	*out = []T{}
	return EachRow(rows, func() error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		*out = append(*out, v)
		return nil
	})
}

// ListJSON writes a list for one column, [] for none.
func ListJSON(list []string) string {
	if list == nil {
		list = []string{}
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// ParseList reads a column ListJSON wrote; an empty list if it cannot.
func ParseList(s string) []string {
	out := []string{}
	json.Unmarshal([]byte(s), &out)
	return out
}
