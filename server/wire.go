package server

import (
	"crypto/sha256"
	"fmt"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// The server's side of the wire format: what it puts in the messages of
// package protocol from its engines and sessions.

// engineModel gives the engine's model a stable identifier in the shape
// of a UUID (Deepgram names models by UUID), derived from its name, and
// its ModelInfo.
func engineModel(engine string) (string, protocol.ModelInfo) {
	h := sha256.Sum256([]byte("mockinterview model " + engine))
	h[6] = h[6]&0x0f | 0x50 // version 5, name-based
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
	return uuid, protocol.ModelInfo{Name: engine, Arch: engine}
}

// resultsMessage turns an engine result into its wire form; engine is the
// session's own engine.
func resultsMessage(r transcribe.Result, answer int, fromFinalize bool, engine string) protocol.ResultsMessage {
	alt := protocol.Alternative{Transcript: r.Text(), Words: make([]protocol.ResultWord, len(r.Words))}
	for i, w := range r.Words {
		alt.Words[i] = protocol.ResultWord{Word: w.Text, Start: round3(w.Start), End: round3(w.End), Confidence: round3(w.Confidence), PunctuatedWord: w.Punctuated,
			LowConfidence: r.Final && w.LowConfidence}
		alt.Confidence += w.Confidence
	}
	if len(r.Words) > 0 {
		alt.Confidence = round3(alt.Confidence / float64(len(r.Words)))
	}
	return protocol.ResultsMessage{
		Type:         protocol.TypeResults,
		ChannelIndex: []int{0, 1},
		Start:        round3(r.Start),
		Duration:     round3(r.End - r.Start),
		IsFinal:      r.Final,
		SpeechFinal:  r.Final && !fromFinalize,
		FromFinalize: fromFinalize,
		Channel:      protocol.Channel{Alternatives: []protocol.Alternative{alt}},
		Answer:       answer,
		Engine:       heardBy(r, engine),
		Fallback:     isFallback(r, engine),
	}
}

// heardBy names the engine of a final result.
func heardBy(r transcribe.Result, engine string) string {
	if !r.Final {
		return ""
	}
	if r.Engine != "" {
		return r.Engine
	}
	return engine
}

func isFallback(r transcribe.Result, engine string) bool {
	return r.Final && r.Engine != "" && r.Engine != engine
}

func round3(x float64) float64 {
	if x < 0 {
		return -round3(-x)
	}
	return float64(int64(x*1000+0.5)) / 1000
}
