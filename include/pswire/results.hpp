// pswire: write-API transaction results (write-api.md §3.2, §5.2, §5.3, §8).
//   TransactionResponse       {"status":...}: success | retryable_error | fatal_error | not_attempted
//   TransactionBatchResponse  {"results":[TransactionResponse x N]}
//   MessageResponse           {"message":"..."}, the body of HTTP 400, 401 and 500
// Client side: completable_prefix() applies the reference client's rules to
// a decoded batch response. Server side: batch_response_builder writes the
// response while the transactions are applied. Classifying database errors:
// error_classification.hpp. Rules and rejections: docs/results.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "core/limits.hpp"
#include "core/raw_json.hpp"

namespace pswire {

// ---- the results. Strings are unescaped views that live until the decoder's
// next decode; raw views (details, unknown bodies) live as long as the input.
// A result built in code borrows its text: borrowed_text refuses a temporary
// std::string, whose bytes would be gone before add() writes them.

struct success_result {
  static constexpr std::string_view status = "success";
  std::optional<borrowed_text> message{};  // the PoC's "Transaction completed"; the reference sends none
  friend bool operator==(const success_result&, const success_result&) = default;
};

struct retryable_error {
  static constexpr std::string_view status = "retryable_error";
  std::optional<borrowed_text> message{};
  std::optional<std::int64_t> retry_after_ms{};  // the spec sets no minimum: see retry_delay_ms()
  friend bool operator==(const retryable_error&, const retryable_error&) = default;
};

struct failed_operation {
  borrowed_text error_code{};                     // open-ended; error_codes:: has the standard ones
  std::optional<borrowed_text> message{};
  raw_value details{};                            // any JSON, byte for byte; empty() when absent
  std::optional<std::int64_t> operation_index{};  // zero-based; absent for transaction-level failures
  friend bool operator==(const failed_operation&, const failed_operation&) = default;
};

struct fatal_error {
  static constexpr std::string_view status = "fatal_error";
  // The reference server's hook requiresClientHandling defaults to false (the
  // server deals with the failure), and so does a result built in code. The
  // PoC dialect's decoder stores nullopt when the member is absent, which
  // check_reference_rules refuses, so the client retains such a result.
  std::optional<bool> requires_client_handling = false;
  std::optional<borrowed_text> message{};
  failed_operation failed{};
  friend bool operator==(const fatal_error&, const fatal_error&) = default;
};

struct not_attempted {
  static constexpr std::string_view status = "not_attempted";
  friend bool operator==(const not_attempted&, const not_attempted&) = default;
};

// A status this codec does not know (the experimental dead_lettered, pending,
// processing, or anything newer), kept whole so that it passes on unchanged.
struct unknown_status {
  borrowed_text status{};
  raw_object body{};  // the whole result object
  friend bool operator==(const unknown_status&, const unknown_status&) = default;
};

using transaction_result = std::variant<success_result, retryable_error, fatal_error, not_attempted, unknown_status>;

struct batch_response {
  // One per result on the wire, in order. Each result decodes on its own: a
  // malformed one is an error here and leaves its neighbours readable, since
  // the reference client still completes the accepted prefix before it.
  std::span<const result<transaction_result>> results;
};

struct message_response {
  borrowed_text message{};
  friend bool operator==(const message_response&, const message_response&) = default;
};

enum class result_dialect : std::uint8_t {
  reference,  // the current reference: a fatal result must carry requires_client_handling
  poc,        // PoC and batch-branch servers: requires_client_handling is optional
};

namespace detail {

// Where a member sits in a result, for error paths.
struct member_path {
  std::string_view member;  // of the result; empty for the result itself
  std::string_view inner;   // of its failed_operation, if there
};

// A member that breaks its result's schema. It makes only that result
// invalid, and only if the result's status gives the member a meaning.
struct result_problem {
  errc code = errc::ok;
  std::size_t offset = 0;
  std::string_view detail;
  member_path at;
};

// The first problem of one member, if any. Constructed only when there is
// one: a result has a slot per member, and zero-filling five full records per
// result was a fifth of decoding a batch response.
class problem_slot {
 public:
  problem_slot() noexcept {}  // NOLINT(modernize-use-equals-default): = default would initialize the record
  void note(const result_problem& found) noexcept {
    if (has_problem_) return;  // the first one found is reported
    ::new (static_cast<void*>(&storage_.problem)) result_problem(found);
    has_problem_ = true;
  }
  bool has_problem() const noexcept { return has_problem_; }
  const result_problem& problem() const noexcept { return storage_.problem; }

