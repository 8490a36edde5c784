# The Helm chart (charts/compose-operator, issue 11).
if(COP_BUILD_TESTS)
  # Helm never upgrades a chart's crds/, so the chart ships a copy of crds/: it must be the
  # same file, or a chart install would create an outdated CRD.
  add_test(NAME chart.crd-copy COMMAND ${CMAKE_COMMAND} -E compare_files
    ${CMAKE_SOURCE_DIR}/crds/compose.operator.dev_composestacks.yaml
    ${CMAKE_SOURCE_DIR}/charts/compose-operator/crds/compose.operator.dev_composestacks.yaml)
  set_tests_properties(chart.crd-copy PROPERTIES LABELS unit TIMEOUT 30)

  # With the real helm from the e2e toolchain (E2E_BIN_DIR, or e2e/build-toolchain): labelled
  # e2e, since scripts/test builds that toolchain after the unit stage. No cluster needed.
  foreach(check lint hardening rbac schema)
    add_test(NAME chart.${check} COMMAND ${CMAKE_SOURCE_DIR}/tests/chart/run ${check})
    set_tests_properties(chart.${check} PROPERTIES LABELS e2e TIMEOUT 300)
  endforeach()
endif()

# The ComposeStack examples (examples/*/stack.yaml) through `compose-operator convert`.
if(COP_BUILD_TESTS)
  add_test(NAME examples.convert COMMAND ${CMAKE_SOURCE_DIR}/tests/chart/examples)
  set_tests_properties(examples.convert PROPERTIES LABELS unit TIMEOUT 60
    ENVIRONMENT "COMPOSE_OPERATOR=$<TARGET_FILE:compose-operator>")
endif()

# The Dockerfile's promises (multi-stage, pinned bases, scratch runtime, numeric USER, only
# the metrics and probe ports, the entrypoint, the build's inputs copied): read, not built.
if(COP_BUILD_TESTS)
  add_test(NAME package.dockerfile COMMAND ${CMAKE_SOURCE_DIR}/tests/chart/dockerfile)
  set_tests_properties(package.dockerfile PROPERTIES LABELS unit TIMEOUT 30)
endif()

# e2e.chart-install: the chart on the real control plane (kwok nodes: "Available" is API-level
# only). helm install into a restricted namespace with zero warnings, the CRD from crds/
# Established, the Deployment Available; the local binary under a token of the chart's
# ServiceAccount makes examples/three-tier and `kubectl apply -k examples/kustomize` Ready (the
# RBAC is sufficient); helm upgrade (leader election) and helm uninstall, which keeps the
# stacks, their workloads and claims, and the CRD; watchNamespaces (Roles only). Also checks
# gitops/flux/. Serial: it starts its own cluster.
if(COP_BUILD_TESTS)
  add_test(NAME e2e.chart-install COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/chart-install)
  set_tests_properties(e2e.chart-install PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 600
    ENVIRONMENT "COMPOSE_OPERATOR=$<TARGET_FILE:compose-operator>")
endif()
