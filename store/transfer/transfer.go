// Package transfer copies a whole installation into another: every row of
// its database (sessions with their answers, words, utterances, parts,
// probes and reports; journals with their stories and attempts) and every
// recording. It checks the copy as it goes: each session's and journal's
// rows and each recording's samples are read back from the destination
// and compared with the source's by SHA-256. It can be run again: what
// the destination already holds alike is skipped, so a second run copies
// nothing and checks everything.
//
// It works through the store's interfaces only (store.Portable for the
// rows, store.Recordings for the audio) and knows nothing of the
// databases or object stores behind them, nor of flags or the server.
package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/store"
)

// Installation is one side of a copy: a database and its recordings.
type Installation struct {
	// Sessions lists the sessions.
	Sessions   store.Sessions
	Rows       store.Portable
	Recordings store.Recordings
}

// Options say how to copy.
type Options struct {
	// IncludeLive copies the sessions the source has live as they stand
	// (their rows and audio so far); without it Copy refuses a source
	// that has any, with ErrLive.
	IncludeLive bool
	// Replace overwrites a session, journal or recording that the
	// destination holds and that differs from the source's; without it
	// such a one is left as it is and reported as a conflict.
	Replace bool
	// Progress, if not nil, gets a line every ProgressEvery sessions.
	Progress io.Writer
}

// ProgressEvery is how many sessions go between two lines of progress.
const ProgressEvery = 100

// ErrLive is returned when the source has live sessions and
// Options.IncludeLive is not set.
var ErrLive = errors.New("live sessions in the source")

// copier is one copy under way.
type copier struct {
	from, to Installation
	opt      Options
	sum      *Summary
}

// Copy copies every session, its recordings and every journal from from
// into to, checks each as it goes and returns what it did and found. It
// stops at the first error reading or writing either side; a difference
// it finds is not an error but one of the summary's Problems.
func Copy(ctx context.Context, from, to Installation, opt Options) (*Summary, error) {
	list, err := from.Sessions.ListSessions(ctx, true, nil)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	var ids, live []string
	for _, s := range list {
		ids = append(ids, s.ID)
		if s.State == store.StateLive {
			live = append(live, s.ID)
		}
	}
	slices.Sort(ids)
	if len(live) > 0 && !opt.IncludeLive {
		slices.Sort(live)
		return nil, fmt.Errorf("%w: %d (%s)", ErrLive, len(live), abbreviate(live, 3))
	}
	c := &copier{from: from, to: to, opt: opt, sum: newSummary()}
	for i, id := range ids {
		if err := c.session(ctx, id); err != nil {
			return c.sum, err
		}
		if err := c.recordings(ctx, id); err != nil {
			return c.sum, err
		}
		if opt.Progress != nil && (i+1)%ProgressEvery == 0 {
			fmt.Fprintf(opt.Progress, "copied %d of %d sessions\n", i+1, len(ids))
		}
	}
	journals, err := from.Rows.JournalIDs(ctx)
	if err != nil {
		return c.sum, fmt.Errorf("source: %w", err)
	}
	for _, id := range journals {
		if err := c.journal(ctx, id); err != nil {
			return c.sum, err
		}
	}
	if err := c.extras(ctx, ids, journals); err != nil {
		return c.sum, err
	}
	return c.sum, nil
}

// extras counts what the destination holds that the source does not: it
// stays, and the summary says so.
func (c *copier) extras(ctx context.Context, sessions, journals []string) error {
	list, err := c.to.Sessions.ListSessions(ctx, true, nil)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	for _, s := range list {
		if _, found := slices.BinarySearch(sessions, s.ID); !found {
			c.sum.ExtraSessions++
		}
	}
	ids, err := c.to.Rows.JournalIDs(ctx)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	for _, id := range ids {
		if _, found := slices.BinarySearch(journals, id); !found {
			c.sum.ExtraJournals++
		}
	}
	return nil
}

// problem records a difference the copy found.
func (c *copier) problem(format string, args ...any) {
	c.sum.Problems = append(c.sum.Problems, fmt.Sprintf(format, args...))
}

// abbreviate lists the first n of ids, and how many more there are.
func abbreviate(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:n], ", "), len(ids)-n)
}
