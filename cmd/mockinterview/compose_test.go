package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// No Docker engine runs here, so these tests read docker-compose.yml and
// the Dockerfile and check what the service relies on.

// yamlNode is a value of the small YAML subset compose files are written
// in: a scalar, a list or a map.
type yamlNode struct {
	scalar string
	list   []*yamlNode
	fields map[string]*yamlNode
}

func (n *yamlNode) get(path ...string) *yamlNode {
	for _, k := range path {
		if n == nil || n.fields == nil {
			return nil
		}
		n = n.fields[k]
	}
	return n
}

func (n *yamlNode) scalars() []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, v := range n.list {
		out = append(out, v.scalar)
	}
	return out
}

type yamlLine struct {
	indent int
	text   string
	num    int
}

// parseYAML reads block maps, block lists of scalars and of maps, plain,
// quoted and flow-list scalars, and comments: enough for a compose file,
// and strict about anything else.
func parseYAML(src string) (*yamlNode, error) {
	var lines []yamlLine
	sc := bufio.NewScanner(strings.NewReader(src))
	for num := 1; sc.Scan(); num++ {
		raw := sc.Text()
		if strings.Contains(raw, "\t") {
			return nil, fmt.Errorf("line %d: a tab", num)
		}
		text := strings.TrimSpace(stripComment(raw))
		if text == "" {
			continue
		}
		lines = append(lines, yamlLine{indent: len(raw) - len(strings.TrimLeft(raw, " ")), text: text, num: num})
	}
	n, rest, err := parseBlock(lines, 0)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("line %d: unexpected indentation", rest[0].num)
	}
	return n, nil
}

func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return s[:i]
		}
	}
	return s
}

// parseBlock parses the lines indented exactly indent and what nests in
// them, and returns the lines after the block.
func parseBlock(lines []yamlLine, indent int) (*yamlNode, []yamlLine, error) {
	if len(lines) == 0 {
		return &yamlNode{}, nil, nil
	}
	if strings.HasPrefix(lines[0].text, "- ") || lines[0].text == "-" {
		n := &yamlNode{list: []*yamlNode{}}
		for len(lines) > 0 && lines[0].indent == indent && strings.HasPrefix(lines[0].text, "-") {
			item := strings.TrimSpace(strings.TrimPrefix(lines[0].text, "-"))
			if k, _, ok := cutKey(item); ok && k != "" {
				// A map inside a list: its first key sits after the dash.
				inner := append([]yamlLine{{indent: indent + 2, text: item, num: lines[0].num}}, lines[1:]...)
				child, rest, err := parseBlock(inner, indent+2)
				if err != nil {
					return nil, nil, err
				}
				n.list = append(n.list, child)
				lines = rest
				continue
			}
			v, err := scalar(item)
			if err != nil {
				return nil, nil, fmt.Errorf("line %d: %w", lines[0].num, err)
			}
			n.list = append(n.list, &yamlNode{scalar: v})
			lines = lines[1:]
		}
		return n, lines, nil
	}
	n := &yamlNode{fields: map[string]*yamlNode{}}
	for len(lines) > 0 && lines[0].indent == indent {
		l := lines[0]
		key, value, ok := cutKey(l.text)
		if !ok {
			return nil, nil, fmt.Errorf("line %d: %q is not a key", l.num, l.text)
		}
		if _, dup := n.fields[key]; dup {
			return nil, nil, fmt.Errorf("line %d: key %q twice", l.num, key)
		}
		lines = lines[1:]
		if value != "" {
			if strings.HasPrefix(value, "[") {
				list, err := flowList(value)
				if err != nil {
					return nil, nil, fmt.Errorf("line %d: %w", l.num, err)
				}
				n.fields[key] = list
				continue
			}
			v, err := scalar(value)
			if err != nil {
				return nil, nil, fmt.Errorf("line %d: %w", l.num, err)
			}
			n.fields[key] = &yamlNode{scalar: v}
			continue
		}
		if len(lines) == 0 || lines[0].indent <= indent {
			n.fields[key] = &yamlNode{} // an empty value, as in "volumes:\n  data:"
			continue
		}
		child, rest, err := parseBlock(lines, lines[0].indent)
		if err != nil {
			return nil, nil, err
		}
		n.fields[key] = child
		lines = rest
	}
	if len(lines) > 0 && lines[0].indent > indent {
		return nil, nil, fmt.Errorf("line %d: unexpected indentation", lines[0].num)
	}
	return n, lines, nil
}

// cutKey splits "key: value"; the key may be quoted.
func cutKey(s string) (key, value string, ok bool) {
	if strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "'") {
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 || !strings.HasPrefix(s[end+2:], ":") {
			return "", "", false
		}
		return s[1 : end+1], strings.TrimSpace(s[end+3:]), true
	}
	i := strings.Index(s, ": ")
	if i < 0 {
		if strings.HasSuffix(s, ":") {
			return s[:len(s)-1], "", true
		}
		return "", "", false
	}
	return s[:i], strings.TrimSpace(s[i+2:]), true
}

func scalar(s string) (string, error) {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') {
		if s[len(s)-1] != s[0] {
			return "", fmt.Errorf("unterminated quote in %s", s)
		}
		return s[1 : len(s)-1], nil
	}
	if strings.ContainsAny(s[:1], `"'{[&*!|>%@`+"`") {
		return "", fmt.Errorf("unsupported scalar %s", s)
	}
	return s, nil
}

