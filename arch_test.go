// Package mockinterview holds no code, only this test of the import arrows
// between the project's rooms (see README.md, "Layout"): they point down,
// cmd → server → protocol, store, interviewer, transcribe, and the rooms at the
// bottom stay free of what they must not need.
package mockinterview

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/mockinterview/mockinterview"

// A room is a set of packages (a go list pattern) and what their
// dependencies, direct or not, must not include.
type room struct {
	pattern string
	why     string
	// forbidden are standard packages the room must not depend on, nor on
	// any package below them (net takes net/http).
	forbidden []string
	// ours lists the packages of this module the room may depend on, a
	// trailing /... taking those below too; any other of ours is refused.
	ours []string
	// thirdParty allows modules other than the standard library.
	thirdParty bool
	// except are packages the pattern matches that have a room of their
	// own instead.
	except []string
}

var rooms = []room{{
	pattern:   "./interviewer/...",
	why:       "the interview as an idea, with no I/O: the standard library and transcribe's types",
	forbidden: []string{"net", "database/sql", "os/exec", "runtime/cgo"},
	ours:      []string{"interviewer/...", "transcribe"},
}, {
	pattern:   "./interviewer/star",
	why:       "the STAR model knows nothing of interviews: interviewer calls it, never the other way",
	forbidden: []string{"net", "database/sql", "os/exec", "runtime/cgo"},
	ours:      []string{"interviewer/star", "transcribe"},
}, {
	pattern:   "./transcribe",
	why:       "the types and audio every engine shares: no cgo, no network",
	forbidden: []string{"net", "database/sql", "os/exec", "runtime/cgo"},
	ours:      []string{"transcribe"},
}, {
	pattern:    "./protocol",
	why:        "the wire format and its Go client (so the network, and net's cgo): the messages carry interviewer's and transcribe's types and the store's utterance record, nothing of the server, a storage implementation or the engines",
	forbidden:  []string{"database/sql", "os/exec"},
	ours:       []string{"protocol", "store", "interviewer/...", "transcribe"},
	thirdParty: true,
}, {
	pattern:   "./store",
	why:       "where sessions and audio are kept, as interfaces and records: no database, no network, no server",
	forbidden: []string{"net", "database/sql", "os/exec", "runtime/cgo"},
	ours:      []string{"store", "interviewer/...", "transcribe"},
}, {
	pattern:    "./store/...",
	why:        "the implementations sit below store and know nothing of HTTP, the session loop or the engines",
	forbidden:  []string{"net/http"},
	ours:       []string{"store/...", "interviewer/...", "transcribe"},
	thirdParty: true,
	except:     []string{"store/s3"},
}, {
	pattern:    "./store/s3",
	why:        "S3's recordings speak HTTP as an object store's client (minio-go, which brings along what the standard library checks could refuse: uuid's database/sql/driver, credentials' os/exec), and know nothing of the server, the session loop, the database or the engines",
	ours:       []string{"store/s3", "store", "interviewer/...", "transcribe"},
	thirdParty: true,
}, {
	pattern:    "./store/postgres",
	why:        "PostgreSQL's store opens its database beside SQLite's, not built on store/folder: the SQL store, the pgx driver (so the network), no HTTP, no server",
	forbidden:  []string{"net/http", "os/exec"},
	ours:       []string{"store/postgres", "store/sqlstore", "store", "interviewer/...", "transcribe"},
	thirdParty: true,
}, {
	pattern:   "./store/sqlstore",
	why:       "the one SQL implementation of the store's rows for SQLite and PostgreSQL: database/sql and store's records, no driver (each store opens its own and gives its dialect), no network",
	forbidden: []string{"net", "os/exec", "runtime/cgo"},
	ours:      []string{"store/sqlstore", "store", "interviewer/...", "transcribe"},
}, {
	pattern:   "./store/transfer",
	why:       "migrate's copy works through store's interfaces only, so that it copies between any two implementations: no database, no object store, no server",
	forbidden: []string{"net", "database/sql", "os/exec", "runtime/cgo"},
	ours:      []string{"store/transfer", "store", "interviewer/...", "transcribe"},
}, {
	pattern:   "./store/storetest",
	why:       "the checks every store passes alike speak only store's interfaces: no database, no implementation",
	forbidden: []string{"net", "database/sql", "os/exec", "runtime/cgo"},
	ours:      []string{"store/storetest", "store", "interviewer/...", "transcribe"},
}, {
	pattern:    "./server",
	why:        "the server holds storage through store's interfaces, not one implementation, and engines through transcribe's",
	ours:       []string{"server", "protocol", "store", "interviewer/...", "transcribe"},
	thirdParty: true,
}, {
	pattern:    "./transcribe/...",
	why:        "the engines sit below transcribe and know nothing of interviews or the server",
	ours:       []string{"transcribe/..."},
	thirdParty: true,
}}

