#pragma once
// Runs a real bloatmeter server in-process on an ephemeral loopback port,
// with a temporary web root and data folder, for integration tests.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "server.hpp"

namespace bloatmeter::testing {

namespace fs = std::filesystem;

inline fs::path make_temp_dir(const std::string& tag) {
  std::random_device rd;
  auto dir = fs::temp_directory_path() / ("bloatmeter-" + tag + "-" + std::to_string(rd()));
  fs::create_directories(dir);
  return dir;
}

inline void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

class TestServer {
 public:
  // `config`: key=value settings, written to a file in the server's own
  // temporary folder (removed with it) and passed as --config.
  explicit TestServer(bool with_tls = false, std::vector<std::string> extra_args = {}, const std::string& config = {}) {
    root_ = make_temp_dir("it");
    if (!config.empty()) {
      write_file(root_ / "bloatmeter.conf", config);
      extra_args.push_back("--config");
      extra_args.push_back((root_ / "bloatmeter.conf").string());
    }
    web_ = root_ / "web";
    write_file(web_ / "index.html", "<!doctype html><title>t</title>");
    write_file(web_ / "app.js", "console.log(1);");
    write_file(web_ / "app.wasm", std::string("\0asm\1\0\0\0", 8));
    write_file(web_ / "fonts" / "ui.ttf", "font");
    write_file(web_ / "docs" / "index.html", "<p>docs</p>");
    write_file(root_ / "secret.txt", "do not serve");
    fs::create_symlink(root_ / "secret.txt", web_ / "link.txt");
    std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--web-root", web_.string(),
                                     "--data-dir", (root_ / "data").string(), "--threads", "2"};
    if (with_tls) {
      args.push_back("--tls-listen");
      args.push_back("127.0.0.1:0");
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto opts = server::parse_server_options(args);
    if (!opts) throw std::runtime_error(opts.error());
    server_ = std::make_unique<server::Server>(std::move(opts.value()));
    if (auto err = server_->start(); !err.empty()) throw std::runtime_error(err);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
    server_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::uint16_t port() const { return server_->http_port(); }
  std::uint16_t tls_port() const { return server_->tls_port(); }
  const fs::path& root() const { return root_; }
  server::Server& server() { return *server_; }

 private:
  fs::path root_, web_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
};

}  // namespace bloatmeter::testing
