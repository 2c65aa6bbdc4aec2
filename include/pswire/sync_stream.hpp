// pswire: framing of the sync stream (docs/sync-stream.md, "Framing"). The
// service streams sync lines as NDJSON (one JSON object per line, '\n' after
// each) or as concatenated BSON documents (each led by its little-endian int32
// total length). HTTP hands them over in chunks of any size; the reader cuts
// the chunks back into whole lines for a line decoder, copying only the lines
// that span chunks. The writer frames lines the other way, for servers and
// test services.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "core/limits.hpp"
#include "sync_lines.hpp"

namespace pswire {

enum class stream_framing : std::uint8_t { ndjson, bson };

constexpr std::string_view to_string(stream_framing framing) noexcept {
  switch (framing) {
    case stream_framing::ndjson: return "ndjson";
    case stream_framing::bson: return "bson";
  }
  return "unknown_framing";
}

// Reuse one reader per connection: its buffer grows to the largest line that
// spans chunks and is kept, so reading allocates nothing once it has grown.
class sync_stream_reader {
 public:
  explicit sync_stream_reader(stream_framing framing, const limits& lim = {})
      : framing_(framing), max_line_bytes_(lim.max_message_bytes) {}

  // Hands over the next chunk. The chunk must stay alive and unchanged until
  // next_line() has returned an empty optional for it (the previous chunk
  // must be used up). A line that lies whole in the chunk is a view of it.
  void feed(std::string_view chunk) noexcept {
    PSWIRE_ASSERT(unread_.empty() && "sync_stream_reader::feed: the previous chunk is not used up");
    release_returned_line();
    unread_ = chunk;
  }
  PSWIRE_DELETE_TEMPORARY_INPUT(feed);

  // The next complete line: for NDJSON without its '\n' (or "\r\n"), for
  // BSON the whole document, length prefix included. A view into the chunk
  // when the line lies whole inside it, else into this reader's buffer;
  // valid until the next call of next_line() or feed(). An empty optional:
  // the chunk is used up, feed the next one.
  result<std::optional<std::string_view>> next_line() PSWIRE_LIFETIMEBOUND {
    if (failure_) return failure_;
    release_returned_line();
    return framing_ == stream_framing::ndjson ? next_ndjson_line() : next_bson_document();
  }

  // End of input, after next_line() has used up the last chunk.
  // errc::truncated_stream if a partial line is pending, at its offset: the
  // service ends every line, the last one too, so the stream was cut short.
  result<void> finish() {
    if (failure_) return failure_;
    PSWIRE_ASSERT(unread_.empty() && "sync_stream_reader::finish: the last chunk is not used up");
    // Bytes never read count as pending too: the caller dropped them. The
    // line returned last stays valid: finish() does not release it.
    const bool carrying_partial_line = !carried_.empty() && !carried_is_returned_line_;
    if (carrying_partial_line || !unread_.empty()) {
      return fail(errc::truncated_stream, "the stream ended inside a line");
    }
    return {};
  }

  // Bytes of the stream consumed so far: where the next line starts. After
  // an error, where the line in error starts (the error's offset, in full).
  std::uint64_t stream_offset() const noexcept { return line_start_; }

  // Ready for a new stream, keeping the buffer's capacity.
  void reset() noexcept {
    unread_ = {};
    carried_.clear();
    carried_is_returned_line_ = false;
    carried_length_ = 0;
    line_start_ = 0;
    failure_ = error{};
  }

 private:
  static constexpr std::size_t bson_length_bytes = 4;
  static constexpr std::size_t bson_min_document_bytes = 5;  // the length and the terminating NUL

  // The line handed out last lies in carried_; the caller is done with it.
  void release_returned_line() noexcept {
    if (!carried_is_returned_line_) return;
    carried_.clear();
    carried_is_returned_line_ = false;
  }

  // Every error is at the start of the line in error. error::offset is a
  // size_t: on a 32-bit target an offset past 4 GiB saturates to SIZE_MAX
  // (stream_offset() keeps the exact value).
  error fail(errc code, std::string_view detail) noexcept {
    constexpr std::uint64_t widest = std::numeric_limits<std::size_t>::max();
    unread_ = {};  // the chunk is not read again: a failed reader may be fed and holds no view of it
    failure_ = make_error(code, static_cast<std::size_t>(line_start_ < widest ? line_start_ : widest), detail);
    return failure_;
  }

  // `framed_bytes` of the stream, the line and its framing, are consumed.
  std::optional<std::string_view> hand_out(std::string_view line, std::size_t framed_bytes) noexcept {
    line_start_ += framed_bytes;
    return line;
  }

  // The same for a line that lies in carried_.
  std::optional<std::string_view> hand_out_carried(std::string_view line, std::size_t framed_bytes) noexcept {
    carried_is_returned_line_ = true;
    return hand_out(line, framed_bytes);
  }

