package folder

import (
	"context"

	"github.com/mockinterview/mockinterview/store"
)

var _ store.Repairable = (*Recordings)(nil)

// Repair makes a recording a dead process left whole (see repairWAV) and
// returns its samples; a name that cannot be a recording holds none.
func (r *Recordings) Repair(ctx context.Context, sessionID, name string) (int64, error) {
	path, err := r.path(sessionID, name)
	if err != nil {
		return 0, nil
	}
	return repairWAV(path)
}
