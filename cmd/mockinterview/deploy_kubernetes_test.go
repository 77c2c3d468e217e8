package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// kubernetesObject is what the tests read of a manifest; each kind fills
// the fields it has.
type kubernetesObject struct {
	file       string
	Kind       string
	APIVersion string `yaml:"apiVersion"`
	Metadata   struct {
		Name        string
		Labels      map[string]string
		Annotations map[string]string
	}
	Data       map[string]string // ConfigMap
	StringData map[string]string `yaml:"stringData"` // Secret
	Resources  []string          // Kustomization
	Spec       struct {
		Replicas *int
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		}
		Template struct {
			Metadata struct{ Labels map[string]string }
			Spec     podSpec
		}
		// Service
		ServiceSelector map[string]string `yaml:"-"`
		Ports           []servicePort
		// Ingress
		Rules []struct {
			HTTP struct {
				Paths []struct {
					Path    string
					Backend struct {
						Service struct {
							Name string
							Port struct {
								Name   string
								Number int
							}
						}
					}
				}
			}
		}
		// HorizontalPodAutoscaler
		ScaleTargetRef struct{ Kind, Name string } `yaml:"scaleTargetRef"`
		MinReplicas    int                         `yaml:"minReplicas"`
		Metrics        []struct {
			Type string
			Pods struct {
				Metric struct{ Name string }
			}
		}
	}
}

type servicePort struct {
	Name       string
	Port       int
	TargetPort string `yaml:"targetPort"`
}

type podSpec struct {
	TerminationGracePeriodSeconds *int   `yaml:"terminationGracePeriodSeconds"`
	RestartPolicy                 string `yaml:"restartPolicy"`
	Containers                    []container
}

