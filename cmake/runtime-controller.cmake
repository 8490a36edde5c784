# controller: the Reconciler interface, event handlers that enqueue keys (own objects and
# owners), and the controller that runs reconciles from a rate-limited work queue with
# controller-runtime's result handling and metrics (issue 7; ../shared/docs/kube-runtime.md
# §2.3, §2.5, §7).
add_library(cop_runtime_controller STATIC
  operator/reconcile/controller.cc
  operator/reconcile/enqueue_handlers.cc
  operator/reconcile/queue_metrics_exporter.cc
)
target_link_libraries(cop_runtime_controller PUBLIC cop_runtime_queue cop_runtime_metrics
  cop_runtime_store cop_runtime_logging nlohmann_json::nlohmann_json)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_controller TIMEOUT 60 LIBS cop_runtime_controller
    SOURCES
    tests/unit/controller/controller_test.cc
    tests/unit/controller/enqueue_handlers_test.cc
  )
endif()
