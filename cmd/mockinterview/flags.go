package main

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"time"
)

// flagSet is a subcommand's flags. A flag whose usage names an environment
// variable, as "[$MOCKINTERVIEW_DATA]" does, takes that variable's value
// when the command line does not set it. Either way the value goes
// through the flag's own parsing and checks, and a bad one is an error
// that names where it came from, the flag or the variable, and what to
// give instead.
type flagSet struct {
	*flag.FlagSet
	getenv  func(string) string
	checks  []flagCheck
	fromEnv map[string]envValue // by flag name
}

// envValue is a variable that set a flag, and the value it had.
type envValue struct{ name, value string }

// flagCheck is a rule a flag's value must keep: validate returns nil, or
// the advice an error gives when the value breaks it.
type flagCheck struct {
	name     string
	validate func() error
}

// newFlagSet makes a flag set that reports errors instead of exiting.
func newFlagSet(e env, name, args string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), getenv: e.getenv, fromEnv: map[string]envValue{}}
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: mockinterview %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// check adds a rule that flag name's value must keep, whether it came from
// the command line or the environment. advice says what to give instead,
// such as "give a positive duration, such as 30s".
func (fs *flagSet) check(name, advice string, ok func() bool) {
	fs.checkValue(name, func() error {
		if ok() {
			return nil
		}
		return errors.New(advice)
	})
}

// checkValue adds a rule whose advice depends on the value: validate
// returns nil, or what is wrong and what to give instead.
func (fs *flagSet) checkValue(name string, validate func() error) {
	fs.checks = append(fs.checks, flagCheck{name, validate})
}

// envVar finds the variable a flag's usage names.
var envVar = regexp.MustCompile(`\[\$([A-Z][A-Z0-9_]*)\]`)

// parseFlags parses flags that may come before or after the positional
// arguments, as people type them, then takes the environment's value for
// each flag the command line left unset, then checks every value.
func parseFlags(fs *flagSet, args []string) ([]string, error) {
	positional, err := parseArgs(fs.FlagSet, args)
	if err != nil {
		return nil, err
	}
	if err := fs.setFromEnv(); err != nil {
		return nil, err
	}
	for _, c := range fs.checks {
		if err := c.validate(); err != nil {
			return nil, usageError{fmt.Sprintf("%s: %v", fs.origin(c.name), err)}
		}
	}
	return positional, nil
}

func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// setFromEnv gives each flag the command line did not set the value of
// the variable its usage names, unless that is empty.
func (fs *flagSet) setFromEnv() error {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		m := envVar.FindStringSubmatch(f.Usage)
		if err != nil || m == nil || onCommandLine[f.Name] {
			return
		}
		v := fs.getenv(m[1])
		if v == "" {
			return
		}
		if fs.Set(f.Name, v) != nil {
			err = usageError{fmt.Sprintf("%s=%q: %s", m[1], v, valueForm(f.Value))}
			return
		}
		fs.fromEnv[f.Name] = envValue{m[1], v}
	})
	return err
}

// valueForm says what a flag of value's kind takes.
func valueForm(value flag.Value) string {
	var v any
	if g, ok := value.(flag.Getter); ok {
		v = g.Get()
	}
	switch v.(type) {
	case time.Duration:
		return "give a duration with its unit, such as 4s, 300ms or 1m30s"
	case int, int64, uint, uint64:
		return "give a whole number, such as 3"
	case float64:
		return "give a number, such as 0.5"
	case bool:
		return "give true or false"
	}
	return "not a value this flag takes"
}

// origin names where flag name's value came from, with the value: the
// variable, or the flag on the command line.
func (fs *flagSet) origin(name string) string {
	if v, ok := fs.fromEnv[name]; ok {
		return fmt.Sprintf("%s=%q", v.name, v.value)
	}
	return fmt.Sprintf("--%s %q", name, fs.Lookup(name).Value.String())
}

// parseNoArgs parses the flags of a command that takes no arguments and
// refuses any.
func parseNoArgs(fs *flagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return usageError{fs.Name() + " takes no arguments"}
	}
	return nil
}
