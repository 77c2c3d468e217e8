// Package s3 keeps recordings on S3-compatible object storage (AWS S3,
// MinIO, Ceph, R2, Versity's gateway): store.Recordings. Audio is written
// first to a spool file on local disk, so that a process that dies on
// that disk loses nothing, and goes up as it arrives in chunk objects of
// a fixed length of audio (PREFIX/SESSION/NAME/chunk-000042.pcm, raw
// 16-bit little-endian samples), each as soon as it is full and the last,
// shorter one on Close; a machine that is lost loses at most the chunk
// being filled. Audio spooled by a process that died is uploaded by
// Repair and UploadSpooled when the service starts again.
//
// A recording's samples are its chunks' samples in the order of their
// numbers, up to the first that is missing; a chunk may be any length, so
// recordings made with another chunk length read alike. Reading a range
// lists the recording's chunks and fetches only the byte ranges that
// cover it.
//
// It knows nothing of HTTP routes, sessions or the database.
package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// DefaultChunk is the length of audio in a chunk object unless Config
// says otherwise: what a lost machine may lose.
const DefaultChunk = 5 * time.Second

// Config says where the recordings are kept and how.
type Config struct {
	// Endpoint is the server's URL, such as http://127.0.0.1:7070 or
	// https://s3.eu-west-1.amazonaws.com (https if it has no scheme);
	// empty: AWS S3.
	Endpoint string
	// Region is the bucket's region; empty: the server's default, or
	// whatever it says the bucket's is.
	Region string
	// PathStyle addresses the bucket in the path (host/bucket/key), as
	// most servers other than AWS want; otherwise the client picks
	// virtual-hosted style where the endpoint is known to take it.
	PathStyle bool
	// Bucket holds the recordings, under Prefix (may be empty).
	Bucket, Prefix string
	// AccessKey, SecretKey and SessionToken are the credentials (the
	// token only for temporary ones).
	AccessKey, SecretKey, SessionToken string
	// Chunk is the length of audio in one chunk object, at least one
	// sample; zero means DefaultChunk.
	Chunk time.Duration
	// Spool is the local folder where audio is written before it goes
	// up, created if needed.
	Spool string
	// Transport carries the requests; nil: the client's own.
	Transport http.RoundTripper
}

// Recordings keeps recordings in a bucket: store.Recordings and
// store.Repairable.
type Recordings struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	chunk  int64  // samples in a full chunk
	spool  string

	mu   sync.Mutex
	open map[string]*recording // by session/name: written by this process and not yet closed
}

var (
	_ store.Recordings = (*Recordings)(nil)
	_ store.Repairable = (*Recordings)(nil)
)

// Open connects to the bucket and checks that it is there. It uploads
// nothing spooled by an earlier process: see UploadSpooled.
func Open(ctx context.Context, cfg Config) (*Recordings, error) {
	host, secure, err := endpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Chunk == 0 {
		cfg.Chunk = DefaultChunk
	}
	chunk := int64(cfg.Chunk) * transcribe.SampleRate / int64(time.Second)
	if chunk < 1 {
		return nil, fmt.Errorf("s3 chunk %v: give at least one sample's length", cfg.Chunk)
	}
	if cfg.Spool == "" {
		return nil, errors.New("s3 recordings: no spool folder")
	}
	if err := os.MkdirAll(cfg.Spool, 0o755); err != nil {
		return nil, fmt.Errorf("s3 spool: %w", err)
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 endpoint %s: %w", host, err)
	}
	r := &Recordings{client: client, bucket: cfg.Bucket, prefix: strings.Trim(cfg.Prefix, "/"), chunk: chunk, spool: cfg.Spool,
		open: map[string]*recording{}}
	if r.prefix != "" {
		r.prefix += "/"
	}
	checkCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, err := client.BucketExists(checkCtx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3 bucket %s on %s: %w (is the server running there, and are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY right?)", cfg.Bucket, host, err)
	}
	if !ok {
		return nil, fmt.Errorf("s3 bucket %s on %s does not exist: create it, or name another", cfg.Bucket, host)
	}
	return r, nil
}

// URLForm is the form of a place for recordings in a bucket.
const URLForm = "s3://BUCKET/PREFIX"

// EndpointForm is the form of an endpoint.
const EndpointForm = "https://s3.example.com or http://127.0.0.1:7070"

