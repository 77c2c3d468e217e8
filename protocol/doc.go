// Package protocol is the live protocol of /v1/listen, described in
// docs/protocol.md: the messages a client and the server exchange, the
// query string that opens a connection, and the Go client (Dial for one
// connection, Stream to play recorded answers through a whole session).
//
// It holds the wire format and nothing else: it knows neither the
// server's sessions nor storage, and it must not import server. Whatever
// is sent or read here must stay exactly as docs/protocol.md says.
package protocol
