// Initialises cpp-httplib's lazily built function-local statics once per
// process, on the calling thread, before any server thread exists.
//
// Why: Debian's libcpp-httplib.so is prebuilt and not instrumented. Its
// statics (the set of methods in parse_request_line, ...) are initialised on
// the first request; the inline fast path of their guards is invisible to
// ThreadSanitizer, so when two pool threads serve the first requests at once
// TSan reports the set's nodes as racing (seen in the kube simulator). Running
// one request through the server's parse/route/write path first makes the
// initialisation happen before every later thread (pthread_create and
// std::call_once are edges TSan sees).
#pragma once

namespace sim {

// Idempotent and thread-safe; call before starting an httplib server.
void warm_up_httplib();

}  // namespace sim
