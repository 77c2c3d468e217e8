package pocketsphinx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMergeFeatParams(t *testing.T) {
	model := []byte("-lowerf 130\n-agc none\n-cmn batch\n-varnorm no\n")
	out, changed := mergeFeatParams(model, map[string]string{"agc": "emax", "-cmn": "batch", "beam": "1e-40"})
	if !changed {
		t.Fatal("changing -agc was not seen as a change")
	}
	want := "-lowerf 130\n-agc emax\n-cmn batch\n-varnorm no\n"
	if string(out) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", out, want)
	}
	if _, changed := mergeFeatParams(model, map[string]string{"-cmn": "batch", "beam": "1e-40"}); changed {
		t.Error("options that feat.params does not name, or names with the same value, changed it")
	}
}

func TestFeatParamsFor(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "feat.params"), []byte("-agc none\n-varnorm no\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := featParamsFor(dir, map[string]string{"maxwpf": "10"}); err != nil || p != nil {
		t.Errorf("no front-end option: got %q, %v; want nil, nil", p, err)
	}
	p, err := featParamsFor(dir, map[string]string{"-agc": "emax"})
	if err != nil || !strings.Contains(string(p), "-agc emax\n") {
		t.Errorf("-agc emax: got %q, %v", p, err)
	}
	if _, err := featParamsFor(dir, map[string]string{"varnorm": "yes"}); err == nil {
		t.Error("-varnorm yes, which makes the library exit on live audio, was accepted")
	}
	if p, err := featParamsFor(t.TempDir(), map[string]string{"agc": "emax"}); err != nil || p != nil {
		t.Errorf("a model without feat.params: got %q, %v; want nil, nil", p, err)
	}
}
