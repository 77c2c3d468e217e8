package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/mockinterview/mockinterview/server"
	"github.com/rs/zerolog"
)

// Replicas sharing a database say they are alive every
// server.ReplicaEvery; one silent for server.ReplicaStale is taken for
// dead, and the live sessions it held are recovered by the others (marked
// interrupted, their recordings made whole), as a restarted process
// recovers its own, unless a client's Resume takes one over first.
const (
	replicaEvery = server.ReplicaEvery
	replicaStale = server.ReplicaStale
)

// replicaName is --replica, or by default the host's name and the port
// listened on (its process id when the port is chosen at random), which
// two processes on one machine do not share.
func replicaName(flag, addr string) string {
	if flag != "" {
		return flag
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	if _, port, err := net.SplitHostPort(addr); err == nil && port != "0" && port != "" {
		return host + ":" + port
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// keepAlive says the replica is alive every replicaEvery until ctx ends,
// recovering the sessions of replicas that stopped saying so; then it
// takes the replica out of the list. Failures are logged and tried again.
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
	tick := time.NewTicker(replicaEvery)
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
