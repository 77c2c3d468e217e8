package transcribe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/internal/testenv"
)

// wavSpec says how buildWAV stores its samples.
type wavSpec struct {
	rate, channels, bits int
	float                bool
	extensible           bool
	// extra puts an odd-sized LIST chunk between fmt and data, to exercise
	// chunk skipping and padding.
	extra bool
}

func (s wavSpec) String() string {
	enc := "int"
	if s.float {
		enc = "float"
	}
	if s.extensible {
		enc += "-ext"
	}
	return fmt.Sprintf("%dHz-%dch-%d%s", s.rate, s.channels, s.bits, enc)
}

// buildWAV returns a WAV file of spec holding frames of samples, each
// sample in [-1, 1], one per channel.
func buildWAV(spec wavSpec, frames [][]float64) []byte {
	le := binary.LittleEndian
	width := spec.bits / 8
	var data []byte
	for _, fr := range frames {
		for _, v := range fr {
			v = max(-1, min(1, v))
			b := make([]byte, width)
			switch {
			case spec.float && spec.bits == 64:
				le.PutUint64(b, math.Float64bits(v))
			case spec.float:
				le.PutUint32(b, math.Float32bits(float32(v)))
			case spec.bits == 8:
				b[0] = byte(128 + int(math.Round(v*127)))
			case spec.bits == 16:
				le.PutUint16(b, uint16(int16(min(32767, math.Round(v*32768)))))
			case spec.bits == 24:
				x := uint32(int32(math.Round(v * 8388607)))
				b[0], b[1], b[2] = byte(x), byte(x>>8), byte(x>>16)
			case spec.bits == 32:
				le.PutUint32(b, uint32(int32(math.Round(v*2147483647))))
			}
			data = append(data, b...)
		}
	}

	code := uint16(wavPCM)
	if spec.float {
		code = wavFloat
	}
	fmtChunk := make([]byte, 16, 40)
	le.PutUint16(fmtChunk[0:], code)
	le.PutUint16(fmtChunk[2:], uint16(spec.channels))
	le.PutUint32(fmtChunk[4:], uint32(spec.rate))
	le.PutUint32(fmtChunk[8:], uint32(spec.rate*spec.channels*width))
	le.PutUint16(fmtChunk[12:], uint16(spec.channels*width))
	le.PutUint16(fmtChunk[14:], uint16(spec.bits))
	if spec.extensible {
		le.PutUint16(fmtChunk[0:], wavExtensible)
		ext := make([]byte, 24)
		le.PutUint16(ext[0:], 22)                 // cbSize
		le.PutUint16(ext[2:], uint16(spec.bits))  // valid bits
		le.PutUint32(ext[4:], 1<<spec.channels-1) // channel mask
		le.PutUint16(ext[8:], code)
		copy(ext[12:], extensibleGUIDTail)
		fmtChunk = append(fmtChunk, ext...)
	}

	var b bytes.Buffer
	b.WriteString("RIFF")
	b.Write(make([]byte, 4)) // filled in below
	b.WriteString("WAVE")
	writeChunk(&b, "fmt ", fmtChunk)
	if spec.extra {
		writeChunk(&b, "LIST", []byte("INFOISFT\x05\x00\x00\x00test\x00"))
	}
	writeChunk(&b, "data", data)
	out := b.Bytes()
	le.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func writeChunk(b *bytes.Buffer, id string, body []byte) {
	b.WriteString(id)
	binary.Write(b, binary.LittleEndian, uint32(len(body)))
	b.Write(body)
	if len(body)%2 == 1 {
		b.WriteByte(0)
	}
}

// toneFrames returns secs of a freq Hz sine at rate, with the amplitude
// amps[c] on channel c.
func toneFrames(rate int, secs, freq float64, amps ...float64) [][]float64 {
	frames := make([][]float64, int(secs*float64(rate)))
	for i := range frames {
		v := math.Sin(2 * math.Pi * freq * float64(i) / float64(rate))
		frames[i] = make([]float64, len(amps))
		for c, a := range amps {
			frames[i][c] = a * v
		}
	}
	return frames
}

func TestDecodeWAVRoundTrip(t *testing.T) {
	type encoding struct {
		bits              int
		float, extensible bool
		tolerance         float64 // largest error allowed, in 16-bit steps
	}
	encodings := []encoding{
		{bits: 8, tolerance: 400},
		{bits: 16, tolerance: 6},
		{bits: 24, tolerance: 6},
		{bits: 32, tolerance: 6},
		{bits: 32, float: true, tolerance: 6},
		{bits: 64, float: true, tolerance: 6},
		{bits: 16, extensible: true, tolerance: 6},
		{bits: 24, extensible: true, tolerance: 6},
		{bits: 32, float: true, extensible: true, tolerance: 6},
	}
	const secs, freq = 0.5, 440.0
	worst := 0.0
	for _, rate := range []int{8000, 11025, 16000, 22050, 44100, 48000} {
		for _, enc := range encodings {
			for _, channels := range []int{1, 2} {
				spec := wavSpec{rate: rate, channels: channels, bits: enc.bits, float: enc.float, extensible: enc.extensible, extra: rate == 22050}
				t.Run(spec.String(), func(t *testing.T) {
					// Stereo carries 0.6 and 0.2 of the tone, which average
					// to the 0.4 that mono carries.
					amps := []float64{0.4}
					if channels == 2 {
						amps = []float64{0.6, 0.2}
					}
					frames := toneFrames(rate, secs, freq, amps...)
					got, f, err := DecodeWAV(bytes.NewReader(buildWAV(spec, frames)), "tone.wav")
					if err != nil {
						t.Fatal(err)
					}
					want := Format{SampleRate: rate, Channels: channels, BitDepth: enc.bits, Float: enc.float}
					if f != want {
						t.Errorf("format = %+v, want %+v", f, want)
					}
					wantLen := (len(frames)*SampleRate + rate - 1) / rate
					if len(got) != wantLen {
						t.Errorf("got %d samples, want %d", len(got), wantLen)
					}
					// The filter's edges are not the tone: skip 20ms each end.
					var maxErr float64
					for n := SampleRate / 50; n < len(got)-SampleRate/50; n++ {
						ideal := 0.4 * 32768 * math.Sin(2*math.Pi*freq*float64(n)/SampleRate)
						maxErr = max(maxErr, math.Abs(float64(got[n])-ideal))
					}
					if maxErr > enc.tolerance {
						t.Errorf("largest error %.1f steps, want at most %.0f", maxErr, enc.tolerance)
					}
					if enc.bits > 8 {
						worst = max(worst, maxErr)
					}
				})
			}
		}
	}
	t.Logf("largest error against the ideal 16 kHz tone, 16 bits and up: %.2f steps of 1/32768", worst)
}

func TestDecodeWAVDownmix(t *testing.T) {
	tests := []struct {
		name   string
		frames [][]int16
		want   []int16
	}{
		{"stereo", [][]int16{{1000, 3000}, {-2000, 2000}, {32767, 32767}, {-32768, -32768}, {-32768, 32766}}, []int16{2000, 0, 32767, -32768, -1}},
		{"three channels", [][]int16{{300, 600, 900}, {-300, -300, 0}}, []int16{600, -200}},
		{"left only", [][]int16{{8000, 0}, {-8000, 0}}, []int16{4000, -4000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := make([][]float64, len(tt.frames))
			for i, fr := range tt.frames {
				for _, s := range fr {
					// Exactly what buildWAV turns back into s.
					frames[i] = append(frames[i], float64(s)/32768)
				}
			}
			spec := wavSpec{rate: SampleRate, channels: len(tt.frames[0]), bits: 16}
			got, _, err := DecodeWAV(bytes.NewReader(buildWAV(spec, frames)), "mix.wav")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEncodeWAVRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	samples := []int16{0, 1, -1, 32767, -32768}
	for range 5000 {
		samples = append(samples, int16(rng.IntN(1<<16)-1<<15))
	}
	path := filepath.Join(t.TempDir(), "utterance.wav")
	if err := os.WriteFile(path, EncodeWAV(samples), 0o644); err != nil {
		t.Fatal(err)
	}
	got, f, err := ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Format{SampleRate: 16000, Channels: 1, BitDepth: 16}); f != want {
		t.Errorf("format = %+v, want %+v", f, want)
	}
	if !slices.Equal(got, samples) {
		t.Error("samples changed on the way through EncodeWAV and ReadWAV")
	}

	empty, _, err := DecodeWAV(bytes.NewReader(EncodeWAV(nil)), "empty.wav")
	if err != nil || len(empty) != 0 {
		t.Errorf("empty file: got %d samples, %v", len(empty), err)
	}

	if _, _, err := ReadWAV(filepath.Join(t.TempDir(), "missing.wav")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want not exist", err)
	}
}

func TestPCM16(t *testing.T) {
	got, err := PCM16([]byte{0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int16{1, -1, -32768, 32767}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := PCM16([]byte{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "odd") {
		t.Errorf("odd length: err = %v", err)
	}
	if got, err := PCM16(nil); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
}

// Float samples out of range, even NaN, clip rather than spread.
func TestDecodeWAVFloatOutOfRange(t *testing.T) {
	values := []float32{float32(math.NaN()), float32(math.Inf(1)), 2, -3, float32(math.Inf(-1)), 0.5}
	b := buildWAV(wavSpec{rate: SampleRate, channels: 1, bits: 32, float: true}, slices.Repeat([][]float64{{0}}, len(values)))
	data := b[len(b)-4*len(values):]
	for i, v := range values {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	got, _, err := DecodeWAV(bytes.NewReader(b), "float.wav")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int16{0, 32767, 32767, -32768, -32768, 16384}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// A data chunk whose length is the placeholder a writer streaming to a pipe
// leaves runs to the end of the file.
func TestDecodeWAVStreamedLength(t *testing.T) {
	samples := []int16{1, 2, 3, 4, 5, 6, 7}
	for _, size := range []uint32{0xFFFFFFFF, 0x7FFFF000} {
		b := EncodeWAV(samples)
		binary.LittleEndian.PutUint32(b[4:], size)
		binary.LittleEndian.PutUint32(b[40:], size)
		b = append(b, 9) // half a sample: dropped
		got, _, err := DecodeWAV(bytes.NewReader(b), "pipe.wav")
		if err != nil {
			t.Fatalf("size %#x: %v", size, err)
		}
		if !slices.Equal(got, samples) {
			t.Errorf("size %#x: got %v, want %v", size, got, samples)
		}
	}
}

// brokenWAVs are files DecodeWAV must refuse, with the error each wraps.
func brokenWAVs() []struct {
	name string
	file []byte
	want error
} {
	le := binary.LittleEndian
	valid := buildWAV(wavSpec{rate: 16000, channels: 1, bits: 16}, toneFrames(16000, 0.01, 440, 0.5))
	withFmt := func(edit func(fmt []byte)) []byte {
		b := bytes.Clone(valid)
		edit(b[20:36])
		return b
	}
	extensible := func(edit func(fmt []byte)) []byte {
		b := buildWAV(wavSpec{rate: 16000, channels: 1, bits: 16, extensible: true}, toneFrames(16000, 0.01, 440, 0.5))
		edit(b[20:60])
		return b
	}
	code := func(c uint16) []byte { return withFmt(func(f []byte) { le.PutUint16(f[0:], c) }) }
	bits := func(n uint16) []byte { return withFmt(func(f []byte) { le.PutUint16(f[14:], n) }) }
	rate := func(r uint32) []byte { return withFmt(func(f []byte) { le.PutUint32(f[4:], r) }) }

	bigList := append(bytes.Clone(valid[:36]), "LIST\xff\xff\xff\x7fshort"...)
	shortData := bytes.Clone(valid[:54])
	le.PutUint32(shortData[40:], 1000)
	return []struct {
		name string
		file []byte
		want error
	}{
		{"interview.mp3", []byte("ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64"), ErrNotWAV},
		{"empty.wav", nil, ErrNotWAV},
		{"text.wav", []byte("hello, world, this is not audio"), ErrNotWAV},
		{"clip.avi", append([]byte("RIFF\x04\x00\x00\x00AVI "), make([]byte, 40)...), ErrNotWAV},
		{"dataFirst.wav", []byte("RIFF\x24\x00\x00\x00WAVEdata\x02\x00\x00\x00\x01\x02"), ErrNotWAV},
		{"tinyFmt.wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt \x04\x00\x00\x00\x01\x00\x01\x00"), ErrNotWAV},
		{"fourBytes.wav", []byte("RIFF"), ErrTruncatedWAV},
		{"header.wav", valid[:10], ErrTruncatedWAV},
		{"noFmt.wav", valid[:12], ErrTruncatedWAV},
		{"halfFmt.wav", valid[:28], ErrTruncatedWAV},
		{"noData.wav", valid[:36], ErrTruncatedWAV},
		{"halfDataHeader.wav", valid[:40], ErrTruncatedWAV},
		{"shortData.wav", shortData, ErrTruncatedWAV},
		{"cutData.wav", valid[:len(valid)-10], ErrTruncatedWAV},
		{"hugeChunk.wav", bigList, ErrTruncatedWAV},
		{"alaw.wav", code(6), ErrUnsupportedWAV},
		{"mulaw.wav", code(7), ErrUnsupportedWAV},
		{"adpcm.wav", code(2), ErrUnsupportedWAV},
		{"ima.wav", code(0x11), ErrUnsupportedWAV},
		{"mp3.wav", code(0x55), ErrUnsupportedWAV},
		{"odd.wav", code(0x1234), ErrUnsupportedWAV},
		{"12bit.wav", bits(12), ErrUnsupportedWAV},
		{"zerobit.wav", bits(0), ErrUnsupportedWAV},
		{"float16.wav", withFmt(func(f []byte) { le.PutUint16(f[0:], wavFloat); le.PutUint16(f[14:], 16) }), ErrUnsupportedWAV},
		{"96k.wav", rate(96000), ErrUnsupportedWAV},
		{"4k.wav", rate(4000), ErrUnsupportedWAV},
		{"zeroRate.wav", rate(0), ErrUnsupportedWAV},
		{"noChannels.wav", withFmt(func(f []byte) { le.PutUint16(f[2:], 0) }), ErrUnsupportedWAV},
		{"manyChannels.wav", withFmt(func(f []byte) { le.PutUint16(f[2:], 1000) }), ErrUnsupportedWAV},
		{"rifx.wav", append([]byte("RIFX"), valid[4:]...), ErrUnsupportedWAV},
		{"extAlaw.wav", extensible(func(f []byte) { le.PutUint16(f[24:], 6) }), ErrUnsupportedWAV},
		{"extGUID.wav", extensible(func(f []byte) { f[39] ^= 0xff }), ErrUnsupportedWAV},
		{"extValid.wav", extensible(func(f []byte) { le.PutUint16(f[18:], 20) }), ErrNotWAV},
	}
}

func TestDecodeWAVErrors(t *testing.T) {
	for _, tt := range brokenWAVs() {
		t.Run(tt.name, func(t *testing.T) {
			samples, _, err := DecodeWAV(bytes.NewReader(tt.file), tt.name)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v (and %d samples)", err, tt.want, len(samples))
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.name+": ") || !strings.Contains(msg, "`sox "+tt.name+" ") {
				t.Errorf("message does not name the file and say what to do: %s", msg)
			}
		})
	}
	t.Logf("for example: %v", func() error {
		_, _, err := DecodeWAV(strings.NewReader("ID3\x03 mp3 data"), "interview.mp3")
		return err
	}())
}

func TestDecodeWAVReadError(t *testing.T) {
	failing := io.MultiReader(bytes.NewReader(EncodeWAV(make([]int16, 100))[:60]), iotestErrReader{})
	_, _, err := DecodeWAV(failing, "net.wav")
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "net.wav") {
		t.Errorf("err = %v, want one wrapping %v and naming the file", err, errDisk)
	}
}

var errDisk = errors.New("disk on fire")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errDisk }

func TestSoxCommand(t *testing.T) {
	tests := []struct{ name, want string }{
		{"interview.mp3", "`sox interview.mp3 -r 16000 -c 1 -b 16 interview.wav`"},
		{"take.WAV", "`sox take.WAV -r 16000 -c 1 -b 16 take.wav`"},
		{"take.wav", "`sox take.wav -r 16000 -c 1 -b 16 take-16k.wav`"},
		{"my talk.m4a", "`sox 'my talk.m4a' -r 16000 -c 1 -b 16 'my talk.wav'`"},
		{"it's.ogg", `` + "`sox 'it'\\''s.ogg' -r 16000 -c 1 -b 16 'it'\\''s.wav'`"},
	}
	for _, tt := range tests {
		if got := soxCommand(tt.name); got != tt.want {
			t.Errorf("soxCommand(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestDecodeWAVFromSox checks DecodeWAV against files that a real encoder
// wrote, when sox is installed.
func TestDecodeWAVFromSox(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		testenv.Missing(t, "sox is not installed (apt-get install sox)")
	}
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string // output options
		want error
	}{
		{"u8.wav", []string{"-r", "8000", "-b", "8", "-e", "unsigned-integer"}, nil},
		{"s16.wav", []string{"-r", "11025", "-b", "16"}, nil},
		{"s24.wav", []string{"-r", "44100", "-b", "24"}, nil},
		{"s32.wav", []string{"-r", "48000", "-b", "32", "-e", "signed-integer"}, nil},
		{"f32.wav", []string{"-r", "22050", "-b", "32", "-e", "floating-point"}, nil},
		{"f64.wav", []string{"-r", "32000", "-b", "64", "-e", "floating-point"}, nil},
		{"stereo.wav", []string{"-r", "44100", "-c", "2", "-b", "16"}, nil},
		{"sixch.wav", []string{"-r", "48000", "-c", "6", "-b", "24"}, nil},
		{"alaw.wav", []string{"-r", "8000", "-e", "a-law"}, ErrUnsupportedWAV},
		{"ulaw.wav", []string{"-r", "8000", "-e", "u-law"}, ErrUnsupportedWAV},
		{"imaadpcm.wav", []string{"-r", "8000", "-e", "ima-adpcm"}, ErrUnsupportedWAV},
		{"msadpcm.wav", []string{"-r", "8000", "-e", "ms-adpcm"}, ErrUnsupportedWAV},
		{"gsm.wav", []string{"-r", "8000", "-e", "gsm-full-rate"}, ErrUnsupportedWAV},
		{"96k.wav", []string{"-r", "96000", "-b", "16"}, ErrUnsupportedWAV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			args := append([]string{"-n"}, tt.args...)
			args = append(args, path, "synth", "1", "sine", "1000", "vol", "0.5")
			if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
				t.Skipf("sox cannot write this here: %v\n%s", err, out)
			}
			samples, _, err := ReadWAV(path)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want %v naming %s", err, tt.want, path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTone(t, samples, 1000, 0.5, 0.1)
		})
	}

	// sox writing to a pipe cannot go back to fix the lengths.
	t.Run("pipe", func(t *testing.T) {
		cmd := exec.Command(sox, "-n", "-r", "44100", "-b", "16", "-t", "wav", "-", "synth", "1", "sine", "1000", "vol", "0.5")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		samples, _, err := DecodeWAV(bytes.NewReader(out), "pipe")
		if err != nil {
			t.Fatal(err)
		}
		if len(samples) != SampleRate {
			t.Errorf("got %d samples, want %d", len(samples), SampleRate)
		}
		checkTone(t, samples, 1000, 0.5, 0.1)
	})

	// And sox reads what EncodeWAV writes.
	t.Run("sox reads EncodeWAV", func(t *testing.T) {
		path := filepath.Join(dir, "encoded.wav")
		if err := os.WriteFile(path, EncodeWAV(make([]int16, 8000)), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("soxi", "-D", path).Output()
		if err != nil {
			t.Skipf("soxi: %v", err)
		}
		if got := strings.TrimSpace(string(out)); got != "0.500000" {
			t.Errorf("soxi says %s seconds, want 0.500000", got)
		}
	})
}

// checkTone fails t unless the middle of samples, at SampleRate, is a freq Hz
// tone of amplitude amp (in full scales) to within tolDB.
func checkTone(t *testing.T, samples []int16, freq, amp, tolDB float64) {
	t.Helper()
	x := make([]float32, len(samples))
	for i, s := range samples {
		x[i] = float32(s) / 32768
	}
	gotFreq, gotAmp := measureTone(x[len(x)/10:len(x)*9/10], SampleRate)
	if math.Abs(gotFreq-freq) > freq*0.002 {
		t.Errorf("tone at %.2f Hz, want %.0f Hz", gotFreq, freq)
	}
	if db := 20 * math.Log10(gotAmp/amp); math.Abs(db) > tolDB {
		t.Errorf("tone amplitude %.4f (%+.2f dB), want %.2f", gotAmp, db, amp)
	}
}

func FuzzDecodeWAV(f *testing.F) {
	for _, spec := range []wavSpec{
		{rate: 16000, channels: 1, bits: 16},
		{rate: 8000, channels: 2, bits: 8},
		{rate: 44100, channels: 2, bits: 24, extra: true},
		{rate: 48000, channels: 3, bits: 32, float: true, extensible: true},
		{rate: 11025, channels: 1, bits: 64, float: true},
		{rate: 22050, channels: 2, bits: 32},
	} {
		valid := buildWAV(spec, toneFrames(spec.rate, 0.005, 440, slices.Repeat([]float64{0.5}, spec.channels)...))
		f.Add(valid)
		f.Add(valid[:len(valid)/2])
	}
	for _, broken := range brokenWAVs() {
		f.Add(broken.file)
	}
	streamed := EncodeWAV([]int16{1, 2, 3})
	binary.LittleEndian.PutUint32(streamed[40:], 0xFFFFFFFF)
	f.Add(streamed)

	f.Fuzz(func(t *testing.T, file []byte) {
		samples, format, err := DecodeWAV(bytes.NewReader(file), "fuzz.wav")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.wav") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if format.SampleRate < 8000 || format.SampleRate > 48000 || format.Channels < 1 {
			t.Fatalf("accepted format %+v", format)
		}
		// Every frame takes at least a byte and makes at most two samples
		// at 16 kHz.
		if len(samples) > 2*len(file)+1 {
			t.Fatalf("%d samples from %d bytes", len(samples), len(file))
		}
	})
}
