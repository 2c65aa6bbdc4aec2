// A throwaway Postgres cluster for tests: initdb (trust authentication) and
// pg_ctl in a temporary directory, listening on 127.0.0.1 on a free port.
// As root (CI) the server runs as `nobody`, which owns the directory:
// Postgres refuses to run as root. The binaries come from
// /usr/lib/postgresql/15/bin, or $PSWIRE_PG_BIN; when they are missing
// ok() is false and error() says so (the tests fail, they never skip).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace pswire_test {

// 127.0.0.1:port (0: any free port), and the cast the sockets API wants of it.
inline sockaddr_in loopback_address(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}
inline sockaddr* as_sockaddr(sockaddr_in& a) { return reinterpret_cast<sockaddr*>(&a); }  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API

class pg_cluster {
 public:
  struct options {
    int max_connections = 20;
  };

  explicit pg_cluster(options opts) : options_(opts), ok_(create() && start()) {}  // ok_ is the last member
  pg_cluster() : pg_cluster(options{}) {}
  ~pg_cluster() {
    if (started_) run_ctl("stop -m immediate -w");  // nothing to keep: no clean shutdown needed
    forget_postmaster();
    if (!dir_.empty()) shell("rm -rf '" + dir_ + "'");
  }
  pg_cluster(const pg_cluster&) = delete;
  pg_cluster& operator=(const pg_cluster&) = delete;
  pg_cluster(pg_cluster&&) = delete;
  pg_cluster& operator=(pg_cluster&&) = delete;

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string conninfo() const { return conninfo_at(port_); }
  // How the tests reach a server on this machine's loopback at `port` (the cluster's, or a proxy's in front of it).
  static std::string conninfo_at(int port) {
    return "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres connect_timeout=5";
  }

  // Fast shutdown: sessions are terminated (57P01), open transactions rolled back.
  bool stop() {
    if (!started_) return true;
    forget_postmaster();
    started_ = !run_ctl("stop -m fast -w");
    return !started_;
  }
  bool start() {
    if (started_) return true;
    const std::string settings = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                                 " -c unix_socket_directories='" + dir_ + "' -c max_connections=" +
                                 std::to_string(options_.max_connections) +
                                 " -c superuser_reserved_connections=0 -c fsync=off";
    started_ = run_ctl("start -w -t 30 -l '" + dir_ + "/server.log' -o \"" + settings + "\"");
    if (started_) remember_postmaster();
    return started_;
  }
  bool restart() { return stop() && start(); }

 private:
  static std::string bin_dir() {
    const char* dir = std::getenv("PSWIRE_PG_BIN");
    return dir != nullptr ? dir : "/usr/lib/postgresql/15/bin";
  }

  // Runs a shell command in the cluster's directory as the server's user.
  bool as_server_user(const std::string& command) const {
    const std::string user = geteuid() == 0 ? "setpriv --reuid=nobody --regid=nogroup --clear-groups -- " : "";
    return shell("cd '" + dir_ + "' && " + user + command + " >>'" + dir_ + "/commands.log' 2>&1");
  }
  bool run_ctl(const std::string& args) {
    if (as_server_user(bin_dir() + "/pg_ctl -D '" + dir_ + "/data' " + args)) return true;
    error_ = "pg_ctl " + args + " failed:\n" + log_tail();
    return false;
  }
  static bool shell(const std::string& command) { return std::system(command.c_str()) == 0; }

  bool create() {
    if (access((bin_dir() + "/initdb").c_str(), X_OK) != 0 || access((bin_dir() + "/pg_ctl").c_str(), X_OK) != 0) {
      error_ = "the Postgres server binaries are missing from " + bin_dir() +
               " (install postgresql-15: bash tools/install-deps.sh, or set PSWIRE_PG_BIN)";
      return false;
    }
    char dir[] = "/tmp/pswire-pg-XXXXXX";
    if (mkdtemp(dir) == nullptr) return fail("cannot create a temporary directory");
    dir_ = dir;
    if (geteuid() == 0 && !shell("chown nobody:nogroup '" + dir_ + "'")) return fail("cannot give " + dir_ + " to nobody");
    port_ = free_port();
    if (port_ == 0) return fail("no free local port");
    if (!as_server_user(bin_dir() + "/initdb -D '" + dir_ + "/data' -A trust -U postgres -E UTF8 --locale=C -N")) {
      return fail("initdb failed:\n" + log_tail());
    }
    return true;
  }
  bool fail(std::string why) {
    error_ = std::move(why);
    return false;
  }
  std::string log_tail() const {
    std::string text;
    for (const char* name : {"/commands.log", "/server.log"}) {
      std::ifstream file(dir_ + name);
      text += std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

  // A port the kernel has just handed out for 127.0.0.1.
  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in addr = loopback_address(0);
    socklen_t length = sizeof addr;
    int port = 0;
    if (bind(fd, as_sockaddr(addr), sizeof addr) == 0 && getsockname(fd, as_sockaddr(addr), &length) == 0) {
      port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
  }

  // If the test dies on a signal, destructors do not run: the postmasters
  // still registered get SIGQUIT (an immediate shutdown) from the handler.
  static constexpr int max_clusters = 8;
  static inline volatile sig_atomic_t postmasters[max_clusters] = {};

  static void kill_postmasters(int signal) {
    for (volatile sig_atomic_t& pid : postmasters) {
      if (pid > 0) kill(static_cast<pid_t>(pid), SIGQUIT);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
  void remember_postmaster() {
    std::ifstream pid_file(dir_ + "/data/postmaster.pid");
    int pid = 0;
    if (!(pid_file >> pid)) return;
    for (int i = 0; i < max_clusters; ++i) {
      if (postmasters[i] == 0) {
        postmasters[i] = pid;
        slot_ = i;
        break;
      }
    }
    for (int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTERM, SIGINT}) std::signal(signal, kill_postmasters);
  }
  void forget_postmaster() {
    if (slot_ >= 0) postmasters[slot_] = 0;
    slot_ = -1;
  }

  options options_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  int slot_ = -1;
  bool started_ = false;
  bool ok_ = false;
};

}  // namespace pswire_test
