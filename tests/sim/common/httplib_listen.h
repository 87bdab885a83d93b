// Starts a bound cpp-httplib server's accept loop on its own thread.
#pragma once

#include <optional>
#include <thread>

namespace httplib {
class Server;
}

namespace sim {

// Runs server.listen_after_bind() on a new thread and returns that thread
// once the accept loop runs: httplib's stop() does nothing before then, so a
// stop right after start could be lost. nullopt (the thread already joined)
// when the loop ended without running.
std::optional<std::thread> listen_in_background(httplib::Server& server);

}  // namespace sim
