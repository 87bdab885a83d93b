#include "tests/sim/common/httplib_listen.h"

#include <httplib.h>

#include <atomic>
#include <memory>

namespace sim {

std::optional<std::thread> listen_in_background(httplib::Server& server) {
  auto returned = std::make_shared<std::atomic<bool>>(false);
  std::thread listener([&server, returned] {
    server.listen_after_bind();
    *returned = true;
  });
  // The loop starts at once: a bounded wait on a state change.
  while (!server.is_running() && !returned->load())
    std::this_thread::yield();
  if (returned->load()) {
    listener.join();
    return std::nullopt;
  }
  return listener;
}

}  // namespace sim
