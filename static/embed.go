// Package static is the browser client, embedded into the binary so that
// `mockinterview serve` needs no files beside it.
package static

import "embed"

// Files holds the client: index.html and what it loads.
//
//go:embed *
var Files embed.FS