// listed is what go list says of one package.
type listed struct {
	ImportPath string
	Standard   bool
	Imports    []string
	CgoFiles   []string
	DepOnly    bool
}

// TestImportArrows runs go list -deps on each room and names, for every
// dependency the room must not have, the chain of imports that brings it.
func TestImportArrows(t *testing.T) {
	for _, room := range rooms {
		t.Run(strings.TrimPrefix(room.pattern, "./"), func(t *testing.T) {
			pkgs, roots := goListDeps(t, room.pattern)
			roots = slices.DeleteFunc(roots, func(path string) bool {
				return slices.Contains(room.except, strings.TrimPrefix(path, module+"/"))
			})
			bad := map[string]string{}
			for path, p := range pkgs {
				if why := room.refuses(p); why != "" {
					bad[path] = why
				}
			}
			var found []string
			for path, via := range entries(pkgs, roots, bad) {
				found = append(found, fmt.Sprintf("%s, %s: %s", path, bad[path], via))
			}
			slices.Sort(found)
			for _, f := range found {
				t.Errorf("%s (%s) depends on %s", room.pattern, room.why, f)
			}
		})
	}
}

// goListDeps returns the packages matching pattern and all they depend
// on, by import path, and the matching ones' paths.
func goListDeps(t *testing.T, pattern string) (pkgs map[string]listed, roots []string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on the PATH: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "-json=ImportPath,Standard,Imports,CgoFiles,DepOnly", pattern).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("go list -deps %s: %v\n%s", pattern, err, exit.Stderr)
	} else if err != nil {
		t.Fatalf("go list -deps %s: %v", pattern, err)
	}
	pkgs = map[string]listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list -deps %s: %v", pattern, err)
		}
		pkgs[p.ImportPath] = p
		if !p.DepOnly {
			roots = append(roots, p.ImportPath)
		}
	}
	return pkgs, roots
}

// refuses says why the room may not depend on p, or "" if it may.
func (r room) refuses(p listed) string {
	path := p.ImportPath
	switch {
	case p.Standard:
		for _, f := range r.forbidden {
			if path == f || strings.HasPrefix(path, f+"/") {
				return "which it must not need"
			}
		}
	case path == module || strings.HasPrefix(path, module+"/"):
		rel := strings.TrimPrefix(path, module+"/")
		for _, ok := range r.ours {
			below, all := strings.CutSuffix(ok, "/...")
			if rel == below || all && strings.HasPrefix(rel, below+"/") {
				return ""
			}
		}
		return "a package of ours it must not import (the arrows point down)"
	case !r.thirdParty:
		return "a module outside the standard library"
	}
	if len(p.CgoFiles) > 0 && slices.Contains(r.forbidden, "runtime/cgo") {
		return "which uses cgo"
	}
	return ""
}

// entries finds where refused packages enter: walking the imports from
// the room's own packages through the packages it may have, it returns
// each refused package met, with the chain of imports that reaches it
// ("interviewer → transcribe → net"). What a refused package brings
// along is not listed.
func entries(pkgs map[string]listed, roots []string, bad map[string]string) map[string]string {
	from := map[string]string{}
	found := map[string]string{}
	queue := slices.Clone(roots)
	for _, r := range roots {
		from[r] = ""
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if bad[p] != "" {
			var path []string
			for q := p; q != ""; q = from[q] {
				path = append(path, strings.TrimPrefix(q, module+"/"))
			}
			slices.Reverse(path)
			found[p] = strings.Join(path, " → ")
			continue
		}
		for _, next := range pkgs[p].Imports {
			if _, seen := from[next]; !seen {
				from[next] = p
				queue = append(queue, next)
			}
		}
	}
	return found
}
