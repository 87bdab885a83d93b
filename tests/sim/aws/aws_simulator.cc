#include "tests/sim/aws/aws_simulator.h"

#include "pkg/util/strings.h"

namespace sim::aws {

util::StatusOr<std::unique_ptr<AwsSimulator>> AwsSimulator::create(Options options,
                                                                   util::Clock& clock) {
  for (const auto& [model, name] :
       {std::pair{&options.sts_cost_model, "sts_cost_model"},
        std::pair{&options.roles_anywhere_cost_model, "roles_anywhere_cost_model"}}) {
    if (model->account_rps < 0 || model->account_burst < 0) {
      return util::invalid_argument_error(
          util::cat(name, ": account_rps and account_burst must be >= 0"));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<IamModel> model, IamModel::create(options.config));
  return std::unique_ptr<AwsSimulator>(
      new AwsSimulator(std::move(options), std::move(model), clock));
}

AwsSimulator::AwsSimulator(Options options, std::unique_ptr<IamModel> model, util::Clock& clock)
    : options_(std::move(options)),
      model_(std::move(model)),
      store_(clock),
      calls_(options_.call_log_capacity),
      sts_costs_(options_.sts_cost_model, clock),
      roles_anywhere_costs_(options_.roles_anywhere_cost_model, clock),
      sts_(*model_, store_, calls_, faults_, sts_costs_, clock),
      imds_(*model_, store_, calls_, faults_, clock),
      container_(*model_, store_, calls_, faults_, clock),
      roles_anywhere_(*model_, store_, calls_, roles_anywhere_costs_, clock),
      admin_(calls_, faults_, sts_costs_) {
  imds_.set_allow_v1(options_.allow_imdsv1);
}

AwsSimulator::~AwsSimulator() {
  stop();
}

SimResponse AwsSimulator::handle_sts_port(const SimRequest& request) {
  if (AdminApi::serves(request)) return admin_.handle(request);
  return sts_.handle(request, stop_.get_token());
}

util::Status AwsSimulator::start() {
  if (sts_server_) return util::failed_precondition_error("AwsSimulator already started");
  HttpServer::Options server_options;
  server_options.host = options_.host;
  server_options.keep_alive_timeout = options_.keep_alive_timeout;
  server_options.threads = options_.sts_threads;
  server_options.port = options_.sts_port;
  auto sts =
      HttpServer::start(server_options, [this](const SimRequest& r) { return handle_sts_port(r); });
  if (!sts.ok()) return util::annotate(sts.status(), "STS simulator");
  sts_server_ = std::move(sts).value();

  server_options.threads = options_.metadata_threads;

  if (options_.serve_imds) {
    server_options.port = options_.imds_port;
    auto imds = HttpServer::start(
        server_options, [this](const SimRequest& r) { return imds_.handle(r, stop_.get_token()); });
    if (!imds.ok()) return util::annotate(imds.status(), "IMDS simulator");
    imds_server_ = std::move(imds).value();
  }
  if (options_.serve_container && model_->container_credentials()) {
    server_options.port = options_.container_port;
    auto container = HttpServer::start(server_options, [this](const SimRequest& r) {
      return container_.handle(r, stop_.get_token());
    });
    if (!container.ok()) return util::annotate(container.status(), "container endpoint");
    container_server_ = std::move(container).value();
  }
  // Roles Anywhere may be configured later (add_trust_anchor): always served.
  server_options.threads = options_.sts_threads;
  server_options.port = options_.roles_anywhere_port;
  auto roles_anywhere = HttpServer::start(server_options, [this](const SimRequest& r) {
    return roles_anywhere_.handle(r, stop_.get_token());
  });
  if (!roles_anywhere.ok())
    return util::annotate(roles_anywhere.status(), "Roles Anywhere simulator");
  roles_anywhere_server_ = std::move(roles_anywhere).value();
  return util::ok_status();
}

void AwsSimulator::stop() {
  stop_.request_stop();  // ends injected latency waits first
  if (sts_server_) sts_server_->stop();
  if (imds_server_) imds_server_->stop();
  if (container_server_) container_server_->stop();
  if (roles_anywhere_server_) roles_anywhere_server_->stop();
}

int AwsSimulator::sts_port() const {
  return sts_server_ ? sts_server_->port() : 0;
}
int AwsSimulator::imds_port() const {
  return imds_server_ ? imds_server_->port() : 0;
}
int AwsSimulator::container_port() const {
  return container_server_ ? container_server_->port() : 0;
}

int AwsSimulator::roles_anywhere_port() const {
  return roles_anywhere_server_ ? roles_anywhere_server_->port() : 0;
}

std::string AwsSimulator::roles_anywhere_endpoint() const {
  if (!roles_anywhere_server_) return "";
  return util::cat("http://", options_.host, ":", roles_anywhere_port());
}

std::string AwsSimulator::sts_endpoint() const {
  return util::cat("http://", options_.host, ":", sts_port());
}

std::string AwsSimulator::imds_endpoint() const {
  return util::cat("http://", options_.host, ":", imds_port());
}

std::string AwsSimulator::container_credentials_uri() const {
  const auto config = model_->container_credentials();
  if (!container_server_ || !config) return "";
  return util::cat("http://", options_.host, ":", container_port(), config->path);
}

}  // namespace sim::aws
