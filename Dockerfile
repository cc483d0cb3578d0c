# The image is the release archive and nothing else: `./mvnw -B package` builds
# target/priority-notify-<version>.tar.gz (its own jlink-trimmed Java runtime, the jar, the
# launcher) and its tests run that very archive; this file only unpacks it onto a small glibc base.
# Nothing is compiled and no package is installed here, so what runs in the container is what was
# tested; the base image is all the build fetches (no syntax directive: the builder's own frontend
# reads this file).
#
#   ./mvnw -B package
#   docker build -t priority-notify .
#   docker run -d -p 127.0.0.1:8000:8000 -v priority-notify-data:/data priority-notify
#
# Another version: docker build --build-arg VERSION=<version> . (DockerfileTest keeps the default
# equal to pom.xml's version).
ARG VERSION=0.1.0-SNAPSHOT

# ADD unpacks a local .tar.gz by itself, so this stage needs no shell and no tar.
FROM scratch AS archive
ARG VERSION
ADD target/priority-notify-${VERSION}.tar.gz /unpack/

# glibc is what the jlink runtime and the SQLite and Amazon Corretto Crypto Provider natives (from
# the jar, unpacked to /tmp at start) are built against: musl images (Alpine) cannot load them. The
# runtime brings its own CA certificates and time zone data, so no package is installed.
FROM debian:bookworm-slim
ARG VERSION
# A fixed numeric uid, so a bind-mounted data directory or a secret file can be chowned to it
# (chown 10001:10001) and orchestrators can check runAsNonRoot.
RUN groupadd --system --gid 10001 priority-notify \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin priority-notify \
 && install -d -o 10001 -g 10001 -m 0700 /data
# Owned by root (COPY's default): the server's user can run the program but not change it.
COPY --from=archive /unpack/priority-notify-${VERSION} /opt/priority-notify

# SQLite, generated secrets (secret_key) and initial-admin-password live in /data: keep the volume.
ENV DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8000 \
    LOG_FORMAT=json
VOLUME ["/data"]
WORKDIR /data
EXPOSE 8000
USER 10001:10001

# `healthcheck` is the program itself asking /readyz with the container's own HOST, PORT and
# ALLOWED_HOSTS: slim images have no curl, and a /dev/tcp one-liner is refused once ALLOWED_HOSTS
# is set. Each check starts a JVM (about 0.45 s of CPU, docs/deployment.md#container): every 30 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/opt/priority-notify/bin/priority-notify", "healthcheck"]
# The JVM runs its shutdown hooks on SIGTERM: pushes in flight finish (PUSH_SHUTDOWN_GRACE, 10 s),
# the rest go back to the queue. Give `docker stop` more than that (docker-compose.yml: 30 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/priority-notify/bin/priority-notify"]
CMD ["serve"]
