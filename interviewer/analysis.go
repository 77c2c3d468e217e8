package interviewer

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
)

// Span is a stretch of time in seconds.
type Span struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Answer is what the analysis reads: the timed words of one spoken answer.
type Answer struct {
	Words []transcribe.Word
	// Speech lists the stretches the voice detector heard as speech; when
	// empty, word times alone count as speaking time.
	Speech []Span
	// Duration of the recording in seconds; 0 means up to the last word.
	Duration float64
	// EstimatedTiming is set when the times were made up from a typed
	// transcript rather than heard.
	EstimatedTiming bool
	// Unfinished is set while the answer is still being spoken (the live
	// view): its last words are then not read as the story's ending.
	Unfinished bool
	// Audio is what was measured of the recording; nil for a typed
	// transcript.
	Audio *AudioLevels
}

// ReportWord is one word of the answer with its part.
type ReportWord struct {
	Text       string     `json:"text"`
	Start      float64    `json:"start"`
	End        float64    `json:"end"`
	Confidence float64    `json:"confidence,omitempty"`
	Part       star.Label `json:"part"`
	Filler     bool       `json:"filler"`
	// LowConfidence marks a word the engine was unsure of (see
	// transcribe.Word): no finding rests on it.
	LowConfidence bool `json:"low_confidence,omitempty"`
}

// PartTiming is one contiguous run of words with one label.
type PartTiming struct {
	Label    star.Label `json:"label"`
	Start    float64    `json:"start"`
	End      float64    `json:"end"`
	Duration float64    `json:"duration"`
	Speaking float64    `json:"speaking"`
	Target   float64    `json:"target"`
	Status   Status     `json:"status"`
	Words    int        `json:"words"`
	WPM      float64    `json:"wpm"`
	Text     string     `json:"text"`
	first    int        // index of the first word
	last     int        // index past the last word
}

// LabelTiming adds up every run of one label, and says so when a part is
// missing.
type LabelTiming struct {
	Label    star.Label `json:"label"`
	Duration float64    `json:"duration"`
	Speaking float64    `json:"speaking"`
	Target   float64    `json:"target"`
	Status   Status     `json:"status"`
	Words    int        `json:"words"`
}

// Pacing is how fast and how cleanly the answer was spoken.
type Pacing struct {
	WPM         float64 `json:"wpm"`          // words per minute of wall time
	WPMSpeaking float64 `json:"wpm_speaking"` // words per minute of speaking time
	Speaking    float64 `json:"speaking"`     // seconds of speech
	Band        string  `json:"band"`         // slow, comfortable, brisk, fast
	Fillers     Fillers `json:"fillers"`
	Pauses      Pauses  `json:"pauses"`
}

// Fillers counts filler words.
type Fillers struct {
	Count     int          `json:"count"`
	PerMinute float64      `json:"per_minute"`
	Top       []FillerRank `json:"top"`
}

