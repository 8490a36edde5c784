# The loader differential test (tests/composediff/run, a stage of scripts/test): our loader's
# typed model, printed in the shape that the compose-go reference loader prints.
if(COP_BUILD_TESTS)
  add_executable(compose-model-dump tests/composediff/model_dump.cc)
  target_link_libraries(compose-model-dump PRIVATE cop_cli nlohmann_json::nlohmann_json)
endif()
