package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/mockinterview/mockinterview/internal/flite"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// loadCorpus reads every labeled answer (*.txt) in dir.
func loadCorpus(dir string) ([]star.LabeledAnswer, error) {
	answers, err := star.ReadCorpus(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return answers, nil
}

func runTrainStar(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "train-star", "[TRAIN_DIR]")
	def := star.DefaultTrainOptions()
	out := fs.String("o", "interviewer/star/model.json", "where to write the weights")
	cv := fs.Int("cv", 0, "score the options by `K`-fold cross-validation on TRAIN_DIR instead of training")
	cvSeries := fs.Bool("cv-series", false, "score the options by holding out one series of answers at a time (the number in the file name: 01 to 09 each a series, then 11 to 19, 21 to 29, ...) instead of training")
	verbose := fs.Bool("v", false, "with --cv or --cv-series, list the answers from worst to best")
	tail := fs.Bool("tail", false, "fit the live view's tail reading instead (star.TrainTail: three fold segmenters with the default options read the answers cut every few words), written to interviewer/star/tail.json unless -o says where")
	epochs := fs.Int("epochs", def.Epochs, "passes over the corpus of the first stage")
	rate := fs.Float64("rate", def.Rate, "first stage's learning rate (AdaGrad)")
	l2 := fs.Float64("l2", def.L2, "first stage's L2 penalty, applied to the weights of each feature seen")
	minCount := fs.Int("min-count", def.MinCount, "drop features seen in fewer training answers")
	views := fs.Int("views", def.Views, "first-stage views: 1 (all features) or 2 (also general features only)")
	folds := fs.Int("folds", def.Folds, "cross-fitting folds for the second stage")
	stackEpochs := fs.Int("stack-epochs", def.StackEpochs, "passes over the corpus of the second stage")
	minRun := fs.Int("min-run", def.MinRun, "shortest part, in words")
	seed := fs.Uint64("seed", def.Seed, "random seed for shuffling and simulated pauses")
	length := fs.Float64("length", def.LengthWeight, "weight of the score of how much of the answer each part takes; below 0 leaves it out")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"epochs", float64(*epochs)}, {"rate", *rate}, {"l2", *l2}, {"min-count", float64(*minCount)},
		{"folds", float64(*folds)}, {"stack-epochs", float64(*stackEpochs)}, {"min-run", float64(*minRun)}} {
		if f.v <= 0 {
			return fmt.Errorf("train-star: --%s must be above 0 (default %v)", f.name, fs.Lookup(f.name).DefValue)
		}
	}
	dir := "testdata/star/train"
	if len(dirs) > 0 {
		dir = dirs[0]
	}
	answers, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	if *tail {
		path := *out
		if path == fs.Lookup("o").DefValue {
			path = "interviewer/star/tail.json"
		}
		return trainTail(e, answers, path)
	}
	opt := def
	opt.Epochs, opt.MinCount, opt.Views, opt.Folds = *epochs, *minCount, *views, *folds
	opt.StackEpochs, opt.MinRun, opt.Seed = *stackEpochs, *minRun, *seed
	opt.Rate, opt.L2, opt.LengthWeight = *rate, *l2, *length
	start := time.Now()
	if *cvSeries {
		eval, k := star.CrossValidateSeries(answers, opt)
		fmt.Fprintf(e.stdout, "STAR segmentation, leave-one-series-out cross-validation (%d series) on %s (lowercased, no punctuation, no pauses; %s)\n\n",
			k, dir, time.Since(start).Round(time.Millisecond))
		printEval(e, &eval, *verbose)
		return nil
	}
	if *cv != 0 {
		if *cv < 2 || *cv > len(answers) {
			return usageError{fmt.Sprintf("--cv wants 2 to %d folds, got %d", len(answers), *cv)}
		}
		eval := star.CrossValidate(answers, *cv, opt)
		fmt.Fprintf(e.stdout, "STAR segmentation, %d-fold cross-validation on %s (lowercased, no punctuation, no pauses; %s)\n\n",
			*cv, dir, time.Since(start).Round(time.Millisecond))
		printEval(e, &eval, *verbose)
		return nil
	}
	model := star.Train(answers, opt)
	b, err := json.Marshal(model)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "trained on %d answers in %s: %d KB written to %s\n",
		len(answers), time.Since(start).Round(time.Millisecond), len(b)/1024, *out)
	return nil
}

// trainTail fits the live view's tail reading on answers and writes it
// to path.
func trainTail(e env, answers []star.LabeledAnswer, path string) error {
	begun := time.Now()
	b, err := json.Marshal(star.TrainTail(answers))
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "tail reading trained on %d answers in %s: %d KB written to %s\n",
		len(answers), time.Since(begun).Round(time.Millisecond), len(b)/1024, path)
	return nil
}

// printEval prints a segmenter's scores and, if verbose, each answer's.
func printEval(e env, eval *star.Eval, verbose bool) {
	eval.Print(e.stdout)
	if verbose {
		worst := eval.PerAnswerWorst
		sort.SliceStable(worst, func(i, j int) bool { return worst[i].Accuracy < worst[j].Accuracy })
		for _, a := range worst {
			fmt.Fprintf(e.stdout, "  %.3f %s\n", a.Accuracy, a.Name)
		}
	}
}