// ParseURL reads s3://BUCKET/PREFIX (the prefix may be empty). Its
// errors never quote the URL, which may hold what should not be printed.
func ParseURL(rawURL string) (bucket, prefix string, err error) {
	u, err := url.Parse(rawURL)
	switch {
	case err != nil || u.Scheme != "s3" || u.Opaque != "":
		return "", "", fmt.Errorf("not a URL of recordings in a bucket: give %s", URLForm)
	case u.User != nil:
		return "", "", fmt.Errorf("an s3:// URL holds no credentials: give %s, and the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", URLForm)
	case u.RawQuery != "" || u.Fragment != "":
		return "", "", fmt.Errorf("an s3:// URL takes no query: give %s, and the server with --s3-endpoint", URLForm)
	case !bucketName.MatchString(u.Host) || strings.Contains(u.Host, ".."):
		return "", "", fmt.Errorf("the bucket's name is not one S3 takes (3 to 63 lower-case letters, digits, dots and hyphens): give %s", URLForm)
	}
	prefix = strings.Trim(u.Path, "/")
	if strings.Contains(prefix, "//") {
		return "", "", fmt.Errorf("the prefix has an empty part: give %s", URLForm)
	}
	return u.Host, prefix, nil
}

// bucketName is the form S3 takes for a bucket's name.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// CheckEndpoint says whether s can be an endpoint, and if not, what to
// give.
func CheckEndpoint(s string) error {
	_, _, err := endpoint(s)
	return err
}

// endpoint is the host and port of the server and whether it speaks
// TLS.
func endpoint(s string) (host string, secure bool, err error) {
	if s == "" {
		return "s3.amazonaws.com", true, nil
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("the s3 endpoint is not a URL: give one such as %s", EndpointForm)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.User != nil, strings.Trim(u.Path, "/") != "", u.RawQuery != "":
		return "", false, fmt.Errorf("the s3 endpoint is not one this program takes: give a URL such as %s, with no path and no credentials", EndpointForm)
	}
	return u.Host, u.Scheme == "https", nil
}

