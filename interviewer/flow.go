package interviewer

import (
	"errors"
	"fmt"
	"math"
	"slices"

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
	StateProbing   State = "probing"   // listening to a probe's answer
	StateDone      State = "done"
)

// TurnKind says what the interviewer does.
type TurnKind string

// What the interviewer can do.
const (
	TurnQuestion  TurnKind = "question"
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
}

// InterviewConfig sets up one interview.
type InterviewConfig struct {
	Bank     *Bank
	Analyzer *Analyzer
	Question *Question
	Level    string  // sde1, sde2, senior
	Profile  Profile // targets; from Level when its Targets are empty
	Mode     Mode
	// MaxProbes is how many follow-ups to ask, default 3.
	MaxProbes int
	// EndSilence is the silence, in seconds, that ends an answer; default 4.
	EndSilence float64
	// InterruptFactor: in an interview, the interviewer cuts in once the
	// situation runs past this many times its target; default 2, 0 or
	// less never cuts in.
	InterruptFactor float64
	// Phrase, when set, may reword a probe for this answer (an LLM); it
	// returns the bank's text when it cannot do better.
	Phrase func(q *Question, transcript string, p Probe) string
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
	// shown is the part the live view shows as current, and a new one it
	// has found in the last seen updates (see LiveView).
	shown struct {
		label, pending star.Label
		seen           int
	}
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
	// every result.
	live   Report
	liveOf [2]int
	heard  int // changes to words and hearing so far
}

// heardSoFar is every word of the answer: the final ones, then those of
// the utterance in progress.
func (a *answerLog) heardSoFar() []transcribe.Word {
	if len(a.hearing) == 0 {
		return a.words
	}
	return append(a.words[:len(a.words):len(a.words)], a.hearing...)
}

// mainReport is the main answer's report once it is over, and until then
// the live one of what has been heard.
func (iv *Interview) mainReport() *Report {
	if iv.main != nil {
		return iv.main
	}
	r := iv.liveReport(iv.answers[0])
	return &r
}

// liveReport analyzes the answer heard so far, the words of the
// utterance in progress included, as unfinished, once per change.
func (iv *Interview) liveReport(a *answerLog) Report {
	if of := [2]int{a.heard, len(a.words)}; a.liveOf != of {
		a.live = iv.cfg.Analyzer.Analyze(Answer{Words: a.heardSoFar(), Unfinished: true}, iv.cfg.Profile)
		a.liveOf = of
	}
	return a.live
}

// NewInterview checks the configuration and starts in StateReady.
func NewInterview(cfg InterviewConfig) (*Interview, error) {
	if cfg.Bank == nil || cfg.Analyzer == nil || cfg.Question == nil {
		return nil, errors.New("interview needs a bank, an analyzer and a question")
	}
	if cfg.Mode == "" {
		cfg.Mode = ModeInterview
	}
	if cfg.Mode != ModeInterview && cfg.Mode != ModePractice {
		return nil, fmt.Errorf("unknown mode %q: use interview or practice", cfg.Mode)
	}
	if cfg.Level == "" {
		cfg.Level = "sde2"
	}
	lvl, ok := cfg.Bank.Level(cfg.Level)
	if !ok {
		return nil, fmt.Errorf("unknown level %q: use sde1, sde2 or senior", cfg.Level)
	}
	if len(cfg.Profile.Targets) == 0 {
		p, err := LookupProfile(cfg.Level)
		if err != nil {
			return nil, err
		}
		cfg.Profile = p
	}
	if cfg.MaxProbes <= 0 {
		cfg.MaxProbes = 3
	}
	if cfg.EndSilence <= 0 {
		cfg.EndSilence = 4
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
			gaps := FindGaps(*iv.main, iv.principle, iv.level)
			iv.probes = iv.cfg.Bank.ChooseProbes(iv.cfg.Question, gaps, iv.level, iv.cfg.MaxProbes)
		}
	case StateProbing:
		iv.judge(iv.current())
	}
	if next := len(iv.answers) - 1; next < len(iv.probes) {
		p := iv.probes[next]
		text := p.Text
		if iv.cfg.Phrase != nil {
			text = iv.cfg.Phrase(iv.cfg.Question, transcribe.JoinWords(iv.answers[0].words), p)
		}
		iv.state = StateProbing
		iv.answers = append(iv.answers, &answerLog{probe: &p, asked: text, from: now})
		return []Turn{{Kind: TurnProbe, Text: text, Probe: &p}}
	}
	iv.state = StateDone
	return []Turn{{Kind: TurnReport, Report: iv.Report()}}
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

