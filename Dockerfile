# citebot container image: a static Go binary on distroless, as non-root.
#
#   docker build -t citebot .
#   docker run -p 8080:8080 -v citebot-data:/data citebot
#
# With your own articles (read-only) instead of the embedded corpus:
#
#   docker run -p 8080:8080 -v citebot-data:/data \
#     -v "$PWD/articles:/corpus:ro" -e CITEBOT_CORPUS=/corpus citebot
#
# Every setting is an environment variable; see docs/settings.md.

# ---- build: a static binary (no cgo), with paths trimmed for reproducibility
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git stays out of the build context, so `citebot version` learns what it
# was built from here:
#   docker build --build-arg VERSION=v1.0.0 --build-arg COMMIT=$(git rev-parse HEAD) -t citebot .
ARG VERSION=""
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X main.stampVersion=${VERSION} -X main.stampCommit=${COMMIT}" \
    -o /out/citebot ./cmd/citebot
# The final image has no shell to make directories, so make them here.
RUN mkdir -p /out/data /out/corpus

# ---- run: distroless static has CA certificates, tzdata and a nonroot
# user (65532), and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/citebot /citebot
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/corpus /corpus
ENV CITEBOT_DATA_DIR=/data \
    CITEBOT_ADDR=0.0.0.0:8080
USER 65532:65532
EXPOSE 8080
# /data holds the index and feedback.jsonl; /corpus is where an optional
# corpus is mounted (set CITEBOT_CORPUS=/corpus to use it).
VOLUME ["/data", "/corpus"]
# No shell or curl in the image: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/citebot", "healthcheck"]
ENTRYPOINT ["/citebot"]
CMD ["serve"]
