package pocketsphinx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The acoustic model's feat.params names the front end it was trained
// with (-agc, -cmn, -cmninit, -varnorm, -lowerf, ...), and the library
// reads it after the decoder's options, so that its values win: "-agc":
// "emax" in Config.Options would be silently ignored. featParamsFor gives
// the model's file with those of opts that it names put in their place, or
// nil when opts change none of them; the decoders then load that file
// instead (-featparams).
func featParamsFor(hmm string, opts map[string]string) ([]byte, error) {
	model, err := os.ReadFile(filepath.Join(hmm, "feat.params"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	merged, changed := mergeFeatParams(model, opts)
	if !changed {
		return nil, nil
	}
	if v, ok := optionValue(merged, "varnorm"); ok && v == "yes" {
		// cmn_live E_FATALs on it: the library would exit the process on
		// the first audio.
		return nil, fmt.Errorf("pocketsphinx: -varnorm yes cannot decode a live stream (the library exits on it); leave -varnorm out of the options")
	}
	return merged, nil
}

// mergeFeatParams replaces, in a feat.params file of "-name value" lines,
// the values of the options in opts (named with or without the leading
// dash), and tells whether any changed.
func mergeFeatParams(model []byte, opts map[string]string) ([]byte, bool) {
	var out bytes.Buffer
	changed := false
	sc := bufio.NewScanner(bytes.NewReader(model))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 2 && strings.HasPrefix(f[0], "-") {
			if v, ok := lookupOption(opts, f[0]); ok && v != f[1] {
				line, changed = f[0]+" "+v, true
			}
		}
		out.WriteString(line + "\n")
	}
	return out.Bytes(), changed
}

func lookupOption(opts map[string]string, name string) (string, bool) {
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		if strings.TrimPrefix(k, "-") == strings.TrimPrefix(name, "-") {
			return opts[k], true
		}
	}
	return "", false
}

// optionValue reads one option's value from a feat.params file.
func optionValue(params []byte, name string) (string, bool) {
	for _, line := range strings.Split(string(params), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "-"+name {
			return f[1], true
		}
	}
	return "", false
}
