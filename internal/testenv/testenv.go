// Package testenv lets a test say that something it needs from the machine
// is missing: a program, a Debian package's files, a browser. On a
// developer's machine the test is skipped with the reason; where
// MOCKINTERVIEW_REQUIRE_TOOLS is set (CI sets it in .ci/run) the test fails
// instead, so a package the set-up script forgot cannot pass unnoticed.
// It is for tests only.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireVar is the environment variable that turns a missing tool from a
// skip into a failure.
const RequireVar = "MOCKINTERVIEW_REQUIRE_TOOLS"

// Missing skips the test, or fails it when RequireVar is set, saying what is
// missing and how to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireVar) != "" {
		t.Fatalf("missing from this machine, and "+RequireVar+" is set: "+format, args...)
	}
	t.Skipf(format, args...)
}

// LookPath returns the path of the first of the programs found on the PATH,
// or calls Missing naming them and hint (what to install).
func LookPath(t testing.TB, hint string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	Missing(t, "none of %q is on the PATH (%s)", names, hint)
	return ""
}

// NeedFile calls Missing when path cannot be read, naming hint.
func NeedFile(t testing.TB, path, hint string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, "%v (%s)", err, hint)
	}
}
