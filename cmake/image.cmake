# The operator's container image (issue 11), built from the Dockerfile by scripts/build-image
# (buildah, no Docker engine; scripts/test builds it once before the e2e stage and exports
# COP_IMAGE_ARCHIVE; without it, each test builds it, cached by its inputs). Both need root.
if(COP_BUILD_TESTS)
  # The built image: numeric USER, entrypoint, only the metrics and probe ports, no shell,
  # nothing but the binary and its libraries, under 30 MB, and it runs (chroot, as its user).
  add_test(NAME package.image COMMAND ${CMAKE_SOURCE_DIR}/tests/chart/image)
  set_tests_properties(package.image PROPERTIES LABELS e2e TIMEOUT 1800)

  # The image in-cluster on the real node, installed by the chart: hardened, Ready through real
  # probes, leading, reconciling examples/real-node to Ready, failing over, uninstalled cleanly.
  add_test(NAME e2e.operator-image COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/operator-image)
  set_tests_properties(e2e.operator-image PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 1800)
endif()
