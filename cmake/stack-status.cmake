# The ComposeStack's status, as pure functions of the live objects (issue 8; operator-conventions
# §1 kstatus, §3 conditions and events): each service's health from its workload and pods,
# start-up order by depends_on, the Ready/Reconciling/Stalled conditions, the status object,
# its change detection and the one Event per change of state. No I/O: the reconciler feeds it.
add_library(cop_stack_status STATIC
  operator/stack/status_text.cc
  operator/stack/service_health.cc
  operator/stack/startup_order.cc
  operator/stack/stack_conditions.cc
  operator/stack/stack_status.cc
)
# cop_load holds the shared operator/common helpers (utf8).
target_link_libraries(cop_stack_status PUBLIC cop_load nlohmann_json::nlohmann_json)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(stack_status_unit_tests TIMEOUT 60 LIBS cop_stack_status SOURCES
    tests/unit/stack/status_text_test.cc
    tests/unit/stack/service_health_test.cc
    tests/unit/stack/startup_order_test.cc
    tests/unit/stack/stack_conditions_test.cc
    tests/unit/stack/stack_status_test.cc
  )
endif()
