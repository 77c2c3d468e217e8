package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/testenv"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// The model the binary embeds must be what `make domain-lm` builds from the
// text in the repository, so that nobody edits it by hand or forgets to
// rebuild it after changing the text.
func TestBuildLMReproducesEmbeddedModel(t *testing.T) {
	if _, err := exec.LookPath("t2p"); err != nil {
		testenv.Missing(t, "flite's t2p is not installed (apt-get install flite)")
	}
	if _, err := os.Stat(filepath.Join(pocketsphinx.DefaultModelDir, "cmudict-en-us.dict")); err != nil {
		testenv.Missing(t, "pocketsphinx-en-us is not installed")
	}
	dir := t.TempDir()
	out, _, err := runCLI(t, "build-lm", "-o", dir, "../../testdata/star/train", "../../testdata/lm")
	if err != nil {
		t.Fatal(err)
	}
	t.Log(strings.TrimSpace(out))
	arpa, dict := pocketsphinx.InterviewModel()
	for name, embedded := range map[string][]byte{"interview.lm": arpa, "interview.dict": []byte(dict)} {
		built, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(built, embedded) {
			t.Errorf("transcribe/pocketsphinx/lm/%s differs from what build-lm makes of the corpus: run `make domain-lm`", name)
		}
	}
}

func TestBuildLMRefusesTestSplit(t *testing.T) {
	_, _, err := runCLI(t, "build-lm", "-o", t.TempDir(), "../../testdata/star/test")
	if err == nil || !strings.Contains(err.Error(), "test split") {
		t.Fatalf("want a refusal to train on the test split, got %v", err)
	}
}
