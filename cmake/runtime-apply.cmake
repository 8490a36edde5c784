# apply: server-side apply with Cluster API's "no change" cache, and pruning by label and
# controller ownerReference (issue 7; ../shared/docs/kube-runtime.md §3.3, §3.4, checklist §10
# items 11 and 13).
add_library(cop_runtime_apply STATIC
  operator/apply/apply_cache.cc
  operator/apply/applier.cc
  operator/apply/pruner.cc
)
# cop_load holds the shared SHA-256 (operator/common/sha256).
target_link_libraries(cop_runtime_apply PUBLIC cop_runtime_rest_client cop_runtime_queue cop_load)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_apply TIMEOUT 60 LIBS cop_runtime_apply SOURCES
    tests/unit/apply/fake_api_client.cc
    tests/unit/apply/apply_cache_test.cc
    tests/unit/apply/applier_test.cc
    tests/unit/apply/pruner_test.cc
  )

  # Against a real kube-apiserver: run by e2e/tests/apply, which starts the cluster and hands
  # this program its kubeconfig.
  add_executable(runtime_integration_apply tests/integration/apply_test.cc)
  target_link_libraries(runtime_integration_apply PRIVATE cop_runtime_apply GTest::gtest_main)
  add_test(NAME e2e.apply COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/apply)
  set_tests_properties(e2e.apply PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 900
    ENVIRONMENT "RUNTIME_INTEGRATION_APPLY=$<TARGET_FILE:runtime_integration_apply>")
endif()