 private:
  static_assert(std::is_trivially_destructible_v<result_problem>);
  union storage {
    storage() noexcept {}  // NOLINT(modernize-use-equals-default): leaves the record unconstructed
    result_problem problem;
  } storage_;
  bool has_problem_ = false;
};

}  // namespace detail

// Decodes results. Reuse one decoder: once its buffers have grown, decoding
// allocates nothing.
class result_decoder {
 public:
  explicit result_decoder(const limits& lim = {}) : reader_(lim) {}

  // One TransactionResponse: the PoC's whole POST /api/data answer, or one
  // element of a batch response.
  result<transaction_result> decode_result(json_input json PSWIRE_LIFETIMEBOUND,
                                           result_dialect dialect = result_dialect::reference) PSWIRE_LIFETIMEBOUND {
    decoded_result read(not_attempted{});
    PSWIRE_TRY(reader_.run(json, [&]() -> result<void> {
      json_value root = reader_.root_value();
      PSWIRE_TRY(root_object(root));
      return read_result(root, dialect, std::nullopt, read);
    }));
    return read;
  }

  // A TransactionBatchResponse. The call fails for the message as a whole
  // (syntax, limits, the envelope); a malformed result is an error in its slot.
  result<batch_response> decode_batch_response(json_input json PSWIRE_LIFETIMEBOUND,
                                               result_dialect dialect = result_dialect::reference) PSWIRE_LIFETIMEBOUND {
    PSWIRE_TRY(reader_.run(json, [&]() -> result<void> {
      results_.clear();
      json_value root = reader_.root_value();
      PSWIRE_TRY(root_object(root));
      return reader_.read_object(root, results_members, [&](std::size_t, json_value& v) -> result<void> {
        return reader_.for_each_element(v, [&](json_value& element, std::size_t index) -> result<void> {
          if (index >= reader_.limits_in_use().max_batch_transactions) {
            return reader_.fail(errc::batch_too_large, reader_.offset_of(element), "more results than limits.max_batch_transactions");
          }
          // Decoded in place: a result is about a hundred bytes, copies showed.
          return read_result(element, dialect, index, results_.emplace_back(not_attempted{}));
        });
      });
    }));
    return batch_response{results_};
  }

  // A MessageResponse {"message":"..."}.
  result<message_response> decode_message_response(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    std::string_view message;
    PSWIRE_TRY(reader_.run(json, [&]() -> result<void> {
      json_value root = reader_.root_value();
      PSWIRE_TRY(root_object(root));
      return reader_.read_object(root, message_members, [&](std::size_t, json_value& v) -> result<void> {
        PSWIRE_TRY(reader_.read_string(v, message));
        return {};
      });
    }));
    return message_response{message};
  }

