package flite

import (
	"context"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// flite reads a voice it does not have with its default one; Synthesize
// refuses it instead, naming the voices there are.
func TestSynthesizeUnknownVoice(t *testing.T) {
	if !Available() {
		testenv.Missing(t, "flite is not installed (apt-get install flite)")
	}
	_, err := Synthesize(context.Background(), t.TempDir(), "nosuchvoice", "hello there")
	if err == nil || !strings.Contains(err.Error(), "slt") {
		t.Fatalf("unknown voice: %v", err)
	}
	if _, err := Synthesize(context.Background(), t.TempDir(), "slt", "hello there"); err != nil {
		t.Fatal(err)
	}
}
