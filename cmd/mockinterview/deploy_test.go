package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// No Docker engine and no Kubernetes run here, so these tests read the
// deployment files (docker-compose.yml's cluster profile,
// deploy/nginx/mockinterview.conf and deploy/kubernetes/) and check what
// the cluster relies on against the program itself: the variables and
// flags serve reads, taken from its own -h; their values, given to serve's
// own flag parsing; the metric the autoscaler asks for, in server/metrics.go.

// pendingVariables are variables the deployment files give serve before
// serve reads them: work of issue 31 in progress on other branches. Once
// serve reads one, the test asks for it to leave this list, so that a
// rename on the way is caught.
var pendingVariables = map[string]string{}

// clusterFiles are the files the tests read, by path from the repository's
// root; a mutation test changes one before they are parsed.
type clusterFiles map[string]string

func readClusterFiles(t *testing.T) clusterFiles {
	t.Helper()
	files := clusterFiles{}
	paths := []string{"docker-compose.yml", "deploy/nginx/mockinterview.conf", "server/metrics.go"}
	k8s, err := filepath.Glob("../../deploy/kubernetes/*.yaml")
	if err != nil || len(k8s) == 0 {
		t.Fatalf("no deploy/kubernetes/*.yaml (%v)", err)
	}
	for _, p := range k8s {
		paths = append(paths, strings.TrimPrefix(p, "../../"))
	}
	for _, p := range paths {
		b, err := os.ReadFile("../../" + p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = string(b)
	}
	return files
}

// serveSettings is what `mockinterview serve -h` says serve takes.
type serveSettings struct {
	help     string
	flags    map[string]bool
	defaults map[string]string // by flag name
}

func readServeSettings(t *testing.T) serveSettings {
	t.Helper()
	_, help, err := runCLI(t, "serve", "-h")
	if err == nil || !strings.Contains(help, "-shutdown-timeout") {
		t.Fatalf("serve -h: %v\n%s", err, help)
	}
	s := serveSettings{help: help, flags: map[string]bool{}, defaults: map[string]string{}}
	// flag.PrintDefaults: "  -name type" then the usage, "(default X)" last.
	entry := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)[^\n]*\n((?:    \t[^\n]*\n?)*)`)
	def := regexp.MustCompile(`\(default "?([^")]*)"?\)\s*$`)
	for _, m := range entry.FindAllStringSubmatch(help, -1) {
		s.flags[m[1]] = true
		if d := def.FindStringSubmatch(m[2]); d != nil {
			s.defaults[m[1]] = d[1]
		}
	}
	return s
}

// readsVariable reports whether serve reads the variable: named as a
// flag's [$NAME], or in a usage, as the S3 keys are.
func (s serveSettings) readsVariable(name string) bool {
	return regexp.MustCompile(`(^|[^A-Z0-9_])` + name + `([^A-Z0-9_]|$)`).MatchString(s.help)
}

// duration is the value of a duration flag: the deployment's, else serve's
// default.
func (s serveSettings) duration(env map[string]string, variable, flag string) time.Duration {
	v := env[variable]
	if v == "" {
		v = s.defaults[flag]
	}
	d, _ := time.ParseDuration(v)
	return d
}

// variableProblems says which variables serve does not read.
func (s serveSettings) variableProblems(where string, env map[string]string) []string {
	var out []string
	for _, name := range sortedKeys(env) {
		_, pending := pendingVariables[name]
		switch reads := s.readsVariable(name); {
		case reads && pending:
			out = append(out, fmt.Sprintf("serve reads %s now: take it out of pendingVariables", name))
		case !reads && !pending:
			out = append(out, fmt.Sprintf("%s sets %s, which `mockinterview serve` does not read", where, name))
		}
	}
	return out
}

