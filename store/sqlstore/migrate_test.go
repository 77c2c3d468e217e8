package sqlstore

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestLoadMigrationsRefuses: steps with a gap or a repeat in their
// numbers, or misnamed, are refused, saying what is wrong.
func TestLoadMigrationsRefuses(t *testing.T) {
	for name, c := range map[string]struct {
		files []string
		want  string
	}{
		"a gap":     {[]string{"0001_a.sql", "0003_c.sql"}, "want 2"},
		"a repeat":  {[]string{"0001_a.sql", "0001_b.sql"}, "want 2"},
		"no number": {[]string{"first.sql"}, "NNNN_what.sql"},
		"not sql":   {[]string{"0001_a.txt"}, "NNNN_what.sql"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range c.files {
			fsys["m/"+f] = &fstest.MapFile{}
		}
		if _, err := Migrations(fsys, "m"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an error saying %q", name, err, c.want)
		}
	}
}
