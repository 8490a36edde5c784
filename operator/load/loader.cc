#include "operator/load/loader.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "operator/common/message_text.h"
#include "operator/load/dotenv.h"
#include "operator/load/interpolation.h"
#include "operator/load/load_budget.h"
#include "operator/load/merge.h"
#include "operator/load/node_reader.h"
#include "operator/load/paths.h"
#include "operator/load/project_parser.h"
#include "operator/load/rebase.h"

namespace cop::load {

namespace {

constexpr std::size_t kMaxEnvFileBytes = 1024 * 1024;
// extends chains and includes are a handful deep; the bound stops pathological inputs that
// the cycle check alone would let grow (a long chain of distinct files).
constexpr int kMaxExtendsDepth = 64;
constexpr int kMaxIncludeDepth = 16;
constexpr std::string_view kDefaultEnvFile = ".env";
constexpr std::string_view kProjectNameVariable = "COMPOSE_PROJECT_NAME";

// COMPOSE_PROFILES entries are trimmed, as docker compose reads them (" a , b" is a and b).
std::string_view trimWhitespace(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

constexpr std::string_view kTopLevelKeys[] = {"version",  "name",     "include",
                                              "services", "networks", "volumes",
                                              "secrets",  "configs",  "models"};

// "cannot read the env file: <why>", except for a budget refusal, which says so itself.
std::string readFailure(std::string_view what, const ReadError& error) {
  if (error.kind == ReadFailure::kOverBudget) {
    return error.message;
  }
  return std::string(what) + ": " + error.message;
}

class ProjectLoader {
 public:
  // Every file is read through the budget, so that the whole load stays bounded.
  ProjectLoader(const LoadOptions& options, const SourceReader& reader, Warnings& warnings)
      : options_(options),
        budget_(options.limits),
        budgeted_(reader, budget_),
        reader_(budgeted_, projectDirectory(options), namedFiles(options)),
        warnings_(warnings),
        projectDir_(projectDirectory(options)) {}

  Result<Project> run() {
    if (options_.files.empty()) {
      return fail("no compose file given");
    }
    COP_TRY(loadEnvironment());

    Node merged;
    bool first = true;
    for (const std::string& file : options_.files) {
      COP_ASSIGN_OR_RETURN(document, readDocument(file, lookup()));
      COP_TRY(checkTopLevel(document, file));
      // Includes first, as compose does: a service may extend one that an include brings in.
      includeChain_ = {normalizePath(file)};
      COP_TRY(applyIncludes(document, file, projectDir_, lookup(), 0));
      COP_TRY(resolveAllExtends(document, file, projectDir_));
      if (first) {
        merged = std::move(document);
        first = false;
      } else {
        mergeComposeDocuments(merged, document);
      }
    }
    settleTags(merged);
    COP_TRY(checkStackSize(merged));
    if (const Node* version = merged.find("version")) {
      warnings_.add("the top-level 'version' is obsolete and ignored", "version",
                    version->mark().fileName(), version->mark().line);
    }
    if (const Node* models = merged.find("models")) {
      warnings_.add("top-level models are a Docker feature and are ignored", "models",
                    models->mark().fileName(), models->mark().line);
    }

    COP_ASSIGN_OR_RETURN(disabled, applyProfiles(merged));
    COP_ASSIGN_OR_RETURN(name, projectName(merged));
    ParseContext context{reader_, projectDir_, lookup(), warnings_, &budget_};
    ProjectInput input{merged, std::move(disabled), std::move(name)};
    COP_ASSIGN_OR_RETURN(project, parseProject(input, context));
    project.files = options_.files;
    project.substitutedVariables = substituted_;
    return project;
  }

  const std::map<std::string, std::string>& substituted() const { return substituted_; }

 private:
  VariableLookup lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      if (auto value = explicitVariable(name)) {
        return value;
      }
      if (name == kProjectNameVariable && !provisionalName_.empty()) {
        return provisionalName_;  // compose exposes the project name to interpolation
      }
      return std::nullopt;
    };
  }

  // A variable the user set (environment or env file), ignoring the derived ones.
  std::optional<std::string> explicitVariable(const std::string& name) const {
    if (auto it = options_.environment.find(name); it != options_.environment.end()) {
      return it->second;
    }
    if (auto it = envFileValues_.find(name); it != envFileValues_.end()) {
      return it->second;
    }
    return std::nullopt;
  }

