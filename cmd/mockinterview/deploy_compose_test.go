package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// composeFile is what the tests read of docker-compose.yml.
type composeFile struct {
	Services map[string]composeService
	Volumes  map[string]any
}

type composeService struct {
	Image           string
	Profiles        []string
	Command         []string
	Environment     map[string]string
	Ports           []string
	Volumes         []string
	DependsOn       map[string]composeDependency `yaml:"depends_on"`
	Healthcheck     struct{ Test []string }
	StopGracePeriod string `yaml:"stop_grace_period"`
	Restart         string
}

type composeDependency struct {
	Condition string
	Required  *bool
}

func parseCompose(src string) (composeFile, error) {
	var c composeFile
	err := yaml.Unmarshal([]byte(src), &c)
	return c, err
}

// defaultServices are the services `docker compose up` starts, as
// TestComposeFile checks them.
var defaultServices = []string{"mockinterview", "speaches", "speaches-model"}

// interpolation is compose's ${NAME:-default}, ${NAME} and $$.
var interpolation = regexp.MustCompile(`\$\$|\$\{[A-Z0-9_]+(:-[^}]*)?\}`)

// expand interpolates s as compose does with none of the variables set.
func expand(s string) string {
	return interpolation.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		_, def, _ := strings.Cut(strings.TrimSuffix(m[2:], "}"), ":-")
		return def
	})
}

func (s composeService) in(profile string) bool { return slices.Contains(s.Profiles, profile) }

// env is the service's environment as compose gives it.
func (s composeService) env() map[string]string {
	env := map[string]string{}
	for k, v := range s.Environment {
		env[k] = expand(v)
	}
	return env
}

// byImage names the cluster's services whose image starts with one of
// prefixes, default services included: `--profile cluster` starts both.
func (c composeFile) byImage(prefixes ...string) []string {
	var names []string
	for _, name := range sortedKeys(c.Services) {
		if s := c.Services[name]; slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s.Image, p) }) {
			names = append(names, name)
		}
	}
	return names
}

// replicas are the cluster profile's mockinterview services.
func (c composeFile) replicas() []string {
	var names []string
	for _, name := range c.byImage("mockinterview:") {
		if c.Services[name].in("cluster") {
			names = append(names, name)
		}
	}
	return names
}

func composeProblems(c composeFile, serve serveSettings) []string {
	var out []string
	var defaults []string
	for _, name := range sortedKeys(c.Services) {
		s := c.Services[name]
		if len(s.Profiles) == 0 {
			defaults = append(defaults, name)
		}
		for dep := range s.DependsOn {
			if len(s.Profiles) == 0 && len(c.Services[dep].Profiles) > 0 {
				out = append(out, fmt.Sprintf("default service %s depends on %s, which only the %v profile starts", name, dep, c.Services[dep].Profiles))
			}
		}
		for _, v := range s.Volumes {
			if vol, _, _ := strings.Cut(v, ":"); !strings.HasPrefix(vol, ".") && c.Volumes != nil {
				if _, ok := c.Volumes[vol]; !ok {
					out = append(out, fmt.Sprintf("service %s mounts volume %s, which is not declared", name, vol))
				}
			}
		}
	}
	if !slices.Equal(defaults, defaultServices) {
		out = append(out, fmt.Sprintf("services without a profile %v; want %v, the default `docker compose up`, unchanged", defaults, defaultServices))
	}
	// TestComposeFile checks the default service's variables; these are
	// their values.
	out = append(out, valueProblems("service mockinterview", c.Services["mockinterview"].env())...)
	for _, kind := range []struct {
		what   string
		images []string
	}{
		{"PostgreSQL", []string{"postgres:"}},
		{"an S3-compatible server", []string{"versity/versitygw:", "minio/minio:"}},
		{"nginx", []string{"nginx:"}},
	} {
		if names := c.byImage(kind.images...); len(names) != 1 || !c.Services[names[0]].in("cluster") {
			out = append(out, fmt.Sprintf("the cluster profile has %v for %s; want one service", names, kind.what))
		}
	}
	replicas := c.replicas()
	if len(replicas) < 2 {
		return append(out, fmt.Sprintf("the cluster profile has replicas %v; want two or more", replicas))
	}
	first := c.Services[replicas[0]].env()
	names, spools := map[string]string{}, map[string]string{}
	for _, name := range replicas {
		s := c.Services[name]
		env := s.env()
		out = append(out, serve.variableProblems("replica "+name, env)...)
		out = append(out, valueProblems("replica "+name, env)...)
		out = append(out, c.replicaStorageProblems(name, env)...)
		if r := env["MOCKINTERVIEW_REPLICA"]; r == "" {
			out = append(out, fmt.Sprintf("replica %s has no MOCKINTERVIEW_REPLICA", name))
		} else if other, ok := names[r]; ok {
			out = append(out, fmt.Sprintf("replicas %s and %s have the same MOCKINTERVIEW_REPLICA %q", other, name, r))
		} else {
			names[r] = name
		}
		if a := env["MOCKINTERVIEW_ADVERTISE"]; a != "http://"+name+":8080" {
			out = append(out, fmt.Sprintf("replica %s advertises %q, not its own service's address http://%s:8080", name, a, name))
		}
		// The replicas differ in their name and address and nothing else.
		keys := map[string]bool{}
		for k := range env {
			keys[k] = true
		}
		for k := range first {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			if k != "MOCKINTERVIEW_REPLICA" && k != "MOCKINTERVIEW_ADVERTISE" && env[k] != first[k] {
				out = append(out, fmt.Sprintf("replica %s's %s is %q, replica %s's %q", name, k, env[k], replicas[0], first[k]))
			}
		}
		spool := ""
		for _, v := range s.Volumes {
			if vol, at, _ := strings.Cut(v, ":"); strings.TrimSuffix(at, ":rw") == env["MOCKINTERVIEW_DATA"] {
				spool = vol
			}
		}
		if spool == "" {
			out = append(out, fmt.Sprintf("replica %s has no volume at MOCKINTERVIEW_DATA %q for its spool", name, env["MOCKINTERVIEW_DATA"]))
		} else if other, ok := spools[spool]; ok {
			out = append(out, fmt.Sprintf("replicas %s and %s share the spool volume %s: each uploads what it finds there as it starts", other, name, spool))
		} else {
			spools[spool] = name
		}
		if !slices.ContainsFunc(s.Healthcheck.Test, func(a string) bool { return strings.HasSuffix(a, ":8080/readyz") }) {
			out = append(out, fmt.Sprintf("replica %s's healthcheck %q does not ask /readyz", name, s.Healthcheck.Test))
		}
		grace, _ := time.ParseDuration(s.StopGracePeriod)
		if stop := serve.duration(env, "MOCKINTERVIEW_SHUTDOWN_TIMEOUT", "shutdown-timeout"); grace <= stop {
			out = append(out, fmt.Sprintf("replica %s's stop_grace_period %q is not longer than its shutdown timeout %v", name, s.StopGracePeriod, stop))
		}
	}
	return out
}