// FillerRank is how often one filler was said.
type FillerRank struct {
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// Pauses counts silences between words.
type Pauses struct {
	Count int    `json:"count"` // over 250 ms
	Long  []Span `json:"long"`  // over 2 s
}

// Report is the analysis of one answer. Its JSON names are the product's
// report format; keep them.
type Report struct {
	Source string `json:"source"`
	// AudioCaveat, when the audio was poor, says at the top of the report
	// that the findings on exact words may be wrong.
	AudioCaveat     string  `json:"audio_caveat,omitempty"`
	Level           string  `json:"level"`
	Engine          string  `json:"engine"`
	EstimatedTiming bool    `json:"estimated_timing"`
	Duration        float64 `json:"duration"`
	// Audio judges the recording; nil for a typed transcript.
	Audio      *Audio        `json:"audio,omitempty"`
	Transcript string        `json:"transcript"`
	Words      []ReportWord  `json:"words"`
	Parts      []PartTiming  `json:"parts"`
	Timing     []LabelTiming `json:"timing"`
	Budget     Budget        `json:"budget"`
	Pacing     Pacing        `json:"pacing"`
	Ownership  Ownership     `json:"ownership"`
	Feedback   []Finding     `json:"feedback"`
}

// Budget compares the whole answer with the level's time budget: the band
// from Min to Max seconds.
type Budget struct {
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Status Status  `json:"status"`
	// Length is the answer's length as the band judges it, in seconds from
	// its first word to its last: the length every text states, which the
	// report's Duration (up to the last word from the start of the
	// recording, or the recording's whole length) is not.
	Length float64 `json:"length"`
}

// Ownership counts "I" and "we" in the action.
type Ownership struct {
	ActionI  int `json:"action_i"`
	ActionWe int `json:"action_we"`
}

// Coaching bands from published norms for spoken answers.
const (
	paceSlow        = 110.0 // below: sounds hesitant
	paceComfortable = 160.0 // 130-160 is comfortable for an interview answer
	paceFast        = 190.0 // above: comprehension drops
	fillersFine     = 5.0   // per minute: goes unnoticed
	fillersBad      = 12.0  // per minute: hurts
	shortPause      = 0.25
	longPause       = 2.0
)

// Analyzer segments and judges answers. It is safe for concurrent use.
type Analyzer struct {
	Model *star.Model
}

// NewAnalyzer loads the embedded segmentation model.
func NewAnalyzer() (*Analyzer, error) {
	m, err := star.DefaultModel()
	if err != nil {
		return nil, err
	}
	return &Analyzer{Model: m}, nil
}

// Analyze labels each word with its part, times the parts against the
// profile, measures pacing and writes the feedback.
func (a *Analyzer) Analyze(ans Answer, profile Profile) Report {
	norm := star.NormalizeWords(ans.Words)
	segment := a.Model.Segment
	if ans.Unfinished {
		segment = a.Model.SegmentUnfinished
	}
	return buildReport(ans, norm, star.LabelWords(ans.Words, ans.EstimatedTiming, segment), profile)
}

// analyzeLive is Analyze of an answer still being told, with how sure its
// segmentation is of the last word's part (star.Model.ReadUnfinished).
func (a *Analyzer) analyzeLive(ans Answer, profile Profile) (r Report, sure float64) {
	read := func(tokens []star.Token) []star.Label {
		labels, s := a.Model.ReadUnfinished(tokens)
		sure = s
		return labels
	}
	return buildReport(ans, star.NormalizeWords(ans.Words), star.LabelWords(ans.Words, ans.EstimatedTiming, read), profile), sure
}

// report builds the report of an answer whose words are already labeled.
func report(ans Answer, labels []star.Label, profile Profile) Report {
	return buildReport(ans, star.NormalizeWords(ans.Words), labels, profile)
}

func buildReport(ans Answer, norm []string, labels []star.Label, profile Profile) Report {
	words := ans.Words
	r := Report{Level: profile.Name, EstimatedTiming: ans.EstimatedTiming, Words: []ReportWord{}, Parts: []PartTiming{}, Feedback: []Finding{}}
	filler, phrases := MarkFillers(norm)
	if ans.Audio != nil {
		a := JudgeAudio(*ans.Audio)
		r.Audio = &a
		if a.Quality == AudioPoor && len(words) > 0 {
			r.AudioCaveat = audioCaveat(&a)
		}
	}

	r.Duration = ans.Duration
	if n := len(words); n > 0 && r.Duration < words[n-1].End {
		r.Duration = words[n-1].End
	}
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.Text
		r.Words = append(r.Words, ReportWord{Text: w.Text, Start: w.Start, End: w.End, Confidence: w.Confidence, Part: labels[i], Filler: filler[i],
			LowConfidence: w.LowConfidence})
	}
	r.Transcript = strings.Join(texts, " ")

	speech := ans.Speech
	if len(speech) == 0 {
		for _, w := range words {
			speech = append(speech, Span{w.Start, w.End})
		}
	}
	r.Parts = partRuns(words, norm, labels, speech, profile)
	r.Timing = labelTimings(r.Parts, profile)
	for i := range r.Parts {
		r.Parts[i].Status = r.Timing[r.Parts[i].Label.Index()].Status
	}
	total := 0.0
	if len(words) > 0 {
		total = words[len(words)-1].End - words[0].Start
	}
	r.Budget = Budget{Min: profile.BudgetMin, Max: profile.BudgetMax, Status: StatusOK, Length: round2(total)}
	switch {
	case len(words) == 0:
		r.Budget.Status = StatusMissing
	case total > profile.BudgetMax:
		r.Budget.Status = StatusOver
	case total < profile.BudgetMin:
		r.Budget.Status = StatusUnder
	}
	heard := clearlyHeard(words, norm)
	r.Pacing = pacing(words, filler, phrases, speech, ans.EstimatedTiming)
	r.Ownership = countOwnership(heard, labels)
	r.Feedback = findings(&r, norm, heard, labels, profile)
	return r
}

