#pragma once

// Helpers shared by the tests: load and convert compose text held in memory, and read YAML
// back into JSON for semantic comparison.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/load/interpolation.h"
#include "operator/load/loader.h"
#include "operator/translate/translator.h"

namespace cop::testing {

struct Converted {
  Result<std::vector<translate::Object>> objects = std::vector<translate::Object>();
  Warnings warnings;
};

// Loads `files` (path -> content; the first key in `order` is the main file).
Result<load::Project> loadText(const std::string& compose, Warnings& warnings,
                               std::map<std::string, std::string> extraFiles = {},
                               load::LoadOptions options = {});

// Loads and translates one compose text (file name compose.yaml).
Converted convertText(const std::string& compose, translate::TranslateOptions options = {},
                      std::map<std::string, std::string> extraFiles = {},
                      load::LoadOptions loadOptions = {});

// The first object of a kind (and name, when given); null when there is none.
translate::Object findObject(const std::vector<translate::Object>& objects, const std::string& kind,
                             const std::string& name = "");

// Parses a YAML stream (as our emitter writes it) into JSON values, one per document, with
// YAML 1.2 core typing of plain scalars.
std::vector<nlohmann::json> yamlStreamToJson(const std::string& text);

// A variable lookup over a fixed map (unset = absent from the map).
load::VariableLookup lookupFrom(std::map<std::string, std::string> values);

// Every warning's formatted text, joined by newlines (for EXPECT_THAT(..., HasSubstr)).
std::string joinWarnings(const Warnings& warnings);

// Everything a reader of non-Secret objects can see: all objects as YAML and as JSON, with the
// data of Secrets (and only that) left out.
std::string visibleText(std::vector<translate::Object> objects);

}  // namespace cop::testing
