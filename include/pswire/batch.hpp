// pswire: write-API transactions and batches (write-api.md §3.1, §5.1).
//   CrudTransaction  {"crud":[CrudEntry...],"transaction_id":N}
//   TransactionBatch {"transactions":[CrudTransaction x 1..50]}
// Server side: batch_decoder validates a whole batch, then hands out spans
// of entries (no allocation per op once its buffers have grown).
// Client side: upload_batch_builder turns ps_crud rows straight into a
// batch in the caller's buffer, splicing row data through byte for byte.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "crud.hpp"

namespace pswire {

struct crud_transaction {
  std::optional<std::int64_t> transaction_id;
  std::span<const crud_entry<raw_object>> crud;
};

struct transaction_batch {
  std::span<const crud_transaction> transactions;
};

class batch_decoder {
 public:
  explicit batch_decoder(const limits& lim = {}) : reader_(lim) {}

  // One CrudTransaction (the PoC's POST /api/data body). Its entries live in
  // this decoder and view the input: both must outlive the result.
  result<crud_transaction> decode_transaction(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    reserve_entries(json.text.size());
    PSWIRE_TRY(reader_.run(json, [&]() -> result<void> {
      reset();
      json_value root = reader_.root_value();
      return read_transaction(root);
    }));
    link();
    return transactions_.front();
  }

  PSWIRE_DELETE_TEMPORARY_INPUT(decode_transaction);

  // A TransactionBatch (the reference POST /api/data body), with the same lifetimes.
  result<transaction_batch> decode_batch(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    reserve_entries(json.text.size());
    PSWIRE_TRY(reader_.run(json, [&]() -> result<void> {
      reset();
      json_value root = reader_.root_value();
      // Other members (e.g. the legacy on_fatal_error) are accepted and ignored.
      return reader_.read_object(root, batch_members, [&](std::size_t, json_value& v) -> result<void> {
        const std::size_t array_at = reader_.offset_of(v);
        PSWIRE_TRY(reader_.for_each_element(v, [&](json_value& tx, std::size_t index) -> result<void> {
          if (index >= reader_.limits_in_use().max_batch_transactions) {
            return reader_.fail(errc::batch_too_large, reader_.offset_of(tx), "more transactions than limits.max_batch_transactions");
          }
          return read_transaction(tx);
        }));
        if (transactions_.empty()) return reader_.fail(errc::batch_empty, array_at, "a batch holds at least one transaction");
        return {};
      });
    }));
    link();
    return transaction_batch{std::span<const crud_transaction>(transactions_)};
  }
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_batch);

 private:
  struct pending_transaction {
    std::optional<std::int64_t> transaction_id;
    std::size_t first, count;
  };

  static constexpr std::string_view batch_member_names[] = {"transactions"};
  static constexpr member_table<1> batch_members = make_members(batch_member_names, {0});
  enum transaction_member : std::size_t { m_crud, m_transaction_id, m_transaction_members };
  static constexpr std::string_view transaction_member_names[m_transaction_members] = {"crud", "transaction_id"};
  static constexpr member_table<m_transaction_members> transaction_members = make_members(transaction_member_names, {m_crud});

  void reset() {
    entries_.clear();
    pending_.clear();
    transactions_.clear();
  }

  // Room for as many entries as the message could hold, so that the vector
  // never grows (and copies) while decoding. Reserved, not touched: only the
  // entries decoded become resident memory (docs/limits.md).
  void reserve_entries(std::size_t message_bytes) {
    constexpr std::size_t shortest_entry = std::string_view(R"({"op":"PUT","table":"","id":""},)").size();
    if (message_bytes <= reader_.limits_in_use().max_message_bytes) entries_.reserve(message_bytes / shortest_entry + 1);
  }

  result<void> read_transaction(json_value& value) {
    pending_transaction tx{std::nullopt, entries_.size(), 0};
    PSWIRE_TRY(reader_.read_object(value, transaction_members, [&](std::size_t which, json_value& v) -> result<void> {
      if (which == m_transaction_id) {
        PSWIRE_TRY(reader_.read_optional_int64(v, tx.transaction_id));
        return {};
      }
      return reader_.for_each_element(v, [&](json_value& op, std::size_t) -> result<void> {
        return wire::read_crud_entry(reader_, op, crud_dialect::upload, entries_.emplace_back());
      });
    }));
    tx.count = entries_.size() - tx.first;
    pending_.push_back(tx);
    transactions_.push_back({});
    return {};
  }

