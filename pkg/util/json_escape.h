// JSON string escaping for code that writes JSON text by hand (log lines,
// the byte-exact credentials.json), where a DOM would change the layout.
#pragma once

#include <string>
#include <string_view>

namespace util {

// `text` escaped for the inside of a JSON string: quotes, backslashes and
// control characters; UTF-8 passes through.
std::string json_escape(std::string_view text);
// The same, with the surrounding quotes.
std::string json_quote(std::string_view text);

}  // namespace util