func flowList(s string) (*yamlNode, error) {
	if !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("unterminated list %s", s)
	}
	n := &yamlNode{list: []*yamlNode{}}
	for _, item := range splitFlow(s[1 : len(s)-1]) {
		v, err := scalar(strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		n.list = append(n.list, &yamlNode{scalar: v})
	}
	return n, nil
}

// splitFlow splits a flow list's items on commas outside quotes.
func splitFlow(s string) []string {
	var out []string
	quote, start := byte(0), 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

func TestParseYAMLSubset(t *testing.T) {
	n, err := parseYAML("a:\n  b: \"x: y\" # note\n  c:\n    - 1\n    - k: v\n      w: z\n  d: [\"p\", 'q, r']\ne:\n")
	if err != nil {
		t.Fatal(err)
	}
	if n.get("a", "b").scalar != "x: y" || len(n.get("a", "c").list) != 2 || n.get("a", "c").list[1].get("w").scalar != "z" ||
		strings.Join(n.get("a", "d").scalars(), "|") != "p|q, r" || n.get("e") == nil {
		t.Errorf("parsed %+v", n)
	}
	for _, bad := range []string{"a:\n\tb: 1\n", "a: 1\na: 2\n", "a:\n  b: 1\n c: 2\n", "a: \"open\n", "a: {b: 1}\n"} {
		if _, err := parseYAML(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestComposeFile(t *testing.T) {
	src, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseYAML(string(src))
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	app := c.get("services", "mockinterview")
	speaches := c.get("services", "speaches")
	if app == nil || speaches == nil {
		t.Fatalf("services %v; want mockinterview and speaches", c.get("services"))
	}
	if app.get("build").scalar != "." {
		t.Errorf("mockinterview builds from %q; want the Dockerfile at the root", app.get("build").scalar)
	}
	if ports := app.get("ports").scalars(); len(ports) != 1 || ports[0] != "8080:8080" {
		t.Errorf("mockinterview ports %v; want 8080:8080", ports)
	}
	if v := app.get("volumes").scalars(); len(v) != 1 || v[0] != "mockinterview-data:/data" {
		t.Errorf("mockinterview volumes %v; want mockinterview-data:/data", v)
	}
	env := app.get("environment")
	want := map[string]*regexp.Regexp{
		"MOCKINTERVIEW_ADDR":         regexp.MustCompile(`^0\.0\.0\.0:8080$`),
		"MOCKINTERVIEW_DATA":         regexp.MustCompile(`^/data$`),
		"MOCKINTERVIEW_ENGINE":       regexp.MustCompile(`^openai$`),
		"OPENAI_BASE_URL":            regexp.MustCompile(`^\$\{OPENAI_BASE_URL:-http://speaches:8000/v1\}$`),
		"MOCKINTERVIEW_OPENAI_MODEL": regexp.MustCompile(`faster-whisper`),
		"MOCKINTERVIEW_FALLBACK":     regexp.MustCompile(`^true$`),
	}
	for name, re := range want {
		if v := env.get(name); v == nil || !re.MatchString(v.scalar) {
			t.Errorf("mockinterview's %s is %v; want %s", name, v, re)
		}
	}
	if app.get("depends_on", "speaches") == nil {
		t.Error("mockinterview does not start speaches")
	}
	if app.get("depends_on", "speaches", "required").scalarOr("true") != "false" {
		t.Error("mockinterview must start without speaches: the embedded engine is the fallback")
	}

	// Every variable given to the service is one serve reads.
	_, help, _ := runCLI(t, "serve", "-h")
	for name := range env.fields {
		if name != "OPENAI_API_KEY" && !strings.Contains(help, "[$"+name+"]") {
			t.Errorf("compose sets %s, which `mockinterview serve` does not read", name)
		}
	}
	if !strings.Contains(help, "[$OPENAI_API_KEY]") {
		t.Error("serve does not read OPENAI_API_KEY")
	}

	if img := speaches.get("image").scalar; !strings.HasPrefix(img, "ghcr.io/speaches-ai/speaches:") {
		t.Errorf("speaches image %q", img)
	}
	if v := speaches.get("volumes").scalars(); len(v) != 1 || !strings.HasPrefix(v[0], "hf-hub-cache:") {
		t.Errorf("speaches volumes %v; want the model cache", v)
	}
	for _, vol := range []string{"mockinterview-data", "hf-hub-cache"} {
		if c.get("volumes", vol) == nil {
			t.Errorf("volume %s is not declared", vol)
		}
	}
}

func (n *yamlNode) scalarOr(def string) string {
	if n == nil {
		return def
	}
	return n.scalar
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(mod))
	froms := regexp.MustCompile(`(?m)^FROM (\S+)(?: AS (\S+))?$`).FindAllStringSubmatch(df, -1)
	if len(froms) != 2 || froms[0][2] != "build" || !strings.HasPrefix(froms[1][1], "debian:") {
		t.Fatalf("stages %v; want a build stage, then Debian", froms)
	}
	if goVersion == nil || !strings.HasPrefix(froms[0][1], "golang:"+goVersion[1]) {
		t.Errorf("build stage %s; go.mod wants go %v", froms[0][1], goVersion)
	}
	for _, want := range []string{"libpocketsphinx-dev", "libpocketsphinx3", "pocketsphinx-en-us", "COPY --from=build", "VOLUME /data", "EXPOSE 8080", "MOCKINTERVIEW_DATA=/data", `CMD ["serve"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