func runEvalStar(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "eval-star", "[TEST_DIR]")
	modelPath := fs.String("model", "", "weights to evaluate, or several, comma-separated, to compare on the same heard words (default: the ones built into the binary)")
	verbose := fs.Bool("v", false, "list the answers from worst to best")
	heard := fs.String("heard", "", "also score the words the embedded recognizer hears when flite's `VOICE` (e.g. slt) reads each answer, with their pauses, as `analyze` would label a recording")
	limit := fs.Int("limit", 0, "use only the first N answers (0: all)")
	live := fs.Bool("live", false, "score the live reading instead: each answer cut every few words and played at a fluent pace, read as unfinished, as the live view reads it (see docs/BENCHMARKS.md, The live view)")
	liveOpt := star.DefaultLiveEvalOptions()
	fs.IntVar(&liveOpt.Every, "live-every", liveOpt.Every, "with --live, words between the cuts whose last word is scored")
	fs.BoolVar(&liveOpt.Pauses, "live-pauses", false, "with --live, a pause after each written sentence, as a recognizer hears it")
	fs.IntVar(&liveOpt.Confirm, "live-confirm", liveOpt.Confirm, "with --live, updates in a row that must find a new part before it is shown")
	half := fs.String("half", "", "use only every other answer: `odd` (the 1st, 3rd, ...) or even")
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
	if answers, err = everyOther(answers, *half); err != nil {
		return err
	}
	if *limit > 0 && *limit < len(answers) {
		answers = answers[:*limit]
	}
	models, names, err := loadSegmentModels(*modelPath)
	if err != nil {
		return err
	}
	if *live {
		for i, model := range models {
			if len(models) > 1 {
				fmt.Fprintf(e.stdout, "== %s\n\n", names[i])
			}
			ev := star.EvaluateLive(model.NewLiveReader, answers, liveOpt)
			fmt.Fprintf(e.stdout, "STAR live reading on %s (typed words, %.1f a second, an update every %.0f s)\n\n", dir, liveOpt.WordsPerSecond, liveOpt.Update)
			ev.Print(e.stdout)
		}
		return nil
	}
	var heardAnswers []star.HeardAnswer
	var wer float64
	if *heard != "" {
		if heardAnswers, wer, err = hearAnswers(ctx, answers, *heard); err != nil {
			return err
		}
	}
	for i, model := range models {
		if len(models) > 1 {
			fmt.Fprintf(e.stdout, "== %s\n\n", names[i])
		}
		seg, base := star.Evaluate(model, answers)
		fmt.Fprintf(e.stdout, "STAR segmentation on %s (lowercased, no punctuation, no pauses)\n\n", dir)
		seg.Print(e.stdout)
		fmt.Fprintf(e.stdout, "\nbaseline (cut by target-time shares): word accuracy %.3f\n", base.Accuracy())
		if *verbose {
			printEval(e, &seg, true)
		}
		ends := star.EvaluateWithSentenceEnds(model, answers)
		fmt.Fprintf(e.stdout, "told where sentences end (a typed transcript's or a punctuating recognizer's punctuation): word accuracy %.3f, task recall %.3f\n",
			ends.Accuracy(), ends.Recall(star.Task))
		if *heard == "" {
			continue
		}
		h := star.EvaluateHeard(model, heardAnswers)
		fmt.Fprintf(e.stdout, "\nThe same answers read by flite (%s) and heard by PocketSphinx (word error rate %.3f), labels carried over to the heard words by alignment\n\n", *heard, wer)
		h.Print(e.stdout)
		if *verbose {
			printEval(e, &h, true)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

// everyOther keeps the odd (1st, 3rd, ...) or the even answers, or all of
// them when half is empty.
func everyOther(answers []star.LabeledAnswer, half string) ([]star.LabeledAnswer, error) {
	var from int
	switch half {
	case "":
		return answers, nil
	case "odd":
		from = 0
	case "even":
		from = 1
	default:
		return nil, usageError{fmt.Sprintf("--half wants odd or even, got %q", half)}
	}
	var out []star.LabeledAnswer
	for i := from; i < len(answers); i += 2 {
		out = append(out, answers[i])
	}
	return out, nil
}

// loadSegmentModels reads the comma-separated model files in paths, or
// gives the built-in model when paths is empty.
func loadSegmentModels(paths string) ([]*star.Model, []string, error) {
	if paths == "" {
		m, err := star.DefaultModel()
		return []*star.Model{m}, []string{"built-in"}, err
	}
	var models []*star.Model
	names := splitList(paths)
	for _, path := range names {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		m, err := star.ParseModel(b)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		models = append(models, m)
	}
	return models, names, nil
}

// hearAnswers reads each answer aloud with a flite voice and transcribes
// it with the default embedded engine, and gives the words heard with the
// written answer's labels, and the word error rate over all answers.
func hearAnswers(ctx context.Context, answers []star.LabeledAnswer, voice string) ([]star.HeardAnswer, float64, error) {
	if !flite.Available() {
		return nil, 0, fmt.Errorf("flite is not installed (apt-get install flite)")
	}
	engine, err := pocketsphinx.New(pocketsphinx.Config{PoolSize: 1})
	if err != nil {
		return nil, 0, err
	}
	defer engine.Close()
	var out []star.HeardAnswer
	errors, words := 0, 0
	for _, a := range answers {
		text, path, err := readAloud(ctx, a, voice)
		if err != nil {
			return nil, 0, err
		}
		samples, _, err := transcribe.ReadWAV(path)
		if err != nil {
			return nil, 0, err
		}
		tr, err := transcribe.TranscribeSamples(ctx, engine, samples, transcribe.StreamOptions{})
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", a.Name, err)
		}
		ref := transcribe.NormalizeText(text)
		errors += transcribe.WordErrors(ref, transcribe.NormalizeText(tr.Text))
		words += len(ref)
		out = append(out, star.NewHeardAnswer(a, tr.Words))
	}
	return out, float64(errors) / float64(max(words, 1)), nil
}
