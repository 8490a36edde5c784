# compose-operator image (issue 11): a Debian 12 builder, and a runtime of nothing but the
# binary, the shared libraries it loads, the CA certificates and a passwd entry for its user.
# No shell, no package manager: the operator obeys the hardening it enforces on others.
#
# Build context: the repository root (.dockerignore keeps it to the build's inputs).
# Run it with a read-only root filesystem: it writes nothing but its logs (to stderr).

# Pinned by tag (a point release), never `latest`; pin by digest where your registry allows.
FROM debian:12.12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config ca-certificates binutils \
      libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev \
      libcurl4-openssl-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# CMakeLists.txt includes cmake/*.cmake, so both are inputs of the build.
COPY CMakeLists.txt ./
COPY cmake ./cmake
COPY operator ./operator
# Dynamically linked, against Debian's shared libraries only: libcurl's stack (TLS, HTTP/2,
# Kerberos, LDAP) has no static build in Debian, and yaml-cpp, spdlog and fmt bring the shared
# libstdc++ anyway (a second, static copy would split its state). The runtime stage holds
# exactly the libraries the binary loads, nothing else.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOP_BUILD_TESTS=OFF -DCOP_BUILD_BENCH=OFF \
 && cmake --build /build --target compose-operator \
 && strip /build/compose-operator \
 && /build/compose-operator convert --help >/dev/null
# The runtime's whole file system: the binary, the closure of its shared libraries (as ldd
# resolves them, the dynamic loader included), the CA bundle libcurl reads, and passwd/group
# entries so that tools show a name for uid 65532.
RUN mkdir -p /rootfs/etc/ssl/certs \
 && cp /build/compose-operator /rootfs/compose-operator \
 && ldd /build/compose-operator | grep -o '/[^ ]*' | sort -u \
      | xargs -I{} cp --parents -L {} /rootfs/ \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && echo 'nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin' > /rootfs/etc/passwd \
 && echo 'nonroot:x:65532:' > /rootfs/etc/group

FROM scratch
COPY --from=build /rootfs/ /
# Numeric, so that the kubelet can verify runAsNonRoot.
USER 65532:65532
# Metrics (--metrics-bind-address) and the /healthz and /readyz probes
# (--health-probe-bind-address), at their default ports.
EXPOSE 8080 8081
ENTRYPOINT ["/compose-operator", "run"]
