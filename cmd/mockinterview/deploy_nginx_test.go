package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// nginxDirective is a directive of an nginx configuration: a simple one,
// or a block with its directives.
type nginxDirective struct {
	name  string
	args  []string
	block []nginxDirective // nil for a simple directive
}

// parseNginx reads nginx's configuration syntax: directives ending in ";",
// blocks in braces, quoted arguments and comments.
func parseNginx(src string) ([]nginxDirective, error) {
	tokens, err := nginxTokens(src)
	if err != nil {
		return nil, err
	}
	list, rest, err := nginxBlock(tokens)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, errors.New(`a "}" with no block to close`)
	}
	return list, nil
}

func nginxTokens(src string) ([]string, error) {
	var tokens []string
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '{' || c == '}' || c == ';':
			tokens = append(tokens, string(c))
			i++
		case c == '"' || c == '\'':
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote at byte %d", i)
			}
			tokens = append(tokens, src[i+1:i+1+end])
			i += end + 2
		default:
			start := i
			for i < len(src) && !strings.ContainsRune(" \t\r\n{};", rune(src[i])) {
				i++
			}
			tokens = append(tokens, src[start:i])
		}
	}
	return tokens, nil
}

// nginxBlock parses directives up to a "}" or the end, and returns the
// tokens after them (starting with that "}").
func nginxBlock(tokens []string) ([]nginxDirective, []string, error) {
	list := []nginxDirective{}
	for len(tokens) > 0 && tokens[0] != "}" {
		d := nginxDirective{name: tokens[0]}
		tokens = tokens[1:]
		for len(tokens) > 0 && tokens[0] != ";" && tokens[0] != "{" && tokens[0] != "}" {
			d.args = append(d.args, tokens[0])
			tokens = tokens[1:]
		}
		switch {
		case len(tokens) > 0 && tokens[0] == ";":
			tokens = tokens[1:]
		case len(tokens) > 0 && tokens[0] == "{":
			block, rest, err := nginxBlock(tokens[1:])
			if err != nil {
				return nil, nil, err
			}
			if len(rest) == 0 {
				return nil, nil, fmt.Errorf("%s %v: block not closed", d.name, d.args)
			}
			d.block, tokens = block, rest[1:]
		default:
			return nil, nil, fmt.Errorf("%s %v: no ';'", d.name, d.args)
		}
		list = append(list, d)
	}
	return list, tokens, nil
}

// find returns the directives named name, with args starting with prefix.
func find(list []nginxDirective, name string, prefix ...string) []nginxDirective {
	var out []nginxDirective
	for _, d := range list {
		if d.name == name && len(d.args) >= len(prefix) && slices.Equal(d.args[:len(prefix)], prefix) {
			out = append(out, d)
		}
	}
	return out
}

// effective is a location's directives named name as nginx applies them:
// its own if it has any, else the server's (nginx inherits an array
// directive such as proxy_set_header only where a level sets none).
func effective(server, location []nginxDirective, name string) []nginxDirective {
	if own := find(location, name); len(own) > 0 {
		return own
	}
	return find(server, name)
}

// nginxSeconds reads an nginx time such as 3600s, 60m, 1h or 90.
func nginxSeconds(s string) time.Duration {
	units := map[string]time.Duration{"": time.Second, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	m := regexp.MustCompile(`^(\d+)(ms|s|m|h|d)?$`).FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return time.Duration(n) * units[m[2]]
}

// nginxProblems checks the load balancer against the compose file: it
// listens where compose publishes it, sends to the cluster's replicas, and
// passes WebSocket upgrades on /v1/listen for a whole session.
func nginxProblems(conf []nginxDirective, c composeFile, serve serveSettings) []string {
	var out []string
	const file = "deploy/nginx/mockinterview.conf"
	lb := c.byImage("nginx:")
	if len(lb) != 1 {
		return []string{"no nginx service in docker-compose.yml"}
	}
	nginx := c.Services[lb[0]]
	if !slices.ContainsFunc(nginx.Volumes, func(v string) bool { return strings.HasPrefix(v, "./"+file+":/etc/nginx/conf.d/") }) {
		out = append(out, fmt.Sprintf("the nginx service does not mount %s in /etc/nginx/conf.d: %v", file, nginx.Volumes))
	}
	var want []string
	for _, name := range c.replicas() {
		_, port := hostPort(c.Services[name].env()["MOCKINTERVIEW_ADDR"])
		want = append(want, name+":"+port)
	}
	upstreams := find(conf, "upstream")
	servers := find(conf, "server")
	if len(upstreams) != 1 || len(servers) != 1 {
		return append(out, fmt.Sprintf("%s has %d upstreams and %d servers; want one of each", file, len(upstreams), len(servers)))
	}
	var got []string
	for _, d := range find(upstreams[0].block, "server") {
		got = append(got, d.args[0])
	}
	if !slices.Equal(got, want) {
		out = append(out, fmt.Sprintf("%s's upstream sends to %v; want the replicas %v", file, got, want))
	}
	server := servers[0].block
	listen := find(server, "listen")
	if len(listen) != 1 || !slices.ContainsFunc(nginx.Ports, func(p string) bool { return strings.HasSuffix(p, ":"+listen[0].args[0]) }) {
		out = append(out, fmt.Sprintf("%s listens on %v, which the nginx service's ports %v do not publish", file, listen, nginx.Ports))
	}
	live := find(server, "location", "=", "/v1/listen")
	if len(live) != 1 {
		return append(out, file+" has no location = /v1/listen for the live sessions")
	}
	loc := live[0].block
	if p := find(loc, "proxy_pass"); len(p) != 1 || p[0].args[0] != "http://"+upstreams[0].args[0] {
		out = append(out, fmt.Sprintf("%s's /v1/listen does not proxy_pass to the upstream", file))
	}
	if v := effective(server, loc, "proxy_http_version"); len(v) != 1 || v[0].args[0] != "1.1" {
		out = append(out, fmt.Sprintf("%s's /v1/listen does not use proxy_http_version 1.1, which WebSocket needs", file))
	}
	headers := map[string]string{}
	for _, d := range effective(server, loc, "proxy_set_header") {
		headers[strings.ToLower(d.args[0])] = d.args[1]
	}
	if headers["upgrade"] != "$http_upgrade" {
		out = append(out, fmt.Sprintf("%s's /v1/listen does not pass the Upgrade header: %v", file, headers))
	}
	if conn := headers["connection"]; conn != "upgrade" && !mapsToUpgrade(conf, conn) {
		out = append(out, fmt.Sprintf("%s's /v1/listen passes Connection %q, not upgrade", file, conn))
	}
	session := serve.duration(c.Services[c.replicas()[0]].env(), "MOCKINTERVIEW_MAX_SESSION", "max-session")
	for _, name := range []string{"proxy_read_timeout", "proxy_send_timeout"} {
		d := time.Minute // nginx's default
		if v := effective(server, loc, name); len(v) > 0 {
			d = nginxSeconds(v[0].args[0])
		}
		if d < session {
			out = append(out, fmt.Sprintf("%s's /v1/listen has %s %v, shorter than a session (%v)", file, name, d, session))
		}
	}
	return out
}

// mapsToUpgrade reports whether variable is set by a map from
// $http_upgrade whose default is upgrade.
func mapsToUpgrade(conf []nginxDirective, variable string) bool {
	for _, m := range find(conf, "map", "$http_upgrade", variable) {
		if d := find(m.block, "default"); len(d) == 1 && d[0].args[0] == "upgrade" {
			return true
		}
	}
	return false
}