  // NDJSON splits on '\n' alone: never on U+2028, U+2029, U+0085, a lone
  // '\r', '\f' or NUL, all of which JSON text may hold inside strings.
  // carried_ holds the start of a line that spans chunks; it is known to
  // hold no '\n', so each byte of the stream is searched once.
  result<std::optional<std::string_view>> next_ndjson_line() {
    while (!unread_.empty()) {
      const std::size_t pending = carried_.size();
      // At most max + 1 bytes (the line and a '\r') come before the '\n' of
      // a line within the limit: searching further would only find a line
      // too large, so the search, and the buffer, stay bounded.
      const std::size_t reach = max_line_bytes_ > std::numeric_limits<std::size_t>::max() - 2
                                    ? std::numeric_limits<std::size_t>::max()
                                    : max_line_bytes_ + 2;
      const std::size_t window = std::min(unread_.size(), reach - pending);
      const void* newline = std::memchr(unread_.data(), '\n', window);
      if (newline == nullptr) {
        if (window < unread_.size()) return fail(errc::line_too_large, "a line over max_message_bytes");
        carried_.append(unread_);
        unread_ = {};
        if (pending_line_bytes() > max_line_bytes_) return fail(errc::line_too_large, "a line over max_message_bytes");
        return std::optional<std::string_view>{};
      }
      const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - unread_.data());
      std::string_view line = unread_.substr(0, length);
      if (pending != 0) {
        carried_.append(line);
        line = carried_;
      }
      unread_.remove_prefix(length + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // "\r\n" ends a line as '\n' does
      if (line.size() > max_line_bytes_) return fail(errc::line_too_large, "a line over max_message_bytes");
      const std::size_t framed_bytes = pending + length + 1;
      // Peers send no empty lines, and a line decoder would refuse one as
      // empty_input: skip it ("\n" and "\r\n" alike) rather than fail.
      if (line.empty()) {
        line_start_ += framed_bytes;
        carried_.clear();
        continue;
      }
      return pending != 0 ? hand_out_carried(line, framed_bytes) : hand_out(line, framed_bytes);
    }
    return std::optional<std::string_view>{};
  }

  // What the carried bytes would be as a line if its '\n' came next (a
  // final '\r' would be dropped): over the limit, the line is too large
  // whatever follows, so it is refused now and never buffered further.
  std::size_t pending_line_bytes() const noexcept {
    return carried_.size() - (!carried_.empty() && carried_.back() == '\r' ? 1 : 0);
  }

  // The document length at `prefix` (4 bytes), checked. The content is the
  // line decoder's to check, its last byte (the NUL) included.
  result<std::size_t> bson_document_length(const char* prefix) {
    std::uint32_t word = 0;
    for (std::size_t i = 0; i < bson_length_bytes; ++i) word |= std::uint32_t{static_cast<unsigned char>(prefix[i])} << (8 * i);
    // A length with the sign bit set is negative as an int32.
    if (word > std::uint32_t{std::numeric_limits<std::int32_t>::max()} || word < bson_min_document_bytes) {
      return fail(errc::invalid_bson, "a BSON document length below 5 or negative");
    }
    if (word > max_line_bytes_) return fail(errc::line_too_large, "a BSON document over max_message_bytes");
    return std::size_t{word};
  }

  // carried_ holds the start of a document that spans chunks: its length
  // prefix first (it may come a byte at a time), then the rest of it.
  result<std::optional<std::string_view>> next_bson_document() {
    while (!unread_.empty()) {
      if (carried_.empty() && unread_.size() >= bson_length_bytes) {
        const auto length = bson_document_length(unread_.data());
        if (!length) return length.error_info();
        if (*length <= unread_.size()) {
          const std::string_view document = unread_.substr(0, *length);
          unread_.remove_prefix(*length);
          return hand_out(document, *length);
        }
      }
      const std::size_t wanted = carried_.size() < bson_length_bytes ? bson_length_bytes : carried_length_;
      const std::size_t taken = std::min(wanted - carried_.size(), unread_.size());
      carried_.append(unread_.substr(0, taken));
      unread_.remove_prefix(taken);
      if (carried_.size() == bson_length_bytes) {
        // Checked as soon as it is whole, as when it lies in one chunk: where
        // the chunks split a stream never changes its outcome.
        const auto length = bson_document_length(carried_.data());
        if (!length) return length.error_info();
        carried_length_ = *length;
      } else if (carried_.size() == carried_length_) {
        return hand_out_carried(carried_, carried_length_);
      }
    }
    return std::optional<std::string_view>{};
  }

  stream_framing framing_;
  std::size_t max_line_bytes_;
  std::string_view unread_;                // what the current chunk still holds
  std::string carried_;                    // a line that spans chunks (its start, or all of it once returned)
  std::size_t carried_length_ = 0;         // BSON: the length of the carried document, once its prefix is whole
  bool carried_is_returned_line_ = false;  // carried_ is the line next_line() returned last
  std::uint64_t line_start_ = 0;           // the stream offset of the line being read
  error failure_;                          // set once: the reader stays failed until reset()
};

// Appends sync lines to `out` in either framing: NDJSON (the line's JSON and
// '\n') or BSON (one document per line). A line that cannot be written (a
// NaN, a key with a NUL byte in BSON) is reported and leaves `out` as it was,
// so the stream written so far stays whole.
class sync_stream_writer {
 public:
  sync_stream_writer(stream_framing framing, std::string& out PSWIRE_LIFETIMEBOUND) noexcept
      : framing_(framing), out_(&out) {}

  // Any line type, or a sync_line. The bytes appended for it, or the error.
  template <class Line>
  result<std::size_t> write(const Line& line) {
    if (framing_ == stream_framing::bson) return encode_sync_line_bson(*out_, line);
    const std::size_t before = out_->size();
    error status;
    {
      json_writer w{string_sink(*out_)};
      write_sync_line(w, line);
      status = w.status();
    }
    if (status) {
      out_->resize(before);
      return status;
    }
    out_->push_back('\n');
    return out_->size() - before;
  }

  stream_framing framing() const noexcept { return framing_; }

 private:
  stream_framing framing_;
  std::string* out_;
};

}  // namespace pswire
