// libFuzzer target: arbitrary bytes as a compose file through load -> translate -> emit.
// Any crash, sanitizer report, hang or runaway allocation is a bug: bad input must only
// ever produce an error value.

#include <cstddef>
#include <cstdint>
#include <string>

#include "operator/emit/writers.h"
#include "operator/load/loader.h"
#include "operator/translate/translator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cop::load::MemoryReader reader;
  reader.add("compose.yaml", std::string(reinterpret_cast<const char*>(data), size));
  // Small companions so that env_file, secrets, configs and extends paths are reachable.
  reader.add("app.env", "A=1\nB=\"two\"\n");
  reader.add("secret.txt", "s3cret");
  reader.add("base.yaml", "services:\n  base:\n    image: base\n");
  cop::load::LoadOptions options;
  options.files = {"compose.yaml"};
  options.projectName = "fuzz";
  options.environment = {{"TAG", "1"}, {"EMPTY", ""}};
  cop::Warnings warnings;
  auto project = cop::load::loadProject(options, reader, warnings);
  if (!project) {
    return 0;
  }
  auto objects = cop::translate::translate(*project, {}, warnings);
  if (objects) {
    const std::string yaml = cop::emit::toYamlStream(*objects);
    const std::string json = cop::emit::toJsonList(*objects);
    (void)yaml;
    (void)json;
  }
  return 0;
}