// Create starts a recording: its audio goes to a spool file, and from
// there up in chunks as each fills.
func (r *Recordings) Create(ctx context.Context, sessionID, name string) (store.Recording, error) {
	name, err := recordingName(sessionID, name)
	if err != nil {
		return nil, err
	}
	path := r.spoolPath(sessionID, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	rec := &recording{r: r, ctx: context.WithoutCancel(ctx), session: sessionID, name: name, f: f,
		modified: time.Now(), wake: make(chan struct{}, 1), done: make(chan struct{})}
	r.mu.Lock()
	r.open[sessionID+"/"+name] = rec
	r.mu.Unlock()
	go rec.upload()
	return rec, nil
}

// Read returns up to n samples of a recording from sample from on. A
// recording this process is writing is read from its spool; any other
// from the chunks that cover the range.
func (r *Recordings) Read(ctx context.Context, sessionID, name string, from, n int64) ([]int16, error) {
	name, err := recordingName(sessionID, name)
	if err != nil {
		return nil, err
	}
	if rec := r.writing(sessionID, name); rec != nil {
		samples, err := rec.read(from, n)
		if !errors.Is(err, errClosed) {
			return samples, err
		}
	}
	chunks, err := r.chunks(ctx, sessionID, name)
	if err != nil {
		return nil, err
	}
	chunks = contiguous(chunks)
	if len(chunks) == 0 {
		return nil, store.ErrNotFound
	}
	from = max(from, 0)
	out := []int16{}
	var start int64 // the chunk's first sample
	for _, c := range chunks {
		end := start + c.size/2
		if int64(len(out)) >= n {
			break
		}
		if end > from {
			first := max(from, start) - start
			count := min(end-start-first, n-int64(len(out)))
			samples, err := r.getRange(ctx, c.key, first, count)
			if err != nil {
				return nil, err
			}
			out = append(out, samples...)
			if int64(len(samples)) < count { // the chunk changed since it was listed
				break
			}
			from = end
		}
		start = end
	}
	return out, nil
}

// getRange fetches count samples of a chunk object from sample first on.
func (r *Recordings) getRange(ctx context.Context, key string, first, count int64) ([]int16, error) {
	if count <= 0 {
		return nil, nil
	}
	var opts minio.GetObjectOptions
	if err := opts.SetRange(2*first, 2*(first+count)-1); err != nil {
		return nil, err
	}
	body, _, _, err := minio.Core{Client: r.client}.GetObject(ctx, r.bucket, key, opts)
	if err != nil {
		if code := minio.ToErrorResponse(err).Code; code == "NoSuchKey" || code == "InvalidRange" {
			return nil, nil // deleted or cut since it was listed
		}
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	defer body.Close()
	b := make([]byte, 2*count)
	got, err := readFull(body, b)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return decode(b[:got&^1]), nil
}

// List returns a session's recordings, by name: those in the bucket and
// those this process is writing.
func (r *Recordings) List(ctx context.Context, sessionID string) ([]store.RecordingInfo, error) {
	if !store.ValidSessionID(sessionID) {
		return nil, store.ErrNotFound
	}
	all, err := r.chunks(ctx, sessionID, "")
	if err != nil {
		return nil, err
	}
	byName := map[string]store.RecordingInfo{}
	for len(all) > 0 {
		n := 1
		for n < len(all) && all[n].name == all[0].name {
			n++
		}
		if chunks := contiguous(all[:n]); len(chunks) > 0 {
			info := store.RecordingInfo{Name: all[0].name}
			for _, c := range chunks {
				info.Samples += c.size / 2
				if c.modified.After(info.Modified) {
					info.Modified = c.modified
				}
			}
			byName[info.Name] = info
		}
		all = all[n:]
	}
	r.mu.Lock()
	for _, rec := range r.open {
		if rec.session == sessionID {
			samples, modified := rec.state()
			byName[rec.name] = store.RecordingInfo{Name: rec.name, Samples: samples, Modified: modified}
		}
	}
	r.mu.Unlock()
	out := []store.RecordingInfo{}
	for _, info := range byName {
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Delete removes a session's recordings from the bucket and its spool.
func (r *Recordings) Delete(ctx context.Context, sessionID string) error {
	if !store.ValidSessionID(sessionID) {
		return store.ErrNotFound
	}
	if err := os.RemoveAll(filepath.Join(r.spool, sessionID)); err != nil {
		return fmt.Errorf("delete recordings of %s: %w", sessionID, err)
	}
	if err := r.remove(ctx, sessionID, "", 0); err != nil {
		return fmt.Errorf("delete recordings of %s: %w", sessionID, err)
	}
	return nil
}

// remove deletes the chunks of a session's recordings (of one recording
// if name is not empty) numbered from on.
func (r *Recordings) remove(ctx context.Context, sessionID, name string, from int) error {
	chunks, err := r.chunks(ctx, sessionID, name)
	if err != nil {
		return err
	}
	keys := make(chan minio.ObjectInfo)
	go func() {
		defer close(keys)
		for _, c := range chunks {
			if c.n >= from {
				keys <- minio.ObjectInfo{Key: c.key}
			}
		}
	}()
	var errs []error
	for e := range r.client.RemoveObjects(ctx, r.bucket, keys, minio.RemoveObjectsOptions{}) {
		errs = append(errs, fmt.Errorf("%s: %w", e.ObjectName, e.Err))
	}
	return errors.Join(errs...)
}

// chunk is a chunk object as listed.
type chunk struct {
	key      string
	name     string // the recording's
	n        int    // its number in the recording
	size     int64  // in bytes
	modified time.Time
	etag     string
}

// chunkKey is how a chunk's key ends: its recording's name, then its
// number.
var chunkKey = regexp.MustCompile(`^([^/]+)/chunk-([0-9]{6,9})\.pcm$`)

// chunks lists the chunk objects of a session's recordings, or of one
// recording if name is not empty, by recording and number.
func (r *Recordings) chunks(ctx context.Context, sessionID, name string) ([]chunk, error) {
	session := r.sessionPrefix(sessionID)
	prefix := session
	if name != "" {
		prefix = r.recordingPrefix(sessionID, name)
	}
	var out []chunk
	for obj := range r.client.ListObjects(ctx, r.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, obj.Err)
		}
		m := chunkKey.FindStringSubmatch(strings.TrimPrefix(obj.Key, session))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		out = append(out, chunk{key: obj.Key, name: m[1], n: n, size: obj.Size, modified: obj.LastModified, etag: strings.Trim(obj.ETag, `"`)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].n < out[j].n
	})
	return out, nil
}

// contiguous keeps the chunks of one recording from number 0 up to the
// first missing one.
func contiguous(chunks []chunk) []chunk {
	for i, c := range chunks {
		if c.n != i {
			return chunks[:i]
		}
	}
	return chunks
}

func (r *Recordings) sessionPrefix(sessionID string) string { return r.prefix + sessionID + "/" }

func (r *Recordings) recordingPrefix(sessionID, name string) string {
	return r.sessionPrefix(sessionID) + name + "/"
}

func (r *Recordings) chunkKey(sessionID, name string, n int64) string {
	return fmt.Sprintf("%schunk-%06d.pcm", r.recordingPrefix(sessionID, name), n)
}

func (r *Recordings) spoolPath(sessionID, name string) string {
	return filepath.Join(r.spool, sessionID, name+".pcm")
}

// writing returns the recording of that name this process is writing,
// nil if none.
func (r *Recordings) writing(sessionID, name string) *recording {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.open[sessionID+"/"+name]
}

// recordingName checks a session's id and takes a recording's base name
// only, as the folder does; an id or a name that cannot be one is not
// found.
func recordingName(sessionID, name string) (string, error) {
	if !store.ValidSessionID(sessionID) {
		return "", store.ErrNotFound
	}
	base := filepath.Base(name)
	if base == "." || base == "/" || base == ".." {
		return "", store.ErrNotFound
	}
	return base, nil
}
