package journal

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
)

// told makes a reported attempt with the given findings, verdict and
// situation status, a day after the one before.
func told(day int, verdict string, situation interviewer.Status, findings ...string) Attempt {
	parts := []Part{}
	for _, l := range star.Labels {
		status := interviewer.StatusOK
		if l == star.Situation {
			status = situation
		}
		parts = append(parts, Part{Label: l, Duration: 10, Target: 10, Status: status})
	}
	if findings == nil {
		findings = []string{}
	}
	return Attempt{SessionID: strings.Repeat("a", 31) + string(rune('0'+day)), Created: time.Date(2026, 12, day, 0, 0, 0, 0, time.UTC),
		Figures: Figures{Reported: true, Verdict: verdict, Parts: parts, Findings: findings, Budget: Budget{Status: interviewer.StatusOK}}}
}

func TestProgress(t *testing.T) {
	ok, over := interviewer.StatusOK, interviewer.StatusOver
	cases := []struct {
		name        string
		attempts    []Attempt
		first, best int
		want        StoryProgress
	}{
		{"none", nil, -1, -1, StoryProgress{Gone: []string{}, Back: []string{}, Kept: []string{}}},
		{"one", []Attempt{told(1, "Leaning Hire", ok, "fillers")}, 0, 0,
			StoryProgress{Gone: []string{}, Back: []string{}, Kept: []string{}}},
		{"improving", []Attempt{
			told(1, "Leaning No Hire", over, "result_no_number", "situation_long"),
			told(2, "Leaning No Hire", over, "result_no_number", "situation_long"),
			told(3, "Leaning Hire", ok, "situation_long"),
		}, 0, 2, StoryProgress{Gone: []string{"result_no_number"}, Back: []string{}, Kept: []string{"situation_long"}}},
		{"came back", []Attempt{
			told(1, "Leaning Hire", ok, "action_we"),
			told(2, "Strong Hire", ok),
			told(3, "Leaning Hire", ok, "action_we", "fillers"),
		}, 0, 1, StoryProgress{Gone: []string{}, Back: []string{"action_we"}, Kept: []string{}}},
		{"unreported skipped", []Attempt{
			{SessionID: "live", Figures: Figures{}},
			told(2, "", over, "fillers"),
			told(3, "", ok),
		}, 1, 2, StoryProgress{Gone: []string{"fillers"}, Back: []string{}, Kept: []string{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Progress(c.attempts)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("progress %+v; want %+v", got, c.want)
			}
			for i, a := range c.attempts {
				if a.First != (i == c.first) || a.Best != (i == c.best) {
					t.Errorf("attempt %d: first %v best %v; want first %d best %d", i, a.First, a.Best, c.first, c.best)
				}
			}
		})
	}
}

var principles = []Principle{{"Deliver Results", "deliver-results"}, {"Frugality", "frugality"}, {"Ownership", "ownership"}}

