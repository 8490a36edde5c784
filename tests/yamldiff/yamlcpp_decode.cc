// yamlcpp-decode reads a YAML stream on stdin and prints its documents as one JSON array, as
// yaml-cpp reads them. yaml-cpp types nothing, so plain scalars are typed by the YAML 1.2 core
// schema (tests/support yamlStreamToJson); quoted and block scalars are strings. Part of the
// YAML differential test (tests/yamldiff/run).

#include <yaml-cpp/exceptions.h>

#include <iostream>
#include <iterator>
#include <string>

#include "tests/support/test_support.h"

int main() {
  const std::string text{std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>()};
  try {
    std::cout << nlohmann::json(cop::testing::yamlStreamToJson(text)).dump() << "\n";
  } catch (const YAML::Exception& e) {
    std::cerr << "yamlcpp-decode: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
