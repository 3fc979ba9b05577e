package natsstore

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// lossyProxy is a TCP proxy in front of a NATS server that can lose one JetStream delivery on
// its way to the client, as a link that is cut (and then re-established) loses what was in
// flight: it parses the server-to-client protocol and, while armed, drops the next MSG or HMSG
// whose reply subject is a JetStream ACK subject (a consumer delivery). Everything else passes.
type lossyProxy struct {
	ln      net.Listener
	target  string
	armed   atomic.Bool
	dropped chan string // the ACK subject of each dropped delivery
	mu      sync.Mutex
	conns   []net.Conn
}

// newLossyProxy listens on a free loopback port and forwards to target ("host:port").
func newLossyProxy(t *testing.T, target string) *lossyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &lossyProxy{ln: ln, target: target, dropped: make(chan string, 16)}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// URL is the client URL of the proxy.
func (p *lossyProxy) URL() string { return "nats://" + p.ln.Addr().String() }

// dropNextDelivery arms the proxy: the next consumer delivery to any client is lost.
func (p *lossyProxy) dropNextDelivery() { p.armed.Store(true) }

func (p *lossyProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
		go func() { p.downstream(s, c); _ = c.Close() }()
	}
}

// downstream copies the server's protocol to the client, one operation at a time, dropping
// the delivery the proxy is armed for.
func (p *lossyProxy) downstream(server io.Reader, client io.Writer) {
	r := bufio.NewReader(server)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return
		}
		f := bytes.Fields(line)
		var payload []byte
		if len(f) > 0 && (bytes.Equal(f[0], []byte("MSG")) || bytes.Equal(f[0], []byte("HMSG"))) {
			n, err := strconv.Atoi(string(f[len(f)-1]))
			if err != nil {
				return
			}
			payload = make([]byte, n+2) // and its CRLF
			if _, err := io.ReadFull(r, payload); err != nil {
				return
			}
			// MSG subject sid [reply] size; HMSG subject sid [reply] hdrsize size.
			withReply := 5
			if bytes.Equal(f[0], []byte("HMSG")) {
				withReply = 6
			}
			if len(f) == withReply && bytes.HasPrefix(f[3], []byte("$JS.ACK.")) && p.armed.CompareAndSwap(true, false) {
				p.dropped <- string(f[3])
				continue
			}
		}
		if _, err := client.Write(line); err != nil {
			return
		}
		if payload != nil {
			if _, err := client.Write(payload); err != nil {
				return
			}
		}
	}
}

func (p *lossyProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
}
