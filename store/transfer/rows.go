package transfer

import (
	"context"
	"errors"
	"fmt"

	"github.com/mockinterview/mockinterview/store"
)

// session copies one session's rows and counts them on both sides.
func (c *copier) session(ctx context.Context, id string) error {
	src, dst, err := copyRows(ctx, c, &c.sum.Sessions, "session "+id,
		func(p store.Portable) (*store.SessionRows, error) { return p.ExportSession(ctx, id) },
		func(p store.Portable, r *store.SessionRows) error { return p.ImportSession(ctx, r) })
	if err != nil {
		return err
	}
	c.sum.countSession(src, source)
	if dst != nil {
		c.sum.countSession(dst, destination)
	}
	return nil
}

// journal copies one journal's rows and counts them on both sides.
func (c *copier) journal(ctx context.Context, id string) error {
	src, dst, err := copyRows(ctx, c, &c.sum.Journals, "journal "+id,
		func(p store.Portable) (*store.JournalRows, error) { return p.ExportJournal(ctx, id) },
		func(p store.Portable, r *store.JournalRows) error { return p.ImportJournal(ctx, r) })
	if err != nil {
		return err
	}
	c.sum.countJournal(src, source)
	if dst != nil {
		c.sum.countJournal(dst, destination)
	}
	return nil
}

// checksummed is a session's or a journal's rows.
type checksummed interface {
	Checksum() (string, error)
}

// copyRows copies the rows of one session or journal, what, unless the
// destination holds them alike already, and reads them back from the
// destination to check them. It returns the rows of both sides, the
// destination's as they are after the copy (nil if it has none).
func copyRows[R checksummed](ctx context.Context, c *copier, tally *Tally, what string,
	export func(store.Portable) (R, error), write func(store.Portable, R) error) (src, dst R, err error) {
	var none R
	if src, err = export(c.from.Rows); err != nil {
		return none, none, fmt.Errorf("source: %w", err)
	}
	want, err := src.Checksum()
	if err != nil {
		return none, none, fmt.Errorf("source: %w", err)
	}
	dst, err = export(c.to.Rows)
	replacing := err == nil
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return none, none, fmt.Errorf("destination: %w", err)
	default:
		got, err := dst.Checksum()
		if err != nil {
			return none, none, fmt.Errorf("destination: %w", err)
		}
		if got == want {
			tally.Same++
			return src, dst, nil
		}
		if !c.opt.Replace {
			tally.Conflicts++
			c.problem("%s: the destination holds other rows for it (checksum %.12s, the source's %.12s); left as it is", what, got, want)
			return src, dst, nil
		}
	}
	if err := write(c.to.Rows, src); err != nil {
		return none, none, fmt.Errorf("destination: %w", err)
	}
	if dst, err = export(c.to.Rows); err != nil {
		return none, none, fmt.Errorf("destination: read back %s: %w", what, err)
	}
	got, err := dst.Checksum()
	if err != nil {
		return none, none, fmt.Errorf("destination: %w", err)
	}
	if got != want {
		c.problem("%s: copied, but read back from the destination its rows differ (checksum %.12s, the source's %.12s)", what, got, want)
	}
	if replacing {
		tally.Replaced++
	} else {
		tally.Copied++
	}
	return src, dst, nil
}