// LivePart is one part of the answer so far.
type LivePart struct {
	Label   star.Label `json:"label"`
	Elapsed float64    `json:"elapsed"`
	Target  float64    `json:"target"`
	// Status: ok, near (past 80 % of the target) or over.
	Status string `json:"status"`
}

// Live is the answer in progress, for the live timers.
type Live struct {
	Parts   []LivePart `json:"parts"`
	Current star.Label `json:"current,omitempty"`
	// ToCome are the parts not told yet, in STAR order.
	ToCome  []star.Label `json:"to_come"`
	Elapsed float64      `json:"elapsed"`
	Budget  float64      `json:"budget"`
	// WPM is the pace from the first word to the last heard, RecentWPM
	// over the last RecentWindow seconds of it (RecentPace, or less early
	// in the answer).
	WPM          float64 `json:"wpm"`
	RecentWPM    float64 `json:"recent_wpm"`
	RecentWindow float64 `json:"recent_window"`
	Fillers      int     `json:"fillers"`
	PerMinute    float64 `json:"fillers_per_minute"`
	// Final is set once the main answer is over: the parts are then those
	// of the whole answer, which can differ from the last live view (its
	// last words are only now known to be the ending), and none is current.
	Final bool `json:"final,omitempty"`
}

// RecentPace is the stretch of the answer, in seconds, that the recent
// pace is measured over: long enough for a few sentences, short enough to
// show a rush or a slow-down within half a minute.
const RecentPace = 30.0

// Live segments the main answer as heard so far, the words of the
// utterance in progress included. now extends the current part to the
// present while the person is still talking; 0 stops at the last word.
// Once the main answer is over it gives the whole answer's parts and
// ignores now.
func (iv *Interview) Live(now float64) Live {
	l := Live{Parts: []LivePart{}, ToCome: toCome(nil), Budget: iv.cfg.Profile.Budget()}
	if len(iv.answers) == 0 {
		return l
	}
	words := iv.answers[0].words
	if iv.main == nil {
		words = iv.answers[0].heardSoFar()
	}
	if len(words) == 0 {
		return l
	}
	r := iv.mainReport()
	last := words[len(words)-1].End
	end := last
	if iv.main == nil {
		end = math.Max(now, end)
	}
	for i, p := range r.Parts {
		elapsed := p.Duration
		if i == len(r.Parts)-1 {
			elapsed = end - p.Start
		}
		l.Parts = append(l.Parts, LivePart{Label: p.Label, Elapsed: round2(elapsed), Target: p.Target, Status: liveStatus(elapsed, p.Target)})
	}
	l.ToCome = toCome(l.Parts)
	if l.Final = iv.main != nil; !l.Final {
		l.Current = r.Parts[len(r.Parts)-1].Label
	}
	l.Elapsed = round2(end - words[0].Start)
	// The pace stops at the last word heard, as the report's does, so
	// that a pause does not read as slowing down and the last live pace
	// is the report's.
	if spoken := last - words[0].Start; spoken > 0 {
		l.WPM = round1(float64(len(words)) / spoken * 60)
		l.PerMinute = round1(float64(r.Pacing.Fillers.Count) / spoken * 60)
		l.RecentWindow = round2(math.Min(RecentPace, spoken))
		from, n := last-l.RecentWindow, 0
		for _, w := range words {
			if (w.Start+w.End)/2 > from {
				n++
			}
		}
		l.RecentWPM = round1(float64(n) / l.RecentWindow * 60)
	}
	l.Fillers = r.Pacing.Fillers.Count
	return l
}

// liveStatus is a live part's status: ok, near (past 80 % of its target)
// or over.
func liveStatus(elapsed, target float64) string {
	switch {
	case elapsed > target:
		return "over"
	case elapsed > 0.8*target:
		return "near"
	}
	return "ok"
}

// liveConfirm is how many updates in a row must find a new part before
// the live view shows it.
const liveConfirm = 2

// LiveView is Live as the live timers show it, to be asked once per
// update: a new part becomes current only once liveConfirm updates in a
// row find it, so that a part read into the last few words for one update
// does not flash on the page. Until then the words after the part shown
// count in it.
func (iv *Interview) LiveView(now float64) Live {
	l := iv.Live(now)
	n := len(l.Parts)
	if l.Final || n == 0 {
		return l
	}
	h := &iv.shown
	switch {
	case h.label == "" || l.Current == h.label:
		h.label, h.pending, h.seen = l.Current, "", 0
	case l.Current == h.pending:
		h.seen++
	default:
		h.pending, h.seen = l.Current, 1
	}
	shown := n - 1 // the last part with the label shown
	for shown >= 0 && l.Parts[shown].Label != h.label {
		shown--
	}
	if h.seen >= liveConfirm || shown < 0 || shown == n-1 {
		h.label, h.pending, h.seen = l.Current, "", 0
		return l
	}
	held := &l.Parts[shown]
	for _, p := range l.Parts[shown+1:] {
		held.Elapsed = round2(held.Elapsed + p.Elapsed)
	}
	held.Status = liveStatus(held.Elapsed, held.Target)
	l.Parts, l.Current = l.Parts[:shown+1], h.label
	l.ToCome = toCome(l.Parts)
	return l
}

