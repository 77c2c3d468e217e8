package transcribe

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

// Our WAV reader and writer agree with an independent implementation,
// go-audio/wav, in both directions.
func TestWAVAgreesWithGoAudio(t *testing.T) {
	samples := make([]int16, 16000)
	for i := range samples {
		samples[i] = int16((i*7919)%65536 - 32768)
	}
	dec := wav.NewDecoder(bytes.NewReader(EncodeWAV(samples)))
	buf, err := dec.FullPCMBuffer()
	if err != nil {
		t.Fatalf("go-audio cannot read EncodeWAV's file: %v", err)
	}
	if dec.SampleRate != SampleRate || dec.NumChans != 1 || dec.BitDepth != 16 || len(buf.Data) != len(samples) {
		t.Fatalf("go-audio reads %d Hz, %d channels, %d bits, %d samples", dec.SampleRate, dec.NumChans, dec.BitDepth, len(buf.Data))
	}
	for i, v := range buf.Data {
		if int16(v) != samples[i] {
			t.Fatalf("sample %d: go-audio reads %d, we wrote %d", i, v, samples[i])
		}
	}

	// A 24-bit stereo file written by go-audio: both channels carry the
	// same 16 kHz signal, so the downmix must give it back.
	path := filepath.Join(t.TempDir(), "goaudio.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := wav.NewEncoder(f, SampleRate, 24, 2, 1)
	ib := &audio.IntBuffer{Format: &audio.Format{NumChannels: 2, SampleRate: SampleRate}, SourceBitDepth: 24}
	for _, s := range samples[:4000] {
		ib.Data = append(ib.Data, int(s)<<8, int(s)<<8)
	}
	if err := enc.Write(ib); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, format, err := ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if format.Channels != 2 || format.BitDepth != 24 || len(got) != 4000 {
		t.Fatalf("format %+v, %d samples", format, len(got))
	}
	for i := range got {
		if d := int(got[i]) - int(samples[i]); d > 1 || d < -1 {
			t.Fatalf("sample %d: %d, want %d", i, got[i], samples[i])
		}
	}
}
