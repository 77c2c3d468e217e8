package pocketsphinx

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// sendumpOf writes weights, given as q bytes [stream][density][senone], as
// a sendump.
func sendumpOf(q [][][]byte) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	str := func(s string) {
		binary.Write(&b, le, int32(len(s)+1))
		b.WriteString(s + "\x00")
	}
	str("BEGIN FILE FORMAT DESCRIPTION")
	str("(int32) <length(string)> (including trailing 0)")
	str("cluster_count 0")
	str("feature_count 2")
	binary.Write(&b, le, int32(0))
	binary.Write(&b, le, []int32{int32(len(q[0])), int32(len(q[0][0]))})
	for _, f := range q {
		for _, d := range f {
			b.Write(d)
		}
	}
	return b.Bytes()
}

func TestMixtureWeights(t *testing.T) {
	// 2 streams, 3 densities, 2 senones. Senone 0 of stream 0 has all its
	// weight on density 1 (q 0 is weight 1, q 159 next to nothing);
	// senone 1 splits it between densities 0 and 2.
	q := [][][]byte{
		{{159, 7}, {0, 159}, {159, 7}},
		{{0, 0}, {0, 0}, {0, 0}},
	}
	out, err := MixtureWeights(sendumpOf(q))
	if err != nil {
		t.Fatal(err)
	}
	hdr := "s3\nversion 1.0\nendhdr\n"
	if !bytes.HasPrefix(out, []byte(hdr)) {
		t.Fatalf("header %q", out[:min(len(out), 30)])
	}
	r := bytes.NewReader(out[len(hdr):])
	var head [5]uint32
	binary.Read(r, binary.LittleEndian, &head)
	if head != [5]uint32{0x11223344, 2, 2, 3, 12} {
		t.Fatalf("byte-order mark and dimensions %x, want 11223344, 2 senones, 2 streams, 3 densities, 12 values", head)
	}
	w := make([]float32, 12)
	binary.Read(r, binary.LittleEndian, w)
	want := []float32{ // [senone][stream][density]
		0, 1, 0, 1. / 3, 1. / 3, 1. / 3,
		0.5, 0, 0.5, 1. / 3, 1. / 3, 1. / 3,
	}
	for i := range want {
		if math.Abs(float64(w[i]-want[i])) > 1e-6 {
			t.Fatalf("weights %v, want %v", w, want)
		}
	}
	if _, err := MixtureWeights(sendumpOf(q)[:100]); err == nil {
		t.Error("a cut sendump was read")
	}
}

// TestMixtureWeightsOfModel: Debian's model converts, each senone's
// weights summing to one.
func TestMixtureWeightsOfModel(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(DefaultModelDir, "en-us", "sendump"))
	if err != nil {
		testenv.Missing(t, "pocketsphinx-en-us is not installed: %v", err)
	}
	out, err := MixtureWeights(b)
	if err != nil {
		t.Fatal(err)
	}
	hdr := len("s3\nversion 1.0\nendhdr\n")
	var head [5]uint32
	binary.Read(bytes.NewReader(out[hdr:]), binary.LittleEndian, &head)
	if head[1] != 5126 || head[2] != 3 || head[3] != 128 {
		t.Fatalf("dimensions %v, want 5126 senones, 3 streams, 128 densities", head[1:4])
	}
}
