# e2e/clusterkit, the package behind e2e/cluster (the throw-away control plane of the e2e
# tests): unit tests of its pure parts (state records, ports, lock, component argv, PKI,
# CLI). No cluster and no toolchain needed, so they run with the other unit tests.
if(COP_BUILD_TESTS)
  # python3 from PATH, as the e2e scripts' `#!/usr/bin/env python3` lines find it.
  add_test(NAME clusterkit.unit
    COMMAND python3 -m unittest discover
      -s ${CMAKE_SOURCE_DIR}/e2e/clusterkit/tests -t ${CMAKE_SOURCE_DIR}/e2e)
  # No __pycache__ in the source tree.
  set_tests_properties(clusterkit.unit PROPERTIES LABELS unit TIMEOUT 120
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endif()
