// pswire: the service's error envelope, {"error": ErrorData}, which every
// PowerSync service endpoint answers with on failure (checkpoints.md 2;
// write-api.md 3.3 for the write API's own errors).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "core/raw_json.hpp"

namespace pswire {

// Strings are views: of the decoder (unescaped) or of the input when decoded,
// and borrowed when built in code.
struct service_error {
  borrowed_text code{};  // e.g. PSYNC_S2001 (validation), PSYNC_S2106 (authentication)
  std::optional<borrowed_text> description{};
  std::optional<std::int64_t> status{};  // HTTP status
  std::optional<borrowed_text> name{}, severity{}, origin{}, trace_id{}, stack{};
  raw_value details{};  // any JSON (a string holding a JSON array for validation errors); empty if absent
  bool is_validation_error() const noexcept { return code == "PSYNC_S2001"; }
  bool is_authentication_error() const noexcept { return code == "PSYNC_S2106"; }
  friend bool operator==(const service_error&, const service_error&) = default;
};

class service_error_decoder {
 public:
  explicit service_error_decoder(const limits& lim = {}) : reader_(lim) {}

  result<service_error> decode_service_error(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    service_error out;
    static constexpr std::string_view envelope_names[] = {"error"};
    static constexpr member_table<1> envelope = make_members(envelope_names, {0});
    static constexpr std::string_view names[] = {"code", "description", "status", "name", "severity", "origin", "trace_id",
                                                 "stack", "details"};
    static constexpr member_table<9> table = make_members(names, {0});
    auto r = reader_.run(json, [&]() -> result<void> {
      json_value root = reader_.root_value();
      return reader_.read_object(root, envelope, [&](std::size_t, json_value& error_data) -> result<void> {
        out = {};
        return reader_.read_object(error_data, table, [&](std::size_t i, json_value& v) -> result<void> {
          switch (i) {
            case 0: return reader_.read_string(v, out.code);
            case 2: return reader_.read_int64(v, out.status);
            case 8: return reader_.read_raw(v, out.details);
            default: {
              std::optional<borrowed_text>* text[] = {nullptr, &out.description, nullptr, &out.name, &out.severity,
                                                         &out.origin, &out.trace_id, &out.stack};
              return reader_.read_string(v, *text[i]);
            }
          }
        });
      });
    });
    if (!r) return r.error_info();
    return out;
  }
  // The error holds views of the input: a temporary would be gone before it is read.
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_service_error);

 private:
  json_reader reader_;
};

// ErrorData members in the service's declaration order, absent ones omitted.
template <class Sink>
void write_service_error(basic_json_writer<Sink>& w, const service_error& e) {
  auto text = [&](const auto& key, const std::optional<borrowed_text>& v) { detail::write_optional_string(w, key, v); };
  w.begin_object();
  w.key(json_key("error"));
  w.begin_object();
  text(json_key("name"), e.name);
  w.key(json_key("code"));
  w.string_value(e.code);
  text(json_key("description"), e.description);
  text(json_key("severity"), e.severity);
  if (!e.details.empty()) {
    w.key(json_key("details"));
    w.raw_value(e.details);
  }
  if (e.status) {
    w.key(json_key("status"));
    w.int_value(*e.status);
  }
  text(json_key("stack"), e.stack);
  text(json_key("origin"), e.origin);
  text(json_key("trace_id"), e.trace_id);
  w.end_object();
  w.end_object();
}

}  // namespace pswire