// replicaStorageProblems checks that a replica keeps its sessions in the
// cluster's PostgreSQL, its audio in the cluster's bucket, and hears
// through both speaches servers.
func (c composeFile) replicaStorageProblems(name string, env map[string]string) []string {
	var out []string
	s := c.Services[name]
	db := env["MOCKINTERVIEW_DATABASE"]
	if host, _ := hostPort(db); !strings.HasPrefix(db, "postgres://") || !slices.Contains(c.byImage("postgres:"), host) {
		out = append(out, fmt.Sprintf("replica %s's MOCKINTERVIEW_DATABASE is not a PostgreSQL URL on the cluster's postgres service", name))
	} else if s.DependsOn[host].Condition != "service_healthy" {
		out = append(out, fmt.Sprintf("replica %s does not wait for %s to be healthy", name, host))
	}
	recs := env["MOCKINTERVIEW_RECORDINGS"]
	bucket, _, _ := strings.Cut(strings.TrimPrefix(recs, "s3://"), "/")
	if host, _ := hostPort(env["MOCKINTERVIEW_S3_ENDPOINT"]); !strings.HasPrefix(recs, "s3://") || !slices.Contains(c.byImage("versity/versitygw:", "minio/minio:"), host) {
		out = append(out, fmt.Sprintf("replica %s's MOCKINTERVIEW_RECORDINGS %q is not a bucket on the cluster's S3 server", name, recs))
	}
	made := false
	for dep, d := range s.DependsOn {
		if d.Condition == "service_completed_successfully" && strings.Contains(strings.Join(c.Services[dep].Command, " "), "/"+bucket) {
			made = true
		}
	}
	if !made {
		out = append(out, fmt.Sprintf("replica %s does not wait for a one-shot service that creates bucket %s", name, bucket))
	}
	urls := strings.Split(env["OPENAI_BASE_URL"], ",")
	speaches := map[string]bool{}
	for _, u := range urls {
		if host, _ := hostPort(u); slices.Contains(c.byImage("ghcr.io/speaches-ai/speaches:"), host) {
			speaches[host] = true
		}
	}
	if len(speaches) < 2 || len(speaches) != len(urls) || env["MOCKINTERVIEW_ENGINE"] != "openai" {
		out = append(out, fmt.Sprintf("replica %s's recognizers %q (engine %s); want two or more speaches servers of the cluster, comma-separated",
			name, env["OPENAI_BASE_URL"], env["MOCKINTERVIEW_ENGINE"]))
	}
	return out
}
