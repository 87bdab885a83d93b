#include "tests/sim/kube/elastic_thread_pool.h"

namespace sim::kube {

ElasticThreadPool::~ElasticThreadPool() {
  shutdown();
}

void ElasticThreadPool::enqueue(std::function<void()> fn) {
  util::MutexLock lock(mu_);
  jobs_.push_back(std::move(fn));
  if (idle_ < jobs_.size() && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { work(); });
  }
  cv_.notify_one();
}

void ElasticThreadPool::work() {
  for (;;) {
    std::function<void()> fn;
    {
      util::MutexLock lock(mu_);
      ++idle_;
      while (jobs_.empty() && !shutdown_)
        cv_.wait(mu_);
      --idle_;
      if (jobs_.empty()) return;  // shut down
      fn = std::move(jobs_.front());
      jobs_.pop_front();
    }
    fn();
  }
}

void ElasticThreadPool::shutdown() {
  std::vector<std::thread> threads;
  {
    util::MutexLock lock(mu_);
    shutdown_ = true;
    cv_.notify_all();
    threads.swap(threads_);
  }
  for (std::thread& t : threads)
    t.join();
}

}  // namespace sim::kube
