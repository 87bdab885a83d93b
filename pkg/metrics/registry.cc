#include "pkg/metrics/registry.h"

#include <cmath>

#include "pkg/util/strings.h"

namespace metrics {
namespace {

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return util::cat(v);  // shortest round-trip form: 0.1, 5.55, 1e+21
}

// `{a="x",b="y"}` or "" without labels; `extra` appends one more pair.
std::string label_set(const std::vector<std::string>& names, const Labels& values,
                      std::string_view extra = {}) {
  if (names.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ",";
    out += util::cat(names[i], "=\"", escape_label(i < values.size() ? values[i] : ""), "\"");
  }
  if (!extra.empty()) {
    if (!names.empty()) out += ",";
    out += extra;
  }
  out += "}";
  return out;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += util::cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

ScalarSeries::ScalarSeries(std::string name, std::string help, std::string_view type,
                           std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {
  if (label_names_.empty()) values_.emplace(Labels{}, 0);
}

void ScalarSeries::add(const Labels& labels, double by) {
  util::MutexLock lock(mu_);
  values_[labels] += by;
}

void ScalarSeries::set(const Labels& labels, double value) {
  util::MutexLock lock(mu_);
  values_[labels] = value;
}

void ScalarSeries::erase(const Labels& labels) {
  util::MutexLock lock(mu_);
  values_.erase(labels);
}

double ScalarSeries::value(const Labels& labels) const {
  util::MutexLock lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void ScalarSeries::render(std::string& out) const {
  header(out, name_, help_, type_);
  util::MutexLock lock(mu_);
  for (const auto& [labels, v] : values_) {
    out += util::cat(name_, label_set(label_names_, labels), " ", format_value(v), "\n");
  }
}

CallbackGauge::CallbackGauge(std::string name, std::string help, std::function<double()> read)
    : name_(std::move(name)), help_(std::move(help)), read_(std::move(read)) {}

void CallbackGauge::render(std::string& out) const {
  header(out, name_, help_, "gauge");
  out += util::cat(name_, " ", format_value(read_()), "\n");
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {
  if (label_names_.empty()) series_.emplace(Labels{}, Series{.buckets = zero_buckets()});
}

void Histogram::observe(const Labels& labels, double value) {
  util::MutexLock lock(mu_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets = zero_buckets();
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++s.buckets[i];
      break;
    }
  }
  ++s.count;
  s.sum += value;
}

uint64_t Histogram::count(const Labels& labels) const {
  util::MutexLock lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::render(std::string& out) const {
  header(out, name_, help_, "histogram");
  util::MutexLock lock(mu_);
  for (const auto& [labels, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      out += util::cat(
          name_, "_bucket",
          label_set(label_names_, labels, util::cat("le=\"", format_value(bounds_[i]), "\"")), " ",
          cumulative, "\n");
    }
    out += util::cat(name_, "_bucket", label_set(label_names_, labels, "le=\"+Inf\""), " ", s.count,
                     "\n");
    out +=
        util::cat(name_, "_sum", label_set(label_names_, labels), " ", format_value(s.sum), "\n");
    out += util::cat(name_, "_count", label_set(label_names_, labels), " ", s.count, "\n");
  }
}

CallbackGaugeVec::CallbackGaugeVec(std::string name, std::string help,
                                   std::vector<std::string> label_names, Read read)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      read_(std::move(read)) {}

void CallbackGaugeVec::render(std::string& out) const {
  ScalarSeries series(name_, help_, "gauge", label_names_);
  for (const auto& [labels, value] : read_())
    series.set(labels, value);
  series.render(out);
}

template <typename T>
T& Registry::add(std::unique_ptr<T> family) {
  T& ref = *family;
  util::MutexLock lock(mu_);
  families_.push_back(std::move(family));
  return ref;
}

Counter& Registry::counter(std::string name, std::string help,
                           std::vector<std::string> label_names) {
  return add(std::make_unique<Counter>(std::move(name), std::move(help), std::move(label_names)));
}

Gauge& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Gauge>(std::move(name), std::move(help), std::move(label_names)));
}

void Registry::callback_gauge(std::string name, std::string help, std::function<double()> read) {
  add(std::make_unique<CallbackGauge>(std::move(name), std::move(help), std::move(read)));
}

void Registry::callback_gauge(std::string name, std::string help,
                              std::vector<std::string> label_names, Labels label_values,
                              std::function<double()> read) {
  callback_gauge_vec(std::move(name), std::move(help), std::move(label_names),
                     [label_values = std::move(label_values), read = std::move(read)] {
                       return std::vector<std::pair<Labels, double>>{{label_values, read()}};
                     });
}

void Registry::callback_gauge_vec(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  CallbackGaugeVec::Read read) {
  add(std::make_unique<CallbackGaugeVec>(std::move(name), std::move(help), std::move(label_names),
                                         std::move(read)));
}

Histogram& Registry::histogram(std::string name, std::string help,
                               std::vector<std::string> label_names, std::vector<double> bounds) {
  return add(std::make_unique<Histogram>(std::move(name), std::move(help), std::move(label_names),
                                         std::move(bounds)));
}

std::string Registry::render() const {
  std::string out;
  util::MutexLock lock(mu_);
  for (const auto& family : families_)
    family->render(out);
  return out;
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace metrics