  // The results are views of the input: a temporary std::string would be
  // gone before they are read.
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_result);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_batch_response);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_message_response);

  const limits& limits_in_use() const noexcept { return reader_.limits_in_use(); }

 private:
  using decoded_result = result<transaction_result>;
  using member_path = detail::member_path;

  static constexpr std::string_view results_member_names[] = {"results"};
  static constexpr member_table<1> results_members = make_members(results_member_names, {0});
  static constexpr std::string_view message_member_names[] = {"message"};
  static constexpr member_table<1> message_members = make_members(message_member_names, {0});

  // Every message here is an object.
  result<void> root_object(json_value& root) {
    json_kind kind{};
    PSWIRE_TRY_ASSIGN(kind, reader_.type_of(root));
    if (kind != json_kind::object) return reader_.fail_type(detail::expected::object, root);
    return {};
  }

  // Consumes a value that breaks the schema (it must still be valid JSON).
  result<void> skip_invalid(json_value& v, detail::problem_slot& first, const detail::result_problem& found) {
    if (auto skipped = reader_.skip(v); !skipped) return skipped;
    first.note(found);
    return {};
  }

  result<void> read_text(json_value& v, std::optional<borrowed_text>& out, detail::problem_slot& problem,
                         member_path at) {
    auto type = reader_.type_of(v);
    if (!type) return type.error_info();
    if (*type != json_kind::string) {
      return skip_invalid(v, problem, {errc::wrong_type, reader_.offset_of(v), "expected a string", at});
    }
    return reader_.read_string(v, out);
  }

  // A boolean or an integer, read through its validated text.
  template <class T>
  result<void> read_scalar(json_value& v, std::optional<T>& out, result<T> (raw_value::*get)() const noexcept,
                           detail::problem_slot& problem, member_path at) {
    const std::size_t offset = reader_.offset_of(v);
    raw_value raw;
    PSWIRE_TRY(reader_.read_raw(v, raw));
    auto value = (raw.*get)();
    if (!value) {
      problem.note({value.code(), offset, value.error_info().detail, at});
    } else {
      out = *value;
    }
    return {};
  }

  enum failed_member : std::size_t { m_error_code, m_failed_message, m_details, m_operation_index, m_failed_members };
  static constexpr std::string_view failed_member_names[m_failed_members] = {"error_code", "message", "details",
                                                                             "operation_index"};
  static constexpr member_table<m_failed_members> failed_members = make_members(failed_member_names);

  // A repeated member of a result breaks that result only: it is a problem of its slot.
  template <std::size_t N>
  auto duplicate_is_problem(const member_table<N>& table, detail::problem_slot* problems, std::string_view outer) {
    return [this, &table, problems, outer](std::size_t which, json_value& v, std::size_t key_at) -> result<void> {
      const member_path at = outer.empty() ? member_path{table.names[which], {}} : member_path{outer, table.names[which]};
      return skip_invalid(v, problems[outer.empty() ? which : 0], {errc::duplicate_key, key_at, "member appears twice", at});
    };
  }
  auto skip_unknown() {
    return [this](std::string_view, json_value& v, std::size_t) { return reader_.skip(v); };
  }

  result<void> read_failed_operation(json_value& v, failed_operation& out, detail::problem_slot& problem) {
    const std::size_t object_at = reader_.offset_of(v);
    auto type = reader_.type_of(v);
    if (!type) return type.error_info();
    if (*type != json_kind::object) {
      return skip_invalid(v, problem, {errc::wrong_type, object_at, "expected an object", {"failed_operation", {}}});
    }
    std::optional<borrowed_text> error_code;
    auto member = [&](std::size_t which, json_value& mv) -> result<void> {
      const member_path at{"failed_operation", failed_member_names[which]};
      switch (which) {
        case m_error_code: return read_text(mv, error_code, problem, at);
        case m_failed_message: return read_text(mv, out.message, problem, at);
        case m_details: return reader_.read_raw(mv, out.details);
        default: {
          const std::size_t index_at = reader_.offset_of(mv);
          auto read = read_scalar(mv, out.operation_index, &raw_value::get_int64, problem, at);
          if (read && out.operation_index && *out.operation_index < 0) {
            problem.note({errc::number_out_of_range, index_at, "operation_index is zero-based", at});
            out.operation_index.reset();
          }
          return read;
        }
      }
    };
    PSWIRE_TRY(reader_.read_object(v, failed_members, member, skip_unknown(),
                                   duplicate_is_problem(failed_members, &problem, "failed_operation")));
    if (error_code) {
      out.error_code = *error_code;
    } else {
      problem.note({errc::missing_field, object_at, "required member is absent", {"failed_operation", "error_code"}});
    }
    return {};
  }

  static decoded_result invalid(const detail::result_problem& p, std::optional<std::size_t> index) {
    error e = make_error(p.code, p.offset, p.detail);
    if (index) {
      e.path.append_key("results");
      e.path.append_index(*index);
    }
    if (!p.at.member.empty()) e.path.append_key(p.at.member);
    if (!p.at.inner.empty()) e.path.append_key(p.at.inner);
    return e;
  }

  // One TransactionResponse. The outer result fails for the whole message
  // (syntax, limits); the inner one says whether this result is valid.
  // `index` is the position in a batch response, for error paths.
  enum result_member : std::size_t { m_status, m_requires, m_message, m_retry_after, m_failed, m_result_members };
  static constexpr std::string_view result_member_names[m_result_members] = {
      "status", "requires_client_handling", "message", "retry_after_ms", "failed_operation"};
  static constexpr member_table<m_result_members> result_members = make_members(result_member_names);

  // `out` holds a value (any), so that a valid result is assigned in place.
  result<void> read_result(json_value& v, result_dialect dialect, std::optional<std::size_t> index, decoded_result& out) {
    const std::size_t object_at = reader_.offset_of(v);
    auto type = reader_.type_of(v);
    if (!type) return type.error_info();
    if (*type != json_kind::object) {
      detail::problem_slot problem;
      if (auto r = skip_invalid(v, problem, {errc::wrong_type, object_at, "a result is an object", {}}); !r) {
        return r.error_info();
      }
      return slot_error(problem.problem(), index, out);
    }

    std::optional<borrowed_text> status, message;
    std::optional<bool> requires_client_handling;
    std::optional<std::int64_t> retry_after_ms;
    failed_operation failed;
    bool failed_seen = false;
    detail::problem_slot problems[m_result_members];
    auto member = [&](std::size_t which, json_value& mv) -> result<void> {
      const member_path at{result_member_names[which], {}};
      switch (which) {
        case m_status: return read_text(mv, status, problems[which], at);
        case m_requires: return read_scalar(mv, requires_client_handling, &raw_value::get_bool, problems[which], at);
        case m_message: return read_text(mv, message, problems[which], at);
        case m_retry_after: return read_scalar(mv, retry_after_ms, &raw_value::get_int64, problems[which], at);
        default: failed_seen = true; return read_failed_operation(mv, failed, problems[which]);
      }
    };
    PSWIRE_TRY(reader_.read_object(v, result_members, member, skip_unknown(), duplicate_is_problem(result_members, problems, {})));

    if (problems[m_status].has_problem()) return slot_error(problems[m_status].problem(), index, out);
    if (!status) return slot_error({errc::missing_field, object_at, "required member is absent", {"status", {}}}, index, out);
    enum kind : unsigned { k_success, k_retryable, k_fatal, k_not_attempted, k_count };
    static constexpr std::string_view statuses[k_count] = {success_result::status, retryable_error::status,
                                                           fatal_error::status, not_attempted::status};
    static constexpr member_table<k_count> status_table = make_members(statuses);
    // The members each status gives a meaning to; the others are ignored.
    static constexpr unsigned meaningful[k_count] = {1u << m_message, (1u << m_message) | (1u << m_retry_after),
                                                     (1u << m_requires) | (1u << m_message) | (1u << m_failed), 0};
    const auto which = static_cast<unsigned>(status_table.find(*status));  // a view of the caller's input: not padded
    if (which == k_count) return slot_value(unknown_status{*status, raw_object(reader_.text_since(object_at))}, out);
    const detail::result_problem* first = nullptr;
    for (unsigned m = 0; m < m_result_members; ++m) {
      const bool counts = (meaningful[which] >> m & 1u) && problems[m].has_problem();
      if (counts && (first == nullptr || problems[m].problem().offset < first->offset)) first = &problems[m].problem();
    }
    if (first != nullptr) return slot_error(*first, index, out);
    switch (which) {
      case k_success: return slot_value(success_result{message}, out);
      case k_retryable: return slot_value(retryable_error{message, retry_after_ms}, out);
      case k_not_attempted: return slot_value(not_attempted{}, out);
      default: break;
    }
    if (!failed_seen) {
      return slot_error({errc::missing_field, object_at, "required member is absent", {"failed_operation", {}}}, index, out);
    }
    if (dialect == result_dialect::reference && !requires_client_handling) {
      return slot_error({errc::missing_field, object_at, "required member is absent", {"requires_client_handling", {}}}, index,
                        out);
    }
    return slot_value(fatal_error{requires_client_handling, message, failed}, out);
  }

  // A result that breaks its schema: an error in its slot, not of the message.
  static result<void> slot_error(const detail::result_problem& p, std::optional<std::size_t> index, decoded_result& out) {
    out = invalid(p, index);
    return {};
  }
  template <class Alternative>
  static result<void> slot_value(Alternative&& value, decoded_result& out) {
    if (out) *out = std::forward<Alternative>(value);  // in place, no copy of the whole result
    else out = decoded_result(transaction_result(std::forward<Alternative>(value)));
    return {};
  }

  json_reader reader_;
  std::vector<decoded_result> results_;
};