  // The env file(s) feed interpolation; the given environment wins over them.
  Status loadEnvironment() {
    const bool explicitFiles = options_.envFiles.has_value();
    std::vector<std::string> files =
        explicitFiles ? *options_.envFiles
                      : std::vector<std::string>{joinPath(projectDir_, kDefaultEnvFile)};
    for (const std::string& file : files) {
      auto text = reader_.read(file, kMaxEnvFileBytes);
      if (!text) {
        if (!explicitFiles && text.error().kind == ReadFailure::kNotFound) {
          continue;  // the default .env is optional
        }
        return fail(readFailure("cannot read the env file", text.error()), {}, file);
      }
      VariableLookup outer = [this](const std::string& name) { return explicitVariable(name); };
      COP_ASSIGN_OR_RETURN(entries, parseDotenv(*text, file, outer, false, &budget_));
      for (auto& [key, value] : entries) {
        envFileValues_[key] = std::move(value);
      }
    }
    return {};
  }

  Result<Node> readDocument(const std::string& file, const VariableLookup& variables) {
    auto text = reader_.read(file, options_.limits.maxBytes);
    if (!text) {
      if (text.error().kind == ReadFailure::kTooLarge) {
        return fail("the file is larger than the limit of " +
                        std::to_string(options_.limits.maxBytes) + " bytes for a compose file",
                    {}, file);
      }
      return fail(readFailure("cannot read the compose file", text.error()), {}, file);
    }
    COP_ASSIGN_OR_RETURN(document, parseYaml(*text, file, options_.limits, &budget_));
    if (document.isNull()) {
      return fail("the compose file is empty", {}, file);
    }
    if (!document.isMapping()) {
      return fail("a compose file must be a mapping at the top level, found " + document.describe(),
                  {}, file, document.mark().line);
    }
    if (provisionalName_.empty()) {
      provisionalName_ = options_.projectName;
      const Node* name = document.find("name");
      if (provisionalName_.empty() && name != nullptr && name->isScalar()) {
        // `name:` may itself be interpolated (from the user's variables only: it is what
        // defines COMPOSE_PROJECT_NAME for the rest of the file).
        auto text = interpolate(name->text(), [this](const std::string& variable) {
          return explicitVariable(variable);
        });
        if (text) {
          provisionalName_ = normalizeProjectName(*text);
        }
      }
      if (provisionalName_.empty()) {
        provisionalName_ = normalizeProjectName(options_.defaultProjectName);
      }
    }
    COP_TRY(interpolateTree(document, variables, "", warnings_, &budget_, &substituted_));
    return document;
  }

  // The service limit holds for the stack, after includes and overrides, not only per file;
  // so does the limit on the entries of one field of a service (labels, environment, ports,
  // networks, ...), which keeps the translator's per-field work small.
  Status checkStackSize(const Node& document) const {
    const Node* services = document.find("services");
    if (services == nullptr || !services->isMapping()) {
      return {};
    }
    if (services->entries().size() > options_.limits.maxServices) {
      return failAt(*services, "services",
                    "the stack defines " + std::to_string(services->entries().size()) +
                        " services across its files and includes, more than the " +
                        std::to_string(options_.limits.maxServices) +
                        " a stack may have (Kubernetes is tested up to 2,000 Deployments per "
                        "namespace)");
    }
    for (const auto& service : services->entries()) {
      for (const auto& field : service.value.entries()) {
        const std::size_t size =
            field.value.isMapping() ? field.value.entries().size() : field.value.items().size();
        if (size > options_.limits.maxEntries) {
          return failAt(field.value, "services." + service.key + "." + field.key,
                        std::to_string(size) + " entries, more than the " +
                            std::to_string(options_.limits.maxEntries) +
                            " one field of a service may have");
        }
      }
    }
    return {};
  }

