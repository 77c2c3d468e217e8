package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// asrConfigs are the recognizer set-ups eval-asr compares.
var asrConfigs = map[string]asrConfig{
	"stock":      {summary: "stock language model, stock decoder settings", profile: pocketsphinx.ProfileStock},
	"mix":        {summary: "stock model mixed with the interview model, stock decoder settings", domain: true, profile: pocketsphinx.ProfileStock},
	"fast":       {summary: "the mix with the fast profile (the service's default)", domain: true, profile: pocketsphinx.ProfileFast},
	"accurate":   {summary: "the mix with the accurate profile (--accurate)", domain: true, profile: pocketsphinx.ProfileAccurate},
	"stock-fast": {summary: "stock language model with the fast profile", profile: pocketsphinx.ProfileFast},
	"denoise":    {summary: "the service's default with steady noise taken out first (Speex, up to 15 dB)", domain: true, profile: pocketsphinx.ProfileFast, denoise: 15},
	// Issue 27's front-end experiments (docs/BENCHMARKS.md, "Recognition
	// in noisy rooms"), each the service's default with one change.
	"agc": {summary: "the service's default with the library's automatic gain control (-agc emax)", domain: true, profile: pocketsphinx.ProfileFast,
		options: map[string]string{"agc": "emax"}},
	"highpass": {summary: "the service's default with a 120 Hz high-pass filter first", domain: true, profile: pocketsphinx.ProfileFast, highPass: 120},
	"level":    {summary: "the service's default with quiet speech raised first (the denoiser's level stage alone)", domain: true, profile: pocketsphinx.ProfileFast, level: true},
}

// asrConfig is one recognizer set-up of eval-asr.
type asrConfig struct {
	summary  string
	domain   bool // the interview model mixed in
	profile  string
	denoise  int               // dB of steady noise taken out before decoding
	options  map[string]string // decoder options, under the flag's --options
	highPass float64           // Hz
	level    bool
}

// configNames lists the configurations for the flags' help.
func configNames() string { return strings.Join(slices.Sorted(maps.Keys(asrConfigs)), ", ") }

// asrClip is one recording with its reference text.
type asrClip struct {
	group     string // what the clip belongs to in the table: "slt", "kal16", "librivox"
	condition string // the room it is heard in (asrConditions)
	name      string
	path      string
	ref       string
	answer    *star.LabeledAnswer // the labeled answer read, nil for LibriVox
}

// asrRun is what one configuration measured, per group of clips.
type asrRun struct {
	Config     string              `json:"config"`
	StartupSec float64             `json:"startup_sec"`
	DecoderMB  float64             `json:"decoder_mb"`
	Groups     map[string]asrGroup `json:"groups"` // by condition and group: "pink20/slt"
	// Star is the share of heard words the STAR segmentation labels
	// right, by condition, over the labeled answers of every voice.
	Star       map[string]float64 `json:"star,omitempty"`
	CPUSec     float64            `json:"cpu_sec"`
	AudioSec   float64            `json:"audio_sec"`
	Hypotheses map[string]string  `json:"hypotheses,omitempty"`
}

type asrGroup struct {
	Errors   int     `json:"errors"`
	Words    int     `json:"words"`
	CPUSec   float64 `json:"cpu_sec"`
	AudioSec float64 `json:"audio_sec"`
}

func (g asrGroup) wer() float64 {
	if g.Words == 0 {
		return 0
	}
	return float64(g.Errors) / float64(g.Words)
}