// ---- encoding, in the reference server's key order; absent members are left out.

namespace detail {
template <class Sink>
void begin_result(basic_json_writer<Sink>& w, std::string_view status) {
  w.begin_object();
  w.key(json_key("status"));
  w.string_value(status);
}
template <class Sink, std::size_t N>
void optional_member(basic_json_writer<Sink>& w, const json_key<N>& key, const std::optional<borrowed_text>& v) {
  if (!v) return;
  w.key(key);
  w.string_value(*v);
}
template <class Sink, std::size_t N>
void optional_member(basic_json_writer<Sink>& w, const json_key<N>& key, const std::optional<std::int64_t>& v) {
  if (!v) return;
  w.key(key);
  w.int_value(*v);
}
}  // namespace detail

template <class Sink>
void write_result(basic_json_writer<Sink>& w, const success_result& r) {
  detail::begin_result(w, success_result::status);
  detail::optional_member(w, json_key("message"), r.message);
  w.end_object();
}

template <class Sink>
void write_result(basic_json_writer<Sink>& w, const retryable_error& r) {
  detail::begin_result(w, retryable_error::status);
  detail::optional_member(w, json_key("message"), r.message);
  detail::optional_member(w, json_key("retry_after_ms"), r.retry_after_ms);
  w.end_object();
}

