package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// repoRoot is the module root, where the Dockerfile lives.
const repoRoot = "../.."

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
}

// stage is one FROM and what follows it.
type stage struct {
	from, name string
	ins        []instruction
}

func parseDockerfile(t *testing.T) []stage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var stages []stage
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			st := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			return
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %s before FROM", in.cmd)
		}
		stages[len(stages)-1].ins = append(stages[len(stages)-1].ins, in)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if l, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), `\`); ok {
			cur.WriteString(l + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	return stages
}

func (s stage) all(cmd string) []string {
	var out []string
	for _, in := range s.ins {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// shellWords splits a command line as sh would for the simple quoting a
// Dockerfile RUN uses: words, and "..." or '...' quoted parts.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// goBuildLine returns the RUN argument that builds the binary.
func goBuildLine(t *testing.T, build stage) string {
	t.Helper()
	for _, r := range build.all("RUN") {
		if strings.Contains(r, "go build") {
			return r
		}
	}
	t.Fatal("Dockerfile: no RUN with go build in the build stage")
	return ""
}

func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("got %d stages, want a multi-stage build", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	// The build stage uses a Go at least as new as go.mod asks for.
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVer := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)`).FindStringSubmatch(string(mod))
	imgVer := regexp.MustCompile(`^golang:(\d+)\.(\d+)`).FindStringSubmatch(build.from)
	if imgVer == nil || build.name == "" {
		t.Fatalf("build stage %q (as %q), want a named golang:X.Y stage", build.from, build.name)
	}
	if atoi(imgVer[1])*1000+atoi(imgVer[2]) < atoi(goVer[1])*1000+atoi(goVer[2]) {
		t.Errorf("build image %s is older than go.mod's go %s.%s", build.from, goVer[1], goVer[2])
	}

	run := goBuildLine(t, build)
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/citebot"} {
		if !slices.Contains(shellWords(run), want) {
			t.Errorf("build command %q lacks %s", run, want)
		}
	}

	// The final image: distroless static (CA certificates included) or
	// scratch with the certificates copied in.
	copies := strings.Join(final.all("COPY"), "\n")
	switch {
	case strings.HasPrefix(final.from, "gcr.io/distroless/static"):
	case final.from == "scratch":
		if !strings.Contains(copies, "ca-certificates.crt") {
			t.Error("scratch image without CA certificates")
		}
	default:
		t.Errorf("final image %q, want distroless static or scratch", final.from)
	}
	if !strings.Contains(copies, "--from="+build.name) {
		t.Errorf("final stage copies nothing from the build stage %q", build.name)
	}

	users := final.all("USER")
	if len(users) == 0 {
		t.Error("no USER: the image would run as root")
	} else if u := strings.Split(users[len(users)-1], ":")[0]; u == "root" || u == "0" {
		t.Errorf("USER %s is root", users[len(users)-1])
	}

	env := map[string]string{}
	for _, e := range final.all("ENV") {
		for _, w := range shellWords(e) {
			if k, v, ok := strings.Cut(w, "="); ok {
				env[k] = v
			}
		}
	}
	if env["CITEBOT_DATA_DIR"] != "/data" {
		t.Errorf("CITEBOT_DATA_DIR=%q, want /data", env["CITEBOT_DATA_DIR"])
	}
	_, port, err := net.SplitHostPort(env["CITEBOT_ADDR"])
	if err != nil || !strings.HasPrefix(env["CITEBOT_ADDR"], "0.0.0.0:") {
		t.Errorf("CITEBOT_ADDR=%q, want 0.0.0.0:PORT so the port is reachable from outside", env["CITEBOT_ADDR"])
	}
	if ex := final.all("EXPOSE"); len(ex) == 0 || !slices.Contains(strings.Fields(strings.Join(ex, " ")), port) {
		t.Errorf("EXPOSE %v, want the listen port %s", ex, port)
	}

	vols := strings.Join(final.all("VOLUME"), " ")
	for _, v := range []string{`"/data"`, `"/corpus"`} {
		if !strings.Contains(vols, v) {
			t.Errorf("VOLUME %s lacks %s", vols, v)
		}
	}

	hc := strings.Join(final.all("HEALTHCHECK"), " ")
	entry := strings.Join(final.all("ENTRYPOINT"), " ")
	bin := regexp.MustCompile(`^\["([^"]+)"`).FindStringSubmatch(entry)
	if bin == nil {
		t.Fatalf("ENTRYPOINT %q, want the exec form [\"/citebot\"]", entry)
	}
	if !strings.Contains(copies, " "+bin[1]) {
		t.Errorf("ENTRYPOINT %s is not a path the final stage copies to", bin[1])
	}
	// Exec form: the image has no shell for CMD-SHELL.
	if !strings.Contains(hc, `CMD ["`+bin[1]+`", "healthcheck"]`) {
		t.Errorf("HEALTHCHECK %q, want CMD [%q, \"healthcheck\"]", hc, bin[1])
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// dockerignorePatterns reads .dockerignore.
func dockerignorePatterns(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var pats []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		pats = append(pats, strings.Trim(l, "/"))
	}
	return pats
}

