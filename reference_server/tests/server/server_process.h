// The real parley-server binary for integration tests: started on 127.0.0.1:0 with a temporary
// data directory, its port read from its first line, stopped with SIGTERM (or killed).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "parley/core/hex.h"
#include "child_process.h"
#include "parley/crypto/x25519.h"

namespace parley::server::testing {

class ServerProcess {
 public:
  // Extra arguments go after --listen and --data (e.g. "--expiry-interval-ms", "100").
  explicit ServerProcess(std::vector<std::string> extra = {}, std::filesystem::path data = {}) {
    data_ = data.empty() ? std::filesystem::temp_directory_path() /
                               ("parley-server-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++))
                         : data;
    owns_data_ = data.empty();
    start(std::move(extra));
  }
  ~ServerProcess() {
    stop(SIGTERM);
    if (owns_data_) std::filesystem::remove_all(data_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data() const { return data_; }
  crypto::X25519PublicKey public_key() const {
    std::FILE* f = std::fopen((data_ / "server.pub").c_str(), "r");
    char hex[65] = {};
    if (f != nullptr) {
      if (std::fread(hex, 1, 64, f) != 64) hex[0] = 0;
      std::fclose(f);
    }
    crypto::X25519PublicKey key{};
    auto bytes = core::from_hex(std::string_view(hex, 64));
    if (bytes.ok() && bytes->size() == key.size()) std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
  }
  // Returns the exit status (or -signal).
  int stop(int signal) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  void restart(std::vector<std::string> extra = {}) {
    stop(SIGTERM);
    start(std::move(extra));
  }
  // A crash: SIGKILL, then the same binary on the same port and data directory, so that clients
  // reconnect to the address they know.
  void kill_and_restart(std::vector<std::string> extra = {}) {
    stop(SIGKILL);
    start(std::move(extra), port_);
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  void start(std::vector<std::string> extra, std::uint16_t port = 0) {
    std::vector<std::string> args = {PARLEY_SERVER_BINARY, "--listen", "127.0.0.1:" + std::to_string(port), "--data",
                                     data_.string(), "--log-level", "warn", "--max-connections", "4096"};
    for (auto& a : extra) args.push_back(a);
    const auto child = spawn_child(std::move(args));
    ASSERT_GT(child.pid, 0);
    pid_ = child.pid;
    std::string line;  // its first line says where it listens
    char c = 0;
    while (::read(child.stdout_fd, &c, 1) == 1 && c != '\n') line += c;
    ::close(child.stdout_fd);
    const std::string prefix = "listening on 127.0.0.1:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << "first line: " << line;
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }

  std::filesystem::path data_;
  bool owns_data_ = true;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace parley::server::testing