// runEvalASR measures the embedded recognizer: word error rate, real-time
// factor, start-up time and memory of each configuration, on answers of the
// STAR corpus synthesized with flite and on the real LibriVox recordings of
// pocketsphinx-testdata. Each configuration runs in its own process so that
// its start-up and memory are measured from a clean state.
func runEvalASR(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "eval-asr", "")
	set := fs.String("set", "test", "answers to synthesize: test (the test split; for the final table only) or dev (the development answers of the training split, for tuning)")
	voices := fs.String("voices", "slt,kal16", "flite voices, comma-separated")
	configs := fs.String("configs", "stock,mix,fast", "configurations, comma-separated: "+configNames())
	librivox := fs.String("librivox", "/usr/share/pocketsphinx/test/data/librivox", "folder of the LibriVox recordings and their transcription (empty: skip)")
	limit := fs.Int("limit", 0, "use only the first N answers (0: all)")
	modelDir := fs.String("model-dir", pocketsphinx.DefaultModelDir, "PocketSphinx model folder")
	domainLM := fs.String("domain-lm", "", "interview model to mix in (default: the built-in one)")
	domainDict := fs.String("domain-dict", "", "pronunciations for the interview model's extra words (default: the built-in ones)")
	weight := fs.Float64("lm-mix", 0, "interview model weight (0: the default)")
	pause := fs.Duration("pause", transcribe.DefaultPause, "the silence that ends an utterance (negative: the library's own voice detector decides)")
	options := fs.String("options", "", "extra decoder options, e.g. -maxhmmpf=3000,-pl_window=10")
	asJSON := fs.Bool("json", false, "print one JSON object per configuration instead of the table")
	verbose := fs.Bool("v", false, "print each clip's hypothesis")
	denoise := fs.Int("denoise", 0, "take up to this many dB of steady noise out before decoding (0: none)")
	conditions := fs.String("conditions", "clean", "rooms to hear the recordings in, comma-separated: "+strings.Join(conditionOrder, ", ")+" (noise seeded, the ratio measured on the speech)")
	jobs := fs.Int("jobs", 1, "configurations measured at once, each in its own process (more than one saves time on a multi-core machine but lets them compete for memory bandwidth)")
	only := fs.String("only", "", "run this one configuration in this process (used by eval-asr itself)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	opts, err := parseDecoderOptions(*options)
	if err != nil {
		return err
	}
	conds, err := parseConditions(*conditions)
	if err != nil {
		return err
	}
	clips, err := asrClips(ctx, *set, splitList(*voices), *librivox, *limit, conds)
	if err != nil {
		return err
	}
	if *only != "" {
		base := pocketsphinx.Config{
			ModelDir: *modelDir, PoolSize: 1, Options: opts,
			DomainLM: *domainLM, DomainDict: *domainDict, DomainWeight: *weight, Pause: *pause,
			Denoise: *denoise,
		}
		return measureOneASR(ctx, e.stdout, *only, base, clips, *verbose)
	}

	names := splitList(*configs)
	for _, name := range names {
		if _, ok := asrConfigs[name]; !ok {
			return usageError{fmt.Sprintf("unknown configuration %q: use %s", name, configNames())}
		}
	}
	runs, err := runASRChildren(ctx, names, args, *jobs, e.stderr)
	if err != nil {
		return err
	}
	for _, run := range runs {
		if *verbose {
			for clip, hyp := range run.Hypotheses {
				fmt.Fprintf(e.stderr, "%s %s: %s\n", run.Config, clip, hyp)
			}
		}
		if *asJSON {
			run.Hypotheses = nil
			if err := json.NewEncoder(e.stdout).Encode(run); err != nil {
				return err
			}
		}
	}
	if !*asJSON {
		printASRTable(e.stdout, runs, clips)
	}
	return nil
}

// measureOneASR measures the configuration name in this process, on top of
// base (the flags' model, options and pause), and writes its run as JSON.
func measureOneASR(ctx context.Context, w io.Writer, name string, base pocketsphinx.Config, clips []asrClip, verbose bool) error {
	cfg, err := configFor(name, base)
	if err != nil {
		return err
	}
	run, err := measureASR(ctx, name, cfg, clips, verbose)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(run)
}

// configFor is the configuration name on top of base (the flags' model,
// options and pause); the flags' options win over the configuration's.
func configFor(name string, base pocketsphinx.Config) (pocketsphinx.Config, error) {
	c, ok := asrConfigs[name]
	if !ok {
		return base, usageError{fmt.Sprintf("unknown configuration %q", name)}
	}
	cfg := base
	cfg.Profile = c.profile
	cfg.Denoise = cmp.Or(base.Denoise, c.denoise)
	cfg.HighPass, cfg.Level = c.highPass, c.level
	if len(c.options) > 0 {
		cfg.Options = maps.Clone(c.options)
		maps.Copy(cfg.Options, base.Options)
	}
	if !c.domain {
		cfg.DomainWeight = -1
	}
	return cfg, nil
}

// runASRChildren measures each configuration in a process of its own, jobs
// at a time, passing on this run's arguments.
func runASRChildren(ctx context.Context, names, args []string, jobs int, stderr io.Writer) ([]asrRun, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	runs := make([]asrRun, len(names))
	errs := make([]error, len(names))
	slots := make(chan struct{}, max(1, jobs))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			runs[i], errs[i] = runASRChild(ctx, self, name, args, stderr)
		}()
	}
	wg.Wait()
	return runs, errors.Join(errs...)
}