  // Entries are final only when the whole message is read: point the spans now.
  void link() {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      transactions_[i] = {pending_[i].transaction_id,
                          std::span<const crud_entry<raw_object>>(entries_).subspan(pending_[i].first, pending_[i].count)};
    }
  }

  json_reader reader_;
  std::vector<crud_entry<raw_object>> entries_;
  std::vector<pending_transaction> pending_;
  std::vector<crud_transaction> transactions_;
};

// Writes one CrudTransaction: {"crud":[...],"transaction_id":N}.
template <class Sink, class Row>
void write_transaction(basic_json_writer<Sink>& w, std::span<const crud_entry<Row>> crud,
                       std::optional<std::int64_t> transaction_id, const encode_options& options = {}) {
  w.begin_object();
  w.key("crud");
  w.begin_array();
  for (const auto& entry : crud) write_crud_entry(w, entry, crud_dialect::upload, options);
  w.end_array();
  if (transaction_id) {
    w.key("transaction_id");
    w.int_value(*transaction_id);
  }
  w.end_object();
}

template <class Sink>
void write_transaction(basic_json_writer<Sink>& w, const crud_transaction& tx, const encode_options& options = {}) {
  write_transaction(w, tx.crud, tx.transaction_id, options);
}

// Writes a TransactionBatch.
template <class Sink>
void write_batch(basic_json_writer<Sink>& w, const transaction_batch& batch, const encode_options& options = {}) {
  w.begin_object();
  w.key("transactions");
  w.begin_array();
  for (const auto& tx : batch.transactions) write_transaction(w, tx, options);
  w.end_array();
  w.end_object();
}

// One transaction an upload_batch_builder wrote: what the client needs to
// complete it. Op ids are absent only for entries added without one.
struct written_transaction {
  std::optional<std::int64_t> transaction_id;
  std::optional<std::int64_t> first_op_id, last_op_id;
  std::size_t operations = 0;
  friend bool operator==(const written_transaction&, const written_transaction&) = default;
};

// Client path: ps_crud rows in, one upload batch out, no re-encoding of row
// data. Rows are grouped into transactions the way the SDKs do
// (getNextCrudTransaction): a maximal run of consecutive ids with equal,
// non-NULL tx_id. When a row would open transaction number
// limits.max_batch_transactions + 1, add_row() fails with batch_too_large
// and writes nothing: finish() this batch and start the next with that row.
// A refused add_row() or add() writes nothing, so the batch stays valid; a
// writer error (buffer_too_small) is kept by the writer and returned by every
// later call. After finish(), add() is batch_too_large until reset() starts
// the next batch.
template <class Sink>
class upload_batch_builder {
 public:
  explicit upload_batch_builder(basic_json_writer<Sink>& w, const limits& lim = {}, const encode_options& options = {})
      : writer_(&w), owned_decoder_(std::in_place, lim), decoder_(*owned_decoder_), options_(options) {}
  // Borrows the caller's decoder (and its limits): one decoder reused across
  // batches keeps its buffers, so building a batch allocates nothing.
  upload_batch_builder(basic_json_writer<Sink>& w, crud_decoder& decoder, const encode_options& options = {})
      : writer_(&w), decoder_(decoder), options_(options) {}
  upload_batch_builder(const upload_batch_builder&) = delete;  // decoder_ may refer to owned_decoder_
  upload_batch_builder& operator=(const upload_batch_builder&) = delete;
  upload_batch_builder(upload_batch_builder&&) = delete;
  upload_batch_builder& operator=(upload_batch_builder&&) = delete;
  ~upload_batch_builder() = default;

  // The row is decoded and written before this returns: nothing refers to
  // data_json afterwards, so a temporary is fine here.
  result<void> add_row(std::int64_t id, std::optional<std::int64_t> tx_id, std::string_view data_json) {
    auto entry = decoder_.decode_ps_crud(id, tx_id, data_json);
    if (!entry) return entry.error_info();
    return add(*entry);
  }

  // Adds rows in id order, as add_row() one after another would (same
  // grouping, same errors, the first error stops): `added` tells how many
  // went in. Faster for many rows: they are decoded in blocks
  // (crud_decoder::decode_ps_crud_rows).
  result<void> add_rows(std::span<const ps_crud_row> rows, std::size_t& added) {
    return decoder_.decode_ps_crud_rows(
        rows, [&](std::size_t, const crud_entry<raw_object>& entry) { return add(entry); }, added);
  }

