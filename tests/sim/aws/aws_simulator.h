// The AWS side of the test world in one object: the IAM model, the STS, IMDSv2,
// container-credentials and IAM Roles Anywhere simulators sharing one
// credential store, call log and fault injector, STS's and Roles Anywhere's
// cost models, and (after start()) their HTTP servers on 127.0.0.1.
// Tests use it in-process (call handle() directly, or start() and point real
// clients at the endpoints); aws-sim wraps it as a standalone process.
//
//   util::testing::FakeClock clock;
//   auto sim = sim::aws::AwsSimulator::create({.config = config}, clock).value();
//   ASSERT_TRUE(sim->start().ok());
//   run("aws sts get-caller-identity --endpoint-url " + sim->sts_endpoint());
//   EXPECT_EQ(sim->calls().count("AssumeRole", "Success"), 1);
//
// Ownership: the clock is borrowed and must outlive the simulator.
// Thread-safety: thread-safe; stop() (also run by the destructor) interrupts
// injected and modelled latency waits, then stops the servers.
// Errors: create() kInvalidArgument for a bad config; start() kUnavailable
// when a port cannot be bound.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "pkg/util/clock.h"
#include "pkg/util/status.h"
#include "tests/sim/aws/admin_api.h"
#include "tests/sim/aws/call_log.h"
#include "tests/sim/aws/container_credentials_service.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/fault_injector.h"
#include "tests/sim/aws/http_server.h"
#include "tests/sim/aws/iam_model.h"
#include "tests/sim/aws/imds_service.h"
#include "tests/sim/aws/roles_anywhere_service.h"
#include "tests/sim/aws/sts_cost_model.h"
#include "tests/sim/aws/sts_service.h"

namespace sim::aws {

class AwsSimulator {
 public:
  struct Options {
    IamConfig config;
    std::string host = "127.0.0.1";
    int sts_port = 0;  // 0: any free port
    int imds_port = 0;
    int container_port = 0;
    int roles_anywhere_port = 0;
    bool serve_imds = true;
    bool serve_container = true;  // only when the config has container_credentials
    bool allow_imdsv1 = false;
    // Worker threads. cpp-httplib holds a thread per open connection while it
    // is kept alive, so the STS pool must exceed the clients' connection pools
    // (the controller's transport allows 32 per host).
    size_t sts_threads = 96;
    size_t metadata_threads = 16;  // IMDS and container endpoint each
    // Idle kept-alive connections close after this (and delay stop() at most this).
    absl::Duration keep_alive_timeout = absl::Seconds(2);
    size_t call_log_capacity = 100'000;
    // What STS calls cost; the default (all zero) answers at once and never
    // throttles. Benchmarks use StsCostModel::measured().
    StsCostModel sts_cost_model;
    // The same for CreateSession; its account_rps is CreateSession's quota
    // (AWS: 10 requests/s per account and region). Default: none.
    StsCostModel roles_anywhere_cost_model;
  };

  static util::StatusOr<std::unique_ptr<AwsSimulator>> create(Options options, util::Clock& clock);
  ~AwsSimulator();
  AwsSimulator(const AwsSimulator&) = delete;
  AwsSimulator& operator=(const AwsSimulator&) = delete;

  // Binds and serves the endpoints. Once.
  util::Status start();
  void stop();

  IamModel& iam() { return *model_; }
  CredentialStore& credentials() { return store_; }
  CallLog& calls() { return calls_; }
  FaultInjector& faults() { return faults_; }
  StsService& sts() { return sts_; }
  ImdsService& imds() { return imds_; }
  ContainerCredentialsService& container() { return container_; }
  RolesAnywhereService& roles_anywhere() { return roles_anywhere_; }
  AdminApi& admin() { return admin_; }
  // Applies to STS requests arriving from now on; every account's throttle
  // bucket starts full.
  void set_sts_cost_model(StsCostModel model) { sts_costs_.set_model(model); }
  StsCostModel sts_cost_model() const { return sts_costs_.model(); }
  void set_roles_anywhere_cost_model(StsCostModel model) { roles_anywhere_costs_.set_model(model); }

  // The handler of the STS port: /_sim/ paths go to the admin API, the rest to STS.
  SimResponse handle_sts_port(const SimRequest& request);

  // After start(); 0 for endpoints not served.
  int sts_port() const;
  int imds_port() const;
  int container_port() const;
  int roles_anywhere_port() const;
  std::string sts_endpoint() const;   // "http://127.0.0.1:PORT"
  std::string imds_endpoint() const;  // "http://127.0.0.1:PORT" (AWS_EC2_METADATA_SERVICE_ENDPOINT)
  // AWS_CONTAINER_CREDENTIALS_FULL_URI, "" when not served.
  std::string container_credentials_uri() const;
  // "http://127.0.0.1:PORT" (--roles-anywhere-endpoint), "" when not served.
  std::string roles_anywhere_endpoint() const;

 private:
  AwsSimulator(Options options, std::unique_ptr<IamModel> model, util::Clock& clock);

  const Options options_;
  std::unique_ptr<IamModel> model_;
  CredentialStore store_;
  CallLog calls_;
  FaultInjector faults_;
  StsCostGate sts_costs_;
  StsCostGate roles_anywhere_costs_;
  StsService sts_;
  ImdsService imds_;
  ContainerCredentialsService container_;
  RolesAnywhereService roles_anywhere_;
  AdminApi admin_;
  std::stop_source stop_;
  std::unique_ptr<HttpServer> sts_server_;
  std::unique_ptr<HttpServer> imds_server_;
  std::unique_ptr<HttpServer> container_server_;
  std::unique_ptr<HttpServer> roles_anywhere_server_;
};

}  // namespace sim::aws
