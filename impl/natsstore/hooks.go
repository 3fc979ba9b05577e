package natsstore

import "time"

// hooks are the test seams of a Store or a Conn. The zero value changes nothing; tests set
// fields on their own store or connection before using it, so tests never share them.
type hooks struct {
	// consumerCreated runs right after a watch ("watch") or a listing ("keys", "scan") has
	// created its consumer, before anything is read from it.
	consumerCreated func(op string)
	// beforeSend runs when a watch has an update in hand and is about to block sending it.
	beforeSend func()
	// openBucketStep runs before each request of OpenBucket, with the step's name: "lookup"
	// (also the re-check after a raw create), "create" or "raw create". Set it on the Conn.
	openBucketStep func(step string)
	// createRetry runs when Create has read a deleted key's marker and is about to write again
	// expecting it, with the attempt's number (2 for the first retry).
	createRetry func(attempt int)
	// watchStallAfter, if positive, replaces the stall window of every watch (watchStallAfter).
	watchStallAfter time.Duration
}
