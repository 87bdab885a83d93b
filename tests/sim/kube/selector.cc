#include "tests/sim/kube/selector.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string quote(std::string_view s) {
  return util::cat("\"", s, "\"");
}

// The label lexer of k8s.io/apimachinery/pkg/labels.
enum class Tok { kIdent, kNot, kEq, kDoubleEq, kNotEq, kOpen, kClose, kComma, kGt, kLt, kEnd };

struct Token {
  Tok type;
  std::string text;
};

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  auto special = [](char c) {
    return c == '!' || c == '=' || c == '(' || c == ')' || c == ',' || c == '<' || c == '>';
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '!' && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({Tok::kNotEq, "!="});
      i += 2;
    } else if (c == '=' && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({Tok::kDoubleEq, "=="});
      i += 2;
    } else if (c == '!') {
      out.push_back({Tok::kNot, "!"});
      ++i;
    } else if (c == '=') {
      out.push_back({Tok::kEq, "="});
      ++i;
    } else if (c == '(') {
      out.push_back({Tok::kOpen, "("});
      ++i;
    } else if (c == ')') {
      out.push_back({Tok::kClose, ")"});
      ++i;
    } else if (c == ',') {
      out.push_back({Tok::kComma, ","});
      ++i;
    } else if (c == '>') {
      out.push_back({Tok::kGt, ">"});
      ++i;
    } else if (c == '<') {
      out.push_back({Tok::kLt, "<"});
      ++i;
    } else {
      size_t start = i;
      while (i < s.size() && !special(s[i]) && !std::isspace(static_cast<unsigned char>(s[i]))) {
        ++i;
      }
      out.push_back({Tok::kIdent, std::string(s.substr(start, i - start))});
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

std::string shown(const Token& t) {
  return t.type == Tok::kEnd ? std::string() : t.text;
}

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (std::string_view part : util::split(s, '.')) {
    if (part.empty() || !is_alnum(part.front()) || !is_alnum(part.back())) return false;
    for (char c : part) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        return false;
      }
    }
  }
  return true;
}

bool is_label_name_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

const std::string* lookup(const StringPairs& pairs, std::string_view key) {
  auto it = std::lower_bound(pairs.begin(), pairs.end(), key,
                             [](const auto& p, std::string_view k) { return p.first < k; });
  return it != pairs.end() && it->first == key ? &it->second : nullptr;
}

