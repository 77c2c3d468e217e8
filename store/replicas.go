package store

import (
	"context"
	"time"
)

// Holder is the replica a session names, as Replicas.Holder finds it.
type Holder struct {
	Replica string
	Address string // "" when it gave none, or is not in the list
	Alive   bool
}

// Replicas is what several service processes (replicas) sharing one
// database keep there about each other: each says it is alive every few
// seconds (a heartbeat), and each session names the replica that created
// it (SessionRecord.Replica), so that
// when one dies another finds the sessions it left live and recovers them
// (see RecoverInterrupted), while those of replicas still alive are left
// alone.
type Replicas interface {
	// Heartbeat says replica is alive at at, reachable at address
	// (http://host:port) by the others.
	Heartbeat(ctx context.Context, replica, address string, at time.Time) error
	// Orphaned lists the live sessions whose replica has said nothing
	// since staleBefore (or never, or is no replica at all), and those of
	// self too when withSelf is set: what a replica starting again left.
	Orphaned(ctx context.Context, self string, staleBefore time.Time, withSelf bool) ([]string, error)
	// Leave forgets replica, which has stopped and holds nothing.
	Leave(ctx context.Context, replica string) error
	// Holder says which replica holds session sessionID, where it is
	// reached, and whether it has said it is alive since staleBefore.
	Holder(ctx context.Context, sessionID string, staleBefore time.Time) (Holder, error)
	// Claim makes the interrupted session sessionID live again, held by
	// replica, which goes on with it; false when it is not interrupted
	// (another replica claimed it first, or it ended).
	Claim(ctx context.Context, replica, sessionID string) (bool, error)
}
