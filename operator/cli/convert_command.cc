#include "operator/cli/convert_command.h"

#include <filesystem>
#include <optional>

#include "operator/cli/filesystem_reader.h"
#include "operator/emit/writers.h"
#include "operator/load/loader.h"
#include "operator/translate/translator.h"

namespace cop::cli {

namespace {

// compose's own lookup order when no -f is given.
constexpr const char* kDefaultFiles[] = {"compose.yaml", "compose.yml", "docker-compose.yaml",
                                         "docker-compose.yml"};

constexpr const char* kUsage =
    "usage: compose-operator convert [-f FILE]... [--env-file FILE]... [--profile NAME]...\n"
    "                                [--image SERVICE=IMAGE]... [-p NAME] [-n NAMESPACE]\n"
    "                                [--security-profile restricted|baseline] [-o yaml|json]\n";

struct ConvertArgs {
  load::LoadOptions load;
  translate::TranslateOptions translate;
  std::string output = "yaml";
  bool help = false;
};

struct UsageError {
  std::string message;
};

Expected<ConvertArgs, UsageError> parseArgs(const std::vector<std::string>& args) {
  ConvertArgs parsed;
  std::vector<std::string> envFiles;
  auto valueOf = [&](std::size_t& i, const std::string& flag) -> std::optional<std::string> {
    const std::string& arg = args[i];
    if (arg.size() > flag.size() && arg.compare(0, flag.size() + 1, flag + "=") == 0) {
      return arg.substr(flag.size() + 1);
    }
    if (i + 1 < args.size()) {
      return args[++i];
    }
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto is = [&arg](std::string_view a, std::string_view b = {}) {
      auto matches = [&arg](std::string_view flag) {
        return !flag.empty() &&
               (arg == flag || (arg.starts_with(flag) && arg.size() > flag.size() &&
                                arg[flag.size()] == '=' && flag.starts_with("--")));
      };
      return matches(a) || matches(b);
    };
    auto need = [&](const std::string& flag) -> Expected<std::string, UsageError> {
      const std::string name = arg.starts_with(flag) ? flag : arg;
      auto value = valueOf(i, name);
      if (!value || value->empty()) {
        return Unexpected(UsageError{"the flag " + name + " needs a value"});
      }
      return *value;
    };
    if (arg == "-h" || arg == "--help") {
      parsed.help = true;
    } else if (is("-f", "--file")) {
      auto value = need(arg.starts_with("--file") ? "--file" : "-f");
      if (!value) {
        return Unexpected(value.error());
      }
      parsed.load.files.push_back(*value);
    } else if (is("--env-file")) {
      auto value = need("--env-file");
      if (!value) {
        return Unexpected(value.error());
      }
      envFiles.push_back(*value);
    } else if (is("--profile")) {
      auto value = need("--profile");
      if (!value) {
        return Unexpected(value.error());
      }
      parsed.load.profiles.push_back(*value);
    } else if (is("-p", "--project-name")) {
      auto value = need(arg.starts_with("--project-name") ? "--project-name" : "-p");
      if (!value) {
        return Unexpected(value.error());
      }
      parsed.load.projectName = *value;
    } else if (is("-n", "--namespace")) {
      auto value = need(arg.starts_with("--namespace") ? "--namespace" : "-n");
      if (!value) {
        return Unexpected(value.error());
      }
      parsed.translate.namespaceName = *value;
    } else if (is("--image")) {
      auto value = need("--image");
      if (!value) {
        return Unexpected(value.error());
      }
      const std::size_t equals = value->find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == value->size()) {
        return Unexpected(UsageError{"--image takes SERVICE=IMAGE, got '" + *value + "'"});
      }
      parsed.translate.images[value->substr(0, equals)] = value->substr(equals + 1);
    } else if (is("--security-profile")) {
      auto value = need("--security-profile");
      if (!value) {
        return Unexpected(value.error());
      }
      if (*value == "restricted") {
        parsed.translate.profile = translate::SecurityProfile::kRestricted;
      } else if (*value == "baseline") {
        parsed.translate.profile = translate::SecurityProfile::kBaseline;
      } else {
        return Unexpected(
            UsageError{"--security-profile is restricted or baseline, got '" + *value + "'"});
      }
    } else if (is("-o", "--output")) {
      auto value = need(arg.starts_with("--output") ? "--output" : "-o");
      if (!value) {
        return Unexpected(value.error());
      }
      if (*value != "yaml" && *value != "json") {
        return Unexpected(UsageError{"-o is yaml or json, got '" + *value + "'"});
      }
      parsed.output = *value;
    } else {
      return Unexpected(UsageError{"unknown argument '" + arg + "'"});
    }
  }
  if (!envFiles.empty()) {
    parsed.load.envFiles = std::move(envFiles);
  }
  return parsed;
}

}  // namespace

int runConvert(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& environment, std::ostream& out,
               std::ostream& err) {
  auto parsed = parseArgs(args);
  if (!parsed) {
    err << "error: " << parsed.error().message << "\n" << kUsage;
    return kExitUsage;
  }
  if (parsed->help) {
    out << kUsage;
    return kExitOk;
  }
  ConvertArgs& options = *parsed;
  if (options.load.files.empty()) {
    for (const char* name : kDefaultFiles) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(name, ec)) {
        options.load.files.emplace_back(name);
        break;
      }
    }
    if (options.load.files.empty()) {
      err << "error: no compose file given and none of compose.yaml, compose.yml, "
             "docker-compose.yaml, docker-compose.yml here\n"
          << kUsage;
      return kExitUsage;
    }
  }
  options.load.environment = environment;
  {
    // compose names a project after its directory; "compose.yaml" alone has none to read.
    std::error_code ec;
    const auto dir = std::filesystem::absolute(options.load.files.front(), ec).parent_path();
    options.load.defaultProjectName = ec ? "" : dir.filename().string();
  }

  FileSystemReader reader;
  Warnings warnings;
  auto flush = [&warnings, &err] {
    for (const Diagnostic& warning : warnings.items()) {
      err << "warning: " << warning.format() << "\n";
    }
  };
  auto project = load::loadProject(options.load, reader, warnings);
  if (!project) {
    flush();
    err << "error: " << project.error().format() << "\n";
    return kExitInputError;
  }
  auto objects = translate::translate(*project, options.translate, warnings);
  flush();
  if (!objects) {
    err << "error: " << objects.error().format() << "\n";
    return kExitInputError;
  }
  out << (options.output == "json" ? emit::toJsonList(*objects) : emit::toYamlStream(*objects));
  out.flush();
  return kExitOk;
}

}  // namespace cop::cli
