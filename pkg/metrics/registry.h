// A small Prometheus registry: labelled counters, gauges and histograms,
// rendered in the text exposition format (version 0.0.4) for /metrics.
// Thread-safe. Metric objects are owned by the Registry and live as long as it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pkg/util/mutex.h"

namespace metrics {

using Labels = std::vector<std::string>;  // values, in the family's label-name order

class Family {
 public:
  virtual ~Family() = default;
  virtual void render(std::string& out) const = 0;
};

// Storage and rendering shared by counters and gauges: one value per label set.
// A family without labels has its one series, at 0, from registration (as in
// client_golang): a standby's leader gauge reads 0, not nothing, so an alert
// on it has a value to compare.
class ScalarSeries {
 public:
  ScalarSeries(std::string name, std::string help, std::string_view type,
               std::vector<std::string> label_names);
  void add(const Labels& labels, double by);
  void set(const Labels& labels, double value);
  void erase(const Labels& labels);
  double value(const Labels& labels) const;
  void render(std::string& out) const;

 private:
  const std::string name_, help_, type_;
  const std::vector<std::string> label_names_;
  mutable util::Mutex mu_;
  std::map<Labels, double> values_ ABSL_GUARDED_BY(mu_);
};

class Counter final : public Family {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> label_names)
      : series_(std::move(name), std::move(help), "counter", std::move(label_names)) {}
  void inc(const Labels& labels = {}, double by = 1) { series_.add(labels, by); }
  double value(const Labels& labels = {}) const { return series_.value(labels); }
  void render(std::string& out) const override { series_.render(out); }

 private:
  ScalarSeries series_;
};

class Gauge final : public Family {
 public:
  Gauge(std::string name, std::string help, std::vector<std::string> label_names)
      : series_(std::move(name), std::move(help), "gauge", std::move(label_names)) {}
  void set(const Labels& labels, double value) { series_.set(labels, value); }
  void set(double value) { series_.set({}, value); }
  void erase(const Labels& labels) { series_.erase(labels); }
  double value(const Labels& labels = {}) const { return series_.value(labels); }
  void render(std::string& out) const override { series_.render(out); }

 private:
  ScalarSeries series_;
};

// A gauge computed when scraped (queue depth, RSS, earliest expiry).
class CallbackGauge final : public Family {
 public:
  CallbackGauge(std::string name, std::string help, std::function<double()> read);
  void render(std::string& out) const override;

 private:
  const std::string name_, help_;
  const std::function<double()> read_;
};

// A labelled gauge whose series are computed when scraped (per-role validity).
class CallbackGaugeVec final : public Family {
 public:
  using Read = std::function<std::vector<std::pair<Labels, double>>()>;
  CallbackGaugeVec(std::string name, std::string help, std::vector<std::string> label_names,
                   Read read);
  void render(std::string& out) const override;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const Read read_;
};

// Without labels, its one series exists (all zero) from registration, as a
// counter's does.
class Histogram final : public Family {
 public:
  // `bounds` are the upper bounds in seconds (or the metric's unit), ascending.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void observe(const Labels& labels, double value);
  void observe(double value) { observe({}, value); }
  uint64_t count(const Labels& labels = {}) const;
  void render(std::string& out) const override;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // cumulative counts are computed when rendering
    uint64_t count = 0;
    double sum = 0;
  };
  std::vector<uint64_t> zero_buckets() const { return std::vector<uint64_t>(bounds_.size(), 0); }

  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable util::Mutex mu_;
  std::map<Labels, Series> series_ ABSL_GUARDED_BY(mu_);
};

class Registry {
 public:
  Counter& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Gauge& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  void callback_gauge(std::string name, std::string help, std::function<double()> read);
  // One labelled series with fixed label values, computed when scraped.
  void callback_gauge(std::string name, std::string help, std::vector<std::string> label_names,
                      Labels label_values, std::function<double()> read);
  void callback_gauge_vec(std::string name, std::string help, std::vector<std::string> label_names,
                          CallbackGaugeVec::Read read);
  Histogram& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds);

  // The whole registry in Prometheus text format.
  std::string render() const;

 private:
  template <typename T>
  T& add(std::unique_ptr<T> family);

  mutable util::Mutex mu_;
  std::vector<std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(mu_);
};

// Latency buckets (seconds) suited to loopback-to-regional API calls.
std::vector<double> latency_buckets();

}  // namespace metrics
