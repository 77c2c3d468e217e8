# The mockinterview service: `docker compose up --build` (see docs/docker.md).
#
# Stage 1 builds the binary with cgo against Debian's PocketSphinx; stage 2
# is a slim Debian with only the runtime libraries and the en-us model.

FROM golang:1.26-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpocketsphinx-dev libsphinxbase-dev libspeexdsp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/mockinterview ./cmd/mockinterview

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpocketsphinx3 libsphinxbase3 libspeexdsp1 pocketsphinx-en-us ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data mockinterview \
 && mkdir -p /data && chown mockinterview /data
COPY --from=build /out/mockinterview /usr/local/bin/mockinterview
USER mockinterview
ENV MOCKINTERVIEW_ADDR=0.0.0.0:8080 \
    MOCKINTERVIEW_DATA=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# SIGTERM lets live sessions finish: final words, report, close code 1001.
STOPSIGNAL SIGTERM
ENTRYPOINT ["mockinterview"]
CMD ["serve"]