type container struct {
	Name    string
	Image   string
	Command []string
	Args    []string
	Ports   []struct {
		Name          string
		ContainerPort int `yaml:"containerPort"`
	}
	Env []struct {
		Name      string
		Value     string
		ValueFrom struct {
			FieldRef struct {
				FieldPath string `yaml:"fieldPath"`
			} `yaml:"fieldRef"`
		} `yaml:"valueFrom"`
	}
	EnvFrom []struct {
		ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
		SecretRef    *struct{ Name string } `yaml:"secretRef"`
	} `yaml:"envFrom"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	StartupProbe   *probe `yaml:"startupProbe"`
	Lifecycle      struct {
		PreStop *struct {
			Exec  *struct{ Command []string }
			Sleep *struct{ Seconds int }
		} `yaml:"preStop"`
	}
}

type probe struct {
	HTTPGet *struct {
		Path string
		Port string
	} `yaml:"httpGet"`
}

// parseKubernetes reads every document of deploy/kubernetes/*.yaml.
func parseKubernetes(files clusterFiles) ([]kubernetesObject, error) {
	var objects []kubernetesObject
	for _, name := range sortedKeys(files) {
		if !strings.HasPrefix(name, "deploy/kubernetes/") {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader([]byte(files[name])))
		for {
			var node yaml.Node
			if err := dec.Decode(&node); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			o := kubernetesObject{file: name}
			if err := node.Decode(&o); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if o.Kind == "Service" {
				var svc struct {
					Spec struct{ Selector map[string]string }
				}
				if err := node.Decode(&svc); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				o.Spec.ServiceSelector = svc.Spec.Selector
			}
			objects = append(objects, o)
		}
	}
	return objects, nil
}

// one returns the only object of kind, or a problem.
func one(objects []kubernetesObject, kind string) (kubernetesObject, string) {
	var found []kubernetesObject
	for _, o := range objects {
		if o.Kind == kind {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		return kubernetesObject{}, fmt.Sprintf("deploy/kubernetes has %d %s objects; want one", len(found), kind)
	}
	return found[0], ""
}

func kubernetesProblems(objects []kubernetesObject, files clusterFiles, serve serveSettings) []string {
	byKind := map[string]kubernetesObject{}
	var out []string
	for _, kind := range []string{"Kustomization", "ConfigMap", "Secret", "Deployment", "Service", "Ingress", "Job", "HorizontalPodAutoscaler"} {
		o, problem := one(objects, kind)
		if problem != "" {
			out = append(out, problem)
		}
		byKind[kind] = o
	}
	if len(out) > 0 {
		return out
	}
	for _, r := range byKind["Kustomization"].Resources {
		if _, ok := files[path.Join("deploy/kubernetes", r)]; !ok {
			out = append(out, fmt.Sprintf("kustomization.yaml lists %s, which is not there", r))
		}
	}
	config, secret := byKind["ConfigMap"], byKind["Secret"]
	env := maps.Clone(config.Data)
	maps.Copy(env, secret.StringData)

	deploy := byKind["Deployment"]
	if r := deploy.Spec.Replicas; r == nil || *r < 2 {
		out = append(out, "the deployment's replicas are not set to two or more")
	}
	pod := deploy.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		return append(out, "the deployment's pod has other than one container")
	}
	c := pod.Containers[0]
	out = append(out, envFromProblems("the deployment", c, config, secret)...)
	for _, e := range c.Env {
		env[e.Name] = e.Value
		if e.Name == "MOCKINTERVIEW_REPLICA" {
			if e.ValueFrom.FieldRef.FieldPath != "metadata.name" {
				out = append(out, "the deployment's MOCKINTERVIEW_REPLICA does not come from the pod's name (fieldRef metadata.name)")
			}
			env[e.Name] = "mockinterview-7d9f-abcde"
		}
	}
	// A variable only other values refer to, as $(POD_IP), is the pod's
	// own business; serve sees the values it makes.
	for _, e := range c.Env {
		if e.ValueFrom.FieldRef.FieldPath == "status.podIP" {
			delete(env, e.Name)
			for k, v := range env {
				env[k] = strings.ReplaceAll(v, "$("+e.Name+")", "10.1.2.3")
			}
		}
	}
	if a := env["MOCKINTERVIEW_ADVERTISE"]; a != "http://10.1.2.3:8080" {
		out = append(out, fmt.Sprintf("the deployment advertises %q, not the pod's own address (http://$(POD_IP):8080 from status.podIP)", a))
	}
	if _, ok := env["MOCKINTERVIEW_REPLICA"]; !ok {
		out = append(out, "the deployment does not name its replicas with MOCKINTERVIEW_REPLICA")
	}
	out = append(out, serve.variableProblems("the deployment", env)...)
	out = append(out, valueProblems("the deployment", env)...)
	if !strings.HasPrefix(env["MOCKINTERVIEW_DATABASE"], "postgres://") || !strings.HasPrefix(env["MOCKINTERVIEW_RECORDINGS"], "s3://") {
		out = append(out, "the deployment does not keep its sessions in PostgreSQL and its recordings in a bucket")
	}
	if len(c.Args) != 1 || c.Args[0] != "serve" {
		out = append(out, fmt.Sprintf("the deployment's container runs %v; want serve", c.Args))
	}
	_, addrPort := hostPort(env["MOCKINTERVIEW_ADDR"])
	ports := map[string]string{} // by name and by number, to the number
	for _, p := range c.Ports {
		n := strconv.Itoa(p.ContainerPort)
		ports[n], ports[p.Name] = n, n
	}
	if ports[addrPort] == "" {
		out = append(out, fmt.Sprintf("the container does not expose MOCKINTERVIEW_ADDR's port %q", addrPort))
	}
	for _, p := range []struct {
		name, path string
		probe      *probe
	}{{"readinessProbe", "/readyz", c.ReadinessProbe}, {"livenessProbe", "/healthz", c.LivenessProbe}} {
		if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path || ports[p.probe.HTTPGet.Port] != addrPort {
			out = append(out, fmt.Sprintf("the deployment's %s does not ask %s on port %s", p.name, p.path, addrPort))
		}
	}
	out = append(out, graceProblems(pod, c, serve.duration(env, "MOCKINTERVIEW_SHUTDOWN_TIMEOUT", "shutdown-timeout"))...)

	svc := byKind["Service"]
	labels, jobLabels := deploy.Spec.Template.Metadata.Labels, byKind["Job"].Spec.Template.Metadata.Labels
	if len(svc.Spec.ServiceSelector) == 0 || !selects(svc.Spec.ServiceSelector, labels) || selects(svc.Spec.ServiceSelector, jobLabels) {
		out = append(out, fmt.Sprintf("the service's selector %v must pick the deployment's pods %v and not the job's %v", svc.Spec.ServiceSelector, labels, jobLabels))
	}
	if !selects(deploy.Spec.Selector.MatchLabels, labels) {
		out = append(out, "the deployment's selector does not pick its own pods")
	}
	svcPorts := map[string]bool{}
	for _, p := range svc.Spec.Ports {
		svcPorts[p.Name], svcPorts[strconv.Itoa(p.Port)] = true, true
		if ports[p.TargetPort] != addrPort {
			out = append(out, fmt.Sprintf("the service's port %s goes to %q, not the container's %s", p.Name, p.TargetPort, addrPort))
		}
	}
	out = append(out, ingressProblems(byKind["Ingress"], svc, svcPorts, serve.duration(env, "MOCKINTERVIEW_MAX_SESSION", "max-session"))...)
	out = append(out, jobProblems(byKind["Job"], config, secret, serve)...)

	hpa := byKind["HorizontalPodAutoscaler"]
	if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != deploy.Metadata.Name || hpa.Spec.MinReplicas < 2 {
		out = append(out, fmt.Sprintf("the autoscaler scales %v from %d; want the deployment, from two", hpa.Spec.ScaleTargetRef, hpa.Spec.MinReplicas))
	}
	if len(hpa.Spec.Metrics) != 1 || hpa.Spec.Metrics[0].Type != "Pods" {
		out = append(out, "the autoscaler does not scale on one per-pod metric")
	} else {
		out = append(out, metricProblems(files, "the autoscaler", hpa.Spec.Metrics[0].Pods.Metric.Name)...)
	}
	return out
}

// selects reports whether every label of selector is one of labels.
func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// envFromProblems checks that a container takes its settings from the
// config map and the secret.
func envFromProblems(who string, c container, config, secret kubernetesObject) []string {
	var maps, secrets []string
	for _, e := range c.EnvFrom {
		if e.ConfigMapRef != nil {
			maps = append(maps, e.ConfigMapRef.Name)
		}
		if e.SecretRef != nil {
			secrets = append(secrets, e.SecretRef.Name)
		}
	}
	if !slices.Equal(maps, []string{config.Metadata.Name}) || !slices.Equal(secrets, []string{secret.Metadata.Name}) {
		return []string{fmt.Sprintf("%s takes its environment from config maps %v and secrets %v; want %s and %s", who, maps, secrets, config.Metadata.Name, secret.Metadata.Name)}
	}
	return nil
}

// graceProblems checks that a stopping pod has time for its preStop pause
// and for serve's shutdown, in which live answers finish.
func graceProblems(pod podSpec, c container, shutdown time.Duration) []string {
	pause := 0
	if p := c.Lifecycle.PreStop; p != nil && p.Sleep != nil {
		pause = p.Sleep.Seconds
	} else if p != nil && p.Exec != nil && len(p.Exec.Command) == 2 && p.Exec.Command[0] == "sleep" {
		pause, _ = strconv.Atoi(p.Exec.Command[1])
	} else {
		return []string{"the deployment has no preStop pause for the endpoints to forget a stopping pod"}
	}
	grace := 30 // Kubernetes' default
	if pod.TerminationGracePeriodSeconds != nil {
		grace = *pod.TerminationGracePeriodSeconds
	}
	if need := time.Duration(pause)*time.Second + shutdown; time.Duration(grace)*time.Second <= need {
		return []string{fmt.Sprintf("the deployment's terminationGracePeriodSeconds %d is not longer than its preStop pause and shutdown timeout (%v)", grace, need)}
	}
	return nil
}

func ingressProblems(ing, svc kubernetesObject, svcPorts map[string]bool, session time.Duration) []string {
	var out []string
	for _, name := range []string{"proxy-read-timeout", "proxy-send-timeout"} {
		s, err := strconv.Atoi(ing.Metadata.Annotations["nginx.ingress.kubernetes.io/"+name])
		if err != nil || time.Duration(s)*time.Second < session {
			out = append(out, fmt.Sprintf("the ingress's %s annotation %q is not a number of seconds as long as a session (%v)",
				name, ing.Metadata.Annotations["nginx.ingress.kubernetes.io/"+name], session))
		}
	}
	routed := false
	for _, r := range ing.Spec.Rules {
		for _, p := range r.HTTP.Paths {
			b := p.Backend.Service
			port := b.Port.Name
			if port == "" {
				port = strconv.Itoa(b.Port.Number)
			}
			if p.Path == "/" && b.Name == svc.Metadata.Name && svcPorts[port] {
				routed = true
			}
		}
	}
	if !routed {
		out = append(out, "the ingress does not send / to the service's port")
	}
	return out
}

// servedFlags are the flags a shell command line gives `mockinterview serve`.
var servedFlags = regexp.MustCompile(`mockinterview serve((?: --?[a-z0-9-]+(?:[ =][^ -]\S*)?)*)`)

func jobProblems(job, config, secret kubernetesObject, serve serveSettings) []string {
	pod := job.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		return []string{"the migration job's pod has other than one container"}
	}
	c := pod.Containers[0]
	out := envFromProblems("the migration job", c, config, secret)
	if pod.RestartPolicy != "Never" && pod.RestartPolicy != "OnFailure" {
		out = append(out, fmt.Sprintf("the migration job's restartPolicy is %q", pod.RestartPolicy))
	}
	script := strings.Join(append(c.Command, c.Args...), " ")
	m := servedFlags.FindStringSubmatch(script)
	if m == nil {
		return append(out, "the migration job does not run mockinterview serve, which applies the migrations")
	}
	for _, f := range regexp.MustCompile(`--?([a-z0-9-]+)`).FindAllStringSubmatch(m[1], -1) {
		if !serve.flags[f[1]] {
			out = append(out, fmt.Sprintf("the migration job gives serve --%s, which it does not take", f[1]))
		}
	}
	return out
}
