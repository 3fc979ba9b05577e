package natsstore

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every kind of STREAM.CREATE answer is classified: created, already exists (10058 in code or
// err_code), the stream limit, any other error, and answers that are not JSON.
func TestClassifyCreateResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		payload string
		want    createOutcome
		code    int64
		desc    string
		notJSON bool
	}{
		{`{"type":"io.nats.jetstream.api.v1.stream_create_response","config":{}}`, createCreated, 0, "", false},
		{`{"error":{"code":400,"err_code":10058,"description":"stream name already in use"}}`, createAlreadyExists, 400, "stream name already in use", false},
		{`{"error":{"code":10058,"description":"stream name already in use"}}`, createAlreadyExists, 10058, "stream name already in use", false},
		{`{"error":{"code":400,"err_code":10027,"description":"maximum number of streams reached"}}`, createStreamLimit, 400, "maximum number of streams reached", false},
		{`{"error":{"code":403,"description":"insufficient permissions"}}`, createFailed, 403, "insufficient permissions", false},
		{`{"error":{"code":400,"description":"invalid stream config"}}`, createFailed, 400, "invalid stream config", false},
		{`{"error":{"code":500,"description":"maximum number of streams reached"}}`, createFailed, 500, "maximum number of streams reached", false},
		{`not json at all`, createCreated, 0, "", true},
		{`{"error":{}} trailing`, createCreated, 0, "", true},
		{`{"error":{"description":"mystery"}}`, createFailed, 0, "mystery", false},
		{`{"error":"a string"}`, createFailed, 0, "unknown error", false},
		{`{"error":null}`, createFailed, 0, "unknown error", false},
		{`{"error":{"code":"10058","description":7}}`, createFailed, 0, "unknown error", false},
		{`{"error":{"code":400.0,"description":"maximum number of streams"}}`, createFailed, 0, "maximum number of streams", false},
		{`[1,2]`, createCreated, 0, "", false},
		{``, createCreated, 0, "", true},
	} {
		r := classifyCreateResponse([]byte(tc.payload))
		if r.outcome != tc.want || r.code != tc.code || r.description != tc.desc || r.notJSON != tc.notJSON {
			t.Errorf("classify(%s) = %v code %d %q notJSON %v; want %v code %d %q notJSON %v",
				tc.payload, r.outcome, r.code, r.description, r.notJSON, tc.want, tc.code, tc.desc, tc.notJSON)
		}
	}
}

// Payloads are logged as text when UTF-8, otherwise as 0x-hex, bounded to 512 bytes.
func TestPayloadForLog(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain text":             "plain text",
		"\xff\x00A":              "0xff0041",
		"":                       "",
		strings.Repeat("é", 300): strings.Repeat("é", 256) + "…",
	} {
		if got := payloadForLog([]byte(in)); got != want {
			t.Errorf("payloadForLog(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzClassifyCreateResponse checks the classifier against an independent reading of the
// payload: it never panics, invalid JSON is Created, a payload without an error object is
// Created, 10058 anywhere is AlreadyExists, and Failed always carries a description.
func FuzzClassifyCreateResponse(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"error":{"code":400,"err_code":10058,"description":"x"}}`, `{"error":{"code":10058}}`,
		`{"error":{"code":400,"description":"maximum number of streams reached"}}`, `{"error":"x"}`,
		`{"error":{"description":"mystery"}}`, "\xff\xfe", `[]`, `null`, `{"error":{"code":1e3}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		r := classifyCreateResponse(payload)
		if r2 := classifyCreateResponse(payload); r2.outcome != r.outcome || r2.code != r.code || r2.description != r.description {
			t.Fatal("classification is not deterministic")
		}
		if !json.Valid(payload) {
			if r.outcome != createCreated || !r.notJSON {
				t.Fatalf("invalid JSON classified %v (notJSON %v)", r.outcome, r.notJSON)
			}
			return
		}
		if r.notJSON {
			t.Fatal("valid JSON marked notJSON")
		}
		// An independent reading: exact member names, numbers kept as written.
		dec := json.NewDecoder(strings.NewReader(string(payload)))
		dec.UseNumber()
		var top any
		if err := dec.Decode(&top); err != nil {
			t.Fatalf("valid JSON does not decode: %v", err)
		}
		obj, isObject := top.(map[string]any)
		errv, hasError := obj["error"]
		if !isObject || !hasError {
			if r.outcome != createCreated {
				t.Fatalf("payload without an error member classified %v", r.outcome)
			}
			return
		}
		if r.outcome == createCreated {
			t.Fatal("payload with an error member classified Created")
		}
		e, _ := errv.(map[string]any)
		is10058 := func(v any) bool {
			n, ok := v.(json.Number)
			i, err := n.Int64()
			return ok && err == nil && i == 10058
		}
		if (is10058(e["code"]) || is10058(e["err_code"])) != (r.outcome == createAlreadyExists) {
			t.Fatalf("10058 rule broken: error %v → %v", errv, r.outcome)
		}
		if d, ok := e["description"].(string); ok {
			if r.description != d {
				t.Fatalf("description %q, want %q", r.description, d)
			}
		} else if r.description != "unknown error" {
			t.Fatalf("missing description gave %q, want unknown error", r.description)
		}
		if r.outcome == createStreamLimit && (r.code != 400 || !strings.Contains(r.description, "maximum number of streams")) {
			t.Fatalf("StreamLimit without code 400 and its text: %d %q", r.code, r.description)
		}
	})
}
