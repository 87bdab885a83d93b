// aws-sim: the STS, IMDSv2, container-credentials and IAM Roles Anywhere
// simulators as a standalone process on 127.0.0.1, for the demo, scripts and
// real clients.
//
//   aws-sim --config tests/sim/aws/sandbox-config.yaml --sts-port 0 --imds-port 0
//           --container-port 0 --ports-file /tmp/aws-sim.json
//
// Once every server listens, writes the bound ports as JSON to --ports-file
// (atomically: scripts wait for the file to appear), then prints the same JSON
// line on stdout (a parent reading the pipe needs no polling). Serves until
// SIGTERM or SIGINT, then stops the servers, removes the ports file, exits 0.
// Exit 2 on bad flags or config, 1 when a port cannot be bound.
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "pkg/util/clock.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/sim/aws/config_loader.h"

namespace {

struct Flags {
  std::string config;
  int sts_port = 0;
  int imds_port = 0;
  int container_port = 0;
  std::string ports_file;
  bool allow_imdsv1 = false;
  bool no_imds = false;
  int threads = 96;
  std::string cost_model = "none";
  std::optional<double> account_rps;
  double roles_anywhere_rps = 0;
};

constexpr const char* kUsage =
    "Usage: aws-sim [--config FILE] [--sts-port N] [--imds-port N] [--container-port N]\n"
    "               [--ports-file FILE] [--allow-imdsv1] [--no-imds] [--threads N]\n"
    "               [--cost-model none|measured] [--account-rps N] [--roles-anywhere-rps N]\n\n"
    "Simulated AWS STS (Query API, SigV4-verified), IMDSv2, container credentials and\n"
    "IAM Roles Anywhere (CreateSession, SigV4-X509-verified) endpoints on 127.0.0.1.\n"
    "Port 0 (the default) picks a free port.\n\n"
    "  --config FILE        IAM world as YAML or JSON (see tests/sim/aws/config_loader.h;\n"
    "                       example: tests/sim/aws/sandbox-config.yaml)\n"
    "  --ports-file FILE    write {\"sts\":P,\"imds\":P,\"container\":P,...} once listening\n"
    "  --allow-imdsv1       let IMDS GETs without a session token through\n"
    "  --no-imds            do not serve IMDS\n"
    "  --threads N          STS worker threads (default 96; one per open connection)\n"
    "  --cost-model M       none (default): STS answers at once, no throttle; measured:\n"
    "                       30 ms median / 90 ms p99 per answer, 500 requests/s per account\n"
    "  --account-rps N      per-account throttle of N requests/s, burst N (0: none)\n"
    "  --roles-anywhere-rps N  CreateSession quota per account, N requests/s (0: none;\n"
    "                       AWS: 10)\n\n"
    "Control endpoints on the STS port: GET/DELETE /_sim/calls, GET/POST /_sim/faults,\n"
    "GET/POST /_sim/cost-model.\n";

bool parse_int(const std::string& text, int& out) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0 || value > 65535) return false;
  out = static_cast<int>(value);
  return true;
}

bool parse_non_negative(const std::string& text, double& out) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || value < 0) return false;
  out = value;
  return true;
}

// --flag=value or --flag value; returns false (after printing why) on a bad flag.
bool parse_flags(int argc, char** argv, Flags& flags) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto take = [&](std::string& out) {
      if (!has_value) {
        if (i + 1 >= args.size()) return false;
        value = args[++i];
      }
      out = value;
      return true;
    };
    auto take_int = [&](int& out) {
      std::string text;
      return take(text) && parse_int(text, out);
    };
    bool ok = true;
    if (name == "--help" || name == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (name == "--config") {
      ok = take(flags.config);
    } else if (name == "--sts-port") {
      ok = take_int(flags.sts_port);
    } else if (name == "--imds-port") {
      ok = take_int(flags.imds_port);
    } else if (name == "--container-port") {
      ok = take_int(flags.container_port);
    } else if (name == "--ports-file") {
      ok = take(flags.ports_file);
    } else if (name == "--threads") {
      ok = take_int(flags.threads) && flags.threads > 0;
    } else if (name == "--cost-model") {
      ok = take(flags.cost_model) && (flags.cost_model == "none" || flags.cost_model == "measured");
    } else if (name == "--account-rps") {
      std::string text;
      double rps = 0;
      ok = take(text) && parse_non_negative(text, rps);
      if (ok) flags.account_rps = rps;
    } else if (name == "--roles-anywhere-rps") {
      std::string text;
      ok = take(text) && parse_non_negative(text, flags.roles_anywhere_rps);
    } else if (name == "--allow-imdsv1" && !has_value) {
      flags.allow_imdsv1 = true;
    } else if (name == "--no-imds" && !has_value) {
      flags.no_imds = true;
    } else {
      std::cerr << "aws-sim: unknown flag " << args[i] << "\n" << kUsage;
      return false;
    }
    if (!ok) {
      std::cerr << "aws-sim: bad value for " << name << "\n";
      return false;
    }
  }
  return true;
}

