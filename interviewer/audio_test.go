package interviewer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

func TestJudgeAudio(t *testing.T) {
	tests := []struct {
		name    string
		levels  AudioLevels
		quality AudioQuality
		problem AudioProblem
		advice  string // a word the advice must hold
	}{
		{"clean", AudioLevels{Speech: -18, Noise: -65}, AudioGood, "", ""},
		{"30 dB", AudioLevels{Speech: -18, Noise: -48}, AudioGood, "", ""},
		{"20 dB", AudioLevels{Speech: -18, Noise: -38}, AudioFair, AudioNoisy, "fan"},
		{"10 dB", AudioLevels{Speech: -18, Noise: -28}, AudioPoor, AudioNoisy, "Whisper"},
		{"faint voice in a quiet room", AudioLevels{Speech: -48, Noise: -90}, AudioFair, AudioQuiet, "closer"},
		{"a whisper of a voice", AudioLevels{Speech: -75, Noise: -100}, AudioPoor, AudioQuiet, "gain"},
		{"no speech at all", AudioLevels{Speech: -100, Noise: -60}, AudioPoor, AudioQuiet, "muted"},
		{"a little clipping", AudioLevels{Speech: -8, Noise: -60, Clipped: 0.003}, AudioFair, AudioClipping, "lower the input gain"},
		{"clipped hard", AudioLevels{Speech: -5, Noise: -60, Clipped: 0.2}, AudioPoor, AudioClipping, "lower the input gain"},
		// Two problems: the worse one speaks; as bad, clipping first.
		{"clipped a little in a loud room", AudioLevels{Speech: -8, Noise: -18, Clipped: 0.003}, AudioPoor, AudioNoisy, "fan"},
		{"clipped hard in a loud room", AudioLevels{Speech: -5, Noise: -15, Clipped: 0.2}, AudioPoor, AudioClipping, "gain"},
		{"faint in a loud room", AudioLevels{Speech: -75, Noise: -80}, AudioPoor, AudioQuiet, "closer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := JudgeAudio(tt.levels)
			if a.Quality != tt.quality || a.Problem != tt.problem {
				t.Errorf("JudgeAudio(%+v) = %s, %q; want %s, %q", tt.levels, a.Quality, a.Problem, tt.quality, tt.problem)
			}
			if tt.quality == AudioGood && a.Advice != "" || tt.quality != AudioGood && !strings.Contains(a.Advice, tt.advice) {
				t.Errorf("advice %q; want one with %q", a.Advice, tt.advice)
			}
			if strings.Count(a.Advice, ". ") > 0 {
				t.Errorf("advice %q is more than one sentence", a.Advice)
			}
		})
	}
}

