package interviewer

import (
	"fmt"
	"math"
)

// AudioLevels is what was measured of a recording: plain numbers, so that
// judging them needs no knowledge of how audio is measured (the server and
// the command line fill them from transcribe's Meter). Levels are in dBFS,
// relative to a full-scale square wave.
type AudioLevels struct {
	// Speech is the speech's level: the RMS of the frames heard as speech.
	Speech float64
	// Noise is the noise floor: the RMS of the frames between speech.
	Noise float64
	// Clipped is the share of samples at full scale, 0 to 1.
	Clipped float64
	// SpeechSeconds and NoiseSeconds are how much audio Speech and Noise
	// rest on.
	SpeechSeconds, NoiseSeconds float64
}

// Audio is the report's word on a recording: the levels measured and what
// they mean for what the recognizer heard.
type Audio struct {
	LevelDBFS float64 `json:"level_dbfs"`
	NoiseDBFS float64 `json:"noise_dbfs"`
	SNRDB     float64 `json:"snr_db"`
	Clipped   float64 `json:"clipped"`
	// Quality is good, fair or poor.
	Quality AudioQuality `json:"quality"`
	// Advice is one sentence on what to do; "" when the quality is good.
	Advice string `json:"advice"`
	// Problem is what is worst about the audio, "" when it is good. It is
	// the code of the live Warning that tells of it.
	Problem AudioProblem `json:"-"`
}

// AudioQuality grades a recording by how well the recognizer can hear it.
type AudioQuality string

// Audio qualities.
const (
	AudioGood AudioQuality = "good" // heard about as well as clean speech
	AudioFair AudioQuality = "fair" // some words misheard
	AudioPoor AudioQuality = "poor" // many words misheard: the findings on exact words may be wrong
)

func (q AudioQuality) rank() int {
	switch q {
	case AudioPoor:
		return 2
	case AudioFair:
		return 1
	}
	return 0
}

// AudioProblem names what is wrong with a recording.
type AudioProblem string

// Audio problems; each is also the code of the live Warning about it.
const (
	AudioNoisy    AudioProblem = "noisy"    // the room's noise is close to the voice
	AudioQuiet    AudioProblem = "quiet"    // the voice is faint (or was not heard at all)
	AudioClipping AudioProblem = "clipping" // the voice is cut off at full scale
)

// The thresholds of the grades, chosen by measuring PocketSphinx (the
// shipped set-up) on four development answers read by flite's slt and
// kal16 and spoiled with internal/noisemix (TestAudioThresholds in
// cmd/mockinterview). Mean word error rates, clean 0.086:
//
//   - pink noise at 25 dB SNR 0.11, 20 dB 0.17, 15 dB 0.44, 10 dB 0.68;
//     fan hum at 15 dB 0.11: the noise's colour matters, so the bound of
//     poor sits at 18 dB, between pink noise's 20 and 15 dB (better to
//     warn of a hum that did little harm than to present findings from a
//     transcript that is half wrong);
//   - speech peaking at -45 dBFS, no room noise: speech levels of -57
//     (slt) and -66 dBFS (kal16), 0.19: faint costs some words but is
//     heard. In a real room a faint voice is also close to the room's
//     noise, which the SNR catches. Hence fair below -40 dBFS (a
//     microphone with its gain set right gives -30 to -20), and poor only
//     below -70, past anything measured;
//   - raised 10 dB, slt's answers 6 % clipped 0.26; raised 20 dB, kal16's
//     2 % clipped 0.12 (clean 0.09) and slt's 42 % clipped 0.81: fair past
//     0.1 % (clipping is audible there), poor past 10 %.
const (
	snrGood      = 25.0
	snrFair      = 18.0
	levelGood    = -40.0
	levelFair    = -70.0
	clippedGood  = 0.001
	clippedFair  = 0.10
	noSpeechDBFS = -99.0 // at the floor: no speech was heard at all
)

