// Package server is the live service: the HTTP routes, the WebSocket loop
// that streams a speaker's audio to a transcription engine and drives the
// interview with what it hears, and the tape that carries the session's
// audio to its recording. It keeps sessions and audio through the store
// package's interfaces, never one implementation.
//
// It wires transcribe and interviewer together; they know nothing about it,
// and nothing about interviews is decided here. The wire protocol is
// described in docs/protocol.md; its messages and its reference client,
// protocol.Stream, are in package protocol.
package server