  Status checkTopLevel(const Node& document, const std::string& file) {
    for (const auto& entry : document.entries()) {
      if (entry.key.starts_with("x-") ||
          std::find(std::begin(kTopLevelKeys), std::end(kTopLevelKeys), entry.key) !=
              std::end(kTopLevelKeys)) {
        continue;
      }
      std::string hint;
      if (entry.value.isMapping() && (entry.value.find("image") || entry.value.find("build"))) {
        hint =
            " (it looks like a service: this is the legacy version-1 format; put services "
            "under 'services:')";
      }
      return fail("unknown top-level key '" + entry.key + "'" + hint, entry.key, file,
                  entry.value.mark().line);
    }
    // Names are strings: compose refuses `2048:` (a YAML integer) as a service name.
    for (std::string_view section : {"services", "networks", "volumes", "secrets", "configs"}) {
      const Node* names = document.find(section);
      if (names == nullptr || !names->isMapping()) {
        continue;
      }
      for (const auto& entry : names->entries()) {
        if (entry.keyNotString) {
          return fail("the name " + entry.key +
                          " is a YAML number or boolean, not a string "
                          "(quote it: \"" +
                          entry.key + "\")",
                      std::string(section) + "." + entry.key, file, entry.value.mark().line);
        }
      }
    }
    const Node* services = document.find("services");
    if (services != nullptr && !services->isMapping() && !services->isNull()) {
      return failAt(*services, "services",
                    "expected a mapping of services, found " + services->describe());
    }
    if (services != nullptr && services->entries().size() > options_.limits.maxServices) {
      return failAt(*services, "services",
                    "the file defines " + std::to_string(services->entries().size()) +
                        " services, more than the " + std::to_string(options_.limits.maxServices) +
                        " a stack may have (Kubernetes is tested up to 2,000 Deployments per "
                        "namespace)");
    }
    return {};
  }

  Status resolveAllExtends(Node& document, const std::string& file, const std::string& dir) {
    Node* services = document.find("services");
    if (services == nullptr || !services->isMapping()) {
      return {};
    }
    for (std::size_t i = 0; i < services->entries().size(); ++i) {
      std::vector<std::string> chain;
      COP_TRY(resolveExtends(*services, services->entries()[i].key, file, dir, chain));
    }
    return {};
  }

  // Resolves the extends chain of services[name] in place (services are from `file`, whose
  // relative paths are relative to `dir`).
  Status resolveExtends(Node& services, const std::string& name, const std::string& file,
                        const std::string& dir, std::vector<std::string>& chain) {
    Node* service = services.find(name);
    if (service == nullptr || !service->isMapping()) {
      return {};
    }
    const Node* extends = service->find("extends");
    if (extends == nullptr) {
      return {};
    }
    const std::string path = "services." + name + ".extends";
    const std::string key = normalizePath(file) + "#" + name;
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
      std::string cycle;
      for (const auto& link : chain) {
        cycle += link.substr(link.find('#') + 1) + " -> ";
      }
      return failAt(*extends, path, "circular extends: " + cycle + name);
    }
    if (chain.size() >= static_cast<std::size_t>(kMaxExtendsDepth)) {
      return failAt(*extends, path,
                    "extends chain longer than " + std::to_string(kMaxExtendsDepth));
    }
    chain.push_back(key);

    std::string baseName;
    std::optional<std::string> baseFile;
    if (extends->isScalar()) {
      baseName = extends->text();
    } else {
      COP_ASSIGN_OR_RETURN(fields, MappingReader::open(*extends, path));
      COP_ASSIGN_OR_RETURN(serviceField, fields.string("service"));
      if (!serviceField) {
        return failAt(*extends, path, "extends needs a service");
      }
      baseName = *serviceField;
      COP_ASSIGN_OR_RETURN(fileField, fields.string("file"));
      baseFile = fileField;
      COP_TRY(fields.rejectUnknown("extends"));
    }