  // Adds a decoded entry; its op_id and tx_id decide the grouping.
  result<void> add(const crud_entry<raw_object>& entry) {
    if (finished_) return make_error(errc::batch_too_large, writer_->sink().size(), "batch is finished: reset() to start another");
    if (const error& broken = writer_->status()) return broken;  // the writer keeps its first error
    const bool same_transaction = !transactions_.empty() && continues(transactions_.back(), entry);
    if (!same_transaction && transactions_.size() == decoder_.limits_in_use().max_batch_transactions) {
      return make_error(errc::batch_too_large, writer_->sink().size(), "batch is full: finish it and start another");
    }
    if (!same_transaction) {
      close_transaction();
      if (transactions_.empty()) {
        writer_->begin_object();
        writer_->key("transactions");
        writer_->begin_array();
      }
      writer_->begin_object();
      writer_->key("crud");
      writer_->begin_array();
      transactions_.push_back({entry.tx_id, entry.op_id, entry.op_id, 0});
    }
    written_transaction& tx = transactions_.back();
    tx.last_op_id = entry.op_id;
    ++tx.operations;
    ++operations_;
    write_crud_entry(*writer_, entry, crud_dialect::upload, options_);
    writer_->flush();  // the caller's string holds every row added so far
    if (const error& broken = writer_->status()) return broken;
    return {};
  }

  std::size_t transactions() const noexcept { return transactions_.size(); }
  std::size_t operations() const noexcept { return operations_; }
  // The op_id of the last row added.
  std::optional<std::int64_t> last_op_id() const noexcept {
    if (transactions_.empty()) return std::nullopt;
    return transactions_.back().last_op_id;
  }
  // Every transaction written so far, in batch order: results[i] of the
  // server's response belongs to transactions_written()[i]. Valid until the
  // next add() or reset().
  std::span<const written_transaction> transactions_written() const noexcept PSWIRE_LIFETIMEBOUND { return transactions_; }
  // What the client deletes up to (DELETE FROM ps_crud WHERE id <= it) once
  // the first `accepted` transactions are complete, e.g. accepted =
  // completable_prefix(results, transactions()): the last op id of
  // transaction accepted - 1. Absent when accepted is 0 (nothing to delete)
  // or more than this batch holds.
  std::optional<std::int64_t> last_op_id_of_prefix(std::size_t accepted) const noexcept {
    if (accepted == 0 || accepted > transactions_.size()) return std::nullopt;
    return transactions_[accepted - 1].last_op_id;
  }

  // Closes the batch; the sink's size, or batch_empty if no row was added.
  // Calling it again writes nothing more.
  result<std::size_t> finish() {
    if (transactions_.empty()) return make_error(errc::batch_empty, 0, "a batch holds at least one transaction");
    close_batch();
    return writer_->finish();
  }

  // Starts a new batch in the same writer, after what it holds (clear the
  // buffer first if the last batch was sent). An unfinished batch is closed
  // first, so the writer is left with balanced JSON.
  void reset() {
    close_batch();
    forget_batch();
  }
  // Starts a new batch in `w`. The previous writer is not touched (it may be
  // gone), unless it is `w` itself: then this is reset().
  void reset(basic_json_writer<Sink>& w) {
    if (&w == writer_) return reset();
    writer_ = &w;
    forget_batch();
  }

 private:
  // A row continues the open transaction when its tx_id is equal and
  // non-NULL and its id is the next one. No `+ 1` on INT64_MAX: nothing follows it.
  static bool continues(const written_transaction& open, const crud_entry<raw_object>& entry) noexcept {
    return entry.tx_id && open.transaction_id && *entry.tx_id == *open.transaction_id && entry.op_id && open.last_op_id &&
           *open.last_op_id != std::numeric_limits<std::int64_t>::max() && *entry.op_id == *open.last_op_id + 1;
  }

  // Only the open transaction (the last) needs closing: earlier ones were
  // closed when the next opened.
  void close_transaction() {
    if (transactions_.empty()) return;
    writer_->end_array();
    if (const auto& id = transactions_.back().transaction_id) {
      writer_->key("transaction_id");
      writer_->int_value(*id);
    }
    writer_->end_object();
  }

  void close_batch() {
    if (transactions_.empty() || finished_) return;
    close_transaction();
    writer_->end_array();
    writer_->end_object();
    finished_ = true;
  }

  void forget_batch() noexcept {
    transactions_.clear();  // keeps its capacity: no allocation in steady state
    operations_ = 0;
    finished_ = false;
  }

  basic_json_writer<Sink>* writer_;
  std::optional<crud_decoder> owned_decoder_;
  crud_decoder& decoder_;
  encode_options options_;
  std::vector<written_transaction> transactions_;
  std::size_t operations_ = 0;
  bool finished_ = false;
};

}  // namespace pswire
