package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/internal/noisemix"
	"github.com/mockinterview/mockinterview/transcribe"
)

// asrCondition is a room the recordings are heard in: clean, or the clean
// recording changed as a room or a microphone would change it.
type asrCondition struct {
	summary string
	apply   func(ctx context.Context, samples []int16, seed uint64, in string) ([]int16, error)
}

func noisy(kind func(int, uint64) []float64, snr float64) func(context.Context, []int16, uint64, string) ([]int16, error) {
	return func(_ context.Context, s []int16, seed uint64, _ string) ([]int16, error) {
		return noisemix.Mix(s, kind(len(s), seed), snr), nil
	}
}

// asrConditions are the rooms of `eval-asr --conditions`. The noise of
// each recording is seeded by its name, so every run hears the same.
var asrConditions = map[string]asrCondition{
	"clean":  {"the recording as it is", nil},
	"pink30": {"pink noise 30 dB below the speech", noisy(noisemix.Pink, 30)},
	"pink20": {"pink noise 20 dB below the speech", noisy(noisemix.Pink, 20)},
	"pink10": {"pink noise 10 dB below the speech", noisy(noisemix.Pink, 10)},
	"hum30":  {"a fan's hum 30 dB below the speech", noisy(noisemix.Hum, 30)},
	"hum20":  {"a fan's hum 20 dB below the speech", noisy(noisemix.Hum, 20)},
	"hum10":  {"a fan's hum 10 dB below the speech", noisy(noisemix.Hum, 10)},
	"reverb": {"a reverberant room (sox reverb 70 50 100)", reverberate},
	"quiet": {"the speech peaking at -35 dBFS", func(_ context.Context, s []int16, _ uint64, _ string) ([]int16, error) {
		return noisemix.Quiet(s, -35), nil
	}},
	"clipped": {"the speech 20 dB too loud, clipped", func(_ context.Context, s []int16, _ uint64, _ string) ([]int16, error) {
		return noisemix.Clip(s, 20), nil
	}},
}

// conditionOrder is the order of the table's rows.
var conditionOrder = []string{"clean", "pink30", "pink20", "pink10", "hum30", "hum20", "hum10", "reverb", "quiet", "clipped"}

func reverberate(ctx context.Context, _ []int16, _ uint64, in string) ([]int16, error) {
	out := filepath.Join(os.TempDir(), fmt.Sprintf("mockinterview-reverb-%d.wav", os.Getpid()))
	defer os.Remove(out)
	cmd := exec.CommandContext(ctx, "sox", in, out, "reverb", "70", "50", "100")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("sox reverb (apt-get install sox): %v: %s", err, b)
	}
	s, _, err := transcribe.ReadWAV(out)
	return s, err
}

// parseConditions checks a comma-separated list of conditions.
func parseConditions(s string) ([]string, error) {
	names := splitList(s)
	if len(names) == 0 {
		return nil, usageError{"--conditions is empty: name at least one of " + strings.Join(conditionOrder, ", ")}
	}
	for _, n := range names {
		if _, ok := asrConditions[n]; !ok {
			return nil, usageError{fmt.Sprintf("unknown condition %q: use %s", n, strings.Join(conditionOrder, ", "))}
		}
	}
	return names, nil
}

// inCondition gives the path of clip c heard in the named condition,
// writing it the first time (the files are kept beside flite's).
func inCondition(ctx context.Context, c asrClip, condition string) (string, error) {
	cond := asrConditions[condition]
	if cond.apply == nil {
		return c.path, nil
	}
	sum := sha256.Sum256([]byte(condition + "\x00" + c.path))
	dir := filepath.Join(flite.CacheDir(), "rooms")
	path := filepath.Join(dir, condition+"-"+fmt.Sprintf("%x", sum[:8])+".wav")
	if st, err := os.Stat(path); err == nil && st.Size() > 44 {
		return path, nil
	}
	samples, _, err := transcribe.ReadWAV(c.path)
	if err != nil {
		return "", err
	}
	seed := sha256.Sum256([]byte(c.group + "/" + c.name))
	out, err := cond.apply(ctx, samples, binary.LittleEndian.Uint64(seed[:8]), c.path)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := path + fmt.Sprintf(".%d", os.Getpid())
	if err := os.WriteFile(tmp, transcribe.EncodeWAV(out), 0o644); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
