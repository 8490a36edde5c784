# The operator (issue 8): a ComposeStack's spec and inputs -> load -> translate -> apply, its
# caches, and the reconciler that reports the stack's state (operator/stack/), and the `run`
# command that wires them onto the manager (operator/cli/run_*). The status logic it reports
# with is cop_stack_status (cmake/stack-status.cmake).
add_library(cop_stack STATIC
  operator/stack/cluster_sources.cc
  operator/stack/event_recorder.cc
  operator/stack/ownership.cc
  operator/stack/source_index.cc
  operator/stack/stack_caches.cc
  operator/stack/stack_inputs.cc
  operator/stack/stack_reconciler.cc
  operator/stack/stack_spec.cc
  operator/stack/stack_translation.cc
)
target_link_libraries(cop_stack PUBLIC cop_stack_status cop_translate cop_runtime_manager
  cop_runtime_apply cop_runtime_rest_client)

target_sources(cop_cli PRIVATE operator/cli/run_command.cc operator/cli/run_options.cc)
target_link_libraries(cop_cli PUBLIC cop_stack)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(stack_operator_unit_tests TIMEOUT 60 LIBS cop_stack cop_cli SOURCES
    tests/unit/stack/stack_spec_test.cc
    tests/unit/stack/stack_inputs_test.cc
    tests/unit/stack/stack_translation_test.cc
    tests/unit/stack/stack_operator_parts_test.cc
  )
  # The operator against the real control plane (issue 8, "Prove it"): e2e/tests/operator
  # starts a cluster and runs the operator binary.
  add_test(NAME e2e.operator COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/operator)
  set_tests_properties(e2e.operator PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 1200
    ENVIRONMENT "COMPOSE_OPERATOR=$<TARGET_FILE:compose-operator>")
endif()
