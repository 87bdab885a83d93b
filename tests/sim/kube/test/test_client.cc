#include "tests/sim/kube/test/test_client.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "pkg/util/strings.h"

namespace sim::kube::testing {
namespace {

std::unique_ptr<httplib::Client> make_client(const std::string& url, const std::string& ca_pem) {
  auto client = std::make_unique<httplib::Client>(url);
  if (!ca_pem.empty()) {
    BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    X509_STORE* store = X509_STORE_new();
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    client->set_ca_cert_store(store);  // takes ownership
    client->enable_server_certificate_verification(true);
  }
  client->set_connection_timeout(10);
  client->set_read_timeout(60);
  client->set_write_timeout(60);
  client->set_keep_alive(true);
  return client;
}

}  // namespace

json::Document Reply::json() const {
  auto doc = json::parse(body);
  if (!doc.ok()) return json::Document();
  return std::move(*doc);
}

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

size_t Reply::header_count(const std::string& name) const {
  return headers.count(name);
}

TestClient::TestClient(const Server& server, std::string token)
    : url_(server.url()), token_(std::move(token)), ca_pem_(server.ca_certificate_pem()) {
  client_ = make_client(url_, url_.rfind("https", 0) == 0 ? ca_pem_ : "");
}

httplib::Headers TestClient::with_auth(httplib::Headers headers) const {
  if (!token_.empty()) headers.emplace("Authorization", util::cat("Bearer ", token_));
  return headers;
}

Reply TestClient::convert(const httplib::Result& result) {
  Reply reply;
  if (!result) {
    reply.status = -1;
    reply.body = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  reply.headers = result->headers;
  return reply;
}

Reply TestClient::get(const std::string& path, httplib::Headers headers) {
  return convert(client_->Get(path, with_auth(std::move(headers))));
}

Reply TestClient::post(const std::string& path, const std::string& body,
                       const std::string& content_type, httplib::Headers headers) {
  return convert(client_->Post(path, with_auth(std::move(headers)), body, content_type));
}

Reply TestClient::put(const std::string& path, const std::string& body,
                      const std::string& content_type) {
  return convert(client_->Put(path, with_auth({}), body, content_type));
}

Reply TestClient::patch(const std::string& path, const std::string& body,
                        const std::string& content_type) {
  return convert(client_->Patch(path, with_auth({}), body, content_type));
}

Reply TestClient::del(const std::string& path, const std::string& body) {
  if (body.empty()) return convert(client_->Delete(path, with_auth({})));
  return convert(client_->Delete(path, with_auth({}), body, "application/json"));
}

std::unique_ptr<WatchStream> TestClient::watch(const std::string& path, httplib::Headers headers) {
  return std::make_unique<WatchStream>(url_, path, with_auth(std::move(headers)),
                                       url_.rfind("https", 0) == 0 ? ca_pem_ : "");
}

WatchStream::WatchStream(const std::string& url, const std::string& path,
                         const httplib::Headers& headers, const std::string& ca_pem) {
  client_ = make_client(url, ca_pem);
  client_->set_read_timeout(300);
  httplib::Client* client = client_.get();
  reader_ = std::thread([this, client, path, headers] {
    auto result = client->Get(
        path, headers,
        [this](const httplib::Response& response) {
          util::MutexLock lock(mu_);
          status_ = response.status;
          cv_.notify_all();
          return true;
        },
        [this](const char* data, size_t n) {
          util::MutexLock lock(mu_);
          partial_.append(data, n);
          for (size_t nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n')) {
            lines_.push_back(partial_.substr(0, nl));
            partial_.erase(0, nl + 1);
          }
          cv_.notify_all();
          return true;
        });
    util::MutexLock lock(mu_);
    closed_ = true;
    clean_ = static_cast<bool>(result) && result.error() == httplib::Error::Success;
    if (result && status_ == 0) status_ = result->status;
    if (result && result->status != 200 && !result->body.empty()) lines_.push_back(result->body);
    cv_.notify_all();
  });
}

WatchStream::~WatchStream() {
  client_->stop();
  reader_.join();
}

std::optional<std::string> WatchStream::next(absl::Duration timeout) {
  util::MonotonicTime deadline = clock_.monotonic_now() + timeout;
  util::MutexLock lock(mu_);
  while (lines_.empty() && !closed_) {
    if (clock_.wait_until(cv_, mu_, deadline)) break;
  }
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

bool WatchStream::wait_closed(absl::Duration timeout) {
  util::MonotonicTime deadline = clock_.monotonic_now() + timeout;
  util::MutexLock lock(mu_);
  while (!closed_) {
    if (clock_.wait_until(cv_, mu_, deadline)) break;
  }
  return closed_;
}

bool WatchStream::ended_cleanly() {
  util::MutexLock lock(mu_);
  return clean_;
}

int WatchStream::status() {
  util::MonotonicTime deadline = clock_.monotonic_now() + absl::Seconds(10);
  util::MutexLock lock(mu_);
  while (status_ == 0 && !closed_) {
    if (clock_.wait_until(cv_, mu_, deadline)) break;
  }
  return status_;
}

json::Document wire_sample(const std::string& file) {
  std::string path = util::cat(KAIC_SIM_KUBE_SAMPLES_DIR, "/", file);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  // Some samples carry a note after the JSON ("HTTP 410"): parse the first value.
  json::Document doc;
  std::string body = text.str();
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(body.c_str(), body.size());
  if (doc.HasParseError()) ADD_FAILURE() << path << ": not JSON";
  return doc;
}

std::shared_ptr<const SchemaLibrary> shared_schemas() {
  static const std::shared_ptr<const SchemaLibrary> kSchemas = [] {
    auto loaded = SchemaLibrary::load(SchemaLibrary::default_path());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      return std::shared_ptr<const SchemaLibrary>();
    }
    return *loaded;
  }();
  return kSchemas;
}

std::unique_ptr<Server> start_server(ServerOptions options) {
  if (options.schemas == nullptr) options.schemas = shared_schemas();
  if (options.max_threads == ServerOptions().max_threads) options.max_threads = 64;
  auto server = Server::create(std::move(options));
  if (!server.ok()) {
    ADD_FAILURE() << server.status();
    return nullptr;
  }
  util::Status started = (*server)->start();
  if (!started.ok()) {
    ADD_FAILURE() << started;
    return nullptr;
  }
  return std::move(*server);
}

}  // namespace sim::kube::testing