func TestMapAndPlan(t *testing.T) {
	over := interviewer.StatusOver
	entries := []Entry{
		{Story: Story{ID: "s1", Title: "Outage", Principles: []string{"Ownership", "Deliver Results"}}, Attempts: []Attempt{
			told(1, "Leaning No Hire", over, "result_no_number"),
			told(2, "Leaning Hire", over, "result_no_number"),
			told(3, "Leaning Hire", over, "result_no_number", "long_pause"),
		}},
		{Story: Story{ID: "s2", Title: "Mentoring", Principles: []string{"Deliver Results"}}, Attempts: []Attempt{
			told(4, "Strong Hire", interviewer.StatusOK),
		}},
		{Story: Story{ID: "s3", Title: "Untold", Principles: []string{"Ownership"}}, Attempts: []Attempt{}},
	}
	rows := Map(principles, entries)
	want := []PrincipleRow{
		{Name: "Deliver Results", Slug: "deliver-results", Stories: 2, Attempts: 4, LatestVerdict: "Strong Hire", Status: StatusStrong},
		{Name: "Frugality", Slug: "frugality", Status: StatusNone},
		{Name: "Ownership", Slug: "ownership", Stories: 2, Attempts: 3, LatestVerdict: "Leaning Hire", Status: StatusPractised},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("map\n%+v\nwant\n%+v", rows, want)
	}
	var messages []string
	for _, s := range Plan(principles, entries) {
		messages = append(messages, s.Message)
	}
	wantPlan := []string{
		"Ownership story “Outage”: result still has no number after 3 tries",
		"Frugality: no story yet",
		"Ownership story “Untold”: not told yet",
	}
	if !reflect.DeepEqual(messages, wantPlan) {
		t.Errorf("plan\n%q\nwant\n%q", messages, wantPlan)
	}
	if r := Rows(entries); r[0].Attempts != 3 || r[0].LatestVerdict != "Leaning Hire" || !r[0].Latest.Equal(entries[0].Attempts[2].Created) || !r[2].Latest.IsZero() {
		t.Errorf("rows %+v", r)
	}

	// A part off target in most tellings is the step when no finding lasts.
	timing := []Entry{{Story: entries[0].Story, Attempts: []Attempt{told(1, "Leaning Hire", over), told(2, "Leaning Hire", over, "fillers")}}}
	if p := Plan(principles, timing); !slices.ContainsFunc(p, func(s Step) bool {
		return s.Message == "Ownership story “Outage”: situation over target after 2 tries"
	}) {
		t.Errorf("plan %+v", p)
	}

	// A new journal's plan asks for stories; a weak verdict shows on the map.
	if p := Plan(principles, nil); len(p) != 3 || p[0].Kind != "no_story" || p[0].Principle != "Deliver Results" {
		t.Errorf("empty journal's plan %+v", p)
	}
	weak := Map(principles, []Entry{{Story: Story{Principles: []string{"Frugality"}}, Attempts: []Attempt{told(1, "No Hire", over)}}})
	if weak[1].Status != StatusWeak {
		t.Errorf("a story judged No Hire leaves its principle %q", weak[1].Status)
	}
}

func TestMeasure(t *testing.T) {
	if f := Measure(nil); f.Reported || f.Parts == nil || f.Findings == nil || f.Probes == nil {
		t.Errorf("no report: %+v", f)
	}
	r := &interviewer.InterviewReport{Mode: interviewer.ModeInterview, Principle: "Ownership",
		Probes:  []interviewer.ProbeExchange{{Gap: "quantify", Verdict: &interviewer.Verdict{Rating: interviewer.RatingStrong}}, {Gap: "scope"}},
		Verdict: &interviewer.HiringVerdict{Decision: "Leaning Hire"}}
	r.Level = "sde2"
	r.Budget = interviewer.Budget{Min: 150, Max: 195, Length: 160, Status: interviewer.StatusOK}
	r.Pacing.WPM, r.Pacing.Fillers.PerMinute = 140, 1.5
	r.Timing = []interviewer.LabelTiming{{Label: star.Situation, Duration: 20, Target: 30, Status: interviewer.StatusOK}}
	r.Feedback = []interviewer.Finding{{Code: "fillers"}}
	f := Measure(r)
	want := Figures{Reported: true, Mode: "interview", Level: "sde2", Principle: "Ownership", Duration: 160,
		Budget: Budget{Min: 150, Max: 195, Status: interviewer.StatusOK}, WPM: 140, FillersPerMinute: 1.5,
		Parts:    []Part{{Label: star.Situation, Duration: 20, Target: 30, Status: interviewer.StatusOK}},
		Findings: []string{"fillers"}, Probes: []Probe{{Gap: "quantify", Verdict: "strong"}, {Gap: "scope", Verdict: "unanswered"}},
		Verdict: "Leaning Hire"}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("figures\n%+v\nwant\n%+v", f, want)
	}
}