// Advice sentences, one per problem.
var audioAdvice = map[AudioProblem]string{
	AudioNoisy: "Background noise is close to your voice: move away from fans and open windows or use a headset microphone, " +
		"and for a room you cannot quiet, configure a Whisper endpoint (serve --engine openai).",
	AudioQuiet:    "Your voice is faint: move closer to the microphone or raise its input gain.",
	AudioClipping: "Your voice is too loud for the microphone and is cut off: lower the input gain or move back a little.",
}

const noSpeechAdvice = "No speech was heard: check that the right microphone is chosen, that it is not muted, and speak up."

// JudgeAudio grades measured levels: the worst of the speech-to-noise
// ratio, the speech's level and the share clipped, with the advice for
// that. Between two problems as bad, clipping (one setting fixes it) comes
// before a faint voice (moving closer also raises it above the noise)
// before noise.
func JudgeAudio(l AudioLevels) Audio { return judgeAudio(l, true) }

// judgeAudio is JudgeAudio, leaving out the speech-to-noise ratio when
// the noise could not be measured.
func judgeAudio(l AudioLevels, noiseMeasured bool) Audio {
	a := Audio{
		LevelDBFS: round1(l.Speech),
		NoiseDBFS: round1(l.Noise),
		SNRDB:     round1(l.Speech - l.Noise),
		Clipped:   math.Round(l.Clipped*10000) / 10000,
		Quality:   AudioGood,
	}
	consider := func(p AudioProblem, q AudioQuality) {
		if q.rank() > a.Quality.rank() {
			a.Quality, a.Problem = q, p
		}
	}
	consider(AudioClipping, grade(l.Clipped, clippedGood, clippedFair, false))
	if l.Speech <= noSpeechDBFS {
		consider(AudioQuiet, AudioPoor)
	} else {
		consider(AudioQuiet, grade(l.Speech, levelGood, levelFair, true))
	}
	if noiseMeasured {
		consider(AudioNoisy, grade(l.Speech-l.Noise, snrGood, snrFair, true))
	}
	switch {
	case a.Problem == AudioQuiet && l.Speech <= noSpeechDBFS:
		a.Advice = noSpeechAdvice
	case a.Problem != "":
		a.Advice = audioAdvice[a.Problem]
	}
	return a
}

// grade places v against a threshold for good and one for fair: above
// them when high is true, below them otherwise.
func grade(v, good, fair float64, high bool) AudioQuality {
	if !high {
		v, good, fair = -v, -good, -fair
	}
	switch {
	case v >= good:
		return AudioGood
	case v >= fair:
		return AudioFair
	}
	return AudioPoor
}

// The live check judges the last few seconds only once they hold enough
// speech (so that the silence before an answer and its pauses are not
// taken for a faint voice), and the noise only when they hold enough of
// the gaps between words to measure it.
const (
	liveMinSpeech = 1.5  // seconds
	liveMinNoise  = 0.25 // seconds
)

// JudgeLiveAudio judges the last few seconds of an answer as it is
// spoken, and says whether they hold enough to tell. The problem it
// finds, if any, is the code of the Warning to send.
func JudgeLiveAudio(l AudioLevels) (Audio, bool) {
	if l.SpeechSeconds < liveMinSpeech {
		return Audio{}, false
	}
	return judgeAudio(l, l.NoiseSeconds >= liveMinNoise), true
}

// audioCaveat is the sentence at the top of a report whose audio is poor.
func audioCaveat(a *Audio) string {
	var why string
	switch a.Problem {
	case AudioNoisy:
		why = fmt.Sprintf("the room's noise was only %.0f dB below your voice", a.SNRDB)
	case AudioQuiet:
		why = "your voice was very faint"
	case AudioClipping:
		why = "your voice was cut off at full scale"
	}
	return "The audio was poor (" + why + "), so the recognizer probably misheard words: " +
		"the findings that rest on exact words (fillers, numbers, \"I\" against \"we\") may be wrong."
}

// poorAudioNote ends the findings that rest on exact words when the audio
// was poor.
const poorAudioNote = " This may be wrong: the audio was poor and words may have been misheard."
