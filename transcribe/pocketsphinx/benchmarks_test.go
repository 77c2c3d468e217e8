package pocketsphinx

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The tables of docs/BENCHMARKS.md measured with the shipped recognizer say
// so ("measured with the shipped recognizer ps-…", ShippedSetup). When the
// interview model, the default profile, weight or pause change, the tables
// no longer describe what ships: this test fails until they are measured
// again and the line is updated.
func TestBenchmarksMeasuredWithShippedSetup(t *testing.T) {
	doc, err := os.ReadFile("../../docs/BENCHMARKS.md")
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`shipped\s+recognizer\s+(ps-[0-9a-f]{8})`)
	heading := regexp.MustCompile(`(?m)^##+ .*$`)
	found := stamp.FindAllSubmatchIndex(doc, -1)
	if len(found) < 3 {
		t.Fatalf("only %d tables of docs/BENCHMARKS.md name the recognizer set-up they measured; want at least 3", len(found))
	}
	want := ShippedSetup()
	for _, m := range found {
		got := string(doc[m[2]:m[3]])
		if got == want {
			continue
		}
		section := "the top"
		for _, h := range heading.FindAllIndex(doc[:m[0]], -1) {
			section = strings.TrimLeft(string(doc[h[0]:h[1]]), "# ")
		}
		t.Errorf("docs/BENCHMARKS.md, %q: measured with %s, but %s ships: measure the table again with the command above it and update the line", section, got, want)
	}
}
