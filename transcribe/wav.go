package transcribe

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Format describes how a WAV file stores its samples.
type Format struct {
	SampleRate int // frames per second
	Channels   int
	BitDepth   int  // bits each stored sample occupies: 8, 16, 24, 32 or 64
	Float      bool // IEEE float samples rather than integer PCM
}

// Errors DecodeWAV wraps, so that callers can tell a bad upload (errors.Is)
// from a failing reader.
var (
	ErrNotWAV         = errors.New("not a WAV file")
	ErrTruncatedWAV   = errors.New("truncated WAV file")
	ErrUnsupportedWAV = errors.New("unsupported WAV encoding")
)

// WAV format codes, from the fmt chunk or an extensible sub-format GUID.
const (
	wavPCM        = 0x0001
	wavFloat      = 0x0003
	wavExtensible = 0xFFFE
)

// wavFormatName names the format codes people are likely to meet.
func wavFormatName(code uint16) string {
	switch code {
	case 0x0002:
		return "Microsoft ADPCM"
	case 0x0006:
		return "A-law"
	case 0x0007:
		return "µ-law"
	case 0x0011:
		return "IMA ADPCM"
	case 0x0031:
		return "GSM 6.10"
	case 0x0050:
		return "MPEG audio"
	case 0x0055:
		return "MP3"
	}
	return fmt.Sprintf("format code 0x%04x", code)
}

// extensibleGUIDTail is what follows the format code in the sub-format GUID
// of every WAVE_FORMAT_EXTENSIBLE file that wraps a plain format code.
const extensibleGUIDTail = "\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"

const (
	minWAVRate     = 8000
	maxWAVRate     = 48000
	maxWAVChannels = 64
	// A data chunk declaring at least this many bytes is taken to be the
	// placeholder that streaming writers leave when they cannot seek back
	// (sox writes 0x7ffff000, ffmpeg and RF64 0xffffffff): its data runs to
	// the end of the stream.
	wavUnknownLength = 0x7FFF0000
	// wavBlock is how many bytes of sample data DecodeWAV reads at a time.
	wavBlock = 64 << 10
)

// ReadWAV opens path and decodes it with DecodeWAV.
func ReadWAV(path string) ([]int16, Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Format{}, err
	}
	defer f.Close()
	return DecodeWAV(bufio.NewReader(f), path)
}

// DecodeWAV reads a WAV (RIFF/WAVE) stream and returns its audio as 16 kHz
// mono 16-bit samples, with the channels averaged and the rate converted by
// Resample, along with the file's own format.
//
// It reads 8, 16, 24 and 32-bit integer PCM, 32 and 64-bit IEEE float, and
// WAVE_FORMAT_EXTENSIBLE wrapping either, with any number of channels up to
// 64 at 8 to 48 kHz. A file cut short is an error, except when its data chunk
// declares the placeholder length that writers streaming to a pipe leave
// behind; then the data runs to the end of r. name is used only in error
// messages, which say what is wrong with the file and what to do about it.
func DecodeWAV(r io.Reader, name string) ([]int16, Format, error) {
	if name == "" {
		name = "audio"
	}
	if err := readRIFFHeader(r, name); err != nil {
		return nil, Format{}, err
	}
	var f Format
	haveFmt := false
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if !isEOF(err) {
				return nil, Format{}, fmt.Errorf("read %s: %w", name, err)
			}
			if !haveFmt {
				return nil, Format{}, truncatedWAV(name, "the file ends before its fmt chunk")
			}
			return nil, Format{}, truncatedWAV(name, "the file ends before its data chunk")
		}
		id, size := string(hdr[:4]), binary.LittleEndian.Uint32(hdr[4:])
		switch id {
		case "fmt ":
			var err error
			if f, err = readFmtChunk(r, size, name); err != nil {
				return nil, Format{}, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, Format{}, badWAV(name, ErrNotWAV, "its data chunk comes before the fmt chunk")
			}
			samples, err := readDataChunk(r, size, f, name)
			if err != nil {
				return nil, Format{}, err
			}
			return samples, f, nil
		default:
			if err := skipChunk(r, id, size, 0, name); err != nil {
				return nil, Format{}, err
			}
		}
	}
}

func readRIFFHeader(r io.Reader, name string) error {
	var hdr [12]byte
	n, err := io.ReadFull(r, hdr[:])
	if err != nil && !isEOF(err) {
		return fmt.Errorf("read %s: %w", name, err)
	}
	magic := string(hdr[:min(n, 4)])
	switch {
	case n == 0:
		return badWAV(name, ErrNotWAV, "the file is empty")
	case magic == "RIFX":
		return badWAV(name, ErrUnsupportedWAV, "big-endian (RIFX) samples")
	case !strings.HasPrefix("RIFF", magic) && !strings.HasPrefix("RF64", magic):
		return badWAV(name, ErrNotWAV, "no RIFF header")
	case n < len(hdr):
		return truncatedWAV(name, fmt.Sprintf("the header ends after %d bytes", n))
	case string(hdr[8:]) != "WAVE":
		return badWAV(name, ErrNotWAV, fmt.Sprintf("a RIFF file of type %q, not WAVE", hdr[8:]))
	}
	return nil
}

