package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/mockinterview/mockinterview/interviewer"
)

// loadCorpus reads every labeled answer (*.txt) in dir.
func loadCorpus(dir string) ([]interviewer.LabeledAnswer, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no labeled answers (*.txt) in %s", dir)
	}
	sort.Strings(files)
	var answers []interviewer.LabeledAnswer
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		a, err := interviewer.ParseLabeledAnswer(filepath.Base(f), string(b))
		if err != nil {
			return nil, err
		}
		answers = append(answers, a)
	}
	return answers, nil
}

func runTrainStar(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "train-star", "[TRAIN_DIR]")
	out := fs.String("o", "interviewer/star_model.json", "where to write the weights")
	epochs := fs.Int("epochs", 12, "passes over the corpus")
	minRun := fs.Int("min-run", 4, "shortest part, in words")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir := "testdata/star/train"
	if len(dirs) > 0 {
		dir = dirs[0]
	}
	answers, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	model := interviewer.TrainSegmentModel(answers, interviewer.TrainOptions{Epochs: *epochs, MinRun: *minRun})
	b, err := json.Marshal(model)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "trained on %d answers: %d features, written to %s\n", len(answers), len(model.Weights), *out)
	return nil
}

func runEvalStar(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "eval-star", "[TEST_DIR]")
	modelPath := fs.String("model", "", "weights to evaluate (default: the ones built into the binary)")
	verbose := fs.Bool("v", false, "list the answers from worst to best")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir := "testdata/star/test"
	if len(dirs) > 0 {
		dir = dirs[0]
	}
	answers, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	model, err := interviewer.DefaultSegmentModel()
	if *modelPath != "" {
		var b []byte
		if b, err = os.ReadFile(*modelPath); err == nil {
			model = new(interviewer.SegmentModel)
			err = json.Unmarshal(b, model)
		}
	}
	if err != nil {
		return err
	}
	seg, base := interviewer.EvaluateSegmenter(model, answers)
	fmt.Fprintf(e.stdout, "STAR segmentation on %s (lowercased, no punctuation, no pauses)\n\n", dir)
	seg.Print(e.stdout)
	fmt.Fprintf(e.stdout, "\nbaseline (cut by target-time shares): word accuracy %.3f\n", base.Accuracy())
	if *verbose {
		worst := seg.PerAnswerWorst
		sort.Slice(worst, func(i, j int) bool { return worst[i].Accuracy < worst[j].Accuracy })
		for _, a := range worst {
			fmt.Fprintf(e.stdout, "  %.3f %s\n", a.Accuracy, a.Name)
		}
	}
	return nil
}
