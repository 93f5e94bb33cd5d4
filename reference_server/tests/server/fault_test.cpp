// The fault test (spec §7.5): parley-load runs while parley-server is killed with SIGKILL at random
// moments and restarted on the same port and data directory. Every message the server
// acknowledged must still reach its device, once and in order: the load generator's ledger counts
// lost, duplicated and reordered messages and exits non-zero on any.
//
// The short version runs in `make test`; `make soak` runs the same test longer through the
// environment: PARLEY_FAULT_KILLS (default 20), PARLEY_FAULT_MESSAGES (default 12000),
// PARLEY_FAULT_RATE (messages/s, default 1500), PARLEY_FAULT_DEVICES (default 8).
#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "server_process.h"

namespace parley::server::testing {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != 0 ? std::strtoull(v, nullptr, 10) : fallback;
}

// parley-load as a child process; its standard output is collected when it ends.
class LoadProcess {
 public:
  explicit LoadProcess(std::vector<std::string> args) {
    args.insert(args.begin(), PARLEY_LOAD_BINARY);
    const auto child = spawn_child(std::move(args));
    pid_ = child.pid;
    fd_ = child.stdout_fd;
    ::fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  ~LoadProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  // Still running?
  bool running() {
    drain();
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    pid_ = -1;
    drain();
    return false;
  }
  int status() const { return status_; }
  const std::string& output() const { return output_; }

 private:
  void drain() {
    char buffer[4096];
    for (;;) {
      const auto n = ::read(fd_, buffer, sizeof buffer);
      if (n <= 0) return;
      output_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = -1;
  std::string output_;
};

TEST(ServerFaults, AcknowledgedMessagesSurviveRepeatedSigkillUnderLoad) {
  const auto kills = env_or("PARLEY_FAULT_KILLS", 20);
  const auto messages = env_or("PARLEY_FAULT_MESSAGES", 12000);
  const auto rate = env_or("PARLEY_FAULT_RATE", 1500);
  const auto devices = env_or("PARLEY_FAULT_DEVICES", 8);
  // Rate limits off: a refusal is not what this test is about (the ledger tolerates them anyway).
  const std::vector<std::string> server_args = {"--sends-per-second-per-device", "1000000",
                                                "--sends-per-second-per-destination", "1000000"};
  ServerProcess server(server_args);
  ASSERT_NE(server.port(), 0);
  const auto key_file = server.data() / "server.pub";
  LoadProcess load({"--server", "127.0.0.1:" + std::to_string(server.port()), "--server-key", key_file.string(),
                    "--devices", std::to_string(devices), "--messages", std::to_string(messages), "--rate",
                    std::to_string(rate), "--window", "32", "--json"});

  // Kills at random moments, each after the server has run 100 to 400 ms: long enough for the
  // devices to reconnect, send and be acknowledged in between, short enough to hit every phase.
  std::mt19937 random(static_cast<unsigned>(env_or("PARLEY_FAULT_SEED", 20261129)));
  std::uniform_int_distribution<int> pause_ms(100, 400);
  std::uint64_t done = 0;
  for (; done < kills && load.running(); ++done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    server.kill_and_restart(server_args);
    ASSERT_NE(server.port(), 0);
  }
  while (load.running()) std::this_thread::sleep_for(std::chrono::milliseconds(20));

  EXPECT_EQ(done, kills) << "parley-load finished before every kill: raise PARLEY_FAULT_MESSAGES";
  ASSERT_FALSE(load.output().empty()) << "parley-load printed nothing, exit status " << load.status();
  const auto report = nlohmann::json::parse(load.output(), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << load.output();
  std::cout << "[ fault    ] " << done << " kills: " << load.output();
  EXPECT_EQ(report["lost"], 0) << load.output();
  EXPECT_EQ(report["duplicated"], 0) << load.output();
  EXPECT_EQ(report["reordered"], 0) << load.output();
  EXPECT_EQ(report["misdelivered"], 0) << load.output();
  EXPECT_EQ(report["acked"], messages) << load.output();
  EXPECT_EQ(report["delivered"], messages) << load.output();
  EXPECT_GT(report["reconnects"].get<std::uint64_t>(), 0u);  // the kills were felt
  EXPECT_EQ(load.status(), 0) << load.output();
}

}  // namespace
}  // namespace parley::server::testing
