package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// jarEnv names the environment variable that points at tla2tools.jar.
const jarEnv = "TLA2TOOLS_JAR"

// minJava is the oldest Java major version TLC 2.x runs on.
const minJava = 11

// howToGetJar and howToGetJava are printed whenever the corresponding tool is missing.
const (
	howToGetJar = "download tla2tools.jar from the TLA+ project's GitHub releases page " +
		"(github.com/tlaplus/tlaplus/releases, asset tla2tools.jar) and place it at " +
		"~/.cache/tla/tla2tools.jar, or set " + jarEnv + " to its path"
	howToGetJava = "install Java 11 or newer from your distribution's packages " +
		"(Debian/Ubuntu: apt-get install default-jre-headless) and make sure `java` is on PATH"
)

// Tools are the two things TLC needs: a java launcher and the tla2tools.jar.
type Tools struct {
	Java string // absolute path of the java executable
	Jar  string // path of tla2tools.jar
}

// ErrToolsMissing is wrapped by FindTools' error when java or the jar cannot be used.
var ErrToolsMissing = errors.New("TLC cannot run")

// FindTools locates java on PATH and tla2tools.jar through $TLA2TOOLS_JAR, then
// ~/.cache/tla/tla2tools.jar. When something is missing, the error says what (every missing
// piece, not only the first) and how to obtain it, and wraps ErrToolsMissing.
func FindTools() (Tools, error) {
	var t Tools
	var problems []string

	if java, err := exec.LookPath("java"); err != nil {
		problems = append(problems, "java not found on PATH: "+howToGetJava)
	} else if major, verr := javaMajor(java); verr != nil {
		problems = append(problems, fmt.Sprintf("cannot tell the version of %s (%v): %s", java, verr, howToGetJava))
	} else if major < minJava {
		problems = append(problems, fmt.Sprintf("%s is Java %d, TLC needs %d or newer: %s", java, major, minJava, howToGetJava))
	} else {
		t.Java = java
	}

	if p := os.Getenv(jarEnv); p != "" {
		if err := checkJar(p); err != nil {
			problems = append(problems, fmt.Sprintf("%s=%s: %v: %s", jarEnv, p, err, howToGetJar))
		} else {
			t.Jar = p
		}
	} else {
		home, err := os.UserHomeDir()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s is not set and the home directory is unknown (%v): %s", jarEnv, err, howToGetJar))
		} else {
			p := filepath.Join(home, ".cache", "tla", "tla2tools.jar")
			if err := checkJar(p); err != nil {
				problems = append(problems, fmt.Sprintf("tla2tools.jar not found (%s is not set, and %s: %v): %s", jarEnv, p, err, howToGetJar))
			} else {
				t.Jar = p
			}
		}
	}

	if len(problems) > 0 {
		return Tools{}, fmt.Errorf("%w:\n  - %s", ErrToolsMissing, strings.Join(problems, "\n  - "))
	}
	return t, nil
}

func checkJar(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errors.New("no such file")
		}
		return err
	}
	if fi.IsDir() {
		return errors.New("is a directory, not the jar")
	}
	if fi.Size() == 0 {
		return errors.New("is empty")
	}
	return nil
}

var javaVersionRE = regexp.MustCompile(`version "([0-9]+)(?:\.([0-9]+))?`)

// javaMajor runs `java -version` and returns the major version (8 for "1.8.0_x", 17 for "17.0.x").
func javaMajor(java string) (int, error) {
	out, err := exec.Command(java, "-version").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("java -version: %w", err)
	}
	return parseJavaVersion(string(out))
}

func parseJavaVersion(out string) (int, error) {
	m := javaVersionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no version in %q", strings.TrimSpace(out))
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" { // "1.8.0_392" is Java 8
		major, _ = strconv.Atoi(m[2])
	}
	return major, nil
}
