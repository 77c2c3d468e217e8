package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// runBuildMLLR adapts the stock acoustic model to noisy speech with
// sphinxtrain (issue 27): the training split's answers, development ones
// left out, read by flite voices and heard in noisy rooms, give bw the
// statistics from which mllr_solve makes one MLLR transform, which the
// decoder applies with -mllr. Debian's model lacks the mixture_weights bw
// needs; they are rebuilt from its sendump (pocketsphinx.MixtureWeights).
func runBuildMLLR(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "build-mllr", "")
	voices := fs.String("voices", "awb,rms", "flite voices that read the adaptation answers")
	answers := fs.Int("answers", 8, "training answers to read (development answers are never used)")
	conditions := fs.String("conditions", "clean,pink20,hum20", "rooms to hear them in (as eval-asr --conditions)")
	modelDir := fs.String("model-dir", pocketsphinx.DefaultModelDir, "PocketSphinx model folder")
	work := fs.String("work", filepath.Join(os.TempDir(), "mockinterview-mllr"), "working folder (features, statistics)")
	out := fs.String("o", "", "where to write the transform (default: mllr_matrix in the working folder)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	conds, err := parseConditions(*conditions)
	if err != nil {
		return err
	}
	for _, tool := range []string{"bw", "mllr_solve"} {
		if _, err := os.Stat(filepath.Join(sphinxtrainDir, tool)); err != nil {
			return fmt.Errorf("%s: %w (apt-get install sphinxtrain)", tool, err)
		}
	}
	am := filepath.Join(*work, "am")
	if err := adaptableModel(ctx, filepath.Join(*modelDir, "en-us"), am); err != nil {
		return err
	}
	n, err := writeAdaptationSet(ctx, *work, splitList(*voices), *answers, conds, filepath.Join(*modelDir, "cmudict-en-us.dict"))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "build-mllr: %d utterances; computing features and statistics\n", n)
	if *out == "" {
		*out = filepath.Join(*work, "mllr_matrix")
	}
	return adapt(ctx, *work, am, *out, e.stderr)
}

// sphinxtrainDir is where Debian's sphinxtrain puts its tools.
const sphinxtrainDir = "/usr/lib/sphinxtrain"

// adaptableModel copies the model into dir with what bw needs besides:
// mixture_weights from its sendump and a text mdef.
func adaptableModel(ctx context.Context, model, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"means", "variances", "transition_matrices", "feat.params", "noisedict", "mdef"} {
		b, err := os.ReadFile(filepath.Join(model, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return err
		}
	}
	sendump, err := os.ReadFile(filepath.Join(model, "sendump"))
	if err != nil {
		return err
	}
	mixw, err := pocketsphinx.MixtureWeights(sendump)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "mixture_weights"), mixw, 0o644); err != nil {
		return err
	}
	return runTool(ctx, io.Discard, "pocketsphinx_mdef_convert", "-text", filepath.Join(dir, "mdef"), filepath.Join(dir, "mdef.txt"))
}

// writeAdaptationSet synthesizes each part of the chosen answers with each
// voice, hears it in each room, and writes the WAVs, their list and
// transcription, and a dictionary of their words. Parts with a word the
// dictionary lacks are left out. It gives the number of utterances.
func writeAdaptationSet(ctx context.Context, work string, voices []string, answers int, conds []string, dictPath string) (int, error) {
	corpus, err := loadCorpus("testdata/star/train")
	if err != nil {
		return 0, err
	}
	dict, err := readPronunciations(dictPath)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(work, "wav"), 0o755); err != nil {
		return 0, err
	}
	var ids, lines []string
	used := map[string]bool{}
	taken := 0
	for i, a := range corpus {
		if isDevAnswer(i) || taken >= answers {
			continue
		}
		taken++
		for j, span := range a.Spans {
			words := transcribe.NormalizeText(span.Text)
			if !allKnown(words, dict) {
				continue
			}
			for _, voice := range voices {
				path, err := flite.Synthesize(ctx, flite.CacheDir(), voice, span.Text)
				if err != nil {
					return 0, err
				}
				for _, cond := range conds {
					id := fmt.Sprintf("%s-%s-%d-%s", voice, strings.TrimSuffix(a.Name, filepath.Ext(a.Name)), j, cond)
					if err := writeInRoom(ctx, filepath.Join(work, "wav", id+".wav"), path, id, cond); err != nil {
						return 0, err
					}
					ids = append(ids, id)
					lines = append(lines, "<s> "+strings.Join(words, " ")+" </s> ("+id+")")
				}
			}
			for _, w := range words {
				used[w] = true
			}
		}
	}
	if err := writeLines(filepath.Join(work, "fileids"), ids); err != nil {
		return 0, err
	}
	if err := writeLines(filepath.Join(work, "transcription"), lines); err != nil {
		return 0, err
	}
	return len(ids), writeUsedWords(filepath.Join(work, "dict"), dictPath, used)
}

