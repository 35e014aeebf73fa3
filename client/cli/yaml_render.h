// ccsctl's YAML output (-o yaml): the JSON documents of json_render.h,
// written as YAML. Same fields, same api_version and kind.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ccs::cli {

// Block-style YAML of `doc`; strings that would read as another type
// ("yes", "123", "") are quoted, null is written as `null`.
std::string ToYaml(const nlohmann::json& doc);

}  // namespace ccs::cli
