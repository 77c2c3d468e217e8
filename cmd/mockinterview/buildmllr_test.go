package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdaptationDictionary: bw's dictionary has every pronunciation of the
// words used, the interview model's additions among them, and nothing else;
// a part with a word no dictionary has is left out.
func TestAdaptationDictionary(t *testing.T) {
	dir := t.TempDir()
	stock := filepath.Join(dir, "stock.dict")
	if err := os.WriteFile(stock, []byte("read R IY D\nread(2) R EH D\nwrite R AY T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	known, err := readPronunciations(stock)
	if err != nil {
		t.Fatal(err)
	}
	if !allKnown([]string{"read", "write"}, known) || allKnown([]string{"read", "zyxwv"}, known) || allKnown(nil, known) {
		t.Error("allKnown: want true only for words all in the dictionary")
	}
	extra := ""
	for w := range known {
		if w != "read" && w != "write" {
			extra = w // one of the interview model's additions
			break
		}
	}
	if extra == "" {
		t.Fatal("the interview model's additions are not in the dictionary")
	}
	out := filepath.Join(dir, "dict")
	if err := writeUsedWords(out, stock, map[string]bool{"read": true, extra: true}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	got := string(b)
	if !strings.Contains(got, "read R IY D\nread(2) R EH D\n") || strings.Contains(got, "write") || !strings.Contains(got, extra+" ") {
		t.Errorf("dictionary:\n%s\nwant both pronunciations of read and %s, not write", got, extra)
	}
}
