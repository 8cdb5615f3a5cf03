package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// stamp is what a build without .git (the Docker image) says it was
// built from, set with -ldflags "-X main.stampVersion=… -X
// main.stampCommit=…" (see Dockerfile). Build info wins when it has a
// commit.
var stampVersion, stampCommit string

// cmdVersion prints what the binary was built from, as the Go toolchain
// stamped it.
func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	_, err = io.WriteString(stdout, versionText(bi, stampVersion, stampCommit))
	return err
}

// versionText describes the build bi, which may be nil: the module
// version, the VCS commit with its time and whether the tree had
// uncommitted changes, and the Go version. `go build` in a Git checkout
// stamps the commit; `go run`, `go test` and builds from a tree without
// .git do not, and say so unless the build passed version and commit
// (the Docker image does).
func versionText(bi *debug.BuildInfo, stampedVersion, stampedCommit string) string {
	version, goVersion := "", runtime.Version()
	settings := map[string]string{}
	if bi != nil {
		version = bi.Main.Version
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
	}
	if version == "" || version == "(devel)" {
		version = "devel"
		if stampedVersion != "" {
			version = stampedVersion
		}
	}
	if settings["vcs.revision"] == "" && stampedCommit != "" {
		settings["vcs.revision"] = stampedCommit
	}
	var b strings.Builder
	fmt.Fprintf(&b, "citebot %s\n", version)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "commit:  %s", rev)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, " (%s)", t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", dirty: built with uncommitted changes")
		}
		b.WriteString("\n")
	} else {
		b.WriteString("commit:  unknown (built without VCS information, as by go run or go test)\n")
	}
	fmt.Fprintf(&b, "go:      %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}
