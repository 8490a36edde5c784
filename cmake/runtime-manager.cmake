# manager: starts servers, informers, leader election and controllers in order, and stops them
# cleanly on SIGTERM (issue 7 items 5, 6, 8; ../shared/docs/kube-runtime.md §5, §7, §10 items
# 19-22). Its tests run against the real control plane (tests/integration/runtime_*).
add_library(cop_runtime_manager STATIC operator/manager/manager.cc)
target_link_libraries(cop_runtime_manager PUBLIC cop_runtime_informer cop_runtime_controller
  cop_runtime_leaderelection cop_runtime_serving cop_runtime_logging cop_runtime_metrics)

if(COP_BUILD_TESTS)
  # Informers and the manager against a real kube-apiserver: run by e2e/tests/runtime, which
  # starts the cluster and hands these programs its kubeconfig and the cluster command.
  add_executable(runtime_integration_informer tests/integration/informer_test.cc)
  target_link_libraries(runtime_integration_informer PRIVATE cop_runtime_informer
    cop_runtime_rest_client GTest::gtest_main)
  add_executable(runtime_integration_manager tests/integration/manager_test.cc)
  target_link_libraries(runtime_integration_manager PRIVATE cop_runtime_manager
    cop_runtime_rest_client GTest::gtest_main)
  add_test(NAME e2e.runtime COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/runtime)
  set_tests_properties(e2e.runtime PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 900
    ENVIRONMENT "RUNTIME_INTEGRATION_INFORMER=$<TARGET_FILE:runtime_integration_informer>;RUNTIME_INTEGRATION_MANAGER=$<TARGET_FILE:runtime_integration_manager>")
endif()

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_manager TIMEOUT 60 LIBS cop_runtime_manager SOURCES
    tests/unit/manager/manager_probes_test.cc)
endif()
