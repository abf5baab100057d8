package onnx

import (
	"fmt"
	"os"
	"path/filepath"
)

// RuntimeVersion is the ONNX Runtime release podium is built and tested
// against (github.com/yalue/onnxruntime_go v1.27.0 speaks its C API 24).
const RuntimeVersion = "1.30.0"

// LibraryEnv names the environment variable that may point at the ONNX
// Runtime shared library. The library never reads it: a main passes its
// value to FindLibrary.
const LibraryEnv = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

// howToGet says how to obtain the library, for error messages.
const howToGet = "run `make ort` (scripts/fetch-ort.sh), or point --ort-lib or " + LibraryEnv + " at libonnxruntime.so " + RuntimeVersion

// DefaultLibraryPath is where scripts/fetch-ort.sh caches the library:
// $XDG_CACHE_HOME/podium/onnxruntime-1.30.0/libonnxruntime.so.1, or under
// ~/.cache when XDG_CACHE_HOME is unset (os.UserCacheDir). It does not check
// that the file is there.
func DefaultLibraryPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for ONNX Runtime (%v): %s", err, howToGet)
	}
	return filepath.Join(dir, "podium", "onnxruntime-"+RuntimeVersion, "libonnxruntime.so.1"), nil
}

// FindLibrary returns the ONNX Runtime library to load: flag (--ort-lib) when
// set, else env (the value of ONNXRUNTIME_SHARED_LIBRARY_PATH) when set, else
// DefaultLibraryPath. The file must exist; when it does not, the error is one
// line that says how to get it.
func FindLibrary(flag, env string) (string, error) {
	return findLibrary(flag, "--ort-lib", env)
}

// findLibrary is FindLibrary with the flag's origin named for messages.
func findLibrary(flag, flagFrom, env string) (string, error) {
	path, from := flag, flagFrom
	if path == "" {
		path, from = env, LibraryEnv
	}
	if path == "" {
		p, err := DefaultLibraryPath()
		if err != nil {
			return "", err
		}
		path, from = p, "the cache"
	}
	st, err := os.Stat(path)
	switch {
	case err != nil && os.IsNotExist(err):
		return "", fmt.Errorf("ONNX Runtime library not found at %s (%s): %s", path, from, howToGet)
	case err != nil:
		return "", fmt.Errorf("ONNX Runtime library %s (%s): %v: %s", path, from, err, howToGet)
	case st.IsDir():
		return "", fmt.Errorf("ONNX Runtime library %s (%s) is a folder, not libonnxruntime.so: %s", path, from, howToGet)
	}
	return path, nil
}
