package transport

import (
	"syscall"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
)

// errNoLock is what flock returns on a file system without locks.
var errNoLock = syscall.ENOLCK

// noCAS is a bucket that reports no compare-and-swap.
type noCAS struct{ *natsstore.Store }

func (n noCAS) Capabilities() kv.Capabilities {
	c := n.Store.Capabilities()
	c.CAS = false
	return c
}
