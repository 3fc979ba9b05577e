package linearizability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// maxLineBytes bounds one JSON line when reading a history (a value is a few hundred bytes).
const maxLineBytes = 1 << 20

// WriteHistory writes ops as JSON lines: one Operation object per line, in slice order.
func WriteHistory(w io.Writer, ops []Operation) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range ops {
		if err := enc.Encode(&ops[i]); err != nil {
			return fmt.Errorf("write history: operation %d: %w", i, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// ReadHistory parses JSON lines written by WriteHistory. Blank lines are skipped; an unknown
// field, a malformed line or an operation that fails ValidateHistory is an error naming the
// line (ErrInvalidHistory for rule violations), never a partial history.
func ReadHistory(r io.Reader) ([]Operation, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	var ops []Operation
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var op Operation
		if err := dec.Decode(&op); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrInvalidHistory, line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%w: line %d: more than one JSON value", ErrInvalidHistory, line)
		}
		if err := op.Validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		ops = append(ops, op)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: line %d: %v", ErrInvalidHistory, line+1, err)
	}
	if err := ValidateHistory(ops); err != nil {
		return nil, err
	}
	return ops, nil
}

// WriteHistoryFile writes ops to path (created or truncated) as JSON lines.
func WriteHistoryFile(path string, ops []Operation) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	if err := WriteHistory(f, ops); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// ReadHistoryFile reads a JSON-lines history written by WriteHistoryFile.
func ReadHistoryFile(path string) ([]Operation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer f.Close()
	ops, err := ReadHistory(f)
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", path, err)
	}
	return ops, nil
}
