// JSON string quoting for the simulators' small hand-shaped JSON bodies (IMDS
// answers in its own " : " layout, which a generic writer does not produce).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace sim::aws {

// "\"text\"" with ", \ and control characters escaped.
std::string json_quote(std::string_view text);

}  // namespace sim::aws