// runASRChild measures one configuration in a new process of this program.
func runASRChild(ctx context.Context, self, name string, args []string, stderr io.Writer) (asrRun, error) {
	var run asrRun
	child := exec.CommandContext(ctx, self, append([]string{"eval-asr", "-only", name}, args...)...)
	child.Stderr = stderr
	out, err := child.Output()
	if err != nil {
		return run, fmt.Errorf("eval-asr %s: %w", name, err)
	}
	if err := json.Unmarshal(out, &run); err != nil {
		return run, fmt.Errorf("eval-asr %s printed %q: %w", name, out, err)
	}
	return run, nil
}

// parseDecoderOptions reads "-beam=1e-40,-maxhmmpf=3000".
func parseDecoderOptions(s string) (map[string]string, error) {
	opts := map[string]string{}
	for _, kv := range splitList(s) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, usageError{fmt.Sprintf("decoder option %q: write -name=value", kv)}
		}
		opts[strings.TrimPrefix(k, "-")] = v
	}
	return opts, nil
}

// asrClips synthesizes the chosen answers with each voice (cached between
// runs) and lists the LibriVox recordings.
func asrClips(ctx context.Context, set string, voices []string, librivox string, limit int, conditions []string) ([]asrClip, error) {
	var dir string
	switch set {
	case "test":
		dir = "testdata/star/test"
	case "dev":
		dir = "testdata/star/train"
	default:
		return nil, usageError{fmt.Sprintf("unknown set %q: use test or dev", set)}
	}
	answers, err := loadCorpus(dir)
	if err != nil {
		return nil, err
	}
	var clips []asrClip
	if len(voices) > 0 && !flite.Available() {
		return nil, fmt.Errorf("flite is not installed (apt-get install flite)")
	}
	for _, voice := range voices {
		n := 0
		for i, a := range answers {
			if set == "dev" && !isDevAnswer(i) {
				continue
			}
			if limit > 0 && n >= limit {
				break
			}
			n++
			text, path, err := readAloud(ctx, a, voice)
			if err != nil {
				return nil, err
			}
			clips = append(clips, asrClip{group: voice, name: a.Name, path: path, ref: text, answer: &answers[i]})
		}
	}
	if librivox != "" {
		refs, err := readLibriVoxTranscription(filepath.Join(librivox, "transcription"))
		if err != nil {
			return nil, fmt.Errorf("LibriVox recordings: %w (install pocketsphinx-testdata, or pass -librivox '')", err)
		}
		for _, id := range refs.order {
			clips = append(clips, asrClip{group: "librivox", name: id, path: filepath.Join(librivox, id+".wav"), ref: refs.text[id]})
		}
	}
	var out []asrClip
	for _, cond := range conditions {
		for _, c := range clips {
			path, err := inCondition(ctx, c, cond)
			if err != nil {
				return nil, fmt.Errorf("%s in %s: %w", c.name, cond, err)
			}
			c.condition, c.path = cond, path
			out = append(out, c)
		}
	}
	return out, nil
}

type libriVoxRefs struct {
	order []string
	text  map[string]string
}

