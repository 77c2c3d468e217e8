package store

import (
	"context"
	"fmt"

	"github.com/mockinterview/mockinterview/transcribe"
)

// OpenAnswer is an answer of a live session that has no end: after a
// crash, the one that was being recorded when the process died.
type OpenAnswer struct {
	SessionID string
	N         int
	Start     float64
	// AudioFile and FirstSample say where in which recording it begins.
	AudioFile   string
	FirstSample int64
}

// Interrupted is what a database does to recover the sessions a dead
// process left live. Every implementation of Sessions has it; the server
// does not need it, only whoever opens the store.
type Interrupted interface {
	// OpenAnswers lists the answers without an end of the live sessions
	// (only of session sessionID, if it is not empty).
	OpenAnswers(ctx context.Context, sessionID string) ([]OpenAnswer, error)
	// EndAnswer is Sessions' EndAnswer.
	EndAnswer(ctx context.Context, sessionID string, n int, end float64, samples int64) error
	// MarkInterrupted sets the live sessions (only sessionID, if it is not
	// empty) interrupted, each one's duration the last end of its answers.
	MarkInterrupted(ctx context.Context, sessionID string) error
}

// Repairable is what recordings do to recover from a crash.
type Repairable interface {
	// Repair makes a recording that a dead process never closed whole and
	// returns how many samples it holds; a recording that does not exist
	// holds none.
	Repair(ctx context.Context, sessionID, name string) (int64, error)
}

// RecoverInterrupted marks the sessions a dead process left live (only
// sessionID, if it is not empty) interrupted, and closes their open
// answers at the end of what was recorded, their recordings made whole.
// Run it only where no running service is recording those sessions.
func RecoverInterrupted(ctx context.Context, sessions Interrupted, recordings Repairable, sessionID string) error {
	answers, err := sessions.OpenAnswers(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("recover interrupted sessions: %w", err)
	}
	for _, a := range answers {
		recorded, err := recordings.Repair(ctx, a.SessionID, a.AudioFile)
		if err != nil {
			return fmt.Errorf("session %s: %w", a.SessionID, err)
		}
		samples := max(recorded-a.FirstSample, 0)
		seconds := float64(samples) / transcribe.SampleRate
		if err := sessions.EndAnswer(ctx, a.SessionID, a.N, a.Start+seconds, samples); err != nil {
			return err
		}
	}
	if err := sessions.MarkInterrupted(ctx, sessionID); err != nil {
		return fmt.Errorf("recover interrupted sessions: %w", err)
	}
	return nil
}
