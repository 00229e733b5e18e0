#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace kw::test {

namespace fs = std::filesystem;

namespace {

// A test must fail, not die, when a client writes to a service that has just been stopped (hiredis
// 0.14 writes with write(2)); the servers under test ignore SIGPIPE the same way.
[[maybe_unused]] const bool kIgnoreSigpipe = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
}();

std::runtime_error sys_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

bool current_test_failed() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return info && info->result()->Failed();
}

bool is_executable(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw sys_error("free_port: socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw sys_error("free_port: bind");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string make_temp_dir(const std::string& prefix) {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = (tmp && *tmp) ? tmp : "/tmp";
    std::string templ = base + "/" + prefix + "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw sys_error("mkdtemp " + templ);
    return buf.data();
}

void remove_tree(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
}

TempDir::TempDir(const std::string& prefix) : path_(make_temp_dir(prefix)) {}

TempDir::~TempDir() {
    if (current_test_failed() || std::getenv("KW_KEEP_TEST_DIRS")) {
        std::cerr << "[kw::test] kept " << path_ << " (logs of the failed test)\n";
        return;
    }
    remove_tree(path_);
}

std::string find_binary(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (is_executable(name)) return name;
        throw std::runtime_error("not an executable: " + name);
    }
    std::vector<std::string> dirs;
    if (const char* path = std::getenv("PATH")) {
        std::stringstream ss(path);
        for (std::string dir; std::getline(ss, dir, ':');)
            if (!dir.empty()) dirs.push_back(dir);
    }
    for (const char* d : {"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/bin"}) dirs.emplace_back(d);
    for (const auto& dir : dirs) {
        std::string candidate = dir + "/" + name;
        if (is_executable(candidate)) return candidate;
    }
    throw std::runtime_error("program not found in PATH or /usr/sbin: " + name);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
}

std::string file_tail(const std::string& path, std::size_t max_bytes) {
    std::string all = read_file(path);
    if (all.size() <= max_bytes) return all;
    return "..." + all.substr(all.size() - max_bytes);
}

Process::Process(std::string exe, std::vector<std::string> args, std::string log_path, Env extra_env)
    : exe_(find_binary(exe)), log_path_(std::move(log_path)) {
    // Everything the child needs is prepared here: between fork and exec only async-signal-safe calls.
    std::vector<std::string> argv_store;
    argv_store.push_back(exe_);
    for (auto& a : args) argv_store.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : argv_store) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::map<std::string, std::string> env_map;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env_map[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto& [k, v] : extra_env) env_map[k] = v;
    std::vector<std::string> env_store;
    for (auto& [k, v] : env_map) env_store.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);

    int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw sys_error("open " + log_path_);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(log_fd);
        throw sys_error("pipe2");
    }

    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(log_fd);
        ::close(null_fd);
        ::close(err_pipe[0]);
        ::close(err_pipe[1]);
        throw sys_error("fork");
    }
    if (pid_ == 0) {
        ::setsid();
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        // Sockets of the test process (MQTT clients, ...) must not live on in the child: a broker that
        // inherits a client's socket would keep that connection open after the client closes it.
        int keep = err_pipe[1];
        bool closed = (keep == 3 || ::close_range(3, static_cast<unsigned>(keep - 1), 0) == 0) &&
                      ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0) == 0;
        if (!closed) {
            for (int fd = 3; fd < 65536; ++fd)
                if (fd != keep) ::close(fd);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) ::signal(sig, SIG_DFL);
        ::execve(argv[0], argv.data(), envp.data());
        int err = errno;
        (void)!::write(keep, &err, sizeof err);
        ::_exit(127);
    }
    ::close(log_fd);
    ::close(null_fd);
    ::close(err_pipe[1]);
    int child_errno = 0;
    ssize_t n;
    do {
        n = ::read(err_pipe[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    ::close(err_pipe[0]);
    if (n > 0) {
        reap(true);
        pid_ = -1;
        throw std::runtime_error("exec " + exe_ + ": " + std::strerror(child_errno));
    }
}

Process::~Process() {
    if (pid_ > 0 && !status_) terminate();
}

bool Process::reap(bool block) {
    if (status_ || pid_ <= 0) return true;
    int st = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_, &st, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
        return true;
    }
    if (r < 0) {  // not our child any more (should not happen); treat as gone
        status_ = -1;
        return true;
    }
    return false;
}

bool Process::running() { return !reap(false); }

std::optional<int> Process::exit_code() {
    reap(false);
    return status_;
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reap(false)) {
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(5ms);
    }
    return status_;
}

void Process::signal(int sig) {
    if (pid_ > 0 && !reap(false)) ::kill(-pid_, sig);
}

int Process::terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    if (!reap(false)) {
        ::kill(-pid_, SIGTERM);
        if (!wait(timeout)) return kill_hard();
    }
    ::kill(-pid_, SIGKILL);  // anything the process left behind in its session
    return *status_;
}

int Process::kill_hard() {
    if (pid_ <= 0) return -1;
    if (!status_) ::kill(-pid_, SIGKILL);
    reap(true);
    return *status_;
}

int run_program(const std::string& exe, const std::vector<std::string>& args, const std::string& log_path,
                std::chrono::milliseconds timeout) {
    Process p(exe, args, log_path);
    if (auto code = p.wait(timeout)) return *code;
    p.kill_hard();
    throw std::runtime_error(exe + " did not finish within " + std::to_string(timeout.count()) + " ms; log " +
                             log_path);
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
    return eventually(
        [port] {
            int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) return false;
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(static_cast<std::uint16_t>(port));
            bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
            ::close(fd);
            return ok;
        },
        timeout, 10ms);
}

}  // namespace kw::test
