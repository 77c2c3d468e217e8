package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// commit is the commit the binary was built from, when the build says so
// (`make build` passes it with -ldflags "-X main.commit=..."); Go's own
// version control stamp is used when it is there.
var commit string

func runVersion(_ context.Context, e env, args []string) error {
	if err := parseNoArgs(newFlagSet(e, "version", ""), args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, versionLine())
	return nil
}

// versionLine names the build: the module version or the commit it was
// built from (and whether the tree had changes), the Go toolchain and the
// embedded recognizer's set-up (pocketsphinx.ShippedSetup).
func versionLine() string {
	version, built := "unknown", ""
	if commit != "" {
		built = " (commit " + commit + ")"
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		version = info.Main.Version
		var rev, at, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(len(s.Value), 12)]
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", with local changes"
				}
			}
		}
		if rev != "" {
			built = fmt.Sprintf(" (commit %s%s%s)", rev, strings.TrimSuffix(" of "+at, " of "), modified)
		}
	}
	if version == "(devel)" {
		version = "development build"
	}
	return fmt.Sprintf("mockinterview %s%s, %s %s/%s, embedded recognizer %s", version, built, runtime.Version(), runtime.GOOS, runtime.GOARCH, pocketsphinx.ShippedSetup())
}
