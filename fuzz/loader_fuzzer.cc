// libFuzzer target: arbitrary bytes as a project of several files through load -> translate ->
// emit. Any crash, sanitizer report, hang or runaway allocation is a bug: bad input must only
// ever produce an error value.
//
// The input is split at NUL bytes (which no compose file may contain) into up to four files:
// compose.yaml, an override file given as a second -f, the project's .env, and inc.yaml, which
// the compose file may include or extend from. Hostile inputs combine files (a .env whose
// values double, an override that merges thousands of entries, an include that adds services),
// so one file alone would never reach them.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "operator/emit/writers.h"
#include "operator/load/loader.h"
#include "operator/translate/translation.h"

namespace {

constexpr std::string_view kFileNames[] = {"compose.yaml", "override.yaml", ".env", "inc.yaml"};

// A diagnostic must be one line: a value with a line break must not start a second message.
void checkOneLine(const cop::Diagnostic& diagnostic) {
  const std::string line = diagnostic.format();
  if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  cop::load::MemoryReader reader;
  cop::load::LoadOptions options;
  options.files = {std::string(kFileNames[0])};
  std::size_t start = 0;
  for (std::size_t i = 0; i < std::size(kFileNames); ++i) {
    std::size_t end = input.find('\0', start);
    const bool last = end == std::string_view::npos || i + 1 == std::size(kFileNames);
    if (last) {
      end = input.size();
    }
    reader.add(std::string(kFileNames[i]), std::string(input.substr(start, end - start)));
    if (i == 1) {
      options.files.emplace_back(kFileNames[i]);  // present only when the input has a NUL
    }
    if (last) {
      break;
    }
    start = end + 1;
  }
  // Small companions so that env_file, secrets, configs and extends paths are reachable.
  reader.add("app.env", "A=1\nB=\"two\"\n");
  reader.add("secret.txt", "s3cret");
  reader.add("base.yaml", "services:\n  base:\n    image: base\n");
  options.projectName = "fuzz";
  options.environment = {{"TAG", "1"}, {"EMPTY", ""}, {"PW", "pw1"}, {"TOKEN", "fuzz-token-42"}};
  cop::Warnings warnings;
  auto project = cop::load::loadProject(options, reader, warnings);
  for (const cop::Diagnostic& warning : warnings.items()) {
    checkOneLine(warning);
  }
  if (!project) {
    checkOneLine(project.error());
    return 0;
  }
  // As the operator calls it: its own stack name, variables from Secrets (a short one too),
  // published ports on node ports. Every object a manifest names must exist.
  cop::translate::TranslateOptions operatorOptions;
  operatorOptions.stackName = "fuzz-stack";
  operatorOptions.secretVariables = {"PW", "TOKEN"};
  operatorOptions.publishType = cop::translate::PublishType::kNodePort;
  auto translation = cop::translate::translateStack(*project, operatorOptions);
  if (!translation) {
    checkOneLine(translation.error().where);
  } else {
    for (const auto& warning : translation->warnings) {
      checkOneLine(warning.where);
    }
    for (const auto& manifest : translation->services) {
      for (const auto& ref : manifest.objects) {
        bool found = false;
        for (const auto& object : translation->objects) {
          found = found || (object["kind"] == ref.kind && object["metadata"]["name"] == ref.name);
        }
        if (!found) {
          std::abort();
        }
      }
    }
  }
  auto objects = cop::translate::translate(*project, {}, warnings);
  if (!objects) {
    checkOneLine(objects.error());
    return 0;
  }
  const std::string yaml = cop::emit::toYamlStream(*objects);
  const std::string json = cop::emit::toJsonList(*objects);
  (void)yaml;
  (void)json;
  return 0;
}
