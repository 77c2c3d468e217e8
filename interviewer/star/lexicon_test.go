package star

import "testing"

func TestSaysWhatWasDone(t *testing.T) {
	for text, want := range map[string]bool{
		"So I pulled the delivery logs":                  true,
		"we migrated the importer over a weekend":        true,
		"then we split the work":                         true,
		"our platform team ran a payment service":        false,
		"the queue had no monitoring to speak of":        false,
		"and the reports team ran long queries at night": false,
	} {
		if got := SaysWhatWasDone(text); got != want {
			t.Errorf("SaysWhatWasDone(%q) = %v, want %v", text, got, want)
		}
	}
}