    Node base;
    if (baseFile) {
      const std::string otherFile = joinPath(dir, *baseFile);
      auto otherDocument = extendedDocument(otherFile);
      if (!otherDocument) {
        Error error = std::move(otherDocument).error();
        if (error.file == otherFile && error.line == 0) {
          return failAt(*extends, path + ".file", error.message + " (" + otherFile + ")");
        }
        return Unexpected(std::move(error));
      }
      Node* otherServices = (*otherDocument)->find("services");
      if (otherServices == nullptr || otherServices->find(baseName) == nullptr) {
        return failAt(*extends, path,
                      "the service '" + baseName + "' is not defined in " + otherFile);
      }
      const std::string otherDir = directoryOf(otherFile);
      COP_TRY(resolveExtends(*otherServices, baseName, otherFile, otherDir, chain));
      COP_TRY(chargeExtendsCopy(*otherServices->find(baseName), *extends, path));
      base = *otherServices->find(baseName);
      rebaseServicePaths(base, otherDir, dir);
    } else {
      if (services.find(baseName) == nullptr) {
        return failAt(*extends, path,
                      "extends the service '" + baseName + "', which is not defined in " + file);
      }
      COP_TRY(resolveExtends(services, baseName, file, dir, chain));
      COP_TRY(chargeExtendsCopy(*services.find(baseName), *extends, path));
      base = *services.find(baseName);
    }
    chain.pop_back();
    if (base.isNull()) {
      base = Node::mapping(service->mark());
    }
    service = services.find(name);  // the recursive calls may have moved entries
    Node own = *service;
    own.erase("extends");
    base.erase("extends");
    mergeService(base, own);
    base.setMark(own.mark());
    *service = std::move(base);
    return {};
  }

  // Every service that extends another gets a copy of it: the copies are what a small file
  // can multiply (2,000 services extending one large base), so each is charged.
  Status chargeExtendsCopy(const Node& base, const Node& extends, const std::string& path) {
    if (auto charged = budget_.chargeCopy(base, "extends copies"); !charged) {
      return failAt(extends, path, charged.error().message);
    }
    return {};
  }

  // A file named by `extends`, read, parsed and interpolated once however many services
  // extend from it. Its services are resolved in place, once (resolving is idempotent: a
  // resolved service has no `extends` left), and each use copies only the one service it
  // needs, never the whole file.
  Result<Node*> extendedDocument(const std::string& file) {
    const std::string key = normalizePath(file);
    if (auto it = extendedFiles_.find(key); it != extendedFiles_.end()) {
      return &it->second;
    }
    COP_ASSIGN_OR_RETURN(document, readDocument(file, lookup()));
    return &extendedFiles_.emplace(key, std::move(document)).first->second;
  }