// readFmtChunk reads a fmt chunk of the declared size and checks that
// DecodeWAV can decode what it describes.
func readFmtChunk(r io.Reader, size uint32, name string) (Format, error) {
	if size < 16 {
		return Format{}, badWAV(name, ErrNotWAV, fmt.Sprintf("its fmt chunk is only %d bytes", size))
	}
	// An extensible fmt chunk takes 40 bytes; anything past that is of no use.
	b := make([]byte, min(size, 40))
	if _, err := io.ReadFull(r, b); err != nil {
		if isEOF(err) {
			return Format{}, truncatedWAV(name, "the header ends inside the fmt chunk")
		}
		return Format{}, fmt.Errorf("read %s: %w", name, err)
	}
	if err := skipChunk(r, "fmt ", size, int64(len(b)), name); err != nil {
		return Format{}, err
	}

	le := binary.LittleEndian
	code := le.Uint16(b[0:])
	f := Format{
		Channels:   int(le.Uint16(b[2:])),
		SampleRate: int(le.Uint32(b[4:])),
		BitDepth:   int(le.Uint16(b[14:])),
	}
	if code == wavExtensible {
		if len(b) < 40 {
			return f, badWAV(name, ErrNotWAV, fmt.Sprintf("its extensible fmt chunk is only %d bytes", size))
		}
		if valid := int(le.Uint16(b[18:])); valid > f.BitDepth {
			return f, badWAV(name, ErrNotWAV, fmt.Sprintf("it claims %d valid bits in %d-bit samples", valid, f.BitDepth))
		}
		guid := b[24:40]
		if string(guid[4:]) != extensibleGUIDTail || le.Uint16(guid[2:]) != 0 {
			return f, badWAV(name, ErrUnsupportedWAV, fmt.Sprintf("extensible sub-format %x", guid))
		}
		code = le.Uint16(guid)
	}
	switch code {
	case wavPCM:
		if f.BitDepth != 8 && f.BitDepth != 16 && f.BitDepth != 24 && f.BitDepth != 32 {
			return f, badWAV(name, ErrUnsupportedWAV, fmt.Sprintf("%d-bit integer PCM", f.BitDepth))
		}
	case wavFloat:
		f.Float = true
		if f.BitDepth != 32 && f.BitDepth != 64 {
			return f, badWAV(name, ErrUnsupportedWAV, fmt.Sprintf("%d-bit float", f.BitDepth))
		}
	default:
		return f, badWAV(name, ErrUnsupportedWAV, wavFormatName(code))
	}
	switch {
	case f.Channels == 0:
		return f, badWAV(name, ErrUnsupportedWAV, "zero channels")
	case f.Channels > maxWAVChannels:
		return f, badWAV(name, ErrUnsupportedWAV, fmt.Sprintf("%d channels (at most %d)", f.Channels, maxWAVChannels))
	case f.SampleRate < minWAVRate || f.SampleRate > maxWAVRate:
		return f, badWAV(name, ErrUnsupportedWAV, fmt.Sprintf("sample rate %d Hz, outside %d to %d Hz", f.SampleRate, minWAVRate, maxWAVRate))
	}
	return f, nil
}

