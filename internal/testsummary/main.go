// Command testsummary runs go test with the arguments it is given and prints
// what go test prints without -v (each package's result and the output of
// the tests that fail), then the list of tests that were skipped and why,
// which plain go test shows only with -v. It exits as go test does. make
// test runs the tree's tests through it.
//
//	go run ./internal/testsummary -timeout 20m ./...
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// event is one line of go test -json (see go doc test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// skip is a skipped test and the reason it logged.
type skip struct{ name, reason string }

func main() {
	goTool := os.Getenv("GO") // make test passes its $(GO)
	if goTool == "" {
		goTool = "go"
	}
	cmd := exec.Command(goTool, append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	skips, readErr := summarize(out, os.Stdout)
	err = cmd.Wait()
	printSkips(os.Stdout, skips)
	if readErr != nil {
		fmt.Fprintln(os.Stderr, "testsummary: reading go test's output:", readErr)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil || readErr != nil:
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
}

// summarize reads go test -json from r and writes to w what go test without
// -v would have written, returning the skipped tests.
func summarize(r io.Reader, w io.Writer) ([]skip, error) {
	var skips []skip
	held := map[string][]string{} // each running test's output, by package and name
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not an event: go test printed it itself.
			fmt.Fprintln(w, sc.Text())
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Test == "" && e.Action == "output":
			if e.Output != "PASS\n" {
				fmt.Fprint(w, e.Output)
			}
		case e.Action == "output":
			held[key] = append(held[key], e.Output)
		case e.Action == "fail":
			for _, line := range held[key] {
				fmt.Fprint(w, line)
			}
			delete(held, key)
		case e.Action == "skip" && e.Test == "":
			// A package with no tests: go test's own line says so.
		case e.Action == "skip":
			skips = append(skips, skip{e.Package + " " + e.Test, reason(held[key])})
			delete(held, key)
		case e.Action == "pass":
			delete(held, key)
		}
	}
	return skips, sc.Err()
}

// reason is what a skipped test logged, without go test's own lines.
func reason(lines []string) string {
	var said []string
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		said = append(said, t)
	}
	return strings.Join(said, " ")
}

func printSkips(w io.Writer, skips []skip) {
	if len(skips) == 0 {
		return
	}
	sort.Slice(skips, func(i, j int) bool { return skips[i].name < skips[j].name })
	fmt.Fprintf(w, "\nSkipped (%d):\n", len(skips))
	for _, s := range skips {
		fmt.Fprintf(w, "  %s: %s\n", s.name, s.reason)
	}
}