// The audio object's JSON is the contract's: names, rounding, and no
// infinity for silence.
func TestAudioJSON(t *testing.T) {
	a := JudgeAudio(AudioLevels{Speech: -24.34, Noise: -61.04, Clipped: 0.000123456})
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"level_dbfs":-24.3,"noise_dbfs":-61,"snr_db":36.7,"clipped":0.0001,"quality":"good","advice":""}`
	if string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}
}

// The live check says nothing until the last seconds hold enough speech:
// the silence before an answer is not a faint voice.
func TestJudgeLiveAudio(t *testing.T) {
	if _, ok := JudgeLiveAudio(AudioLevels{Speech: -100, Noise: -70, NoiseSeconds: 5}); ok {
		t.Error("silence judged")
	}
	if _, ok := JudgeLiveAudio(AudioLevels{Speech: -60, Noise: -70, SpeechSeconds: 0.5, NoiseSeconds: 4}); ok {
		t.Error("half a second of speech judged")
	}
	// Speech with no gap to measure the noise in is not called noisy.
	if a, ok := JudgeLiveAudio(AudioLevels{Speech: -20, Noise: -24, SpeechSeconds: 5, NoiseSeconds: 0.1}); !ok || a.Problem != "" {
		t.Errorf("continuous speech: %+v, %v; want judged good", a, ok)
	}
	if a, ok := JudgeLiveAudio(AudioLevels{Speech: -20, Noise: -28, SpeechSeconds: 3, NoiseSeconds: 1}); !ok || a.Problem != AudioNoisy {
		t.Errorf("noisy seconds: %+v, %v; want noisy", a, ok)
	}
}

// With poor audio the report says so at the top, and the findings on
// exact words say they may be wrong; with good audio neither.
func TestPoorAudioCaveat(t *testing.T) {
	ans, labels := timedAnswer(
		span(star.Situation, "so our checkout service was timing out for some users"),
		span(star.Task, "nobody owned it so i took it on"),
		span(star.Action, "um we looked at the dashboards and um we talked to the other team and we fixed it"),
		span(star.Result, "things got a lot better and the team was happy"),
	)
	for _, c := range []struct {
		levels AudioLevels
		poor   bool
	}{
		{AudioLevels{Speech: -18, Noise: -62, SpeechSeconds: 20, NoiseSeconds: 5}, false},
		{AudioLevels{Speech: -18, Noise: -27, SpeechSeconds: 20, NoiseSeconds: 5}, true},
	} {
		ans.Audio = &c.levels
		r := report(ans, labels, Profiles()["sde2"])
		if r.Audio == nil || (r.Audio.Quality == AudioPoor) != c.poor {
			t.Fatalf("audio %+v for %+v", r.Audio, c.levels)
		}
		if (r.AudioCaveat != "") != c.poor || c.poor && !strings.Contains(r.AudioCaveat, "may be wrong") {
			t.Errorf("poor %v: caveat %q", c.poor, r.AudioCaveat)
		}
		got := codes(r)
		for _, code := range []string{"action_we", "result_no_number"} {
			f, ok := got[code]
			if !ok {
				t.Fatalf("no %s finding: %v", code, r.Feedback)
			}
			if strings.Contains(f.Message, "audio was poor") != c.poor {
				t.Errorf("poor %v: %s says %q", c.poor, code, f.Message)
			}
		}
		if f := got["task_no_scope"]; strings.Contains(f.Message, "audio") {
			t.Errorf("a finding that does not rest on exact words blames the audio: %q", f.Message)
		}
	}
	typed := TextAnswer("I fixed it.")
	if r := report(typed, []star.Label{star.Action, star.Action, star.Action}, Profiles()["sde2"]); r.Audio != nil || r.AudioCaveat != "" {
		t.Errorf("a typed answer has audio %+v, caveat %q", r.Audio, r.AudioCaveat)
	}
}

// Words the engine was unsure of are no evidence: a "we" heard unsure does
// not count against the speaker, an unsure "um" is not a filler, and an
// unsure number does not pass for a clear one.
func TestLowConfidenceNotEvidence(t *testing.T) {
	ans, labels := timedAnswer(
		span(star.Situation, "our checkout service was timing out for some users and nobody owned it"),
		span(star.Action, "um i pulled the logs um we um i rewrote the retry logic and we we shipped it"),
		span(star.Result, "the errors dropped by forty percent"),
	)
	sure := report(ans, labels, Profiles()["sde2"])
	if sure.Ownership.ActionWe != 3 || sure.Pacing.Fillers.Count != 3 {
		t.Fatalf("sure words: ownership %+v, fillers %+v", sure.Ownership, sure.Pacing.Fillers)
	}
	if _, ok := codes(sure)["action_we"]; !ok {
		t.Fatalf("sure words: no action_we finding in %v", sure.Feedback)
	}
	unsure := map[string]bool{"we": true, "um": true, "forty": true, "percent": true}
	for i, w := range ans.Words {
		ans.Words[i].LowConfidence = unsure[w.Text]
	}
	r := report(ans, labels, Profiles()["sde2"])
	if r.Ownership.ActionWe != 0 || r.Ownership.ActionI != 2 || r.Pacing.Fillers.Count != 0 {
		t.Errorf("unsure words counted: ownership %+v, fillers %+v", r.Ownership, r.Pacing.Fillers)
	}
	got := codes(r)
	if _, ok := got["action_we"]; ok {
		t.Errorf("action_we rests on unsure words: %v", got["action_we"])
	}
	if f, ok := got["result_no_number"]; !ok || f.Severity != SeverityWarn || !strings.Contains(f.Message, "not heard clearly") {
		t.Errorf("an unsure number: %+v; want a warning that it was not heard clearly", f)
	}
	marked := 0
	for _, w := range r.Words {
		if w.LowConfidence {
			marked++
		}
	}
	if marked != 8 {
		t.Errorf("%d report words marked low_confidence, want 8", marked)
	}
}
