# compose-operator image. Built from Debian 12 packages only; runs as a non-root user with
# nothing writable needed (run it with a read-only root filesystem).
# (CI has no Docker engine: this file is not built by the test command.)

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config libyaml-cpp-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY operator ./operator
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOP_BUILD_TESTS=OFF -DCOP_BUILD_BENCH=OFF \
 && cmake --build /build --target compose-operator \
 && strip /build/compose-operator

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libyaml-cpp0.7 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/compose-operator /usr/local/bin/compose-operator
# The numeric user lets Kubernetes verify runAsNonRoot.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/compose-operator"]
CMD ["--help"]
