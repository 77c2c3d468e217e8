package pocketsphinx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MixtureWeights turns a PTM model's sendump (the quantized mixture
// weights PocketSphinx loads) back into the mixture_weights file that
// sphinxtrain's bw needs to adapt the model, which Debian's en-us model
// does not ship. sendump holds, for each feature stream, density and
// senone, one byte q = -log_b(w) >> 10 with b the decoder's log base
// 1.0001 (ptm_mgau.c's read_sendump and read_mixw), so w = b^-(q<<10):
// the weights come back to within the quantization's 10 %, then each
// senone's are normalized to sum to one. Only uncompressed sendumps
// (cluster_count 0, 8 bits) are read.
func MixtureWeights(sendump []byte) ([]byte, error) {
	r := bytes.NewReader(sendump)
	nFeat, err := sendumpHeader(r)
	if err != nil {
		return nil, err
	}
	var dims [2]int32 // densities, senones
	if err := binary.Read(r, binary.LittleEndian, &dims); err != nil {
		return nil, fmt.Errorf("sendump: %w", err)
	}
	nDen, nSen := int(dims[0]), int(dims[1])
	if nDen <= 0 || nSen <= 0 || r.Len() != nFeat*nDen*nSen {
		return nil, fmt.Errorf("sendump: %d densities, %d senones and %d streams do not match its %d bytes of weights", nDen, nSen, nFeat, r.Len())
	}
	q := make([]byte, r.Len())
	io.ReadFull(r, q)
	// mixture_weights is [senone][stream][density].
	w := make([]float32, nSen*nFeat*nDen)
	step := 1024 * math.Log(1.0001)
	for f := range nFeat {
		for d := range nDen {
			for s := range nSen {
				w[(s*nFeat+f)*nDen+d] = float32(math.Exp(-float64(q[(f*nDen+d)*nSen+s]) * step))
			}
		}
	}
	for i := 0; i < len(w); i += nDen {
		var sum float32
		for _, v := range w[i : i+nDen] {
			sum += v
		}
		for j := i; j < i+nDen; j++ {
			w[j] /= sum
		}
	}
	return s3Array(w, nSen, nFeat, nDen), nil
}

// sendumpHeader reads the title and the header strings, which end with an
// empty one, and gives the number of feature streams they name.
func sendumpHeader(r *bytes.Reader) (nFeat int, err error) {
	nFeat = 1
	for i := 0; ; i++ {
		var n int32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return 0, fmt.Errorf("sendump header: %w", err)
		}
		if n == 0 && i >= 2 {
			return nFeat, nil
		}
		if n <= 0 || int(n) > r.Len() || n > 1000 {
			return 0, errors.New("sendump header: not a little-endian sendump")
		}
		s := make([]byte, n)
		io.ReadFull(r, s)
		line := strings.TrimRight(string(s), "\x00")
		if v, ok := strings.CutPrefix(line, "feature_count "); ok {
			if nFeat, err = strconv.Atoi(v); err != nil {
				return 0, fmt.Errorf("sendump header %q: %w", line, err)
			}
		}
		if v, ok := strings.CutPrefix(line, "cluster_count "); ok && v != "0" {
			return 0, fmt.Errorf("sendump header %q: compressed sendumps are not read", line)
		}
	}
}

// s3Array writes a three-dimensional float32 array in SphinxTrain's
// binary format (s3io): a text header, the byte-order mark, the three
// dimensions and the number of values, the values, no checksum.
func s3Array(v []float32, d1, d2, d3 int) []byte {
	var b bytes.Buffer
	b.WriteString("s3\nversion 1.0\nendhdr\n")
	le := binary.LittleEndian
	binary.Write(&b, le, uint32(0x11223344))
	binary.Write(&b, le, []int32{int32(d1), int32(d2), int32(d3), int32(len(v))})
	binary.Write(&b, le, v)
	return b.Bytes()
}
