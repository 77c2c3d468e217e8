package main

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/server"
	"github.com/rs/zerolog"
)

// clusterFlags say how a process runs beside others sharing its
// database, and how it stops.
type clusterFlags struct {
	replica, advertise  string
	drain, shutdownWait time.Duration
}

func (f *clusterFlags) register(fs *flagSet) {
	fs.StringVar(&f.replica, "replica", "", "this process's name among replicas sharing a database, in every log line and metric (empty: the host's name and the --data folder's path) [$MOCKINTERVIEW_REPLICA]")
	fs.StringVar(&f.advertise, "advertise", "", "the URL the other replicas reach this one at, to carry a client's Resume to it, such as http://10.0.0.5:8080 (empty: this host's name and the port listened on) [$MOCKINTERVIEW_ADVERTISE]")
	fs.DurationVar(&f.drain, "drain", 0, "on SIGINT/SIGTERM, first wait this long for live sessions to end by themselves while /readyz says 503 and new connections go to other replicas; then the rest are finished and reported (keep it under --shutdown-timeout) [$MOCKINTERVIEW_DRAIN]")
	fs.DurationVar(&f.shutdownWait, "shutdown-timeout", 30*time.Second, "how long a shutdown waits for sessions to finish and report [$MOCKINTERVIEW_SHUTDOWN_TIMEOUT]")
	fs.check("advertise", "give an http:// URL with a host and port, such as http://10.0.0.5:8080", func() bool {
		u, err := url.Parse(f.advertise)
		return f.advertise == "" || (err == nil && u.Scheme == "http" && u.Host != "" && strings.Trim(u.Path, "/") == "")
	})
	fs.check("drain", "give 0 (finish the sessions at once) or a duration under --shutdown-timeout, such as 25s", func() bool {
		return f.drain >= 0 && f.drain < f.shutdownWait
	})
}

// replicaName is --replica, or by default the host's name and the data
// folder's absolute path: a process that starts again on the same folder
// (whose spool it uploads) is the same replica, and recovers the sessions
// it left live at once, while two processes on one machine, which need a
// folder each, are two.
func replicaName(flag, data string) string {
	if flag != "" {
		return flag
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	if abs, err := filepath.Abs(data); err == nil {
		data = abs
	}
	return host + ":" + data
}

// keepAlive says the replica is alive every server.ReplicaEvery until ctx
// ends, recovering the sessions of replicas silent for server.ReplicaStale
// (marked interrupted, their recordings made whole, unless a client's
// Resume takes one over first); then it takes the replica out of the
// list. Failures are logged and tried again.
func keepAlive(ctx context.Context, s *openedStore, replica, address string, log zerolog.Logger) {
	beat := func() {
		if err := s.Replicas.Heartbeat(ctx, replica, address, time.Now()); err != nil {
			log.Warn().Err(err).Msg("replica heartbeat")
			return
		}
		n, err := s.recoverOrphans(ctx, replica, false)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn().Err(err).Msg("recovering the sessions of a stopped replica")
		case n > 0:
			log.Info().Int("sessions", n).Msg("recovered the live sessions of a replica that stopped; their recordings can be retranscribed")
		}
	}
	beat()
	tick := time.NewTicker(server.ReplicaEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			leave, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.Replicas.Leave(leave, replica); err != nil {
				log.Warn().Err(err).Msg("replica leaving")
			}
			return
		case <-tick.C:
			beat()
		}
	}
}

// advertised is --advertise, or by default where this process listens
// (ln), the host's name standing for an address on every interface.
func advertised(flag string, ln net.Addr) string {
	if flag != "" {
		return strings.TrimSuffix(flag, "/")
	}
	host, port, err := net.SplitHostPort(ln.String())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil && name != "" {
			host = name
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// startReplica runs keepAlive until the returned stop, which waits for
// the replica to have left: call it once the sessions have finished, so
// that no other replica takes them for orphans meanwhile.
func startReplica(s *openedStore, replica, address string, log zerolog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		keepAlive(ctx, s, replica, address, log)
	}()
	return func() {
		cancel()
		<-done
	}
}
