package server

import (
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// liveEvery is how often, in seconds of audio, Star and Pacing go out
// while the main answer goes on.
const liveEvery = 1.0

// The live audio check judges the last audioWindow of the stream every
// audioCheckEvery seconds of audio while an answer goes on, and repeats a
// Warning about a problem that lasts at most every audioWarnEvery seconds.
const (
	audioWindow     = 5 * time.Second
	audioCheckEvery = 0.5
	audioWarnEvery  = 5.0
)

// live sends the STAR timers and the pace of the main answer.
func (s *session) live(now float64) {
	l := s.iv.LiveView(now)
	if len(l.Parts) == 0 {
		return
	}
	s.lastStar = now
	s.send(protocol.StarMessage{Type: protocol.TypeStar, Parts: l.Parts, Current: l.Current, ToCome: l.ToCome, Elapsed: l.Elapsed, Budget: l.Budget, Now: round3(now), Final: l.Final})
	s.send(protocol.PacingMessage{Type: protocol.TypePacing, WPM: l.WPM, Fillers: l.Fillers, FillersPerMinute: l.PerMinute, Elapsed: l.Elapsed,
		RecentWPM: l.RecentWPM, RecentWindow: l.RecentWindow})
}

// checkAudio judges the last seconds of the stream and sends a Warning
// when they sound bad: when a problem starts, and again while it lasts,
// at most every audioWarnEvery seconds of audio. Seconds with too little
// speech to tell (the quiet before an answer, a long pause) leave the
// problem as it was.
func (s *session) checkAudio(now float64) {
	s.audioChecked = now
	a, ok := interviewer.JudgeLiveAudio(AudioLevels(s.meter.Recent()))
	switch {
	case !ok:
		return
	case a.Problem == "":
		s.warned = ""
		return
	case a.Problem == s.warned && now-s.warnedAt < audioWarnEvery:
		return
	}
	s.warned, s.warnedAt = a.Problem, now
	s.log.Debug().Str("code", string(a.Problem)).Float64("at", now).Float64("snr_db", a.SNRDB).
		Float64("level_dbfs", a.LevelDBFS).Float64("clipped", a.Clipped).Msg("audio warning")
	s.send(protocol.WarningMessage{Type: protocol.TypeWarning, Code: string(a.Problem), Message: a.Advice, Audio: &a})
}

// AudioLevels hands what transcribe measured to the interviewer, which
// judges it.
func AudioLevels(l transcribe.Levels) interviewer.AudioLevels {
	return interviewer.AudioLevels{Speech: l.Speech, Noise: l.Noise, Clipped: l.Clipped,
		SpeechSeconds: l.SpeechSeconds, NoiseSeconds: l.NoiseSeconds}
}

// announceSpeech sends a SpeechStarted for each stretch of speech the
// voice detector found begin since the last one, if the client asked for
// them (vad_events=true): the segments that closed within the frame, and
// the one still open.
func (s *session) announceSpeech(closed []transcribe.Segment) {
	if !s.opts.SpeechStarted {
		return
	}
	starts := make([]float64, 0, len(closed)+1)
	for _, seg := range closed {
		starts = append(starts, seg.Start)
	}
	if start, ok := s.vad.Open(); ok {
		starts = append(starts, start)
	}
	for _, at := range starts {
		if s.announced && at <= s.spokeAt {
			continue
		}
		s.spokeAt, s.announced = at, true
		s.send(protocol.SpeechStartedMessage{Type: protocol.TypeSpeechStarted, Channel: []int{0}, Timestamp: round3(at)})
	}
}
