package natsstore

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Config's String, GoString, every fmt verb and LogValue show the URL without userinfo and
// credentials only as "[redacted]".
func TestConfigRedaction(t *testing.T) {
	t.Parallel()
	cfg := Config{
		URL:            "nats://alice:hunter2@a.example:4222, nats://tok3n@b.example:4222,c.example",
		Creds:          "Q1JFRFMtQ09OVEVOVA==",
		CredsFile:      "/home/alice/.secret/user.creds",
		NKeySeedFile:   "/home/alice/.secret/user.nk",
		TLS:            &tls.Config{},
		RequestTimeout: 5 * time.Second,
		Name:           "svc",
	}
	secrets := []string{"hunter2", "alice", "tok3n", "Q1JFRFMtQ09OVEVOVA==", ".secret", "user.creds", "user.nk"}
	var logs logBuffer
	log := logs.logger()
	log.Info("config", "cfg", cfg)
	log.Info("config pointer", "cfg", &cfg)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("json", "cfg", cfg)
	outputs := map[string]string{
		"String":   cfg.String(),
		"GoString": cfg.GoString(),
		"%v":       fmt.Sprintf("%v", cfg),
		"%+v":      fmt.Sprintf("%+v", cfg),
		"%#v":      fmt.Sprintf("%#v", cfg),
		//lint:ignore S1025 the point is fmt's %s verb on a *Config
		"%s ptr": fmt.Sprintf("%s", &cfg),
		"slog":   logs.String(),
	}
	for where, text := range outputs {
		assertNoSecret(t, where, text, secrets...)
		for _, want := range []string{"a.example:4222", "b.example:4222", "c.example"} {
			if !strings.Contains(text, want) {
				t.Fatalf("%s lost the host %s: %s", where, want, text)
			}
		}
		if where != "slog" && strings.Count(text, "[redacted]") != 3 {
			t.Fatalf("%s should mark Creds, CredsFile and NKeySeedFile as [redacted]: %s", where, text)
		}
	}
	if s := (Config{URL: "nats://h:1"}).String(); strings.Contains(s, "redacted") {
		t.Fatalf("unset credentials are shown as set: %s", s)
	}
	for in, want := range map[string]string{
		"nats://u:p@h:4222":         "nats://h:4222",
		"u:p@h:4222":                "h:4222",
		"nats://u:p/a?b#c@d@h:4222": "nats://h:4222",
		"tls://h:4222":              "tls://h:4222",
		"nats://u:p@h1,nats://h2":   "nats://h1,nats://h2",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
