package store

import (
	"context"
	"time"
)

// Replicas is what several service processes (replicas) sharing one
// database keep there about each other: each says it is alive every few
// seconds (a heartbeat), and each session names the replica that created
// it (SessionRecord.Replica), so that
// when one dies another finds the sessions it left live and recovers them
// (see RecoverInterrupted), while those of replicas still alive are left
// alone.
type Replicas interface {
	// Heartbeat says replica is alive at at.
	Heartbeat(ctx context.Context, replica string, at time.Time) error
	// Orphaned lists the live sessions whose replica has said nothing
	// since staleBefore (or never, or is no replica at all), and those of
	// self too when withSelf is set: what a replica starting again left.
	Orphaned(ctx context.Context, self string, staleBefore time.Time, withSelf bool) ([]string, error)
	// Leave forgets replica, which has stopped and holds nothing.
	Leave(ctx context.Context, replica string) error
	// Alive reports whether replica has said it is alive since
	// staleBefore.
	Alive(ctx context.Context, replica string, staleBefore time.Time) (bool, error)
	// Claim makes the interrupted session sessionID live again, held by
	// replica, which goes on with it; false when it is not interrupted
	// (another replica claimed it first, or it ended).
	Claim(ctx context.Context, replica, sessionID string) (bool, error)
}
