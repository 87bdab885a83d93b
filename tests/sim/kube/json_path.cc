#include "tests/sim/kube/json_path.h"

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

util::Status unsupported(std::string_view expr) {
  return util::invalid_argument_error(util::cat("unsupported JSONPath expression: ", expr));
}

}  // namespace

util::StatusOr<JsonPath> JsonPath::parse(std::string_view expression) {
  std::string_view e = util::trim(expression);
  if (e.size() >= 2 && e.front() == '{' && e.back() == '}')
    e = util::trim(e.substr(1, e.size() - 2));
  if (!e.empty() && e.front() == '$') e.remove_prefix(1);
  JsonPath path;
  size_t i = 0;
  while (i < e.size()) {
    if (e[i] == '.') {
      ++i;
      if (i < e.size() && e[i] == '.') return unsupported(expression);  // recursive descent
      size_t start = i;
      while (i < e.size() && e[i] != '.' && e[i] != '[')
        ++i;
      if (i == start) return unsupported(expression);
      Step s;
      s.field = std::string(e.substr(start, i - start));
      if (s.field == "*") s.kind = Step::Kind::kWildcard;
      path.steps_.push_back(std::move(s));
    } else if (e[i] == '[') {
      size_t close = e.find(']', i);
      if (close == std::string_view::npos) return unsupported(expression);
      std::string_view inner = util::trim(e.substr(i + 1, close - i - 1));
      if (!inner.empty() && inner.front() == '?') {
        // [?(@.a.b=="x")] — the literal may contain ']' only inside quotes.
        size_t end = e.find(")]", i);
        if (end == std::string_view::npos) return unsupported(expression);
        inner = util::trim(e.substr(i + 1, end - i));
        close = end + 1;
        std::string_view cond = util::trim(inner.substr(1));
        if (cond.size() < 2 || cond.front() != '(' || cond.back() != ')')
          return unsupported(expression);
        cond = util::trim(cond.substr(1, cond.size() - 2));
        size_t op = cond.find("==");
        bool equals = true;
        if (op == std::string_view::npos) {
          op = cond.find("!=");
          equals = false;
        }
        if (op == std::string_view::npos) return unsupported(expression);
        std::string_view lhs = util::trim(cond.substr(0, op));
        std::string_view rhs = util::trim(cond.substr(op + 2));
        if (lhs.substr(0, 2) != "@.") return unsupported(expression);
        Step s;
        s.kind = Step::Kind::kFilter;
        s.field = std::string(lhs.substr(2));
        s.filter_equals = equals;
        if (!rhs.empty() && rhs.front() == '\'' && rhs.back() == '\'' && rhs.size() >= 2) {
          s.filter_literal = util::cat("\"", rhs.substr(1, rhs.size() - 2), "\"");
        } else {
          s.filter_literal = std::string(rhs);
        }
        path.steps_.push_back(std::move(s));
      } else if (inner == "*") {
        Step s;
        s.kind = Step::Kind::kWildcard;
        path.steps_.push_back(std::move(s));
      } else if (!inner.empty() && (inner.front() == '\'' || inner.front() == '"')) {
        Step s;
        s.field = std::string(inner.substr(1, inner.size() - 2));
        path.steps_.push_back(std::move(s));
      } else {
        Step s;
        s.kind = Step::Kind::kIndex;
        char* end = nullptr;
        std::string text(inner);
        s.index = std::strtol(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0') return unsupported(expression);
        path.steps_.push_back(std::move(s));
      }
      i = close + 1;
    } else {
      return unsupported(expression);
    }
  }
  return path;
}

std::vector<const json::Value*> JsonPath::evaluate(const json::Value& root) const {
  std::vector<const json::Value*> current = {&root};
  for (const Step& step : steps_) {
    std::vector<const json::Value*> next;
    for (const json::Value* v : current) {
      switch (step.kind) {
        case Step::Kind::kField:
          if (const json::Value* f = json::find(*v, step.field)) next.push_back(f);
          break;
        case Step::Kind::kIndex:
          if (v->IsArray()) {
            long n = static_cast<long>(v->Size());
            long idx = step.index < 0 ? n + step.index : step.index;
            if (idx >= 0 && idx < n) next.push_back(&(*v)[static_cast<rapidjson::SizeType>(idx)]);
          }
          break;
        case Step::Kind::kWildcard:
          if (v->IsArray()) {
            for (const json::Value& e : v->GetArray())
              next.push_back(&e);
          } else if (v->IsObject()) {
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it)
              next.push_back(&it->value);
          }
          break;
        case Step::Kind::kFilter: {
          if (!v->IsArray()) break;
          auto literal = json::parse(step.filter_literal);
          for (const json::Value& e : v->GetArray()) {
            const json::Value* field = &e;
            for (std::string_view part : util::split(step.field, '.')) {
              field = field != nullptr ? json::find(*field, part) : nullptr;
            }
            bool eq = field != nullptr && literal.ok() && *field == *literal;
            if (eq == step.filter_equals && (field != nullptr || !step.filter_equals)) {
              next.push_back(&e);
            }
          }
          break;
        }
      }
    }
    current = std::move(next);
  }
  return current;
}

std::string column_text(const json::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  return json::render_value(value);
}

}  // namespace sim::kube
