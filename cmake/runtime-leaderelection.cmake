# leaderelection: client-go's leader election on a coordination.k8s.io/v1 Lease, over the
# ApiClient interface, with the leader_election_* metrics (issue 7 item 5;
# ../shared/docs/kube-runtime.md §5, §7, §10 items 19-20).
add_library(cop_runtime_leaderelection STATIC
  operator/leaderelection/identity.cc
  operator/leaderelection/leader_elector.cc
  operator/leaderelection/lease_record.cc
  operator/leaderelection/registry_election_metrics.cc
)
target_link_libraries(cop_runtime_leaderelection PUBLIC cop_runtime_queue cop_runtime_rest
  cop_runtime_metrics nlohmann_json::nlohmann_json Threads::Threads)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_leaderelection TIMEOUT 60
    LIBS cop_runtime_leaderelection SOURCES
    tests/unit/leaderelection/fake_lease_client.cc
    tests/unit/leaderelection/stepping_clock.cc
    tests/unit/leaderelection/lease_record_test.cc
    tests/unit/leaderelection/config_test.cc
    tests/unit/leaderelection/try_acquire_test.cc
    tests/unit/leaderelection/run_test.cc
  )
  # Checklist §10 items 19 and 22 between real processes: e2e/tests/leader-election starts a
  # cluster and runs this candidate (a tiny operator) several times side by side, kills and
  # stops the leader, and times the takeovers.
  add_executable(runtime_leader_candidate tests/integration/leader_candidate.cc)
  target_link_libraries(runtime_leader_candidate PRIVATE cop_runtime_manager
    cop_runtime_rest_client)
  add_test(NAME e2e.leader-election COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/leader-election)
  set_tests_properties(e2e.leader-election PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 600
    ENVIRONMENT "RUNTIME_LEADER_CANDIDATE=$<TARGET_FILE:runtime_leader_candidate>")
endif()
