# runtime-serving: the probe and metrics HTTP server, healthz/readyz, /metrics with the process
# collector, and SIGTERM/SIGINT handling (issue 7 items 6 and 8; ../shared/docs/kube-runtime.md
# §7, operator-conventions.md §5).

add_library(cop_runtime_serving STATIC
  operator/serving/health_checks.cc
  operator/serving/http_request.cc
  operator/serving/http_server.cc
  operator/serving/listen_socket.cc
  operator/serving/metrics_endpoint.cc
  operator/serving/process_metrics.cc
  operator/serving/shutdown_signal.cc
  operator/serving/wake_event.cc
)
target_link_libraries(cop_runtime_serving PUBLIC cop_runtime_logging cop_runtime_metrics
  Threads::Threads)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_serving TIMEOUT 60 LIBS cop_runtime_serving SOURCES
    tests/unit/serving/http_request_test.cc
    tests/unit/serving/http_server_test.cc
    tests/unit/serving/health_checks_test.cc
    tests/unit/serving/metrics_endpoint_test.cc
    tests/unit/serving/process_metrics_test.cc
  )
  # Its own program: the signal mask must be set before any other test starts a thread.
  cop_runtime_unit_tests(runtime_unit_tests_signals TIMEOUT 60 LIBS cop_runtime_serving SOURCES
    tests/unit/serving/shutdown_signal_test.cc
  )
endif()