  // Includes of `document` (from `file`): their paths, env files and project directories are
  // relative to `baseDir`, the including project's directory; `outer` are the including
  // project's variables, which win over the included project's own env files.
  Status applyIncludes(Node& document, const std::string& file, const std::string& baseDir,
                       const VariableLookup& outer, int depth) {
    const Node* include = document.find("include");
    if (include == nullptr) {
      return {};
    }
    if (depth >= kMaxIncludeDepth) {
      return failAt(*include, "include",
                    "includes nested deeper than " + std::to_string(kMaxIncludeDepth));
    }
    if (!include->isSequence()) {
      return failAt(*include, "include", "expected a list of files, found " + include->describe());
    }
    const Node includeList = *include;
    document.erase("include");
    for (std::size_t i = 0; i < includeList.items().size(); ++i) {
      const Node& item = includeList.items()[i];
      const std::string itemPath = indexPath("include", i);
      std::vector<std::string> paths;
      std::vector<std::string> envFiles;
      std::string projectDirectory;
      if (item.isScalar()) {
        paths.push_back(item.text());
      } else {
        COP_ASSIGN_OR_RETURN(fields, MappingReader::open(item, itemPath));
        COP_ASSIGN_OR_RETURN(pathList, fields.stringList("path"));
        paths = std::move(pathList);
        COP_ASSIGN_OR_RETURN(envList, fields.stringList("env_file"));
        envFiles = std::move(envList);
        COP_ASSIGN_OR_RETURN(dirField, fields.string("project_directory"));
        projectDirectory = dirField.value_or("");
        COP_TRY(fields.rejectUnknown("an include entry"));
      }
      if (paths.empty()) {
        return failAt(item, itemPath, "an include entry needs a path");
      }
      const std::string firstPath = joinPath(baseDir, paths.front());
      const std::string includeDir =
          projectDirectory.empty() ? directoryOf(firstPath) : joinPath(baseDir, projectDirectory);
      // The included project reads its env files (by default its own directory's .env); the
      // including project's variables win over them.
      const bool defaultEnvFile = envFiles.empty();
      std::vector<std::string> envPaths;
      for (const std::string& envFile : envFiles) {
        envPaths.push_back(joinPath(baseDir, envFile));
      }
      if (defaultEnvFile) {
        envPaths.push_back(joinPath(includeDir, kDefaultEnvFile));
      }
      std::map<std::string, std::string> includeEnv;
      for (const std::string& envPath : envPaths) {
        auto text = reader_.read(envPath, kMaxEnvFileBytes);
        if (!text) {
          if (defaultEnvFile && text.error().kind == ReadFailure::kNotFound) {
            continue;  // an included project's .env is optional
          }
          return failAt(item, itemPath, readFailure("cannot read the env file", text.error()));
        }
        COP_ASSIGN_OR_RETURN(entries, parseDotenv(*text, envPath, outer, false, &budget_));
        for (auto& [key, value] : entries) {
          includeEnv[key] = std::move(value);
        }
      }
      VariableLookup variables =
          [&outer, &includeEnv](const std::string& name) -> std::optional<std::string> {
        if (auto value = outer(name)) {
          return value;
        }
        if (auto it = includeEnv.find(name); it != includeEnv.end()) {
          return it->second;
        }
        return std::nullopt;
      };
      Node included;
      for (std::size_t p = 0; p < paths.size(); ++p) {
        const std::string includedFile = joinPath(baseDir, paths[p]);
        if (std::find(includeChain_.begin(), includeChain_.end(), includedFile) !=
            includeChain_.end()) {
          std::string cycle;
          for (const std::string& link : includeChain_) {
            cycle += link + " -> ";
          }
          return failAt(item, itemPath, "circular include: " + cycle + includedFile);
        }
        includeChain_.push_back(includedFile);
        auto loaded = readDocument(includedFile, variables);
        if (!loaded) {
          Error error = std::move(loaded).error();
          if (error.line == 0) {
            return failAt(item, itemPath, error.message + " (" + includedFile + ")");
          }
          return Unexpected(std::move(error));
        }
        COP_TRY(checkTopLevel(*loaded, includedFile));
        COP_TRY(applyIncludes(*loaded, includedFile, includeDir, variables, depth + 1));
        COP_TRY(resolveAllExtends(*loaded, includedFile, includeDir));
        includeChain_.pop_back();
        if (p == 0) {
          included = std::move(*loaded);
        } else {
          mergeComposeDocuments(included, *loaded);
        }
      }
      rebaseDocumentPaths(included, includeDir, baseDir);
      COP_TRY(addIncluded(document, included, file, paths.front()));
    }
    return {};
  }

  Status addIncluded(Node& document, const Node& included, const std::string& file,
                     const std::string& includedName) {
    for (std::string_view section : {"services", "networks", "volumes", "secrets", "configs"}) {
      const Node* from = included.find(section);
      if (from == nullptr || !from->isMapping()) {
        continue;
      }
      Node* into = document.find(section);
      if (into == nullptr || into->isNull()) {
        document.set(std::string(section), *from);
        continue;
      }
      for (const auto& entry : from->entries()) {
        Node* local = into->find(entry.key);
        if (local == nullptr) {
          into->entries().push_back(entry);
        } else if (section == "services") {
          // As docker compose does: the local definition is merged over the included one.
          Node merged = entry.value;
          mergeService(merged, *local);
          merged.setMark(local->mark());
          *local = std::move(merged);
          warnings_.add("the service '" + entry.key + "' is also defined in the included " +
                            includedName + "; this file's definition is merged over it",
                        "services." + entry.key, file, local->mark().line);
        } else {
          warnings_.add("the included " + includedName + " also defines " + std::string(section) +
                            " '" + entry.key + "'; this project's definition is used",
                        std::string(section) + "." + entry.key, file,
                        into->find(entry.key)->mark().line);
        }
      }
    }
    return {};
  }

