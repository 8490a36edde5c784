# runtime-rest: the REST client (issue 7 item 2; ../shared/docs/kube-runtime.md §1, §3.1, §4,
# §6.2-6.3, §8): resource paths, credential sources, the optional client-side rate limit, the
# ApiClient over a Transport, its rest_client_requests_total observer, and discovery fetched from
# the server (kind <-> resource, cached).
add_library(cop_runtime_rest_client STATIC
  operator/client/cluster_connection.cc
  operator/client/credential_source.cc
  operator/client/discovery_client.cc
  operator/client/request_limiter.cc
  operator/client/resource_path.cc
  operator/client/rest_client.cc
  operator/client/rest_metrics.cc
)
target_link_libraries(cop_runtime_rest_client PUBLIC cop_runtime_rest cop_runtime_watch
  cop_runtime_transport cop_runtime_client_config cop_runtime_metrics)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_rest_client TIMEOUT 60
    LIBS cop_runtime_rest_client SOURCES
    tests/unit/rest/resource_path_test.cc
    tests/unit/rest/credential_source_test.cc
    tests/unit/rest/discovery_client_test.cc
    tests/unit/rest/request_limiter_test.cc
    tests/unit/rest/rest_client_test.cc
    tests/unit/rest/rest_client_retry_test.cc
    tests/unit/rest/rest_client_watch_test.cc
    tests/unit/rest/rest_metrics_test.cc
  )

  # The REST client against a real kube-apiserver: run by e2e/tests/rest-client, which starts
  # the cluster and hands this program its kubeconfig.
  add_executable(runtime_integration_rest_client tests/integration/rest_client_test.cc)
  target_link_libraries(runtime_integration_rest_client PRIVATE cop_runtime_rest_client
    GTest::gtest_main)
  add_test(NAME e2e.rest-client COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/rest-client)
  set_tests_properties(e2e.rest-client PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 900
    ENVIRONMENT "RUNTIME_INTEGRATION_REST_CLIENT=$<TARGET_FILE:runtime_integration_rest_client>")
endif()
