// kube-sim: the Kubernetes API simulator as a standalone process, for
// kubectl, scripts and the demo. Writes a kubeconfig for itself only once it
// is listening (scripts wait for the file), serves until SIGTERM/SIGINT, then
// closes every connection and exits 0.
//
//   kube-sim [--port=0] [--tls] [--tls-cert=F --tls-key=F] [--token=T]
//            [--token-user=U] [--gc=true|false] [--history-size=1000]
//            [--bookmark-interval=1m] [--watch-timeout=30m]
//            [--keep-alive-timeout=5s] [--max-threads=512] [--server-version=v1.36.0]
//            [--latency-model=none|measured]
//            [--kubeconfig-out=PATH] [--namespace=default]
//            [--port-out=PATH] [--service-address=NS/NAME=HOST:PORT,...]
//
// --service-address is the cluster network for MutatingWebhookConfigurations
// that name a Service: the Service NS/NAME is reached at HOST:PORT.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "pkg/util/go_duration.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/server.h"

namespace {

constexpr std::string_view kUsage =
    "usage: kube-sim [--port=N] [--tls] [--tls-cert=FILE --tls-key=FILE] [--token=TOKEN]\n"
    "                [--token-user=USER] [--gc=true|false] [--history-size=N]\n"
    "                [--bookmark-interval=DURATION] [--watch-timeout=DURATION]\n"
    "                [--keep-alive-timeout=DURATION] [--max-threads=N]\n"
    "                [--server-version=vX.Y.Z] [--latency-model=none|measured]\n"
    "                [--kubeconfig-out=PATH] [--namespace=NS] [--port-out=PATH]\n"
    "                [--service-address=NAMESPACE/NAME=HOST:PORT,...]\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "kube-sim: " << message << "\n" << kUsage;
  std::exit(2);  // NOLINT(concurrency-mt-unsafe): flag errors end the process before threads start
}

bool parse_bool(const std::string& name, const std::string& value) {
  if (value == "true" || value == "1" || value.empty()) return true;
  if (value == "false" || value == "0") return false;
  usage_error(util::cat("--", name, " wants true or false, not ", value));
}

long parse_long(const std::string& name, const std::string& value) {
  char* end = nullptr;
  long n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0')
    usage_error(util::cat("--", name, " wants a number, not ", value));
  return n;
}

absl::Duration parse_duration(const std::string& name, const std::string& value) {
  auto d = util::parse_go_duration(value);
  if (!d.ok()) usage_error(util::cat("--", name, ": ", d.status().message()));
  return *d;
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, bool> known = {{"port", false},
                                             {"tls", true},
                                             {"tls-cert", false},
                                             {"tls-key", false},
                                             {"token", false},
                                             {"token-user", false},
                                             {"gc", true},
                                             {"history-size", false},
                                             {"bookmark-interval", false},
                                             {"watch-timeout", false},
                                             {"max-threads", false},
                                             {"server-version", false},
                                             {"kubeconfig-out", false},
                                             {"namespace", false},
                                             {"port-out", false},
                                             {"keep-alive-timeout", false},
                                             {"latency-model", false},
                                             {"service-address", false},
                                             {"help", true}};
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) usage_error(util::cat("unexpected argument ", arg));
    arg = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    if (arg.rfind("no-", 0) == 0 && known.count(arg.substr(3)) && known.at(arg.substr(3))) {
      flags[arg.substr(3)] = "false";
      continue;
    }
    auto it = known.find(arg);
    if (it == known.end()) usage_error(util::cat("unknown flag --", arg));
    if (!has_value && !it->second) {
      if (i + 1 >= argc) usage_error(util::cat("--", arg, " needs a value"));
      value = argv[++i];
    }
    flags[arg] = value;
  }
  if (flags.count("help")) {
    std::cout << kUsage;
    return 0;
  }
  sim::kube::ServerOptions options;
  if (flags.count("port")) options.port = static_cast<int>(parse_long("port", flags["port"]));
  if (flags.count("tls")) options.tls = parse_bool("tls", flags["tls"]);
  options.tls_cert_file = flags["tls-cert"];
  options.tls_key_file = flags["tls-key"];
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    usage_error("--tls-cert and --tls-key go together");
  }
  if (!options.tls_cert_file.empty()) options.tls = true;
  util::SecretString token(flags["token"]);
  if (!token.empty()) {
    std::string user = flags.count("token-user") ? flags["token-user"] : "kube-sim-admin";
    options.tokens.emplace_back(token, user);
  }
  if (flags.count("gc")) options.garbage_collection = parse_bool("gc", flags["gc"]);
  if (flags.count("history-size")) {
    options.history_size = static_cast<size_t>(parse_long("history-size", flags["history-size"]));
  }
  if (flags.count("bookmark-interval")) {
    options.bookmark_interval = parse_duration("bookmark-interval", flags["bookmark-interval"]);
  }
  if (flags.count("watch-timeout")) {
    options.default_watch_timeout = parse_duration("watch-timeout", flags["watch-timeout"]);
  }
  if (flags.count("keep-alive-timeout")) {
    options.keep_alive_timeout = parse_duration("keep-alive-timeout", flags["keep-alive-timeout"]);
  }
  if (flags.count("max-threads")) {
    options.max_threads = static_cast<size_t>(parse_long("max-threads", flags["max-threads"]));
  }
  if (flags.count("server-version")) options.server_version = flags["server-version"];
  if (flags.count("latency-model")) {
    const std::string& preset = flags["latency-model"];
    if (preset == "measured") {
      options.latency_model = sim::kube::LatencyModel::measured();
    } else if (preset != "none") {
      usage_error(util::cat("--latency-model wants none or measured, not ", preset));
    }
  }

  if (flags.count("service-address")) {
    for (std::string_view entry : util::split(flags["service-address"], ',')) {
      size_t eq = entry.find('=');
      std::string_view service = entry.substr(0, eq);
      if (eq == std::string_view::npos || service.find('/') == std::string_view::npos ||
          entry.size() == eq + 1) {
        usage_error(util::cat("--service-address wants NAMESPACE/NAME=HOST:PORT, not ", entry));
      }
      options.service_addresses[std::string(service)] = std::string(entry.substr(eq + 1));
    }
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = sim::kube::Server::create(std::move(options));
  if (!server.ok()) {
    std::cerr << "kube-sim: " << server.status() << "\n";
    return 1;
  }
  if (util::Status started = (*server)->start(); !started.ok()) {
    std::cerr << "kube-sim: " << started << "\n";
    return 1;
  }
  if (flags.count("port-out")) {
    std::string tmp = flags["port-out"] + ".tmp";
    std::ofstream(tmp) << (*server)->port() << "\n";
    std::rename(tmp.c_str(), flags["port-out"].c_str());
  }
  if (flags.count("kubeconfig-out")) {
    std::string ns = flags.count("namespace") ? flags["namespace"] : "default";
    if (util::Status s = (*server)->write_kubeconfig(flags["kubeconfig-out"], token, ns); !s.ok()) {
      std::cerr << "kube-sim: " << s << "\n";
      return 1;
    }
  }
  std::cerr << "kube-sim: serving " << (*server)->url() << "\n";
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "kube-sim: signal " << signal_number << ", stopping\n";
  (*server)->stop();
  return 0;
}
