package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/store/folder"
	"github.com/mockinterview/mockinterview/store/s3"
)

// recordingsAdvice says what --recordings takes.
const recordingsAdvice = "give file:PATH (the default is file:DATA/audio, DATA being --data) or " + s3.URLForm +
	" for S3-compatible storage, with --s3-endpoint for a server other than AWS S3"

// recordingsFlag is --recordings, where the audio is kept, with the
// flags of S3-compatible storage. Its credentials come from the
// environment, as every S3 tool takes them.
type recordingsFlag struct {
	fs        *flagSet
	prefix    string // of every flag's name
	value     string
	endpoint  string
	region    string
	pathStyle bool
	chunk     time.Duration
}

// register adds --recordings and the --s3- flags, which their variables
// set too.
func (f *recordingsFlag) register(fs *flagSet) {
	f.registerAs(fs, "", map[string]string{"recordings": "empty: file:DATA/audio in --data [$MOCKINTERVIEW_RECORDINGS]",
		"s3-endpoint": " [$MOCKINTERVIEW_S3_ENDPOINT]", "s3-region": " [$MOCKINTERVIEW_S3_REGION]",
		"s3-path-style": " [$MOCKINTERVIEW_S3_PATH_STYLE]", "s3-chunk": " [$MOCKINTERVIEW_S3_CHUNK]"})
}

// registerAs adds the flags named with prefix, each usage ending in
// tails' line for its name; without a line for s3-chunk, that flag is
// left out (recordings that are only read).
func (f *recordingsFlag) registerAs(fs *flagSet, prefix string, tails map[string]string) {
	f.fs, f.prefix = fs, prefix
	fs.StringVar(&f.value, prefix+"recordings", "", "where the recordings are kept: file:PATH, or "+s3.URLForm+" on S3-compatible storage "+
		"(keys from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN); "+tails["recordings"])
	fs.StringVar(&f.endpoint, prefix+"s3-endpoint", "", "with s3:// recordings, the server's URL, such as "+s3.EndpointForm+"; empty: AWS S3"+tails["s3-endpoint"])
	fs.StringVar(&f.region, prefix+"s3-region", "", "with s3:// recordings, the bucket's region, such as eu-west-1"+tails["s3-region"])
	fs.BoolVar(&f.pathStyle, prefix+"s3-path-style", false, "with s3:// recordings, name the bucket in the path (host/bucket/key), as MinIO and most servers other than AWS want"+tails["s3-path-style"])
	f.chunk = s3.DefaultChunk
	if tail, ok := tails["s3-chunk"]; ok {
		fs.DurationVar(&f.chunk, prefix+"s3-chunk", s3.DefaultChunk, "with s3:// recordings, the audio in each object, uploaded as soon as it is full: the most a lost machine loses"+tail)
		fs.check(prefix+"s3-chunk", "give a duration from 1s to 5m, such as 5s", func() bool { return f.chunk >= time.Second && f.chunk <= 5*time.Minute })
	}
}

// origin names where the value came from without quoting it.
func (f *recordingsFlag) origin() string {
	if v, ok := f.fs.fromEnv[f.prefix+"recordings"]; ok {
		return v.name
	}
	return "--" + f.prefix + "recordings"
}

// check says whether the value names a place this program keeps
// recordings, and if not, what to give.
func (f *recordingsFlag) check() error {
	kind, rest, _ := strings.Cut(f.value, ":")
	switch {
	case f.value == "":
		return nil
	case kind == "file" && rest == "":
		return usageError{fmt.Sprintf("%s: file: needs the folder's path; %s", f.origin(), recordingsAdvice)}
	case kind == "file":
		return nil
	case kind == "s3":
		if _, _, err := s3.ParseURL(f.value); err != nil {
			return usageError{fmt.Sprintf("%s: %v", f.origin(), err)}
		}
		if err := s3.CheckEndpoint(f.endpoint); err != nil {
			return usageError{fmt.Sprintf("%s: %v", f.endpointOrigin(), err)}
		}
		if f.fs.getenv("AWS_ACCESS_KEY_ID") == "" || f.fs.getenv("AWS_SECRET_ACCESS_KEY") == "" {
			return usageError{fmt.Sprintf("%s: recordings in a bucket need its keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "+
				"(and AWS_SESSION_TOKEN for temporary ones)", f.origin())}
		}
		return nil
	}
	return usageError{fmt.Sprintf("%s: not a place this program keeps recordings: %s", f.origin(), recordingsAdvice)}
}

func (f *recordingsFlag) endpointOrigin() string {
	if v, ok := f.fs.fromEnv[f.prefix+"s3-endpoint"]; ok {
		return v.name
	}
	return "--" + f.prefix + "s3-endpoint"
}

// recordings are the recordings as the store opens them: what the server
// takes and what recovery asks of them.
type recordings interface {
	store.Recordings
	store.Repairable
}

// openedRecordings are recordings opened, with where they are for logs
// and what a starting service does to upload audio a dead one spooled.
type openedRecordings struct {
	recordings
	where string
	// uploadSpooled is nil where nothing is spooled.
	uploadSpooled func(context.Context, func(context.Context, string) bool) (int, error)
}

// open opens the recordings; those in a bucket are spooled in the data
// folder dir, in spool/.
func (f *recordingsFlag) open(ctx context.Context, dir string) (*openedRecordings, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	kind, path, _ := strings.Cut(f.value, ":")
	switch {
	case f.value == "":
		r, err := folder.OpenRecordings(dir)
		if err != nil {
			return nil, err
		}
		return &openedRecordings{recordings: r, where: "file:" + filepath.Join(dir, "audio")}, nil
	case kind == "file":
		r, err := folder.OpenAudio(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.origin(), err)
		}
		return &openedRecordings{recordings: r, where: "file:" + path}, nil
	}
	bucket, prefix, _ := s3.ParseURL(f.value) // checked
	r, err := s3.Open(ctx, s3.Config{Endpoint: f.endpoint, Region: f.region, PathStyle: f.pathStyle, Bucket: bucket, Prefix: prefix,
		AccessKey: f.fs.getenv("AWS_ACCESS_KEY_ID"), SecretKey: f.fs.getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: f.fs.getenv("AWS_SESSION_TOKEN"),
		Chunk: f.chunk, Spool: filepath.Join(dir, "spool")})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.origin(), err)
	}
	where := "s3://" + bucket + "/" + prefix
	if f.endpoint != "" {
		where += " on " + f.endpoint
	}
	return &openedRecordings{recordings: r, where: where, uploadSpooled: r.UploadSpooled}, nil
}

// recoverSpooled uploads what a dead process left in the spool, as a
// service starts, but for the sessions elsewhere says went on in another
// process.
func (r *openedRecordings) recoverSpooled(ctx context.Context, elsewhere func(context.Context, string) bool) error {
	if r.uploadSpooled == nil {
		return nil
	}
	if _, err := r.uploadSpooled(ctx, elsewhere); err != nil {
		return fmt.Errorf("recordings %s: %w", r.where, err)
	}
	return nil
}