// partRuns cuts the labeled words into contiguous parts. A part runs from
// its first word to the first word of the next part, so the parts' wall
// durations add up to the answer's.
func partRuns(words []transcribe.Word, norm []string, labels []star.Label, speech []Span, profile Profile) []PartTiming {
	var parts []PartTiming
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && labels[j] == labels[i] {
			j++
		}
		p := PartTiming{Label: labels[i], Start: words[i].Start, Words: j - i, Target: profile.Targets[labels[i]], first: i, last: j}
		if j < len(words) {
			p.End = words[j].Start
		} else {
			p.End = words[j-1].End
		}
		p.Duration = round2(p.End - p.Start)
		p.Speaking = round2(speakingTime(words[i:j], speech))
		if p.Speaking > 0 {
			p.WPM = round1(float64(p.Words) / p.Speaking * 60)
		}
		texts := make([]string, 0, j-i)
		for _, w := range words[i:j] {
			texts = append(texts, w.Text)
		}
		p.Text = strings.Join(texts, " ")
		parts = append(parts, p)
		i = j
	}
	return parts
}

// speakingTime adds up the words' durations clipped to the speech the
// voice detector found, so a word stretched over a pause counts only its
// spoken part.
func speakingTime(words []transcribe.Word, speech []Span) float64 {
	total := 0.0
	k := 0
	for _, w := range words {
		for k < len(speech) && speech[k].End <= w.Start {
			k++
		}
		for s := k; s < len(speech) && speech[s].Start < w.End; s++ {
			total += math.Max(0, math.Min(w.End, speech[s].End)-math.Max(w.Start, speech[s].Start))
		}
	}
	return total
}

func labelTimings(parts []PartTiming, profile Profile) []LabelTiming {
	out := make([]LabelTiming, len(star.Labels))
	for i, l := range star.Labels {
		out[i] = LabelTiming{Label: l, Target: profile.Targets[l]}
	}
	for _, p := range parts {
		t := &out[p.Label.Index()]
		t.Duration = round2(t.Duration + p.Duration)
		t.Speaking = round2(t.Speaking + p.Speaking)
		t.Words += p.Words
	}
	for i := range out {
		out[i].Status = PartStatus(out[i].Duration, out[i].Target, out[i].Words)
	}
	return out
}

func pacing(words []transcribe.Word, filler []bool, phrases []string, speech []Span, estimated bool) Pacing {
	var p Pacing
	p.Fillers.Top = []FillerRank{}
	p.Pauses.Long = []Span{}
	if len(words) == 0 {
		return p
	}
	wall := words[len(words)-1].End - words[0].Start
	p.Speaking = round2(speakingTime(words, speech))
	if wall > 0 {
		p.WPM = round1(float64(len(words)) / wall * 60)
	}
	if p.Speaking > 0 {
		p.WPMSpeaking = round1(float64(len(words)) / p.Speaking * 60)
	}
	switch {
	case p.WPM < paceSlow:
		p.Band = "slow"
	case p.WPM <= paceComfortable:
		p.Band = "comfortable"
	case p.WPM <= paceFast:
		p.Band = "brisk"
	default:
		p.Band = "fast"
	}
	counts := map[string]int{}
	for i, ph := range phrases {
		// A filler the engine was unsure of is no evidence of one.
		if ph != "" && filler[i] && !words[i].LowConfidence {
			counts[ph]++
			p.Fillers.Count++
		}
	}
	if wall > 0 {
		p.Fillers.PerMinute = round1(float64(p.Fillers.Count) / wall * 60)
	}
	for t, c := range counts {
		p.Fillers.Top = append(p.Fillers.Top, FillerRank{t, c})
	}
	sort.Slice(p.Fillers.Top, func(i, j int) bool {
		a, b := p.Fillers.Top[i], p.Fillers.Top[j]
		return a.Count > b.Count || a.Count == b.Count && a.Text < b.Text
	})
	if len(p.Fillers.Top) > 5 {
		p.Fillers.Top = p.Fillers.Top[:5]
	}
	if estimated {
		return p // a typed transcript has no pauses to count
	}
	for i := 1; i < len(words); i++ {
		gap := words[i].Start - words[i-1].End
		if gap > shortPause {
			p.Pauses.Count++
		}
		if gap > longPause {
			p.Pauses.Long = append(p.Pauses.Long, Span{round2(words[i-1].End), round2(words[i].Start)})
		}
	}
	return p
}

// clearlyHeard is norm with the words the engine was unsure of left
// blank: the evidence the findings on exact words may rest on.
func clearlyHeard(words []transcribe.Word, norm []string) []string {
	heard := slices.Clone(norm)
	for i, w := range words {
		if w.LowConfidence {
			heard[i] = ""
		}
	}
	return heard
}

func countOwnership(norm []string, labels []star.Label) Ownership {
	var o Ownership
	for i, w := range norm {
		if labels[i] != star.Action {
			continue
		}
		switch w {
		case "i", "i'd", "i'm", "i've", "i'll", "me", "my", "myself":
			o.ActionI++
		case "we", "we'd", "we're", "we've", "we'll", "us", "our", "ourselves":
			o.ActionWe++
		}
	}
	return o
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }
