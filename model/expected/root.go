package expected

import (
	"errors"
	"os"
	"path/filepath"
)

// FindModuleRoot walks up from the working directory to the directory holding go.mod, where
// Path is rooted.
func FindModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from inside the slipstream module")
		}
		dir = parent
	}
}
