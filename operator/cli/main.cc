// compose-operator: the command line. `convert` runs the translator on compose files; `run`
// runs the operator.

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "operator/cli/convert_command.h"
#include "operator/cli/run_command.h"
#include "operator/serving/shutdown_signal.h"

extern char** environ;

namespace {

constexpr const char* kVersion = "0.1.0";

constexpr const char* kUsage =
    "usage: compose-operator <command> [options]\n"
    "\n"
    "commands:\n"
    "  convert   translate compose files into hardened Kubernetes objects (see convert --help)\n"
    "  run       run the operator: reconcile ComposeStack resources (see run --help)\n"
    "  version   print the version\n";

std::map<std::string, std::string> processEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const std::size_t equals = text.find('=');
    if (equals != std::string::npos && equals > 0) {
      env.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  return env;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    (args.empty() ? std::cerr : std::cout) << kUsage;
    return args.empty() ? cop::cli::kExitUsage : cop::cli::kExitOk;
  }
  if (args[0] == "version" || args[0] == "--version") {
    std::cout << "compose-operator " << kVersion << "\n";
    return cop::cli::kExitOk;
  }
  if (args[0] == "convert") {
    args.erase(args.begin());
    return cop::cli::runConvert(args, processEnvironment(), std::cout, std::cerr);
  }
  if (args[0] == "run") {
    // Before any thread starts, so that every thread inherits the blocked signals and only the
    // shutdown watcher receives SIGTERM.
    if (auto blocked = cop::serving::blockShutdownSignals(); !blocked) {
      std::cerr << "error: cannot block the shutdown signals: " << blocked.error() << "\n";
      return cop::cli::kExitInputError;
    }
    args.erase(args.begin());
    return cop::cli::runOperator(args);
  }
  std::cerr << "error: unknown command '" << args[0] << "'\n" << kUsage;
  return cop::cli::kExitUsage;
}