template <class Sink>
void write_result(basic_json_writer<Sink>& w, const fatal_error& r) {
  detail::begin_result(w, fatal_error::status);
  if (r.requires_client_handling) {
    w.key(json_key("requires_client_handling"));
    w.bool_value(*r.requires_client_handling);
  }
  detail::optional_member(w, json_key("message"), r.message);
  w.key(json_key("failed_operation"));
  w.begin_object();
  w.key(json_key("error_code"));
  w.string_value(r.failed.error_code);
  detail::optional_member(w, json_key("message"), r.failed.message);
  if (!r.failed.details.empty()) {
    w.key(json_key("details"));
    w.raw_value(r.failed.details);
  }
  detail::optional_member(w, json_key("operation_index"), r.failed.operation_index);
  w.end_object();
  w.end_object();
}

template <class Sink>
void write_result(basic_json_writer<Sink>& w, const not_attempted& /*result*/) {
  detail::begin_result(w, not_attempted::status);
  w.end_object();
}

template <class Sink>
void write_result(basic_json_writer<Sink>& w, const unknown_status& r) {
  w.raw_value(r.body);
}

template <class Sink>
void write_result(basic_json_writer<Sink>& w, const transaction_result& r) {
  std::visit([&](const auto& alternative) { write_result(w, alternative); }, r);
}

