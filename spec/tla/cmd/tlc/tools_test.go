package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// With no java on PATH and TLA2TOOLS_JAR naming nothing, FindTools names both missing pieces
// and says how to obtain each.
func TestFindToolsMissingBoth(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(jarEnv, filepath.Join(t.TempDir(), "nothing.jar"))
	_, err := FindTools()
	if !errors.Is(err, ErrToolsMissing) {
		t.Fatalf("err = %v, want ErrToolsMissing", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"java not found on PATH", "Java 11 or newer", "distribution's packages",
		jarEnv + "=", "nothing.jar", "no such file", "tla2tools.jar", "GitHub releases", "~/.cache/tla/tla2tools.jar",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

// Without TLA2TOOLS_JAR the jar is looked up at ~/.cache/tla/tla2tools.jar, and the message
// names that path.
func TestFindToolsDefaultJarPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv(jarEnv, "")
	t.Setenv("PATH", t.TempDir())
	_, err := FindTools()
	if err == nil {
		t.Fatal("FindTools succeeded with nothing installed")
	}
	if want := filepath.Join(home, ".cache", "tla", "tla2tools.jar"); !strings.Contains(err.Error(), want) {
		t.Errorf("message does not name %s:\n%v", want, err)
	}

	// Once a jar is there and java exists, FindTools finds both.
	if runtime.GOOS == "windows" {
		t.Skip("the fake java is a shell script")
	}
	jar := filepath.Join(home, ".cache", "tla", "tla2tools.jar")
	if err := os.MkdirAll(filepath.Dir(jar), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := fakeJava(t, "17.0.15")
	t.Setenv("PATH", bin)
	tools, err := FindTools()
	if err != nil {
		t.Fatal(err)
	}
	if tools.Jar != jar || tools.Java != filepath.Join(bin, "java") {
		t.Errorf("tools = %+v", tools)
	}
}

func TestFindToolsOldJava(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake java is a shell script")
	}
	t.Setenv("PATH", fakeJava(t, "1.8.0_392"))
	jar := filepath.Join(t.TempDir(), "tla2tools.jar")
	if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(jarEnv, jar)
	_, err := FindTools()
	if err == nil || !strings.Contains(err.Error(), "Java 8, TLC needs 11") {
		t.Fatalf("err = %v, want a Java-too-old message", err)
	}
}

// The command itself exits 2 and prints the message, before reading any spec file.
func TestRunWithoutTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(jarEnv, filepath.Join(t.TempDir(), "absent.jar"))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-dir", t.TempDir()}, &stdout, &stderr)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr.String())
	}
	for _, want := range []string{"TLC cannot run", "java not found on PATH", "absent.jar"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// fakeJava writes a shell script named java that answers -version with the given version and
// otherwise plays TLC: it prints $FAKE_TLC_OUT and exits with $FAKE_TLC_EXIT, after checking
// it was called with the config file named in $FAKE_TLC_CFG. It uses shell builtins only,
// because PATH holds nothing but its own directory. It returns its directory.
func fakeJava(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	script := `#!/bin/sh
if [ "$1" = "-version" ]; then echo 'openjdk version "` + version + `" 2025-01-01' >&2; exit 0; fi
found=0
while [ $# -gt 0 ]; do
  if [ "$1" = "-config" ] && [ "$2" = "$FAKE_TLC_CFG" ]; then found=1; fi
  shift
done
if [ $found = 0 ]; then echo "fake java: not called with -config $FAKE_TLC_CFG" >&2; exit 99; fi
while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done < "$FAKE_TLC_OUT"
exit "$FAKE_TLC_EXIT"
`
	if err := os.WriteFile(filepath.Join(dir, "java"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