// ignored reports whether path (slash-separated, from the context root)
// or a folder above it matches a pattern, as Docker matches them.
func ignored(pats []string, path string) bool {
	parts := strings.Split(path, "/")
	for i := 1; i <= len(parts); i++ {
		prefix := strings.Join(parts[:i], "/")
		for _, p := range pats {
			if strings.HasPrefix(p, "!") {
				continue
			}
			if ok, _ := filepath.Match(p, prefix); ok {
				return true
			}
		}
	}
	return false
}

func TestDockerignore(t *testing.T) {
	pats := dockerignorePatterns(t)
	for _, p := range []string{".git", "data", "citebot", "citebot.yaml", ".env", "x.test"} {
		if !ignored(pats, p) {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
	// Everything the build needs stays in: every Go file, embedded file
	// and the module files.
	need := []string{"go.mod", "go.sum"}
	err := filepath.WalkDir(repoRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && (rel == ".git" || rel == "data") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") ||
			strings.HasPrefix(rel, "corpus/seeds/") || strings.HasPrefix(rel, "bot/web/static/")) {
			need = append(need, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range need {
		if ignored(pats, p) {
			t.Errorf(".dockerignore drops %s, which the build needs", p)
		}
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildOut  []byte
)

// dockerBuild runs the Dockerfile's own go build command, with only the
// output path changed, and returns the binary. Later tests run it.
func dockerBuild(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	stages := parseDockerfile(t)
	words := shellWords(goBuildLine(t, stages[0]))
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "citebot-docker-build")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "citebot")
		env := os.Environ()
		i := 0
		for ; i < len(words) && strings.Contains(words[i], "=") && !strings.HasPrefix(words[i], "-"); i++ {
			env = append(env, words[i])
		}
		args := slices.Clone(words[i:])
		for k := range args {
			if args[k] == "-o" && k+1 < len(args) {
				args[k+1] = builtBin
			}
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repoRoot
		cmd.Env = env
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("the Dockerfile's build command failed: %v\n%s", buildErr, buildOut)
	}
	return builtBin
}

func TestDockerBuildIsStatic(t *testing.T) {
	bin := dockerBuild(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a dynamic loader (PT_INTERP): it is not static and would not start on distroless static or scratch")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links shared libraries %v", libs)
	}
	// -trimpath: no build machine paths in the binary.
	abs, _ := filepath.Abs(repoRoot)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(abs+"/")) {
		t.Errorf("the binary contains the build path %s: -trimpath not in effect", abs)
	}
}

// TestHealthcheckCommand runs the built binary's healthcheck, as the
// image's HEALTHCHECK does, against a healthy and an unhealthy server.
func TestHealthcheckCommand(t *testing.T) {
	bin := dockerBuild(t)
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer healthy.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedAddr := closed.Listener.Addr().String()
	closed.Close()

	tests := []struct {
		name, addr string
		ok         bool
	}{
		{"healthy", healthy.Listener.Addr().String(), true},
		// As in the image: CITEBOT_ADDR=0.0.0.0:PORT is checked on loopback.
		{"all interfaces", "0.0.0.0:" + port(healthy.Listener.Addr()), true},
		{"unhealthy", failing.Listener.Addr().String(), false},
		{"down", closedAddr, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, "healthcheck")
			cmd.Env = append(os.Environ(), "CITEBOT_ADDR="+tt.addr, "CITEBOT_DATA_DIR="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if (err == nil) != tt.ok {
				t.Errorf("exit err %v, want ok=%v\n%s", err, tt.ok, out)
			}
			// Run every 30 s by the container, it must not repeat the
			// configuration's warnings ("reachable without a token" on
			// 0.0.0.0) into the log.
			if got := strings.TrimSpace(string(out)); tt.ok && got != "healthy" {
				t.Errorf("output %q, want %q", got, "healthy")
			}
		})
	}
}

func port(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}