template <class Sink>
void write_batch_response(basic_json_writer<Sink>& w, std::span<const transaction_result> results) {
  w.begin_object();
  w.key(json_key("results"));
  w.begin_array();
  for (const auto& r : results) write_result(w, r);
  w.end_array();
  w.end_object();
}

template <class Sink>
void write_message_response(basic_json_writer<Sink>& w, const message_response& m) {
  w.begin_object();
  w.key(json_key("message"));
  w.string_value(m.message);
  w.end_object();
}

// ---- the reference client's rules (write-api.md §5.3)

// A result that decodes but that the reference client would still refuse:
// a status outside the four, a fatal result that does not say whether the
// client handles it (the PoC dialect), a negative operation_index (which only
// a result built in code can hold). Refused results are retained, never completed.
inline result<void> check_reference_rules(const transaction_result& r) {
  auto refuse = [](std::string_view member, std::string_view inner, std::string_view why) {
    error e = make_error(errc::malformed_result, 0, why);
    e.path.append_key(member);
    if (!inner.empty()) e.path.append_key(inner);
    return e;
  };
  if (std::holds_alternative<unknown_status>(r)) return refuse("status", {}, "the reference client knows four statuses");
  const auto* fatal = std::get_if<fatal_error>(&r);
  if (fatal == nullptr) return {};
  if (!fatal->requires_client_handling) {
    return refuse("requires_client_handling", {}, "a fatal result must say whether the client handles it");
  }
  if (fatal->failed.operation_index && *fatal->failed.operation_index < 0) {
    return refuse("failed_operation", "operation_index", "operation_index is zero-based");
  }
  return {};
}

// The client's answer to a fatal result with requires_client_handling: true.
enum class fatal_decision : std::uint8_t { retain, complete };

// How many leading transactions of the batch the client may complete (drop
// from its upload queue). Completing transaction k completes all before it,
// so this is the contiguous accepted prefix: success, and fatal results the
// server has dealt with (requires_client_handling: false, data discarded or
// dead-lettered). A client-handled fatal result asks `decide(index, fatal)`
// and always ends the prefix, included when the answer is `complete`.
// Retryable, not_attempted, malformed and unknown results are retained.
// result_count_mismatch when the response does not hold one result per
// transaction sent: then nothing may be completed.
template <class Decide>
  requires std::is_invocable_r_v<fatal_decision, Decide, std::size_t, const fatal_error&>
result<std::size_t> completable_prefix(std::span<const result<transaction_result>> results, std::size_t transactions_sent,
                                       Decide&& decide) {
  if (results.size() != transactions_sent) {
    return make_error(errc::result_count_mismatch, 0, "a batch response holds one result per transaction sent");
  }
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i] || !check_reference_rules(*results[i])) break;
    if (std::holds_alternative<success_result>(*results[i])) {
      accepted = i + 1;
      continue;
    }
    const auto* fatal = std::get_if<fatal_error>(&*results[i]);
    if (fatal == nullptr) break;
    if (!*fatal->requires_client_handling) {
      accepted = i + 1;
      continue;
    }
    if (decide(i, *fatal) == fatal_decision::complete) accepted = i + 1;
    break;
  }
  return accepted;
}

// The same, answering every client-handled fatal result with `client_handled`
// (the reference client's default hook retains).
inline result<std::size_t> completable_prefix(std::span<const result<transaction_result>> results,
                                              std::size_t transactions_sent,
                                              fatal_decision client_handled = fatal_decision::retain) {
  return completable_prefix(results, transactions_sent, [client_handled](std::size_t, const fatal_error&) { return client_handled; });
}

// The pause before retrying after a retryable result: the reference client
// sleeps retry_after_ms, or 0 when absent; a negative value means no pause.
constexpr std::int64_t retry_delay_ms(const retryable_error& r) noexcept {
  return std::max<std::int64_t>(0, r.retry_after_ms.value_or(0));
}

// ---- the reference server's batch loop (write-api.md §5.2)

// What a backend-handled fatal result does to the rest of the batch
// (the reference server's BATCH_ON_FATAL_ERROR).
enum class on_fatal_policy : std::uint8_t { stop, skip };

