#include "operator/cli/run_options.h"

#include <charconv>
#include <optional>
#include <set>

#include "operator/translate/names.h"

namespace cop::cli {

namespace {

Unexpected<std::string> bad(const std::string& flag, const std::string& message) {
  return Unexpected("--" + flag + ": " + message);
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) {
      out.push_back(item);
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return out;
}

template <typename Number>
Expected<Number, std::string> number(const std::string& flag, const std::string& text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return bad(flag, "'" + text + "' is not a number");
  }
  return value;
}

// A selector's characters only; the API server checks its grammar (and a bad one fails the
// first LIST, at start-up, with its message).
bool plausibleSelector(const std::string& selector) {
  for (char c : selector) {
    if (c < ' ' || c > '~') {
      return false;
    }
  }
  return true;
}

}  // namespace

Expected<RunOptions, std::string> parseRunOptions(const std::vector<std::string>& args) {
  RunOptions options;
  const std::set<std::string> booleans = {"leader-elect", "help"};
  const std::set<std::string> valued = {"kubeconfig",
                                        "metrics-bind-address",
                                        "health-probe-bind-address",
                                        "leader-election-namespace",
                                        "leader-election-id",
                                        "namespaces",
                                        "watch-label-selector",
                                        "workers",
                                        "log-level",
                                        "kube-api-qps",
                                        "kube-api-burst"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h") {
      options.help = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      return Unexpected("unexpected argument '" + arg + "' (run takes only flags)");
    }
    std::string flag = arg.substr(2);
    std::optional<std::string> value;
    if (const std::size_t equals = flag.find('='); equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.resize(equals);
    }
    if (booleans.contains(flag)) {
      bool on = true;
      if (value) {
        if (*value == "true") {
          on = true;
        } else if (*value == "false") {
          on = false;
        } else {
          return bad(flag, "'" + *value + "' is not true or false");
        }
      }
      (flag == "help" ? options.help : options.leaderElect) = on;
      continue;
    }
    if (!valued.contains(flag)) {
      return Unexpected("unknown flag --" + flag);
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        return bad(flag, "needs a value");
      }
      value = args[++i];
    }
    if (flag == "kubeconfig") {
      options.kubeconfig = *value;
    } else if (flag == "metrics-bind-address") {
      options.metricsBindAddress = *value;
    } else if (flag == "health-probe-bind-address") {
      options.probeBindAddress = *value;
    } else if (flag == "leader-election-namespace") {
      if (!translate::isDns1123Label(*value)) {
        return bad(flag, "'" + *value + "' is not a namespace name");
      }
      options.leaderElectionNamespace = *value;
    } else if (flag == "leader-election-id") {
      if (!translate::isDns1123Subdomain(*value)) {
        return bad(flag, "'" + *value + "' is not a valid Lease name");
      }
      options.leaderElectionId = *value;
    } else if (flag == "namespaces") {
      for (const std::string& ns : splitList(*value)) {
        if (!translate::isDns1123Label(ns)) {
          return bad(flag, "'" + ns + "' is not a namespace name");
        }
        options.namespaces.push_back(ns);
      }
    } else if (flag == "watch-label-selector") {
      if (!plausibleSelector(*value)) {
        return bad(flag, "a label selector is printable ASCII");
      }
      options.watchLabelSelector = *value;
    } else if (flag == "workers") {
      auto workers = number<std::size_t>(flag, *value);
      if (!workers) {
        return Unexpected(workers.error());
      }
      if (*workers == 0 || *workers > kMaxWorkers) {
        return bad(flag, "must be between 1 and " + std::to_string(kMaxWorkers));
      }
      options.workers = *workers;
    } else if (flag == "log-level") {
      options.logLevel = *value;
    } else if (flag == "kube-api-qps") {
      auto qps = number<double>(flag, *value);
      if (!qps || *qps < 0) {
        return bad(flag, "must be a number >= 0");
      }
      options.qps = *qps;
    } else if (flag == "kube-api-burst") {
      auto burst = number<int>(flag, *value);
      if (!burst || *burst < 0) {
        return bad(flag, "must be a whole number >= 0");
      }
      options.burst = *burst;
    }
  }
  // Duplicates would start two informers for one namespace.
  std::set<std::string> unique(options.namespaces.begin(), options.namespaces.end());
  options.namespaces.assign(unique.begin(), unique.end());
  return options;
}

}  // namespace cop::cli