std::string validate_label_key(std::string_view key) {
  std::string_view name = key;
  size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (!is_dns1123_subdomain(prefix)) {
      return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
             "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
             "'example.com', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    }
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > 63) return "name part must be no more than 63 characters";
  if (!is_label_name_part(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
           "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
           "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return "";
}

std::string validate_label_value(std::string_view value) {
  if (value.size() > 63) return "must be no more than 63 characters";
  if (!value.empty() && !is_label_name_part(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', "
           "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
           "or 'my_value',  or '12345', regex used for validation is "
           "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  }
  return "";
}

util::StatusOr<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  std::vector<Token> toks = lex(text);
  size_t i = 0;
  auto err = [](std::string m) { return util::invalid_argument_error(std::move(m)); };
  if (toks[0].type == Tok::kEnd) return selector;
  for (;;) {
    Requirement req;
    bool negated = false;
    if (toks[i].type == Tok::kNot) {
      negated = true;
      ++i;
      if (toks[i].type != Tok::kIdent) {
        return err(util::cat("found '", shown(toks[i]), "', expected: identifier after '!'"));
      }
    }
    if (toks[i].type != Tok::kIdent) {
      return err(
          util::cat("found '", shown(toks[i]), "', expected: !, identifier, or 'end of string'"));
    }
    req.key = toks[i].text;
    if (!negated && (req.key == "in" || req.key == "notin")) {
      return err(util::cat("found '", req.key, "', expected: !, identifier, or 'end of string'"));
    }
    ++i;
    if (std::string e = validate_label_key(req.key); !e.empty()) {
      return err(
          util::cat("unable to parse requirement: key: Invalid value: ", quote(req.key), ": ", e));
    }
    if (negated) {
      req.op = Op::kDoesNotExist;
    } else if (toks[i].type == Tok::kEnd || toks[i].type == Tok::kComma) {
      req.op = Op::kExists;
    } else {
      const Token& op = toks[i];
      bool set_op = false;
      if (op.type == Tok::kEq || op.type == Tok::kDoubleEq) {
        req.op = Op::kEquals;
      } else if (op.type == Tok::kNotEq) {
        req.op = Op::kNotEquals;
      } else if (op.type == Tok::kGt) {
        req.op = Op::kGreaterThan;
      } else if (op.type == Tok::kLt) {
        req.op = Op::kLessThan;
      } else if (op.type == Tok::kIdent && op.text == "in") {
        req.op = Op::kIn;
        set_op = true;
      } else if (op.type == Tok::kIdent && op.text == "notin") {
        req.op = Op::kNotIn;
        set_op = true;
      } else {
        return err(util::cat("found '", shown(op), "', expected: in, notin, =, ==, !=, gt, lt"));
      }
      ++i;
      if (set_op) {
        if (toks[i].type != Tok::kOpen)
          return err(util::cat("found '", shown(toks[i]), "', expected: '('"));
        ++i;
        for (;;) {
          if (toks[i].type == Tok::kIdent) {
            req.values.push_back(toks[i].text);
            ++i;
          } else if (toks[i].type == Tok::kComma || toks[i].type == Tok::kClose) {
            req.values.emplace_back();  // empty value, as `in (a,)` allows
          } else {
            return err(util::cat("found '", shown(toks[i]), "', expected: ',', ')' or identifier"));
          }
          if (toks[i].type == Tok::kComma) {
            ++i;
            continue;
          }
          if (toks[i].type == Tok::kClose) {
            ++i;
            break;
          }
          return err(util::cat("found '", shown(toks[i]), "', expected: ',' or ')'"));
        }
      } else {
        std::string value;
        if (toks[i].type == Tok::kIdent) {
          value = toks[i].text;
          ++i;
        } else if (toks[i].type != Tok::kEnd && toks[i].type != Tok::kComma) {
          return err(util::cat("found '", shown(toks[i]), "', expected: identifier"));
        }
        if (req.op == Op::kGreaterThan || req.op == Op::kLessThan) {
          char* end = nullptr;
          std::strtoll(value.c_str(), &end, 10);
          if (value.empty() || *end != '\0') {
            return err(
                util::cat("unable to parse requirement: values[0]: Invalid value: ", quote(value),
                          ": for 'Gt', 'Lt' operators, the value must be an "
                          "integer"));
          }
        }
        req.values.push_back(value);
      }
      for (size_t v = 0; v < req.values.size(); ++v) {
        if (req.op == Op::kGreaterThan || req.op == Op::kLessThan) break;
        if (std::string e = validate_label_value(req.values[v]); !e.empty()) {
          return err(util::cat("unable to parse requirement: values[", v, "][", req.key,
                               "]: Invalid value: ", quote(req.values[v]), ": ", e));
        }
      }
    }
    selector.requirements_.push_back(std::move(req));
    if (toks[i].type == Tok::kEnd) break;
    if (toks[i].type != Tok::kComma) {
      return err(util::cat("found '", shown(toks[i]), "', expected: ',' or 'end of string'"));
    }
    ++i;
  }
  return selector;
}

bool LabelSelector::matches(const StringPairs& labels) const {
  for (const Requirement& r : requirements_) {
    const std::string* v = lookup(labels, r.key);
    switch (r.op) {
      case Op::kEquals:
      case Op::kIn:
        if (v == nullptr || std::find(r.values.begin(), r.values.end(), *v) == r.values.end()) {
          return false;
        }
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        if (v != nullptr && std::find(r.values.begin(), r.values.end(), *v) != r.values.end()) {
          return false;
        }
        break;
      case Op::kExists:
        if (v == nullptr) return false;
        break;
      case Op::kDoesNotExist:
        if (v != nullptr) return false;
        break;
      case Op::kGreaterThan:
      case Op::kLessThan: {
        if (v == nullptr) return false;
        char* end = nullptr;
        long long have = std::strtoll(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0') return false;
        long long want = std::strtoll(r.values[0].c_str(), nullptr, 10);
        if (r.op == Op::kGreaterThan ? !(have > want) : !(have < want)) return false;
        break;
      }
    }
  }
  return true;
}

util::StatusOr<FieldSelector> FieldSelector::parse(std::string_view text) {
  FieldSelector selector;
  if (util::trim(text).empty()) return selector;
  // Split on unescaped commas, then on the first unescaped operator.
  std::vector<std::string> terms;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      current += text[i];
      current += text[i + 1];
      ++i;
    } else if (text[i] == ',') {
      terms.push_back(current);
      current.clear();
    } else {
      current += text[i];
    }
  }
  terms.push_back(current);
  auto unescape = [](std::string_view s) -> util::StatusOr<std::string> {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\') {
        if (i + 1 >= s.size())
          return util::invalid_argument_error("invalid field selector: trailing backslash");
        char n = s[i + 1];
        if (n != '\\' && n != ',' && n != '=' && n != '!') {
          return util::invalid_argument_error(util::cat("invalid escape sequence: \\", n));
        }
        out += n;
        ++i;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  for (const std::string& term : terms) {
    if (term.empty()) continue;
    size_t pos = std::string::npos;
    size_t op_len = 0;
    bool equals = true;
    for (size_t i = 0; i < term.size(); ++i) {
      if (term[i] == '\\') {
        ++i;
        continue;
      }
      if (term.compare(i, 2, "!=") == 0) {
        pos = i;
        op_len = 2;
        equals = false;
        break;
      }
      if (term.compare(i, 2, "==") == 0) {
        pos = i;
        op_len = 2;
        break;
      }
      if (term[i] == '=') {
        pos = i;
        op_len = 1;
        break;
      }
    }
    if (pos == std::string::npos) {
      return util::invalid_argument_error(
          util::cat("invalid selector: '", text, "'; can't understand '", term, "'"));
    }
    Requirement r;
    ASSIGN_OR_RETURN(r.field, unescape(util::trim(std::string_view(term).substr(0, pos))));
    ASSIGN_OR_RETURN(r.value, unescape(std::string_view(term).substr(pos + op_len)));
    r.equals = equals;
    selector.requirements_.push_back(std::move(r));
  }
  return selector;
}

bool FieldSelector::matches(const StringPairs& fields) const {
  for (const Requirement& r : requirements_) {
    const std::string* v = lookup(fields, r.field);
    std::string_view have = v == nullptr ? std::string_view() : std::string_view(*v);
    if ((have == r.value) != r.equals) return false;
  }
  return true;
}

const std::string* FieldSelector::exact_value(std::string_view field) const {
  for (const Requirement& r : requirements_) {
    if (r.field == field && r.equals) return &r.value;
  }
  return nullptr;
}

}  // namespace sim::kube
