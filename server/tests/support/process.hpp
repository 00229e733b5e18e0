#pragma once
// Child processes, temp dirs, ports and polling for integration tests. Every test owns its services:
// free loopback ports, its own temp dir, and everything is stopped and removed when the test ends
// (directories of a failed test are kept and their path printed, so the logs can be read).
// Not thread-safe: a Process or TempDir belongs to the thread that made it (the test body).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kw::test {

using namespace std::chrono_literals;

// A port that was free a moment ago: binds 127.0.0.1:0, reads the port, closes.
int free_port();

// A fresh directory under $TMPDIR (or /tmp) named <prefix>XXXXXX. The caller owns it; TempDir removes it.
std::string make_temp_dir(const std::string& prefix);
void remove_tree(const std::string& path);

// Owns a temp dir: removed by the destructor, except when the running test has failed (then kept and
// the path printed) or KW_KEEP_TEST_DIRS is set.
class TempDir {
  public:
    explicit TempDir(const std::string& prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// The absolute path of a program: looked up in $PATH, then /usr/sbin, /usr/local/sbin, /sbin. Throws
// std::runtime_error naming the program when missing.
std::string find_binary(const std::string& name);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
// The last max_bytes of a file (for failure messages).
std::string file_tail(const std::string& path, std::size_t max_bytes = 4000);

// A child process in its own session (so terminating it also ends what it spawned), stdin from
// /dev/null, stdout+stderr appended to log_path, no other inherited fds. The destructor terminates it.
class Process {
  public:
    using Env = std::vector<std::pair<std::string, std::string>>;
    // exe: a path, or a name found with find_binary. Throws if it cannot be executed.
    Process(std::string exe, std::vector<std::string> args, std::string log_path, Env extra_env = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    bool running();
    // Exit status once it has ended (128 + signal when killed by a signal); nullopt while running.
    std::optional<int> exit_code();
    // Waits up to timeout for the process to end; its exit code, or nullopt if still running.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    void signal(int sig);
    // SIGTERM to the process group, wait up to timeout, then SIGKILL. Returns the exit code.
    int terminate(std::chrono::milliseconds timeout = 10s);
    // SIGKILL to the process group, and reap.
    int kill_hard();
    const std::string& log_path() const { return log_path_; }
    std::string log_tail(std::size_t max_bytes = 4000) const { return file_tail(log_path_, max_bytes); }
    const std::string& exe() const { return exe_; }

  private:
    bool reap(bool block);

    std::string exe_;
    std::string log_path_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// Runs a program to completion (output appended to log_path); its exit code. Kills it after timeout
// and throws std::runtime_error.
int run_program(const std::string& exe, const std::vector<std::string>& args, const std::string& log_path,
                std::chrono::milliseconds timeout = 60s);

// True once a TCP connect to 127.0.0.1:port succeeds.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

// Polls p() until it is true or the deadline passes; the last value of p().
template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds timeout = 10s, std::chrono::milliseconds poll = 50ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (p()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return p();
        std::this_thread::sleep_for(poll);
    }
}

}  // namespace kw::test
