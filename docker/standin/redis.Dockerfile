# Stand-in for redis:7 (docker/standin/build.sh): Debian's redis-server, which, like the official image, keeps
# nothing the test stack needs on disk and accepts clients from other containers (protected mode off).
ARG BASE
FROM ${BASE}
RUN mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server", "--bind", "0.0.0.0", "-::*", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
