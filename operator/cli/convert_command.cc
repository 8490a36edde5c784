#include "operator/cli/convert_command.h"

#include <filesystem>
#include <functional>
#include <optional>

#include "operator/cli/filesystem_reader.h"
#include "operator/common/message_text.h"
#include "operator/emit/writers.h"
#include "operator/load/discovery.h"
#include "operator/load/loader.h"
#include "operator/translate/translator.h"

namespace cop::cli {

namespace {

constexpr const char* kUsage =
    "usage: compose-operator convert [-f FILE]... [--env-file FILE]... [--profile NAME]...\n"
    "                                [--image SERVICE=IMAGE]... [-p NAME] [-n NAMESPACE]\n"
    "                                [--security-profile restricted|baseline] [-o yaml|json]\n"
    "                                [--dns-namespace NAME] [--dns-pod-label KEY=VALUE]\n"
    "                                [--dns-cidr CIDR]...\n";

struct ConvertArgs {
  load::LoadOptions load;
  translate::TranslateOptions translate;
  std::string output = "yaml";
  bool help = false;
};

struct UsageError {
  std::string message;
};

using FlagAction = std::function<std::optional<std::string>(const std::string&)>;  // error

struct Flag {
  std::string_view shortName;  // may be empty
  std::string_view longName;
  FlagAction apply;
};

Expected<ConvertArgs, UsageError> parseArgs(const std::vector<std::string>& args) {
  ConvertArgs parsed;
  std::vector<std::string> envFiles;
  const Flag flags[] = {
      {"-f", "--file",
       [&](const std::string& v) -> std::optional<std::string> {
         parsed.load.files.push_back(v);
         return std::nullopt;
       }},
      {"", "--env-file",
       [&](const std::string& v) -> std::optional<std::string> {
         envFiles.push_back(v);
         return std::nullopt;
       }},
      {"", "--profile",
       [&](const std::string& v) -> std::optional<std::string> {
         parsed.load.profiles.push_back(v);
         return std::nullopt;
       }},
      {"-p", "--project-name",
       [&](const std::string& v) -> std::optional<std::string> {
         if (auto valid = load::checkExplicitProjectName(v); !valid) {
           return valid.error().message;
         }
         parsed.load.projectName = v;
         return std::nullopt;
       }},
      {"-n", "--namespace",
       [&](const std::string& v) -> std::optional<std::string> {
         parsed.translate.namespaceName = v;
         return std::nullopt;
       }},
      {"", "--image",
       [&](const std::string& v) -> std::optional<std::string> {
         const std::size_t equals = v.find('=');
         if (equals == std::string::npos || equals == 0 || equals + 1 == v.size()) {
           return "--image takes SERVICE=IMAGE, got '" + v + "'";
         }
         parsed.translate.images[v.substr(0, equals)] = v.substr(equals + 1);
         return std::nullopt;
       }},
      {"", "--security-profile",
       [&](const std::string& v) -> std::optional<std::string> {
         if (v == "restricted") {
           parsed.translate.profile = translate::SecurityProfile::kRestricted;
         } else if (v == "baseline") {
           parsed.translate.profile = translate::SecurityProfile::kBaseline;
         } else {
           return "--security-profile is restricted or baseline, got '" + v + "'";
         }
         return std::nullopt;
       }},
      // Where the cluster's DNS runs, the only destination of DNS egress (DnsOptions).
      {"", "--dns-namespace",
       [&](const std::string& v) -> std::optional<std::string> {
         parsed.translate.dns.namespaceName = v;
         return std::nullopt;
       }},
      {"", "--dns-pod-label",
       [&](const std::string& v) -> std::optional<std::string> {
         const std::size_t equals = v.find('=');
         if (equals == std::string::npos || equals == 0 || equals + 1 == v.size()) {
           return "--dns-pod-label takes KEY=VALUE, got '" + v + "'";
         }
         parsed.translate.dns.podLabelKey = v.substr(0, equals);
         parsed.translate.dns.podLabelValue = v.substr(equals + 1);
         return std::nullopt;
       }},
      {"", "--dns-cidr",
       [&](const std::string& v) -> std::optional<std::string> {
         parsed.translate.dns.cidrs.push_back(v);
         return std::nullopt;
       }},
      {"-o", "--output",
       [&](const std::string& v) -> std::optional<std::string> {
         if (v != "yaml" && v != "json") {
           return "-o is yaml or json, got '" + v + "'";
         }
         parsed.output = v;
         return std::nullopt;
       }},
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      parsed.help = true;
      continue;
    }
    const Flag* flag = nullptr;
    std::optional<std::string> value;
    for (const Flag& candidate : flags) {
      if (arg == candidate.shortName || arg == candidate.longName) {
        flag = &candidate;
      } else if (arg.starts_with(std::string(candidate.longName) + "=")) {
        flag = &candidate;
        value = arg.substr(candidate.longName.size() + 1);
      }
    }
    if (flag == nullptr) {
      return Unexpected(UsageError{"unknown argument '" + arg + "'"});
    }
    if (!value && i + 1 < args.size()) {
      value = args[++i];
    }
    if (!value || value->empty()) {
      return Unexpected(UsageError{"the flag " + arg + " needs a value"});
    }
    if (auto problem = flag->apply(*value)) {
      return Unexpected(UsageError{*problem});
    }
  }
  if (!envFiles.empty()) {
    parsed.load.envFiles = std::move(envFiles);
  }
  if (auto dns = translate::checkDnsOptions(parsed.translate.dns); !dns) {
    return Unexpected(UsageError{dns.error().message});
  }
  return parsed;
}

}  // namespace

int runConvert(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& environment, std::ostream& out,
               std::ostream& err) {
  auto parsed = parseArgs(args);
  if (!parsed) {
    err << "error: " << printable(parsed.error().message) << "\n" << kUsage;  // one line
    return kExitUsage;
  }
  if (parsed->help) {
    out << kUsage;
    return kExitOk;
  }
  ConvertArgs& options = *parsed;
  if (options.load.files.empty()) {
    // As docker compose: the default names here or in the nearest parent that has one, with
    // its override file (load/discovery.h).
    std::vector<std::string> parents;
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::current_path(ec);
    for (std::string up = ".."; !ec && dir.has_parent_path() && dir.parent_path() != dir;
         up += "/..") {
      parents.push_back(up);
      dir = dir.parent_path();
    }
    options.load.files = load::discoverComposeFiles(parents, [](const std::string& path) {
      std::error_code error;
      return std::filesystem::is_regular_file(path, error);
    });
    if (options.load.files.empty()) {
      err << "error: no compose file given and none of compose.yaml, compose.yml, "
             "docker-compose.yml, docker-compose.yaml here or in a parent directory\n"
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

  // Files named on the command line are read where they are; files that a compose file names
  // must lie below the project directory (the first file's).
  FileSystemReader reader(load::projectDirectory(options.load), load::namedFiles(options.load));
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
