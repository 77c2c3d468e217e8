// Package flite synthesizes speech with the flite command, so that tests and
// evaluations can feed the recognizer answers whose words are known. It is
// for tests and measurements only; the service never calls it.
package flite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Available reports whether the flite command can be run.
func Available() bool {
	_, err := exec.LookPath("flite")
	return err == nil
}

// Synthesize speaks text with the given voice ("slt", "kal16", "awb", ...)
// into a 16 kHz mono WAV file inside dir and returns its path. The same
// voice and text give the same file name, so a shared dir works as a cache.
func Synthesize(ctx context.Context, dir, voice, text string) (string, error) {
	if !Available() {
		return "", errors.New("flite is not installed (apt-get install flite)")
	}
	if known, err := voices(); err == nil && !slices.Contains(known, voice) {
		// flite itself reads an unknown voice with its default one.
		return "", fmt.Errorf("flite has no voice %q: use one of %s", voice, strings.Join(known, ", "))
	}
	sum := sha256.Sum256([]byte(voice + "\x00" + text))
	path := filepath.Join(dir, voice+"-"+hex.EncodeToString(sum[:8])+".wav")
	if st, err := os.Stat(path); err == nil && st.Size() > 44 {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := path + ".tmp.wav"
	cmd := exec.CommandContext(ctx, "flite", "-voice", voice, "-t", text, "-o", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("flite -voice %s: %w: %s", voice, err, out)
	}
	return path, os.Rename(tmp, path)
}

// voices lists the voices built into flite ("Voices available: kal awb ...").
var voices = sync.OnceValues(func() ([]string, error) {
	out, err := exec.Command("flite", "-lv").Output()
	if err != nil {
		return nil, err
	}
	_, list, ok := strings.Cut(string(out), ":")
	if !ok || len(strings.Fields(list)) == 0 {
		return nil, fmt.Errorf("flite -lv printed %q", out)
	}
	return strings.Fields(list), nil
})

// CacheDir is a folder shared by all test runs on this machine, so each
// sentence is synthesized once.
func CacheDir() string { return filepath.Join(os.TempDir(), "mockinterview-flite") }