// toCome are the parts, in STAR order, that none of parts tells.
func toCome(parts []LivePart) []star.Label {
	out := []star.Label{}
	for _, label := range star.Labels {
		if !slices.ContainsFunc(parts, func(p LivePart) bool { return p.Label == label }) {
			out = append(out, label)
		}
	}
	return out
}

// ProbeExchange is one probe, the reply and its verdict.
type ProbeExchange struct {
	ID      string            `json:"id"`
	Gap     Gap               `json:"gap"`
	Probes  string            `json:"probes"`
	Asked   string            `json:"asked"`
	Answer  string            `json:"answer"`
	Words   []transcribe.Word `json:"words"`
	Skipped bool              `json:"skipped,omitempty"`
	Verdict *Verdict          `json:"verdict,omitempty"`
	// Audio judges the reply's recording, when it was measured.
	Audio *Audio `json:"audio,omitempty"`
}

// HiringVerdict is the bar raiser's call on the principle.
type HiringVerdict struct {
	Decision string   `json:"decision"`
	Summary  string   `json:"summary"`
	Reasons  []string `json:"reasons"`
}

// InterviewReport is the analysis report of the main answer extended with
// the interview: question, probes, improvements and the verdict.
type InterviewReport struct {
	Report
	Mode         Mode            `json:"mode"`
	QuestionID   string          `json:"question_id"`
	Question     string          `json:"question"`
	Principle    string          `json:"principle"`
	Skipped      bool            `json:"skipped,omitempty"`
	Probes       []ProbeExchange `json:"probes"`
	Improvements []string        `json:"improvements"`
	Verdict      *HiringVerdict  `json:"verdict,omitempty"`
}

// Report builds the report from what has been heard so far.
func (iv *Interview) Report() *InterviewReport {
	if iv.main == nil && len(iv.answers) > 0 {
		iv.analyzeMain()
	}
	out := &InterviewReport{Mode: iv.cfg.Mode, QuestionID: iv.cfg.Question.ID, Question: iv.cfg.Question.Text,
		Principle: iv.cfg.Question.Principle, Probes: []ProbeExchange{}, Improvements: []string{}}
	if iv.main != nil {
		out.Report = *iv.main
	}
	out.Level = iv.cfg.Profile.Name
	if len(iv.answers) > 0 {
		out.Skipped = iv.answers[0].skipped
	}
	// Each probe's reply is judged as it ends (endAnswer, Finish); one
	// still going has no verdict yet.
	for _, a := range iv.answers[min(1, len(iv.answers)):] {
		words := a.words
		if words == nil {
			words = []transcribe.Word{}
		}
		p := ProbeExchange{ID: a.probe.ID, Gap: a.probe.Gap, Probes: a.probe.Probes, Asked: a.asked,
			Answer: transcribe.JoinWords(a.words), Words: words, Skipped: a.skipped, Verdict: a.verdict}
		if a.audio != nil {
			audio := JudgeAudio(*a.audio)
			p.Audio = &audio
		}
		out.Probes = append(out.Probes, p)
	}
	out.Improvements = improvements(out)
	if iv.cfg.Mode == ModeInterview {
		out.Verdict = hiringVerdict(out, iv.principle)
	}
	return out
}

// improvements picks the three findings that cost the most, one per part,
// then the weak probe replies.
func improvements(r *InterviewReport) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Feedback {
		key := string(f.Part)
		if key == "" {
			key = f.Code
		}
		if seen[key] || f.Severity == SeverityInfo {
			continue
		}
		seen[key] = true
		out = append(out, f.Message)
		if len(out) == 3 {
			return out
		}
	}
	for _, p := range r.Probes {
		if p.Verdict != nil && p.Verdict.Rating == RatingWeak && len(out) < 3 {
			out = append(out, fmt.Sprintf("On %q: %s", p.Asked, p.Verdict.Reason))
		}
	}
	for _, f := range r.Feedback {
		if len(out) == 3 {
			break
		}
		if f.Severity == SeverityInfo && !seen[f.Code] {
			seen[f.Code] = true
			out = append(out, f.Message)
		}
	}
	return out
}
