package natsstore

import (
	"errors"
	"io/fs"
	"os"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// readSecretFile reads a credential file. Its error names the Config field and the reason
// ("no such file or directory", "permission denied"), never the path.
func readSecretFile(path, field string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, connectError(field+" cannot be read: "+fileReason(err),
			"check that the file exists and is readable by this process")
	}
	return raw, nil
}

// fileReason is the reason of a file error without the path.
func fileReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "read failed"
}

// credsFileOption authenticates with a .creds file that is read again at every (re)connect,
// like nats.UserCredentials, but whose errors never show the path (nats.go's do).
func credsFileOption(path string) nats.Option {
	userCB := func() (string, error) {
		raw, err := os.ReadFile(path)
		if err != nil {
			return "", &credentialError{field: "Config.CredsFile", reason: "cannot be read: " + fileReason(err)}
		}
		jwt, _, err := parseCreds(raw, "Config.CredsFile")
		return jwt, err
	}
	sigCB := func(nonce []byte) ([]byte, error) {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, &credentialError{field: "Config.CredsFile", reason: "cannot be read: " + fileReason(err)}
		}
		kp, err := nkeys.ParseDecoratedUserNKey(raw)
		if err != nil {
			return nil, &credentialError{field: "Config.CredsFile", reason: "holds no NKey user seed"}
		}
		defer kp.Wipe()
		sig, err := kp.Sign(nonce)
		if err != nil {
			return nil, &credentialError{field: "Config.CredsFile", reason: "holds a seed that cannot sign"}
		}
		return sig, nil
	}
	return nats.UserJWT(userCB, sigCB)
}

// seedFileSigner signs the server's nonce with the seed in path, read at every (re)connect so
// the seed is not kept in memory; its errors never show the path.
func seedFileSigner(path string) nats.SignatureHandler {
	return func(nonce []byte) ([]byte, error) {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, &credentialError{field: "Config.NKeySeedFile", reason: "cannot be read: " + fileReason(err)}
		}
		kp, err := nkeys.ParseDecoratedUserNKey(raw)
		if err != nil {
			return nil, &credentialError{field: "Config.NKeySeedFile", reason: "holds no NKey user seed"}
		}
		defer kp.Wipe()
		sig, err := kp.Sign(nonce)
		if err != nil {
			return nil, &credentialError{field: "Config.NKeySeedFile", reason: "holds a seed that cannot sign"}
		}
		return sig, nil
	}
}
