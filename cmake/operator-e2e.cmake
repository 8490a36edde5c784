# operator-e2e: end-to-end proofs of the ComposeStack operator (issue 8) against the real
# control plane that e2e/ builds (E2E_BIN_DIR, or the test runs e2e/build-toolchain itself).
# e2e.operator-stacks: every awesome-compose stack that convert accepts, applied as a
# ComposeStack into a restricted namespace, must become Ready with zero Pod Security warnings.
# Serial: it starts its own cluster. (bench/operator-scale, the scale benchmark, is not a test.)
if(COP_BUILD_TESTS)
  add_test(NAME e2e.operator-stacks COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/operator-stacks)
  set_tests_properties(e2e.operator-stacks PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 1200
    ENVIRONMENT "COMPOSE_OPERATOR=$<TARGET_FILE:compose-operator>")
endif()

# e2e.real-node: the real-node tier (issue 9). `e2e/cluster up --real-node` adds containerd,
# a kubelet, kube-proxy, CoreDNS and kube-router's NetworkPolicy firewall; examples/real-node
# must run hardened for real, its policies must mean what compose networks mean, stock nginx
# must crash-loop (the negative control) and the operator must report it. Needs root; the
# node's binaries and images come from E2E_NODE_BIN_DIR and E2E_NODE_IMAGES_DIR (scripts/test
# builds them once, cached like the control plane).
if(COP_BUILD_TESTS)
  add_test(NAME e2e.real-node COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/real-node)
  set_tests_properties(e2e.real-node PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 900
    ENVIRONMENT "COMPOSE_OPERATOR=$<TARGET_FILE:compose-operator>")
endif()
