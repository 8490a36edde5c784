#pragma once

// `compose-operator convert`: load -> translate -> emit, for files on disk. Writes objects to
// `out`, warnings and errors to `err`; returns the process exit code (0 ok, 1 bad input,
// 2 usage error).

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace cop::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInputError = 1;
inline constexpr int kExitUsage = 2;

// `environment` is the process environment (it wins over env files). Without -f, the
// default compose file names are looked up in the current directory.
int runConvert(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& environment, std::ostream& out,
               std::ostream& err);

}  // namespace cop::cli
