# informer: the reflector's list/watch loop over an ApiClient into the indexed object store, with
# event handlers, "has synced" and resync (issue 7 item 3; ../shared/docs/kube-runtime.md
# §1.7, §2.1, §2.6).
add_library(cop_runtime_informer STATIC
  operator/cache/informer.cc
  operator/cache/reflector.cc
)
target_link_libraries(cop_runtime_informer PUBLIC cop_runtime_store cop_runtime_watch
  cop_runtime_rest Threads::Threads)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_informer TIMEOUT 60 LIBS cop_runtime_informer SOURCES
    tests/unit/informer/reflector_test.cc
    tests/unit/informer/informer_test.cc
  )
endif()

if(COP_BUILD_TESTS)
  # A watch on a half-open connection (checklist §10 item 6) against a real kube-apiserver: run
  # by e2e/tests/half-open, which starts the cluster and hands the program its kubeconfig.
  add_executable(runtime_integration_half_open tests/integration/half_open_test.cc)
  target_link_libraries(runtime_integration_half_open PRIVATE cop_runtime_informer
    cop_runtime_rest_client GTest::gtest_main)
  add_test(NAME e2e.half-open COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/half-open)
  set_tests_properties(e2e.half-open PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 600
    ENVIRONMENT "RUNTIME_INTEGRATION_HALF_OPEN=$<TARGET_FILE:runtime_integration_half_open>")
endif()