  Result<std::set<std::string>> applyProfiles(Node& document) {
    std::set<std::string> active(options_.profiles.begin(), options_.profiles.end());
    if (active.empty()) {
      if (auto fromEnv = lookup()("COMPOSE_PROFILES")) {
        std::size_t start = 0;
        while (start <= fromEnv->size()) {
          const std::size_t comma = fromEnv->find(',', start);
          std::string profile(trimWhitespace(std::string_view(*fromEnv).substr(
              start, comma == std::string::npos ? comma : comma - start)));
          if (!profile.empty()) {
            active.insert(profile);
          }
          if (comma == std::string::npos) {
            break;
          }
          start = comma + 1;
        }
      }
    }
    std::set<std::string> disabled;
    Node* services = document.find("services");
    if (services == nullptr || !services->isMapping()) {
      return disabled;
    }
    auto& entries = services->entries();
    for (std::size_t i = 0; i < entries.size();) {
      const Node* profiles =
          entries[i].value.isMapping() ? entries[i].value.find("profiles") : nullptr;
      bool enabled = true;
      if (profiles != nullptr) {
        COP_ASSIGN_OR_RETURN(names,
                             asStringList(*profiles, "services." + entries[i].key + ".profiles"));
        enabled = names.empty() || active.contains("*") ||
                  std::any_of(names.begin(), names.end(),
                              [&active](const std::string& n) { return active.contains(n); });
      }
      if (enabled) {
        ++i;
      } else {
        disabled.insert(entries[i].key);
        entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
    return disabled;
  }

  Result<std::string> projectName(const Node& document) {
    std::string raw = options_.projectName;
    std::string source = "the project name";
    if (raw.empty()) {
      if (auto fromEnv = explicitVariable(std::string(kProjectNameVariable));
          fromEnv && !fromEnv->empty()) {
        raw = *fromEnv;
        source = "COMPOSE_PROJECT_NAME";
      }
    }
    if (raw.empty()) {
      if (const Node* name = document.find("name")) {
        COP_ASSIGN_OR_RETURN(text, asString(*name, "name"));
        raw = text;
        source = "name";
      }
    }
    if (raw.empty() && !options_.defaultProjectName.empty()) {
      raw = options_.defaultProjectName;
      source = "the project directory's name";
    }
    if (raw.empty()) {
      const std::string dir = normalizePath(projectDir_.empty() ? "." : projectDir_);
      const std::size_t slash = dir.rfind('/');
      raw = slash == std::string::npos ? dir : dir.substr(slash + 1);
      source = "the project directory's name";
      if (raw == "." || raw.empty()) {
        raw = "default";
      }
    }
    std::string name = normalizeProjectName(raw);
    if (name.empty()) {
      return fail(source + " '" + raw +
                      "' leaves no valid project name (use lower-case letters, "
                      "digits, '-' and '_')",
                  source == "name" ? "name" : "");
    }
    return name;
  }

  const LoadOptions& options_;
  LoadBudget budget_;
  BudgetedReader budgeted_;
  ConfinedReader reader_;  // every read: within the project, and within the budget
  Warnings& warnings_;
  const std::string projectDir_;
  std::map<std::string, std::string> envFileValues_;
  std::vector<std::string> includeChain_;      // the files being included, outermost first
  std::string provisionalName_;                // COMPOSE_PROJECT_NAME while files are interpolated
  std::map<std::string, Node> extendedFiles_;  // by normalised path
  std::map<std::string, std::string> substituted_;  // variables interpolation used
};

}  // namespace

std::string normalizeProjectName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(lower)) || lower == '-' || lower == '_') {
      out += lower;
    }
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) {
    out.erase(out.begin());
  }
  return out;
}

Status checkExplicitProjectName(std::string_view name) {
  if (normalizeProjectName(name) == name) {
    return {};
  }
  return fail("invalid project name '" + std::string(name) +
              "': use only lower-case letters, digits, '-' and '_', starting with a letter or "
              "digit");
}

std::string projectDirectory(const LoadOptions& options) {
  return options.files.empty() ? std::string() : directoryOf(options.files.front());
}

std::vector<std::string> namedFiles(const LoadOptions& options) {
  std::vector<std::string> files = options.files;
  if (options.envFiles) {
    files.insert(files.end(), options.envFiles->begin(), options.envFiles->end());
  }
  return files;
}

Result<Project> loadProject(const LoadOptions& options, const SourceReader& reader,
                            Warnings& warnings) {
  // No message of the load quotes a substituted value: it names the variable instead.
  const std::size_t firstWarning = warnings.size();
  ProjectLoader loader(options, reader, warnings);
  auto project = loader.run();
  return redacted(std::move(project), warnings, firstWarning, loader.substituted());
}

}  // namespace cop::load