// Writes {"results":[...]} while the server applies the batch: add() each
// transaction's result in order, apply the next one only while accepting(),
// then finish() pads the rest with not_attempted. A success continues the
// batch; a fatal result with requires_client_handling: false continues it
// under `skip`; every other result ends it.
//
// A refused add() ends the response for good: the i-th result must belong to
// the i-th transaction, and a result left out would shift every later one a
// slot up, so the client would complete a transaction that failed. The
// builder is then poisoned: accepting() is false, and every later add() and
// finish() return the first error. What the sink holds is not a response
// (an unclosed array): answer an error status instead (HTTP 500, the client
// retries the whole batch). reset() starts a new response.
template <class Sink>
class batch_response_builder {
 public:
  explicit batch_response_builder(basic_json_writer<Sink>& w, on_fatal_policy policy = on_fatal_policy::stop)
      : writer_(w), policy_(policy) {}

  // Should the server apply the next transaction?
  bool accepting() const noexcept { return accepting_ && !first_error_; }
  std::size_t results() const noexcept { return count_; }

  // The result of the transaction just applied. Fails, writing nothing and
  // poisoning the builder, when the batch has already ended
  // (result_count_mismatch) or when the reference client would refuse the
  // result (malformed_result, see check_reference_rules).
  result<void> add(const transaction_result& r) {
    if (first_error_) return first_error_;
    if (!accepting_) {
      return poison(errc::result_count_mismatch, "the batch has ended: finish() answers not_attempted for the rest");
    }
    if (auto valid = check_reference_rules(r); !valid) return poison(valid.error_info());
    open();
    write_result(writer_, r);
    ++count_;
    const auto* fatal = std::get_if<fatal_error>(&r);
    const bool skipped = fatal != nullptr && !*fatal->requires_client_handling && policy_ == on_fatal_policy::skip;
    accepting_ = std::holds_alternative<success_result>(r) || skipped;
    writer_.flush();
    return {};
  }

  // Closes the response with one result per transaction of the request; the
  // bytes written. result_count_mismatch (and poisoned) if more results were
  // added; the first error if the builder is poisoned. A second finish()
  // writes nothing more.
  result<std::size_t> finish(std::size_t transactions_total) {
    if (first_error_) return first_error_;
    if (closed_) return writer_.finish();
    if (count_ > transactions_total) return poison(errc::result_count_mismatch, "more results than transactions in the request");
    open();
    for (; count_ < transactions_total; ++count_) write_result(writer_, not_attempted{});
    close();
    return writer_.finish();
  }

  // Starts a new response on the same writer (and policy), poisoned or not.
  // Call reset() first, then clear or replace the sink's bytes: a response
  // still open is closed first (its `]}` go to the old bytes), so that the
  // writer is balanced again. A writer that has failed (status()) stays
  // failed: use a new writer and builder.
  void reset() {
    if (opened_ && !closed_) close();
    count_ = 0;
    accepting_ = true;
    opened_ = false;
    closed_ = false;
    first_error_ = {};
  }

 private:
  // The envelope is written with the first result (or by finish()), so that
  // a reset builder writes nothing before the caller has cleared the sink.
  void open() {
    if (opened_) return;
    writer_.begin_object();
    writer_.key(json_key("results"));
    writer_.begin_array();
    opened_ = true;
  }
  void close() {
    writer_.end_array();
    writer_.end_object();
    closed_ = true;
    accepting_ = false;
  }
  error poison(error e) {
    first_error_ = e;
    return first_error_;
  }
  error poison(errc code, std::string_view why) { return poison(make_error(code, writer_.sink().size(), why)); }

  basic_json_writer<Sink>& writer_;
  on_fatal_policy policy_;
  std::size_t count_ = 0;
  bool accepting_ = true;
  bool opened_ = false;
  bool closed_ = false;
  error first_error_{};  // set once poisoned
};

}  // namespace pswire
