package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMissingFailsWhenRequired runs this test binary again for each case,
// as a test of its own would see it: skipped, or failed with
// MOCKINTERVIEW_REQUIRE_TOOLS set.
func TestMissingFailsWhenRequired(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") != "" {
		LookPath(t, "apt-get install nothing", "no-such-program-anywhere")
		t.Log("reached past the missing program")
		return
	}
	for _, tt := range []struct {
		require bool
		want    string
	}{{false, "--- SKIP"}, {true, "--- FAIL"}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingFailsWhenRequired$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", RequireVar+"=")
		if tt.require {
			cmd.Env = append(cmd.Env, RequireVar+"=1")
		}
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tt.want) || !strings.Contains(string(out), "no-such-program-anywhere") || strings.Contains(string(out), "reached past") {
			t.Errorf("required=%v: want %s naming the program, and nothing run after it; got:\n%s", tt.require, tt.want, out)
		}
	}
}

func TestLookPathFindsTheFirstThere(t *testing.T) {
	if got := LookPath(t, "", "no-such-program-anywhere", "sh"); !strings.HasSuffix(got, "/sh") {
		t.Errorf("LookPath = %q, want the path of sh", got)
	}
}