// {"sts":P,"imds":P,"container":P,"sts_endpoint":...,"pid":N} on one line.
std::string ports_json(const sim::aws::AwsSimulator& sim) {
  return util::cat("{\"sts\":", sim.sts_port(), ",\"imds\":", sim.imds_port(),
                   ",\"container\":", sim.container_port(), ",\"sts_endpoint\":\"",
                   sim.sts_endpoint(), "\",\"imds_endpoint\":\"",
                   sim.imds_port() != 0 ? sim.imds_endpoint() : "",
                   "\",\"container_credentials_uri\":\"", sim.container_credentials_uri(),
                   "\",\"rolesanywhere_endpoint\":\"", sim.roles_anywhere_endpoint(),
                   "\",\"pid\":", static_cast<int64_t>(getpid()), "}");
}

// Written to a temporary name then renamed, so readers never see half a file.
bool write_ports_file(const std::string& path, const std::string& json) {
  const std::string tmp = util::cat(path, ".tmp.", static_cast<int64_t>(getpid()));
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse_flags(argc, argv, flags)) return 2;

  sim::aws::AwsSimulator::Options options;
  if (!flags.config.empty()) {
    auto config = sim::aws::load_iam_config(flags.config);
    if (!config.ok()) {
      std::cerr << "aws-sim: " << config.status() << "\n";
      return 2;
    }
    options.config = std::move(config).value();
  }
  options.sts_port = flags.sts_port;
  options.imds_port = flags.imds_port;
  options.container_port = flags.container_port;
  options.serve_imds = !flags.no_imds;
  options.allow_imdsv1 = flags.allow_imdsv1;
  options.sts_threads = static_cast<size_t>(flags.threads);
  if (flags.cost_model == "measured") options.sts_cost_model = sim::aws::StsCostModel::measured();
  if (flags.account_rps) {
    options.sts_cost_model.account_rps = *flags.account_rps;
    options.sts_cost_model.account_burst = 0;  // burst = rps
  }

  options.roles_anywhere_cost_model.account_rps = flags.roles_anywhere_rps;

  // Block the stop signals in every thread (servers inherit the mask) so that
  // only sigwait() below receives them.
  // A shell starts background jobs with SIGINT ignored; an ignored signal is
  // discarded, never reaching sigwait(), so restore the default first.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  util::RealClock clock;
  auto sim = sim::aws::AwsSimulator::create(std::move(options), clock);
  if (!sim.ok()) {
    std::cerr << "aws-sim: " << sim.status() << "\n";
    return 2;
  }
  if (util::Status started = (*sim)->start(); !started.ok()) {
    std::cerr << "aws-sim: " << started << "\n";
    return 1;
  }
  std::cerr << "aws-sim: STS " << (*sim)->sts_endpoint();
  if ((*sim)->imds_port() != 0) std::cerr << ", IMDS " << (*sim)->imds_endpoint();
  if ((*sim)->container_port() != 0) {
    std::cerr << ", container " << (*sim)->container_credentials_uri();
  }
  std::cerr << std::endl;
  const std::string ports = ports_json(**sim);
  if (!flags.ports_file.empty() && !write_ports_file(flags.ports_file, ports)) {
    std::cerr << "aws-sim: cannot write " << flags.ports_file << "\n";
    return 1;
  }
  // The same line on stdout, after the ports file: a parent reading the pipe
  // knows the servers listen (and the file exists) without polling.
  std::cout << ports << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  std::cerr << "aws-sim: signal " << received << ", stopping" << std::endl;
  (*sim)->stop();
  if (!flags.ports_file.empty()) std::remove(flags.ports_file.c_str());
  return 0;
}