// readLibriVoxTranscription reads lines "<s> words </s> (file-id)".
func readLibriVoxTranscription(path string) (libriVoxRefs, error) {
	refs := libriVoxRefs{text: map[string]string{}}
	f, err := os.Open(path)
	if err != nil {
		return refs, err
	}
	defer f.Close()
	line := regexp.MustCompile(`^<s> (.*) </s> \((.*)\)$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := line.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			refs.order = append(refs.order, m[2])
			refs.text[m[2]] = m[1]
		}
	}
	return refs, sc.Err()
}

// measureASR decodes every clip with one decoder, one clip after another,
// as a live stream would, and counts CPU time while decoding.
func measureASR(ctx context.Context, name string, cfg pocketsphinx.Config, clips []asrClip, keepText bool) (asrRun, error) {
	run := asrRun{Config: name, Groups: map[string]asrGroup{}}
	rss0 := residentMB()
	began := time.Now()
	engine, err := pocketsphinx.New(cfg)
	if err != nil {
		return run, err
	}
	defer engine.Close()
	run.StartupSec = time.Since(began).Seconds()
	run.DecoderMB = residentMB() - rss0
	if keepText {
		run.Hypotheses = map[string]string{}
	}
	model, err := star.DefaultModel()
	if err != nil {
		return run, err
	}
	heard := map[string][]star.HeardAnswer{}
	for _, c := range clips {
		samples, _, err := transcribe.ReadWAV(c.path)
		if err != nil {
			return run, fmt.Errorf("%s: %w", c.path, err)
		}
		cpu0 := processCPU()
		tr, err := transcribe.TranscribeSamples(ctx, engine, samples, transcribe.StreamOptions{})
		if err != nil {
			return run, fmt.Errorf("%s: %w", c.name, err)
		}
		cpu := processCPU() - cpu0
		ref := transcribe.NormalizeText(c.ref)
		key := c.condition + "/" + c.group
		g := run.Groups[key]
		g.Errors += transcribe.WordErrors(ref, transcribe.NormalizeText(tr.Text))
		g.Words += len(ref)
		g.CPUSec += cpu
		g.AudioSec += tr.Duration
		run.Groups[key] = g
		run.CPUSec += cpu
		run.AudioSec += tr.Duration
		if keepText {
			run.Hypotheses[key+"/"+c.name] = tr.Text
		}
		if c.answer != nil {
			heard[c.condition] = append(heard[c.condition], star.NewHeardAnswer(*c.answer, tr.Words))
		}
	}
	run.Star = map[string]float64{}
	for cond, answers := range heard {
		eval := star.EvaluateHeard(model, answers)
		run.Star[cond] = eval.Accuracy()
	}
	return run, nil
}

func processCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// residentMB is the process's resident memory.
func residentMB() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func printASRTable(w io.Writer, runs []asrRun, clips []asrClip) {
	var groups, conds []string
	seen := map[string]bool{}
	labeled := false
	for _, c := range clips {
		if !seen[c.group] {
			seen[c.group] = true
			groups = append(groups, c.group)
		}
		if !seen["\x00"+c.condition] {
			seen["\x00"+c.condition] = true
			conds = append(conds, c.condition)
		}
		labeled = labeled || c.answer != nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "condition\tconfiguration\t"
	for _, g := range groups {
		header += "WER " + g + "\t"
	}
	if labeled {
		header += "STAR heard\t"
	}
	header += "RTF\tstart-up s\tMB/decoder\t"
	fmt.Fprintln(tw, header)
	for _, cond := range conds {
		for _, r := range runs {
			row := cond + "\t" + r.Config + "\t"
			var cpu, audio float64
			for _, g := range groups {
				gr := r.Groups[cond+"/"+g]
				row += fmt.Sprintf("%.3f (%d/%d)\t", gr.wer(), gr.Errors, gr.Words)
				cpu += gr.CPUSec
				audio += gr.AudioSec
			}
			if labeled {
				row += fmt.Sprintf("%.3f\t", r.Star[cond])
			}
			rtf := 0.0
			if audio > 0 {
				rtf = cpu / audio
			}
			row += fmt.Sprintf("%.3f\t%.2f\t%.0f\t", rtf, r.StartupSec, r.DecoderMB)
			fmt.Fprintln(tw, row)
		}
	}
	tw.Flush()
	var audio float64
	for _, r := range runs {
		audio = r.AudioSec
	}
	fmt.Fprintf(w, "\n%d clips, %.0f s of audio per configuration; RTF is CPU seconds per second of audio, one stream on one core.\n", len(clips), audio)
	if labeled {
		fmt.Fprintln(w, "STAR heard: the share of the heard words of the labeled answers (every voice) that the STAR segmentation labels right.")
	}
	for _, r := range runs {
		fmt.Fprintf(w, "%s: %s\n", r.Config, asrConfigs[r.Config].summary)
	}
	for _, cond := range conds {
		fmt.Fprintf(w, "%s: %s\n", cond, asrConditions[cond].summary)
	}
}

// readAloud synthesizes a labeled answer with a flite voice (cached) and
// gives its text and the WAV's path. The text keeps its punctuation, so
// that the voice pauses between sentences.
func readAloud(ctx context.Context, a star.LabeledAnswer, voice string) (text, path string, err error) {
	var parts []string
	for _, s := range a.Spans {
		parts = append(parts, s.Text)
	}
	text = strings.Join(parts, " ")
	path, err = flite.Synthesize(ctx, flite.CacheDir(), voice, text)
	return text, path, err
}