// writeInRoom writes the recording at in, heard in the named room with
// noise seeded by id, to path.
func writeInRoom(ctx context.Context, path, in, id, cond string) error {
	samples, _, err := transcribe.ReadWAV(in)
	if err != nil {
		return err
	}
	if apply := asrConditions[cond].apply; apply != nil {
		seed := sha256.Sum256([]byte("mllr/" + id))
		if samples, err = apply(ctx, samples, binary.LittleEndian.Uint64(seed[:8]), in); err != nil {
			return err
		}
	}
	return os.WriteFile(path, transcribe.EncodeWAV(samples), 0o644)
}

// dictionaryLines are the pronunciations bw may use: the stock dictionary
// and the interview model's additions, by word (alternates "word(2)"
// under "word").
func dictionaryLines(dictPath string) (map[string][]string, error) {
	b, err := os.ReadFile(dictPath)
	if err != nil {
		return nil, err
	}
	_, extra := pocketsphinx.InterviewModel()
	lines := map[string][]string{}
	sc := bufio.NewScanner(io.MultiReader(bytes.NewReader(b), strings.NewReader("\n"+extra)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		word, _, _ := strings.Cut(f[0], "(")
		lines[word] = append(lines[word], sc.Text())
	}
	return lines, sc.Err()
}

func readPronunciations(dictPath string) (map[string]bool, error) {
	lines, err := dictionaryLines(dictPath)
	known := map[string]bool{}
	for w := range lines {
		known[w] = true
	}
	return known, err
}

func allKnown(words []string, dict map[string]bool) bool {
	for _, w := range words {
		if !dict[w] {
			return false
		}
	}
	return len(words) > 0
}

// writeUsedWords writes the pronunciations of the words used.
func writeUsedWords(path, dictPath string, used map[string]bool) error {
	lines, err := dictionaryLines(dictPath)
	if err != nil {
		return err
	}
	var out []string
	for _, w := range slices.Sorted(maps.Keys(used)) {
		out = append(out, lines[w]...)
	}
	return writeLines(path, out)
}

func writeLines(path string, lines []string) error {
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// adapt computes the features of the adaptation set, collects bw's
// statistics over the model and solves one MLLR transform into out.
func adapt(ctx context.Context, work, am, out string, log io.Writer) error {
	in := func(name string) string { return filepath.Join(work, name) }
	if err := os.MkdirAll(in("mfc"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(in("accum"), 0o755); err != nil {
		return err
	}
	if err := runTool(ctx, log, "sphinx_fe", "-argfile", filepath.Join(am, "feat.params"), "-samprate", "16000",
		"-c", in("fileids"), "-di", in("wav"), "-do", in("mfc"), "-ei", "wav", "-eo", "mfc", "-mswav", "yes"); err != nil {
		return err
	}
	if err := runTool(ctx, log, filepath.Join(sphinxtrainDir, "bw"), "-hmmdir", am, "-moddeffn", filepath.Join(am, "mdef.txt"),
		"-ts2cbfn", ".ptm.", "-feat", "1s_c_d_dd", "-svspec", "0-12/13-25/26-38", "-cmn", "current", "-agc", "none",
		"-dictfn", in("dict"), "-fdictfn", filepath.Join(am, "noisedict"), "-ctlfn", in("fileids"),
		"-lsnfn", in("transcription"), "-accumdir", in("accum"), "-cepdir", in("mfc")); err != nil {
		return err
	}
	return runTool(ctx, log, filepath.Join(sphinxtrainDir, "mllr_solve"), "-meanfn", filepath.Join(am, "means"),
		"-varfn", filepath.Join(am, "variances"), "-outmllrfn", out, "-accumdir", in("accum"))
}

// runTool runs one of the model tools, its output kept for an error.
func runTool(ctx context.Context, log io.Writer, name string, args ...string) error {
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		tail := buf.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("%s: %w\n%s", filepath.Base(name), err, tail)
	}
	fmt.Fprintf(log, "build-mllr: %s done\n", filepath.Base(name))
	return nil
}
