// A TCP relay between the Postgres backend and the cluster that can lose one
// reply for real: armed, it forwards the next bytes the backend sends (its
// COMMIT), waits for the server's answer, swallows it and closes both
// connections. The server has committed (Postgres answers COMMIT only once
// the commit is durable), the backend sees its connection end without an
// answer: the one case a client of a database cannot tell from a lost
// transaction. Used by the fault harness (test_postgres_faults.cpp).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "pg_cluster.hpp"

namespace pswire_test {

class reply_dropping_proxy {
 public:
  explicit reply_dropping_proxy(int server_port) : server_port_(server_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback_address(0);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, as_sockaddr(address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, as_sockaddr(address), &length) != 0 || ::pipe(wake_) != 0) {
      error_ = "cannot set up the proxy's sockets: errno " + std::to_string(errno);
      return;
    }
    port_ = ntohs(address.sin_port);
    relay_ = std::thread([this] { run(); });
  }
  ~reply_dropping_proxy() {
    if (relay_.joinable()) {
      const char stop = 's';
      (void)!::write(wake_[1], &stop, 1);
      relay_.join();
    }
    for (const int fd : {listener_, wake_[0], wake_[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }
  reply_dropping_proxy(const reply_dropping_proxy&) = delete;
  reply_dropping_proxy& operator=(const reply_dropping_proxy&) = delete;
  reply_dropping_proxy(reply_dropping_proxy&&) = delete;
  reply_dropping_proxy& operator=(reply_dropping_proxy&&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Connects through the proxy.
  std::string conninfo() const { return pg_cluster::conninfo_at(port_); }

  // The answer to the next bytes any client sends is lost, with both connections.
  void lose_next_reply() { armed_ = true; }
  // Takes back an arming that met no bytes (the statement was never sent).
  void disarm() { armed_ = false; }
  // How many answers were swallowed so far.
  std::size_t replies_lost() const { return lost_; }

 private:
  struct relayed_connection {
    int client = -1, server = -1;
    bool losing_reply = false;  // the server's next bytes are not forwarded
  };

  static bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      data += sent, size -= static_cast<std::size_t>(sent);
    }
    return true;
  }
  static void close_both(relayed_connection& c) {
    ::close(c.client), ::close(c.server);
    c.client = c.server = -1;
  }

  void accept_one(std::vector<relayed_connection>& connections) const {
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback_address(server_port_);
    if (server < 0 || ::connect(server, as_sockaddr(address), sizeof address) != 0) {
      // Postgres is down (a restart): the client sees its connection end, as it would.
      if (server >= 0) ::close(server);
      ::close(client);
      return;
    }
    // As libpq and Postgres do on theirs: without it, Nagle's algorithm holds back small messages.
    const int on = 1;
    for (const int fd : {client, server}) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    connections.push_back({client, server});
  }

  // Moves what one side sent to the other; false when the pair is done.
  bool relay(relayed_connection& c, bool from_client) {
    char buffer[65536];
    const ssize_t got = ::recv(from_client ? c.client : c.server, buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    if (from_client) {
      if (armed_.exchange(false)) c.losing_reply = true;
      return send_all(c.server, buffer, static_cast<std::size_t>(got));
    }
    if (c.losing_reply) {
      ++lost_;
      return false;
    }
    return send_all(c.client, buffer, static_cast<std::size_t>(got));
  }

  void run() {
    std::vector<relayed_connection> connections;
    for (;;) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
      for (const auto& c : connections) {
        fds.push_back({c.client, POLLIN, 0});
        fds.push_back({c.server, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[0].revents != 0) break;
      const std::size_t polled = connections.size();  // not the one accepted now
      if (fds[1].revents != 0) accept_one(connections);
      for (std::size_t i = 0; i < polled; ++i) {
        relayed_connection& c = connections[i];
        const short from_client = fds[2 + 2 * i].revents, from_server = fds[3 + 2 * i].revents;
        if ((from_client != 0 && !relay(c, true)) || (from_server != 0 && !relay(c, false))) close_both(c);
      }
      std::erase_if(connections, [](const relayed_connection& c) { return c.client < 0; });
    }
    for (auto& c : connections) close_both(c);
  }

  int server_port_;
  int port_ = 0;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  std::string error_;
  std::atomic<bool> armed_{false};
  std::atomic<std::size_t> lost_{0};
  std::thread relay_;
};

}  // namespace pswire_test
