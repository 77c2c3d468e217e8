package interviewer

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
)

// Profile holds the target time of each part and of the whole answer for
// one interview level.
type Profile struct {
	Name    string                 `json:"name"`
	Targets map[star.Label]float64 `json:"targets"` // seconds per part
	// The whole answer should last between BudgetMin and BudgetMax seconds.
	BudgetMin float64 `json:"budget_min"`
	BudgetMax float64 `json:"budget_max"`
}

// Budget is the sum of the part targets.
func (p Profile) Budget() float64 {
	total := 0.0
	for _, t := range p.Targets {
		total += t
	}
	return total
}

// sde2Targets are the coaching material's times for an SDE2-level story:
// 30 + 20 + 90 + 20 + 15 = 175 seconds.
var sde2Targets = map[star.Label]float64{star.Situation: 30, star.Task: 20, star.Action: 90, star.Result: 20, star.Reflection: 15}

// scaled keeps the SDE2 shares and fits them to another budget.
func scaled(budget float64) map[star.Label]float64 {
	out := map[star.Label]float64{}
	for l, t := range sde2Targets {
		out[l] = math.Round(t*budget/175*10) / 10
	}
	return out
}

// Profiles are the built-in levels: SDE1 keeps to two minutes, SDE2 is the
// reference story, Senior takes two and a half to three minutes.
func Profiles() map[string]Profile {
	return map[string]Profile{
		"sde1":   {Name: "sde1", Targets: scaled(120), BudgetMin: 90, BudgetMax: 130},
		"sde2":   {Name: "sde2", Targets: scaled(175), BudgetMin: 150, BudgetMax: 195},
		"senior": {Name: "senior", Targets: scaled(170), BudgetMin: 150, BudgetMax: 185},
	}
}

// LookupProfile finds a built-in level by name.
func LookupProfile(name string) (Profile, error) {
	p, ok := Profiles()[strings.ToLower(name)]
	if !ok {
		return Profile{}, fmt.Errorf("unknown level %q: use "+levelNames, name)
	}
	return p, nil
}

// ParseProfile reads a coach's own profile:
//
//	{"name": "coach", "targets": {"situation": 25, "task": 15, "action": 80,
//	 "result": 25, "reflection": 15}, "budget_min": 140, "budget_max": 180}
//
// Every part needs a positive target; the budget defaults to the targets'
// sum, 15 % either way.
func ParseProfile(data []byte) (Profile, error) {
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf(`profile is not valid JSON (%w); write it as {"targets": {"situation": 25, "task": 15, "action": 80, "result": 25, "reflection": 15}}`, err)
	}
	for l := range p.Targets {
		if l.Index() < 0 {
			return p, fmt.Errorf("profile: unknown part %q (parts are situation, task, action, result, reflection)", l)
		}
	}
	for _, l := range star.Labels {
		if p.Targets[l] <= 0 {
			return p, fmt.Errorf("profile: part %q needs a target in seconds above zero", l)
		}
	}
	if p.Name == "" {
		p.Name = "custom"
	}
	if p.BudgetMax <= 0 {
		p.BudgetMin, p.BudgetMax = p.Budget()*0.85, p.Budget()*1.15
	}
	if p.BudgetMin > p.BudgetMax {
		return p, fmt.Errorf("profile: budget_min %.0f is above budget_max %.0f", p.BudgetMin, p.BudgetMax)
	}
	return p, nil
}

// Status of a part against its target.
type Status string

// Part statuses.
const (
	StatusOK      Status = "ok"
	StatusOver    Status = "over"
	StatusUnder   Status = "under"
	StatusMissing Status = "missing"
)

// PartStatus judges a part's duration: over past 125 % of the target,
// under below 40 % of it (a part told in a sentence or two where the
// target wants more), missing when it has no words.
func PartStatus(duration, target float64, words int) Status {
	switch {
	case words == 0:
		return StatusMissing
	case duration > target*1.25:
		return StatusOver
	case duration < target*0.4:
		return StatusUnder
	}
	return StatusOK
}
