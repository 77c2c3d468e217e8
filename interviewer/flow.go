package interviewer

import (
	"context"
	"errors"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Mode is what a session is for.
type Mode string

// Modes: a mock interview with probes, or pacing practice with live timers
// and no probes.
const (
	ModeInterview Mode = "interview"
	ModePractice  Mode = "practice"
)

// State is where an interview is.
type State string

// The interview's states, in order.
const (
	StateReady     State = "ready"
	StateListening State = "listening" // to the main answer
	StateWording   State = "wording"   // a probe is chosen and waits for its words (Ask)
	StateProbing   State = "probing"   // listening to a probe's answer
	StateDone      State = "done"
)

// TurnKind says what the interviewer does.
type TurnKind string

// What the interviewer can do. TurnWording says nothing yet: a probe is
// chosen and waits for the caller to word it and Ask it.
const (
	TurnQuestion  TurnKind = "question"
	TurnWording   TurnKind = "wording"
	TurnProbe     TurnKind = "probe"
	TurnInterrupt TurnKind = "interrupt"
	TurnReport    TurnKind = "report"
)

// Turn is one thing the interviewer says or hands over.
type Turn struct {
	Kind   TurnKind         `json:"kind"`
	Text   string           `json:"text,omitempty"`
	Probe  *Probe           `json:"probe,omitempty"`
	Report *InterviewReport `json:"report,omitempty"`
	// Transcript is the main answer, which a TurnWording's probe may
	// refer to.
	Transcript string `json:"transcript,omitempty"`
}

// InterviewConfig sets up one interview.
type InterviewConfig struct {
	Bank     *Bank
	Analyzer *Analyzer
	Question *Question
	Level    string  // sde1, sde2 or senior; DefaultLevel when empty
	Profile  Profile // targets; from Level when its Targets are empty
	Mode     Mode
	// MaxProbes is how many follow-ups to ask; DefaultMaxProbes when 0.
	MaxProbes int
	// EndSilence is the silence, in seconds, that ends an answer;
	// DefaultEndSilence when 0.
	EndSilence float64
	// InterruptFactor: in an interview, the interviewer cuts in once the
	// situation runs past this many times its target; default 2, 0 or
	// less never cuts in.
	InterruptFactor float64
	// WordProbes says the caller words each probe (with a Phraser) before
	// it is asked: the interview then gives a TurnWording and waits in
	// StateWording for Ask.
	WordProbes bool
}

// Phraser words a probe for the answer at hand (an LLM). It returns the
// bank's text when it cannot do better, and gives up when ctx is done:
// the person is waiting.
type Phraser interface {
	Phrase(ctx context.Context, q *Question, transcript string, p Probe) string
}

// Interview is the interview's state machine. It takes timed words and
// events in and gives out what the interviewer says; the server and the
// command line both drive it. Times are seconds on the stream clock.
// It is not safe for concurrent use.
type Interview struct {
	cfg         InterviewConfig
	principle   *Principle
	level       *Level
	state       State
	answers     []*answerLog // [0] is the main answer, then one per probe
	probes      []Probe
	interrupted bool
	main        *Report
	// shown is the part the live view shows as current (see LiveView).
	shown star.Label
}

type answerLog struct {
	probe   *Probe
	asked   string // what was said
	from    float64
	words   []transcribe.Word
	skipped bool
	verdict *Verdict
	audio   *AudioLevels // as measured so far (SetAudio)
	// hearing are the words of the utterance in progress: the engine may
	// still change them, and Hear's final words replace them.
	hearing []transcribe.Word
	// live is the unfinished-answer analysis of words and hearing as they
	// were at liveOf: the live view and the cut-in check ask for it after
	// every result. liveSure is how sure it is of the last word's part.
	live     Report
	liveSure float64
	liveOf   [2]int
	heard    int // changes to words and hearing so far
}

// heardSoFar is every word of the answer: the final ones, then those of
// the utterance in progress.
func (a *answerLog) heardSoFar() []transcribe.Word {
	if len(a.hearing) == 0 {
		return a.words
	}
	return append(a.words[:len(a.words):len(a.words)], a.hearing...)
}

// NewInterview checks the configuration and starts in StateReady.
func NewInterview(cfg InterviewConfig) (*Interview, error) {
	if cfg.Bank == nil || cfg.Analyzer == nil || cfg.Question == nil {
		return nil, errors.New("interview needs a bank, an analyzer and a question")
	}
	mode, err := settleMode(cfg.Mode)
	if err != nil {
		return nil, err
	}
	level, lvl, err := cfg.Bank.settleLevel(cfg.Level)
	if err != nil {
		return nil, err
	}
	cfg.Mode, cfg.Level = mode, level
	if len(cfg.Profile.Targets) == 0 {
		p, err := LookupProfile(cfg.Level)
		if err != nil {
			return nil, err
		}
		cfg.Profile = p
	}
	if cfg.MaxProbes <= 0 {
		cfg.MaxProbes = DefaultMaxProbes
	}
	if cfg.EndSilence <= 0 {
		cfg.EndSilence = DefaultEndSilence
	}
	if cfg.InterruptFactor == 0 {
		cfg.InterruptFactor = 2
	}
	return &Interview{cfg: cfg, principle: cfg.Bank.PrincipleOf(cfg.Question), level: lvl, state: StateReady}, nil
}

// State is where the interview is.
func (iv *Interview) State() State { return iv.state }

// Question is the main question.
func (iv *Interview) Question() *Question { return iv.cfg.Question }

// EndSilence is the silence, in seconds, that ends an answer.
func (iv *Interview) EndSilence() float64 { return iv.cfg.EndSilence }

// Begin asks the main question; the answer is listened for from now.
func (iv *Interview) Begin(now float64) []Turn {
	if iv.state != StateReady {
		return nil
	}
	iv.state = StateListening
	iv.answers = []*answerLog{{asked: iv.cfg.Question.Text, from: now}}
	return []Turn{{Kind: TurnQuestion, Text: iv.cfg.Question.Text}}
}

func (iv *Interview) current() *answerLog {
	if iv.state != StateListening && iv.state != StateProbing {
		return nil
	}
	return iv.answers[len(iv.answers)-1]
}

// Hear adds final words. Words heard before the current question was
// asked belong to no answer and are dropped. In the main answer of an
// interview, the interviewer cuts in once when the situation runs long.
func (iv *Interview) Hear(words []transcribe.Word) []Turn {
	a := iv.current()
	if a == nil {
		return nil
	}
	for _, w := range words {
		if w.Start >= a.from-0.05 {
			a.words = append(a.words, w)
		}
	}
	a.hearing = nil
	a.heard++
	if iv.state != StateListening || iv.cfg.Mode != ModeInterview || iv.interrupted || iv.cfg.InterruptFactor <= 0 {
		return nil
	}
	// Cut in on a long situation while no action has been heard (the live
	// view labels the answer as unfinished, so its tail is not read as an
	// ending). A part read as action counts only once it says what was
	// done ("I pulled", "so I", "we built"): a long background with no
	// such phrase can read as action by its length alone, and is still
	// background to an interviewer.
	live := iv.Live(0)
	r := iv.mainReport()
	situation := 0.0
	for i, p := range live.Parts {
		switch p.Label {
		case star.Situation:
			situation += p.Elapsed
		case star.Action:
			if i >= len(r.Parts) || star.SaysWhatWasDone(r.Parts[i].Text) {
				return nil
			}
			situation += p.Elapsed
		}
	}
	if target := iv.cfg.Profile.Targets[star.Situation]; situation > target*iv.cfg.InterruptFactor {
		iv.interrupted = true
		return []Turn{{Kind: TurnInterrupt, Text: "Let me stop you there. I have enough context: let's get to what you did."}}
	}
	return nil
}

// Hearing gives the words of the utterance in progress, which the engine
// may still change: the live view counts them until Hear's final words
// replace them.
func (iv *Interview) Hearing(words []transcribe.Word) {
	a := iv.current()
	if a == nil {
		return
	}
	a.hearing = a.hearing[:0]
	for _, w := range words {
		if w.Start >= a.from-0.05 {
			a.hearing = append(a.hearing, w)
		}
	}
	a.heard++
}

// SetAudio gives what was measured of the current answer's recording so
// far; the answer's report judges the last levels given.
func (iv *Interview) SetAudio(l AudioLevels) {
	if a := iv.current(); a != nil {
		a.audio = &l
	}
}

// Tick ends the current answer after a long enough silence.
func (iv *Interview) Tick(now float64) []Turn {
	a := iv.current()
	if a == nil || len(a.words) == 0 {
		return nil
	}
	if now-a.words[len(a.words)-1].End >= iv.cfg.EndSilence {
		return iv.endAnswer(now)
	}
	return nil
}

// Done ends the current answer now (the person said they are done).
func (iv *Interview) Done(now float64) []Turn {
	if iv.current() == nil {
		return nil
	}
	return iv.endAnswer(now)
}

// Skip drops the current question or probe and moves on.
func (iv *Interview) Skip(now float64) []Turn {
	a := iv.current()
	if a == nil {
		return nil
	}
	a.skipped = true
	return iv.endAnswer(now)
}

// Finish ends the interview wherever it is and returns the report.
func (iv *Interview) Finish(now float64) []Turn {
	switch iv.state {
	case StateDone:
		return nil
	case StateReady:
		iv.answers = []*answerLog{{asked: iv.cfg.Question.Text, from: now, skipped: true}}
	case StateListening:
		iv.analyzeMain()
	case StateProbing:
		iv.judge(iv.current())
	}
	iv.state = StateDone
	return []Turn{{Kind: TurnReport, Report: iv.Report()}}
}

func (iv *Interview) endAnswer(now float64) []Turn {
	switch iv.state {
	case StateListening:
		iv.analyzeMain()
		if iv.cfg.Mode == ModeInterview && !iv.answers[0].skipped {
			if off := offTopicOf(iv.main); off != nil && iv.cfg.MaxProbes > 0 {
				iv.probes = []Probe{retellProbe(iv.cfg.Question, iv.principle, off)}
				break
			}
			gaps := FindGaps(*iv.main, iv.principle, iv.level)
			iv.probes = iv.cfg.Bank.ChooseProbes(iv.cfg.Question, gaps, iv.level, iv.cfg.MaxProbes)
			said := star.Normalize(transcribe.JoinWords(iv.answers[0].words))
			for i, p := range iv.probes {
				iv.probes[i] = p.Grounded(said)
			}
		}
	case StateProbing:
		a := iv.current()
		iv.judge(a)
		if a != nil && a.probe != nil && a.probe.Gap == GapRetell && a.verdict != nil && a.verdict.Rating == RatingStrong {
			iv.probes = append(iv.probes, iv.probeRetold(a.words, iv.cfg.MaxProbes-len(iv.probes))...)
		}
	}
	if next := len(iv.answers) - 1; next < len(iv.probes) {
		iv.state = StateWording
		if !iv.cfg.WordProbes {
			return iv.Ask(now, "")
		}
		p := iv.probes[next]
		return []Turn{{Kind: TurnWording, Text: p.Text, Probe: &p, Transcript: transcribe.JoinWords(iv.answers[0].words)}}
	}
	iv.state = StateDone
	return []Turn{{Kind: TurnReport, Report: iv.Report()}}
}

// Ask puts the probe that waits for its words (StateWording) to the
// person at now, worded as text, or as the bank words it when text is
// empty. Its answer is listened for from now: what was said while the
// probe was being worded belongs to no answer.
func (iv *Interview) Ask(now float64, text string) []Turn {
	if iv.state != StateWording {
		return nil
	}
	p := iv.probes[len(iv.answers)-1]
	if text == "" {
		text = p.Text
	}
	iv.state = StateProbing
	iv.answers = append(iv.answers, &answerLog{probe: &p, asked: text, from: now})
	return []Turn{{Kind: TurnProbe, Text: text, Probe: &p}}
}

func (iv *Interview) analyzeMain() {
	a := iv.answers[0]
	r := iv.cfg.Analyzer.Analyze(Answer{Words: a.words, Audio: a.audio}, iv.cfg.Profile)
	addPrincipleFindings(&r, iv.principle)
	iv.main = &r
}

func (iv *Interview) judge(a *answerLog) {
	if a == nil || a.probe == nil || a.verdict != nil {
		return
	}
	switch {
	case len(a.words) == 0 && a.skipped:
		a.verdict = &Verdict{RatingWeak, "Skipped."}
		return
	case len(a.words) == 0:
		a.verdict = &Verdict{RatingUnanswered, "No reply was heard before the probe ended, so it was not scored."}
		return
	}
	texts := make([]string, len(a.words))
	for i, w := range a.words {
		texts[i] = w.Text
	}
	v := JudgeProbe(*a.probe, texts)
	a.verdict = &v
}
