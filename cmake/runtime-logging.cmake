# runtime-logging: structured JSON logs through spdlog, zap's production shape, with credential
# redaction (issue 7 item 7; ../shared/docs/kube-runtime.md §7).
find_package(spdlog REQUIRED)

add_library(cop_runtime_logging STATIC
  operator/logging/json_logger.cc
  operator/logging/log_level.cc
  operator/logging/log_redaction.cc
  operator/logging/log_sink.cc
)
# cop_load holds the shared operator/common helpers (credentials, message_text).
target_link_libraries(cop_runtime_logging PUBLIC cop_load spdlog::spdlog
  nlohmann_json::nlohmann_json Threads::Threads)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_logging TIMEOUT 60 LIBS cop_runtime_logging SOURCES
    tests/unit/logging/json_logger_test.cc
    tests/unit/logging/log_level_test.cc
    tests/unit/logging/log_redaction_test.cc
  )
endif()