// valueProblems gives env to serve's own flags and checks, and says what
// they refuse. serve is run with a command-line flag its last check
// refuses, so that it parses everything and stops before it starts
// anything; --database and --recordings, checked after the flags, are
// checked here with their own code.
func valueProblems(where string, settings map[string]string) []string {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // in case serve ever got past its flags
	getenv := func(name string) string { return settings[name] }
	err := run(ctx, []string{"mockinterview", "serve", "--allowed-origins", "not-an-origin"}, getenv, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.HasPrefix(err.Error(), `--allowed-origins "not-an-origin"`) {
		return []string{fmt.Sprintf("%s: serve refuses the settings: %v", where, err)}
	}
	fs := newFlagSet(env{getenv: getenv, stdout: io.Discard, stderr: io.Discard}, "serve", "")
	var database databaseFlag
	database.register(fs)
	var recs recordingsFlag
	recs.register(fs)
	if _, err := parseFlags(fs, nil); err != nil {
		return []string{fmt.Sprintf("%s: %v", where, err)}
	}
	var out []string
	for _, err := range []error{database.check(), recs.check()} {
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %v", where, err))
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// metricProblems says whether server/metrics.go defines the metric.
func metricProblems(files clusterFiles, where, metric string) []string {
	if !regexp.MustCompile(`Name:\s*"` + regexp.QuoteMeta(metric) + `"`).MatchString(files["server/metrics.go"]) {
		return []string{fmt.Sprintf("%s names the metric %q, which server/metrics.go does not define", where, metric)}
	}
	return nil
}

// hostPort is the host and port of a URL or of host:port, "" when s is
// neither.
func hostPort(s string) (host, port string) {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Host
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", ""
	}
	return host, port
}

func TestDeploymentFiles(t *testing.T) {
	serve := readServeSettings(t)
	files := readClusterFiles(t)
	problems, err := deploymentProblems(files, serve)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// deploymentProblems checks every deployment file.
func deploymentProblems(files clusterFiles, serve serveSettings) ([]string, error) {
	c, err := parseCompose(files["docker-compose.yml"])
	if err != nil {
		return nil, fmt.Errorf("docker-compose.yml: %w", err)
	}
	conf, err := parseNginx(files["deploy/nginx/mockinterview.conf"])
	if err != nil {
		return nil, fmt.Errorf("deploy/nginx/mockinterview.conf: %w", err)
	}
	k, err := parseKubernetes(files)
	if err != nil {
		return nil, err
	}
	problems := composeProblems(c, serve)
	problems = append(problems, nginxProblems(conf, c, serve)...)
	problems = append(problems, kubernetesProblems(k, files, serve)...)
	return problems, nil
}

// TestDeploymentChecksFail breaks the files one way at a time and expects
// the checks to say so: each case is a mistake the checks exist for.
func TestDeploymentChecksFail(t *testing.T) {
	serve := readServeSettings(t)
	cases := []struct {
		file, old, new, want string
	}{
		{"docker-compose.yml", "  postgres:\n    image: postgres:17-bookworm\n    profiles: [cluster]\n", "  postgres:\n    image: postgres:17-bookworm\n", "without a profile"},
		{"docker-compose.yml", "MOCKINTERVIEW_REPLICA: mockinterview-2", "MOCKINTERVIEW_REPLICA: mockinterview-1", "same MOCKINTERVIEW_REPLICA"},
		{"docker-compose.yml", "MOCKINTERVIEW_ADVERTISE: http://mockinterview-2:8080", "MOCKINTERVIEW_ADVERTISE: http://mockinterview-1:8080", "advertises"},
		{"deploy/kubernetes/deployment.yaml", "value: http://$(POD_IP):8080", "value: http://localhost:8080", "advertises"},
		{"docker-compose.yml", `MOCKINTERVIEW_DATABASE: "postgres://`, `MOCKINTERVIEW_DATABASE: "sqlite:/data/x.db#`, "PostgreSQL"},
		{"docker-compose.yml", "      MOCKINTERVIEW_S3_PATH_STYLE: \"true\"\n", "      MOCKINTERVIEW_S3_PATHSTYLE: \"true\"\n", "does not read"},
		{"docker-compose.yml", "MOCKINTERVIEW_SHUTDOWN_TIMEOUT: 30s", "MOCKINTERVIEW_SHUTDOWN_TIMEOUT: 30", "refuses"},
		{"docker-compose.yml", `MOCKINTERVIEW_S3_PATH_STYLE: "true"`, `MOCKINTERVIEW_S3_PATH_STYLE: "yes"`, "replica mockinterview-1: serve refuses"},
		{"docker-compose.yml", "      - mockinterview-2-data:/data", "      - mockinterview-1-data:/data", "spool"},
		{"docker-compose.yml", `"http://127.0.0.1:8080/readyz"`, `"http://127.0.0.1:8080/healthz"`, "/readyz"},
		{"docker-compose.yml", `"http://speaches:8000/v1,http://speaches-2:8000/v1"`, `"http://speaches:8000/v1"`, "recognizers"},
		{"deploy/nginx/mockinterview.conf", "    proxy_set_header Upgrade $http_upgrade;\n", "", "Upgrade"},
		{"deploy/nginx/mockinterview.conf", "proxy_read_timeout 3600s;", "proxy_read_timeout 60s;", "proxy_read_timeout"},
		{"deploy/nginx/mockinterview.conf", "proxy_read_timeout 3600s;", "proxy_read_timeout 3600s; proxy_set_header X-Real-IP $remote_addr;", "Upgrade"},
		{"deploy/nginx/mockinterview.conf", "server mockinterview-2:8080", "server mockinterview-3:8080", "upstream"},
		{"deploy/kubernetes/deployment.yaml", "path: /readyz", "path: /healthz", "readinessProbe"},
		{"deploy/kubernetes/deployment.yaml", "port: http\n            periodSeconds: 10", "port: 9090\n            periodSeconds: 10", "livenessProbe"},
		{"deploy/kubernetes/deployment.yaml", "terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds"},
		{"deploy/kubernetes/deployment.yaml", "fieldPath: metadata.name", "fieldPath: spec.nodeName", "MOCKINTERVIEW_REPLICA"},
		{"deploy/kubernetes/deployment.yaml", "replicas: 2", "replicas: 1", "replicas"},
		{"deploy/kubernetes/configmap.yaml", "MOCKINTERVIEW_S3_REGION:", "MOCKINTERVIEW_S3_ZONE:", "does not read"},
		{"deploy/kubernetes/secret.example.yaml", "postgres://mockinterview:CHANGE-ME@", "mysql://mockinterview:CHANGE-ME@", "not a database"},
		{"deploy/kubernetes/ingress.yaml", `proxy-read-timeout: "3600"`, `proxy-read-timeout: "60"`, "proxy-read-timeout"},
		{"deploy/kubernetes/migration-job.yaml", "--engine instant", "--recogniser instant", "--recogniser"},
		{"deploy/kubernetes/hpa.yaml", "name: mockinterview_sessions_active", "name: mockinterview_active_sessions", "does not define"},
		{"deploy/kubernetes/service.yaml", "app.kubernetes.io/component: server", "app.kubernetes.io/component: migration", "selector"},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.want, func(t *testing.T) {
			files := readClusterFiles(t)
			if !strings.Contains(files[c.file], c.old) {
				t.Fatalf("%s no longer holds %q: update the case", c.file, c.old)
			}
			files[c.file] = strings.Replace(files[c.file], c.old, c.new, 1)
			problems, err := deploymentProblems(files, serve)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Errorf("no problem about %q; found %q", c.want, problems)
			}
		})
	}
}
