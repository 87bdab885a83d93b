// The cpp-httplib task queue of the simulator: starts a worker thread when
// a connection arrives and none is idle (up to a maximum), so hundreds of
// long-lived watch connections and ordinary requests are served at once
// without a large fixed pool.
//
// Thread-safety: thread-safe (httplib calls enqueue from its accept thread).
#pragma once

#include <httplib.h>

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "pkg/util/mutex.h"

namespace sim::kube {

class ElasticThreadPool final : public httplib::TaskQueue {
 public:
  explicit ElasticThreadPool(size_t max_threads) : max_threads_(max_threads) {}
  ~ElasticThreadPool() override;

  void enqueue(std::function<void()> fn) override;
  // Runs the queued work to completion and joins every worker.
  void shutdown() override;

 private:
  void work();

  const size_t max_threads_;
  util::Mutex mu_;
  util::CondVar cv_;
  std::deque<std::function<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  size_t idle_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sim::kube