// readDataChunk decodes a data chunk of the declared size block by block,
// so that memory follows what is actually read rather than what is declared.
func readDataChunk(r io.Reader, size uint32, f Format, name string) ([]int16, error) {
	unknown := size >= wavUnknownLength
	if !unknown {
		r = io.LimitReader(r, int64(size))
	}
	width := f.BitDepth / 8
	frame := width * f.Channels
	decode := sampleDecoder(f)
	var rs *resampler
	if f.SampleRate != SampleRate {
		rs = newResampler(f.SampleRate, SampleRate)
	}

	buf := make([]byte, wavBlock-wavBlock%frame)
	var (
		out   []int16
		mono  []float32
		at16k []float32
		read  int64
	)
	for {
		n, err := io.ReadFull(r, buf)
		read += int64(n)
		if err != nil && !isEOF(err) {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		done := err != nil

		// A partial frame can only come last; it is dropped.
		mono = mono[:0]
		for p := 0; p+frame <= n; p += frame {
			var sum float32
			for c := range f.Channels {
				sum += decode(buf[p+c*width:])
			}
			mono = append(mono, sum/float32(f.Channels))
		}
		if rs != nil {
			at16k = rs.feed(at16k[:0], mono)
			if done {
				at16k = rs.finish(at16k)
			}
		} else {
			at16k = mono
		}
		out = appendInt16(out, at16k)
		if done {
			break
		}
	}
	if !unknown && read < int64(size) {
		return nil, truncatedWAV(name, fmt.Sprintf("its data chunk declares %d bytes but only %d follow", size, read))
	}
	return out, nil
}

// sampleDecoder returns a function that turns one stored sample at the start
// of its argument into a value in [-1, 1].
func sampleDecoder(f Format) func([]byte) float32 {
	le := binary.LittleEndian
	switch {
	case f.Float && f.BitDepth == 64:
		return func(b []byte) float32 { return clampUnit(math.Float64frombits(le.Uint64(b))) }
	case f.Float:
		return func(b []byte) float32 { return clampUnit(float64(math.Float32frombits(le.Uint32(b)))) }
	case f.BitDepth == 8: // unsigned, centred on 128
		return func(b []byte) float32 { return float32(int(b[0])-128) / (1 << 7) }
	case f.BitDepth == 16:
		return func(b []byte) float32 { return float32(int16(le.Uint16(b))) / (1 << 15) }
	case f.BitDepth == 24:
		return func(b []byte) float32 {
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			return float32(v) / (1 << 23)
		}
	default:
		return func(b []byte) float32 { return float32(float64(int32(le.Uint32(b))) / (1 << 31)) }
	}
}

// clampUnit keeps float samples finite and within full scale, so that a NaN
// or a huge value in a file cannot spread through the resampler.
func clampUnit(v float64) float32 {
	switch {
	case v != v:
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return float32(v)
}

// appendInt16 appends samples in [-1, 1] to out as 16-bit integers, rounding
// and clipping.
func appendInt16(out []int16, in []float32) []int16 {
	for _, v := range in {
		x := math.Round(float64(v) * (1 << 15))
		out = append(out, int16(max(-1<<15, min(1<<15-1, x))))
	}
	return out
}

// skipChunk discards the rest of a chunk that declared size bytes, of which
// done have been read, and its pad byte.
func skipChunk(r io.Reader, id string, size uint32, done int64, name string) error {
	n := int64(size) - done + int64(size%2) // chunks are padded to an even length
	got, err := io.CopyN(io.Discard, r, n)
	switch {
	case err == nil:
		return nil
	case !isEOF(err):
		return fmt.Errorf("read %s: %w", name, err)
	case done+got >= int64(size):
		return nil // only the pad byte of the last chunk is missing
	}
	return truncatedWAV(name, fmt.Sprintf("its %q chunk declares %d bytes but only %d follow", id, size, done+got))
}

// PCM16 turns raw little-endian 16-bit PCM bytes into samples, unchanged.
func PCM16(b []byte) ([]int16, error) {
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("16-bit PCM: odd length of %d bytes; send whole 2-byte samples", len(b))
	}
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out, nil
}

// AppendPCM16 appends samples to b as raw little-endian 16-bit PCM, the
// bytes PCM16 reads, and returns the extended slice.
func AppendPCM16(b []byte, samples []int16) []byte {
	b = slices.Grow(b, 2*len(samples))
	for _, v := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

// EncodeWAV returns a complete WAV file holding samples as 16 kHz mono 16-bit
// PCM.
func EncodeWAV(samples []int16) []byte {
	const header = 44
	data := 2 * len(samples)
	b := make([]byte, header+data)
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(header-8+data))
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], wavPCM)
	le.PutUint16(b[22:], 1)
	le.PutUint32(b[24:], SampleRate)
	le.PutUint32(b[28:], 2*SampleRate)
	le.PutUint16(b[32:], 2)
	le.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(data))
	for i, s := range samples {
		le.PutUint16(b[header+2*i:], uint16(s))
	}
	return b
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func badWAV(name string, kind error, detail string) error {
	advice := "convert it with " + soxCommand(name)
	if kind == ErrNotWAV {
		advice = "if it is audio in another format, " + advice
	}
	return fmt.Errorf("%s: %w (%s); %s", name, kind, detail, advice)
}

func truncatedWAV(name, detail string) error {
	return fmt.Errorf("%s: %w (%s); record or export it again, or keep what is there with %s",
		name, ErrTruncatedWAV, detail, soxCommand(name))
}

// soxCommand is the command line that turns name into a file DecodeWAV reads
// without conversion.
func soxCommand(name string) string {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	out := base + ".wav"
	if out == name {
		out = base + "-16k.wav"
	}
	return fmt.Sprintf("`sox %s -r 16000 -c 1 -b 16 %s`", shellQuote(name), shellQuote(out))
}

func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./+,:@%=", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
