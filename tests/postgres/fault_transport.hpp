// The fault harness's transport: an in-process, deterministic stand-in for
// HTTP between the client and the write API handler over Postgres. Per
// request a seeded choice: deliver; drop the request; deliver and drop the
// response (after the server committed); deliver twice (at once, half of
// those racing the original: the copy handled on a second session in the
// middle of the original's database transaction; or a copy held and
// delivered after later requests); delay (the client times out, the
// original arrives later). Server faults: the backend's connection killed
// mid-transaction (pg_terminate_backend from a second connection, at an
// operation chosen in advance); the answer to the backend's COMMIT lost
// with its connection after Postgres committed (reply_dropping_proxy.hpp);
// and Postgres restarted between or during requests.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fault_workload.hpp"
#include "../../examples/write_api_handler.hpp"

namespace faults {

struct fault_counts {
  std::size_t dropped_request = 0, dropped_response = 0, duplicate = 0, late_duplicate = 0, delayed = 0,
              killed_connection = 0, lost_commit_reply = 0, postgres_restart = 0;
  std::size_t total() const {
    return dropped_request + dropped_response + duplicate + late_duplicate + delayed + killed_connection + lost_commit_reply +
           postgres_restart;
  }
  fault_counts& operator+=(const fault_counts& o) {
    dropped_request += o.dropped_request, dropped_response += o.dropped_response, duplicate += o.duplicate;
    late_duplicate += o.late_duplicate, delayed += o.delayed, killed_connection += o.killed_connection;
    lost_commit_reply += o.lost_commit_reply, postgres_restart += o.postgres_restart;
    return *this;
  }
};

enum class endpoint : std::uint8_t { batch, checkpoint_request };

// What the transport needs of the server side: the handlers, and the ways
// to hurt the database under them.
struct server_side {
  std::function<example::http_response(endpoint, std::string_view body)> handle;
  // The same handler on a second backend (its own session), for a copy that races the original.
  std::function<example::http_response(endpoint, std::string_view body)> handle_concurrently;
  std::function<void()> kill_connection;   // terminates the backend's session now
  std::function<void()> lose_next_reply;   // the answer to the backend's next statement is lost, with its connection
  std::function<void()> keep_replies;      // takes back a lose_next_reply that met no statement
  std::function<void()> restart_postgres;  // stops and starts the cluster
};

class faulty_transport {
 public:
  faulty_transport(server_side server, std::uint64_t seed, fault_counts& counts)
      : server_(std::move(server)), r_(seed), counts_(counts) {}

  // Called by the backend before each operation it applies.
  void before_operation() {
    ++operations_seen_;
    if (race_ && operations_seen_ == race_->at) {
      const racing_copy copy = std::move(*race_);
      race_.reset();
      race_answer_ = server_.handle_concurrently(copy.to, copy.body);
    }
    if (kill_at_ && operations_seen_ == *kill_at_) {
      kill_at_.reset();
      server_.kill_connection();
      ++counts_.killed_connection;
    }
    if (restart_at_ && operations_seen_ == *restart_at_) {
      restart_at_.reset();
      server_.restart_postgres();
      ++counts_.postgres_restart;
    }
  }

  // Called by the backend before each COMMIT it sends.
  void before_commit() {
    ++commits_seen_;
    if (lose_commit_reply_at_ && commits_seen_ == *lose_commit_reply_at_) {
      lose_commit_reply_at_.reset();
      server_.lose_next_reply();
      ++counts_.lost_commit_reply;
    }
  }

  // One request: the response, or nothing when the client times out.
  std::optional<example::http_response> post(endpoint to, const std::string& body) {
    ++requests_;
    deliver_due();
    if (r_.below(200) == 0) {  // between requests: the next one meets a server that has just come back
      server_.restart_postgres();
      ++counts_.postgres_restart;
    }
    const std::size_t dice = r_.below(100);
    if (dice < 10) {
      ++counts_.dropped_request;
      return std::nullopt;
    }
    if (dice < 18) {  // held, not delivered: the client gives up on it and retries
      hold(to, body);
      ++counts_.delayed;
      return std::nullopt;
    }
    // Half the duplicates race the original: the copy runs on the second
    // session at one of the original's first operations, inside its transaction.
    const bool race = dice >= 28 && dice < 36 && r_.below(2) == 0;
    arm_server_faults();
    if (race) race_ = racing_copy{to, body, 1 + r_.below(3)};
    race_answer_.reset();
    example::http_response reply = server_.handle(to, body);
    const bool raced = race && !race_;
    race_.reset();
    disarm_server_faults();
    if (dice < 28) {
      ++counts_.dropped_response;
      return std::nullopt;
    }
    if (dice < 36) {
      ++counts_.duplicate;
      // Either answer can reach the client: the copy's (which may have waited
      // for the original's row locks, 55P03) as often as the original's.
      if (raced) return r_.below(2) == 0 ? reply : std::move(*race_answer_);
      return server_.handle(to, body);  // the same request again at once (or too short to race): the second answer is read
    }
    if (dice < 44) {
      hold(to, body);
      ++counts_.late_duplicate;
    }
    return reply;
  }

  // Delivers every held message, oldest first (their answers go nowhere).
  void flush() {
    while (!held_.empty()) deliver_oldest();
  }

 private:
  struct held_message {
    endpoint to;
    std::string body;
    std::size_t due;  // delivered before request number `due`
  };
  struct racing_copy {
    endpoint to;
    std::string body;
    std::size_t at;  // the original's operation it runs before
  };

  void hold(endpoint to, const std::string& body) { held_.push_back({to, body, requests_ + 1 + r_.below(5)}); }

  void deliver_due() {
    while (!held_.empty() && held_.front().due <= requests_) deliver_oldest();
  }
  void deliver_oldest() {
    const held_message m = std::move(held_.front());
    held_.pop_front();
    (void)server_.handle(m.to, m.body);
  }

  // A kill at one of the first operations of this delivery (one in eight
  // requests), the answer to one of its first two COMMITs lost (one in ten),
  // a restart in the middle of it (one in three hundred).
  void arm_server_faults() {
    operations_seen_ = 0, commits_seen_ = 0;
    if (r_.below(8) == 0) kill_at_ = 1 + r_.below(4);
    if (r_.below(10) == 0) lose_commit_reply_at_ = 1 + r_.below(2);
    if (r_.below(300) == 0) restart_at_ = 1 + r_.below(4);
  }
  void disarm_server_faults() {
    kill_at_.reset(), lose_commit_reply_at_.reset(), restart_at_.reset();
    server_.keep_replies();
  }

  server_side server_;
  rng r_;
  fault_counts& counts_;
  std::deque<held_message> held_;
  std::size_t requests_ = 0;
  std::size_t operations_seen_ = 0, commits_seen_ = 0;
  std::optional<std::size_t> kill_at_, lose_commit_reply_at_, restart_at_;
  std::optional<racing_copy> race_;
  std::optional<example::http_response> race_answer_;
};

}  // namespace faults
