package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// checkPath is the microphone check's route. Its body may be larger than
// other requests' (Config.MaxCheckBody).
const checkPath = "/api/check"

// Limits of a microphone check: the audio's length, the sentence it is
// compared with, and how long it waits for a free recognizer before it
// answers 503 (a check is a moment's work; a queue of them is not).
const (
	maxCheckSeconds = 30
	maxExpect       = 500 // bytes
	checkWait       = 3 * time.Second
)

// checkResult is what a microphone check found.
type checkResult struct {
	Audio interviewer.Audio `json:"audio"`
	// Heard is what the recognizer heard.
	Heard string `json:"heard"`
	// Recognized says the recognizer heard enough of the expected
	// sentence (half its words), or anything at all when none was given.
	Recognized bool `json:"recognized"`
	// Match is the share of the expected sentence's words heard; 0 when
	// none was given.
	Match float64 `json:"match"`
}

// recognizedShare is the share of the expected sentence's words that
// must be heard for the check to say the recognizer heard it.
const recognizedShare = 0.5

// handleCheck is the microphone check: a short recording of the room and
// of a sentence read aloud, measured and heard with a recognizer from the
// engine's pool. Nothing is stored, and nothing heard is logged.
func handleCheck(log zerolog.Logger, engine transcribe.Engine) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		expect := r.URL.Query().Get("expect")
		if len(expect) > maxExpect {
			writeCodedError(w, http.StatusBadRequest, protocol.CodeBadParameter, fmt.Sprintf("expect is %d bytes long: send the sentence to read, at most %d bytes", len(expect), maxExpect))
			return
		}
		body, err := io.ReadAll(r.Body)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			writeCodedError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, fmt.Sprintf("the recording is over the limit of %d bytes: send at most %d s of 16 kHz mono 16-bit PCM", tooBig.Limit, maxCheckSeconds))
			return
		case err != nil:
			writeCodedError(w, http.StatusBadRequest, protocol.CodeBadAudio, "cannot read the request body")
			return
		case len(body) == 0:
			writeCodedError(w, http.StatusBadRequest, protocol.CodeBadAudio, "the body is empty: send a WAV recording of the room and the sentence read aloud")
			return
		}
		samples, _, err := transcribe.DecodeWAV(bytes.NewReader(body), "the recording")
		switch {
		case err != nil:
			writeCodedError(w, http.StatusBadRequest, protocol.CodeBadAudio, err.Error())
			return
		case len(samples) == 0:
			writeCodedError(w, http.StatusBadRequest, protocol.CodeBadAudio, "the recording holds no audio: record a few seconds of the room and the sentence read aloud")
			return
		case len(samples) > maxCheckSeconds*transcribe.SampleRate:
			writeCodedError(w, http.StatusBadRequest, protocol.CodeBadAudio, fmt.Sprintf("the recording lasts %.1f s: send at most %d s", float64(len(samples))/transcribe.SampleRate, maxCheckSeconds))
			return
		}

		ctx, cancel := context.WithTimeout(r.Context(), checkWait)
		stream, err := engine.NewStream(ctx, transcribe.StreamOptions{})
		cancel()
		if err != nil {
			log.Warn().Err(err).Msg("microphone check: no recognizer")
			writeCodedError(w, http.StatusServiceUnavailable, protocol.CodeBusy, "every recognizer is busy; try the check again in a minute")
			return
		}
		results, err := hearRecording(r.Context(), engine.Name(), stream, samples)
		stream.Close()
		if err != nil {
			log.Error().Err(err).Msg("microphone check: transcription failed")
			writeCodedError(w, http.StatusInternalServerError, protocol.CodeTranscription, "the recognizer failed on the recording; try again")
			return
		}
		var words []transcribe.Word
		for _, res := range results {
			words = append(words, res.Words...)
		}
		heard := transcribe.JoinWords(words)
		res := checkResult{Audio: interviewer.JudgeAudio(AudioLevels(transcribe.MeasureLevels(samples))), Heard: heard,
			Match: expectedShare(expect, heard)}
		if expect == "" {
			res.Recognized = len(words) > 0
		} else {
			res.Recognized = res.Match >= recognizedShare
		}
		log.Info().Float64("seconds", float64(len(samples))/transcribe.SampleRate).Str("quality", string(res.Audio.Quality)).
			Float64("snr_db", res.Audio.SNRDB).Float64("level_dbfs", res.Audio.LevelDBFS).Float64("match", res.Match).
			Bool("recognized", res.Recognized).Msg("microphone check")
		writeJSON(w, http.StatusOK, res)
	})
}

// expectedShare is the share of expect's words found in heard, in order
// (aligned by the fewest word errors), rounded to two decimals; 0 when
// expect has no words.
func expectedShare(expect, heard string) float64 {
	ref, hyp := transcribe.NormalizeText(expect), transcribe.NormalizeText(heard)
	if len(ref) == 0 {
		return 0
	}
	aligned, _ := transcribe.AlignWords(ref, hyp)
	found := 0
	for j, a := range aligned {
		if !a.Inserted && ref[a.Ref] == hyp[j] {
			found++
		}
	}
	return math.Round(float64(found)/float64(len(ref))*100) / 100
}
