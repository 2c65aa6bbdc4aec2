// pswire: write-API transactions and batches (write-api.md §3.1, §5.1).
//   CrudTransaction  {"crud":[CrudEntry...],"transaction_id":N}
//   TransactionBatch {"transactions":[CrudTransaction x 1..50]}
// Server side: batch_decoder validates a whole batch, then hands out spans
// of entries (no allocation per op once its buffers have grown).
// Client side: upload_batch_builder turns ps_crud rows straight into a
// batch in the caller's buffer, splicing row data through byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
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

  // One CrudTransaction (the PoC's POST /api/data body).
  result<crud_transaction> decode_transaction(std::string_view json) {
    reset();
    if (auto started = reader_.start(json); !started) return started.error_info();
    auto root = reader_.root_value();
    if (!root) return root.error_info();
    if (auto tx = read_transaction(*root); !tx) return tx.error_info();
    if (auto done = reader_.finish(); !done) return done.error_info();
    link();
    return transactions_.front();
  }

  // A TransactionBatch (the reference POST /api/data body).
  result<transaction_batch> decode_batch(std::string_view json) {
    reset();
    if (auto started = reader_.start(json); !started) return started.error_info();
    auto root = reader_.root_value();
    if (!root) return root.error_info();
    const std::size_t object_at = reader_.offset_of(*root);
    bool seen = false;
    auto r = reader_.for_each_member(*root, [&](std::string_view key, ondemand::value& v, std::size_t key_at) -> result<void> {
      if (key != "transactions") {  // e.g. the legacy on_fatal_error: accepted, ignored
        return reader_.skip(v);
      }
      if (seen) return reader_.fail(errc::duplicate_key, key_at, "member appears twice");
      seen = true;
      const std::size_t array_at = reader_.offset_of(v);
      auto each = reader_.for_each_element(v, [&](ondemand::value& tx, std::size_t index) -> result<void> {
        if (index >= reader_.limits_in_use().max_batch_transactions) {
          return reader_.fail(errc::batch_too_large, reader_.offset_of(tx), "more transactions than limits.max_batch_transactions");
        }
        return read_transaction(tx);
      });
      if (!each) return each;
      if (transactions_.empty()) return reader_.fail(errc::batch_empty, array_at, "a batch holds at least one transaction");
      return {};
    });
    if (!r) return r.error_info();
    if (!seen) {
      return reader_.fail_missing("transactions", object_at);
    }
    if (auto done = reader_.finish(); !done) return done.error_info();
    link();
    return transaction_batch{std::span<const crud_transaction>(transactions_)};
  }

 private:
  struct pending_transaction {
    std::optional<std::int64_t> transaction_id;
    std::size_t first, count;
  };

  void reset() {
    entries_.clear();
    pending_.clear();
    transactions_.clear();
  }

  result<void> read_transaction(ondemand::value& value) {
    const std::size_t object_at = reader_.offset_of(value);
    pending_transaction tx{std::nullopt, entries_.size(), 0};
    unsigned seen = 0;
    auto r = reader_.for_each_member(value, [&](std::string_view key, ondemand::value& v, std::size_t key_at) -> result<void> {
      const unsigned bit = key == "crud" ? 1u : key == "transaction_id" ? 2u : 0u;
      if (bit == 0) {
        return reader_.skip(v);
      }
      if (seen & bit) return reader_.fail(errc::duplicate_key, key_at, "member appears twice");
      seen |= bit;
      if (bit == 2) {
        auto null = reader_.read_null(v);
        if (!null) return null.error_info();
        if (*null) return {};
        auto id = reader_.read_int64(v);
        if (!id) return id.error_info();
        tx.transaction_id = *id;
        return {};
      }
      return reader_.for_each_element(v, [&](ondemand::value& op, std::size_t) -> result<void> {
        auto entry = wire::read_crud_entry(reader_, op, crud_dialect::upload);
        if (!entry) return entry.error_info();
        entries_.push_back(*entry);
        return {};
      });
    });
    if (!r) return r;
    if (!(seen & 1u)) {
      return reader_.fail_missing("crud", object_at);
    }
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

// Client path: ps_crud rows in, one upload batch out, no re-encoding of row
// data. Rows are grouped into transactions the way the SDKs do
// (getNextCrudTransaction): a maximal run of consecutive ids with equal,
// non-NULL tx_id. When a row would open transaction number
// limits.max_batch_transactions + 1, add_row() fails with batch_too_large
// and writes nothing: finish() this batch and start the next with that row.
template <class Sink>
class upload_batch_builder {
 public:
  explicit upload_batch_builder(basic_json_writer<Sink>& w, const limits& lim = {}, const encode_options& options = {})
      : writer_(w), owned_decoder_(std::in_place, lim), decoder_(*owned_decoder_), options_(options) {}
  // Borrows the caller's decoder (and its limits): one decoder reused across
  // batches keeps its buffers, so building a batch allocates nothing.
  upload_batch_builder(basic_json_writer<Sink>& w, crud_decoder& decoder, const encode_options& options = {})
      : writer_(w), decoder_(decoder), options_(options) {}
  upload_batch_builder(const upload_batch_builder&) = delete;  // decoder_ may refer to owned_decoder_
  upload_batch_builder& operator=(const upload_batch_builder&) = delete;
  upload_batch_builder(upload_batch_builder&&) = delete;
  upload_batch_builder& operator=(upload_batch_builder&&) = delete;
  ~upload_batch_builder() = default;

  result<void> add_row(std::int64_t id, std::optional<std::int64_t> tx_id, std::string_view data_json) {
    auto entry = decoder_.decode_ps_crud(id, tx_id, data_json);
    if (!entry) return entry.error_info();
    return add(*entry);
  }

  // Adds a decoded entry; its op_id and tx_id decide the grouping.
  result<void> add(const crud_entry<raw_object>& entry) {
    const bool same_transaction = open_ && entry.tx_id && current_tx_ && *entry.tx_id == *current_tx_ &&
                                  entry.op_id && last_op_id_ && *entry.op_id == *last_op_id_ + 1;
    if (!same_transaction) {
      if (transactions_ == decoder_.limits_in_use().max_batch_transactions) {
        return make_error(errc::batch_too_large, writer_.sink().size(), "batch is full: finish it and start another");
      }
      close_transaction();
      if (transactions_ == 0) {
        writer_.begin_object();
        writer_.key("transactions");
        writer_.begin_array();
      }
      writer_.begin_object();
      writer_.key("crud");
      writer_.begin_array();
      open_ = true;
      current_tx_ = entry.tx_id;
      ++transactions_;
    }
    last_op_id_ = entry.op_id;
    write_crud_entry(writer_, entry, crud_dialect::upload, options_);
    ++operations_;
    return {};
  }

  std::size_t transactions() const noexcept { return transactions_; }
  std::size_t operations() const noexcept { return operations_; }
  // The op_id of the last row added: what complete() deletes up to.
  std::optional<std::int64_t> last_op_id() const noexcept { return last_op_id_; }

  // Closes the batch; the bytes written, or batch_empty if no row was added.
  result<std::size_t> finish() {
    if (transactions_ == 0) return make_error(errc::batch_empty, 0, "a batch holds at least one transaction");
    close_transaction();
    writer_.end_array();
    writer_.end_object();
    return writer_.finish();
  }

 private:
  void close_transaction() {
    if (!open_) return;
    writer_.end_array();
    if (current_tx_) {
      writer_.key("transaction_id");
      writer_.int_value(*current_tx_);
    }
    writer_.end_object();
    open_ = false;
  }

  basic_json_writer<Sink>& writer_;
  std::optional<crud_decoder> owned_decoder_;
  crud_decoder& decoder_;
  encode_options options_;
  std::size_t transactions_ = 0, operations_ = 0;
  bool open_ = false;
  std::optional<std::int64_t> current_tx_, last_op_id_;
};

}  // namespace pswire
