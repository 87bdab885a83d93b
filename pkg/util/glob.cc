#include "pkg/util/glob.h"

namespace util {

// The classic two-cursor match: on a mismatch, let the most recent '*'
// swallow one more character and try again from there. Earlier stars never
// need revisiting, since a later star can absorb whatever they would have.
bool glob_match(std::string_view pattern, std::string_view text, GlobDialect dialect) {
  const bool question_mark = dialect == GlobDialect::kIamPolicy;
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;  // position in pattern after the last '*'
  size_t star_text = 0;                  // where that star's match ends in text
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_text = t;
    } else if (p < pattern.size() &&
               (pattern[p] == text[t] || (question_mark && pattern[p] == '?'))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

}  // namespace util
