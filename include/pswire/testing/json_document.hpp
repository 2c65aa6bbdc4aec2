// pswire testing: a small owning JSON document model, a strict bounded-depth
// parser for it and a serializer with the spellings peers use (escape styles,
// escaped keys, whitespace). The generators and the mutator build, edit and
// write messages through it. Not part of <pswire/pswire.hpp>: it allocates
// freely and is meant for tests, fuzzers and tools.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pswire::testing {

// A portable seeded PRNG (splitmix64): the same seed gives the same bytes on
// every standard library, which std::uniform_*_distribution does not promise.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // A value in [0, n); 0 for n == 0.
  std::size_t below(std::size_t n) noexcept { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  // True with probability percent/100.
  bool percent(unsigned percent) noexcept { return below(100) < percent; }
  // A value in [lo, hi], any int64 bounds.
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t offset = span == UINT64_MAX ? next() : next() % (span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
  }

 private:
  std::uint64_t state_;
};

enum class json_type : std::uint8_t {
  null,
  boolean,
  number,    // text: the number exactly as written
  string,    // text: the decoded bytes (may be invalid UTF-8 when built so on purpose)
  array,
  object,
  verbatim,  // text written as is: a deliberately broken token (near-valid messages)
};

struct json_member;

struct json_node {
  json_type type = json_type::null;
  bool boolean = false;
  std::string text;
  std::vector<json_node> elements;   // array
  std::vector<json_member> members;  // object, in order, duplicates allowed

  static json_node null_value();
  static json_node boolean_value(bool b);
  static json_node number(std::string text);
  static json_node string(std::string text);
  static json_node verbatim(std::string text);
  static json_node array();
  static json_node object();

  // The first member named `key`, or nullptr.
  json_node* find(std::string_view key);
  const json_node* find(std::string_view key) const;

 private:
  static json_node with_text(json_type type, std::string text);
};

struct json_member {
  std::string key;
  json_node value;
  bool escaped_key = false;  // write this key fully \u-escaped whatever the options say
};

// Defined here, where json_member is complete: a json_node's destructor needs it.
inline json_node json_node::with_text(json_type type, std::string text) {
  json_node n;
  n.type = type;
  n.text = std::move(text);
  return n;
}
inline json_node json_node::null_value() { return {}; }
inline json_node json_node::boolean_value(bool b) {
  json_node n;
  n.type = json_type::boolean;
  n.boolean = b;
  return n;
}
inline json_node json_node::number(std::string text) { return with_text(json_type::number, std::move(text)); }
inline json_node json_node::string(std::string text) { return with_text(json_type::string, std::move(text)); }
inline json_node json_node::verbatim(std::string text) { return with_text(json_type::verbatim, std::move(text)); }
inline json_node json_node::array() { return with_text(json_type::array, {}); }
inline json_node json_node::object() { return with_text(json_type::object, {}); }

inline const json_node* json_node::find(std::string_view key) const {
  for (const json_member& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}
inline json_node* json_node::find(std::string_view key) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): *this is not const; one lookup serves both overloads
  return const_cast<json_node*>(static_cast<const json_node&>(*this).find(key));
}

// ---------------------------------------------------------------------------
// Parsing: strict RFC 8259 (UTF-8 checked, no lone surrogates, no control
// characters in strings), nesting bounded so hostile input cannot recurse
// without end. nullopt for anything that is not one JSON text.

namespace detail {

class document_parser {
 public:
  document_parser(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  std::optional<json_node> parse() {
    json_node root;
    skip_space();
    if (!value(root, 0)) return std::nullopt;
    skip_space();
    if (pos_ != text_.size()) return std::nullopt;
    return root;
  }

 private:
  bool value(json_node& out, std::size_t depth) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= max_depth_) return false;
      return c == '{' ? object(out, depth + 1) : array(out, depth + 1);
    }
    if (c == '"') {
      out = json_node::string({});
      return string(out.text);
    }
    if (literal("true")) return out = json_node::boolean_value(true), true;
    if (literal("false")) return out = json_node::boolean_value(false), true;
    if (literal("null")) return out = json_node::null_value(), true;
    return number(out);
  }

  bool object(json_node& out, std::size_t depth) {
    out = json_node::object();
    ++pos_;
    skip_space();
    if (peek('}')) return ++pos_, true;
    for (;;) {
      skip_space();
      json_member m;
      if (!peek('"') || !string(m.key)) return false;
      skip_space();
      if (!peek(':')) return false;
      ++pos_;
      skip_space();
      if (!value(m.value, depth)) return false;
      out.members.push_back(std::move(m));
      skip_space();
      if (peek('}')) return ++pos_, true;
      if (!peek(',')) return false;
      ++pos_;
    }
  }

  bool array(json_node& out, std::size_t depth) {
    out = json_node::array();
    ++pos_;
    skip_space();
    if (peek(']')) return ++pos_, true;
    for (;;) {
      skip_space();
      if (!value(out.elements.emplace_back(), depth)) return false;
      skip_space();
      if (peek(']')) return ++pos_, true;
      if (!peek(',')) return false;
      ++pos_;
    }
  }

  bool number(json_node& out) {
    const std::size_t start = pos_;
    if (peek('-')) ++pos_;
    if (peek('0')) ++pos_;
    else if (!digits()) return false;
    if (peek('.')) {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++pos_;
      if (peek('+') || peek('-')) ++pos_;
      if (!digits()) return false;
    }
    out = json_node::number(std::string(text_.substr(start, pos_ - start)));
    return true;
  }

  bool digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ != start;
  }

  bool string(std::string& out) {
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') return ++pos_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (!escape(out)) return false;
        continue;
      }
      const std::size_t length = utf8_sequence_length(pos_);
      if (length == 0) return false;
      out.append(text_.substr(pos_, length));
      pos_ += length;
    }
    return false;
  }

  bool escape(std::string& out) {
    if (++pos_ >= text_.size()) return false;
    const char c = text_[pos_++];
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return false;
    }
    std::uint32_t unit = 0;
    if (!hex4(unit)) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      std::uint32_t low = 0;
      if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, unit);
    return true;
  }

  bool hex4(std::uint32_t& out) {
    if (text_.size() - pos_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0) return false;
      out = out * 16 + static_cast<std::uint32_t>(v);
    }
    return true;
  }

  // The length of the well-formed UTF-8 sequence at `at`, 0 if it is not one.
  std::size_t utf8_sequence_length(std::size_t at) const {
    const auto byte = [&](std::size_t i) { return at + i < text_.size() ? static_cast<unsigned char>(text_[at + i]) : 0u; };
    const unsigned b0 = byte(0);
    if (b0 < 0x80) return 1;
    const auto continuation = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
      return byte(i) >= lo && byte(i) <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(1) ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
      const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;  // no overlong forms, no surrogates
      return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
      const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
      return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }

 public:
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

 private:
  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace detail

inline std::optional<json_node> parse_json(std::string_view text, std::size_t max_depth = 64) {
  return detail::document_parser(text, max_depth).parse();
}

// ---------------------------------------------------------------------------
// Serializing. Every style here means the same value to a JSON reader; in
// pswire escaped member names match plain ones ("\u006fp" is "op").

enum class escape_style : std::uint8_t {
  plain,       // UTF-8 as is; only what JSON requires is escaped
  ascii_only,  // every non-ASCII character as \uXXXX (surrogate pairs above U+FFFF)
};

enum class whitespace_style : std::uint8_t {
  none,
  spaces,              // a space after ':' and ',' and inside brackets
  newlines_and_tabs,   // one member or element per line, tab-indented (not for line-per-message output)
};

struct serialize_options {
  escape_style escapes = escape_style::plain;
  bool escape_keys = false;   // every character of every member name as \uXXXX
  bool escape_slash = false;  // '/' as "\/"
  whitespace_style whitespace = whitespace_style::none;
};

namespace detail {

class document_writer {
 public:
  document_writer(const serialize_options& options, std::string& out) : options_(options), out_(out) {}

  void value(const json_node& n, std::size_t depth) {
    switch (n.type) {
      case json_type::null: out_ += "null"; return;
      case json_type::boolean: out_ += n.boolean ? "true" : "false"; return;
      case json_type::number:
      case json_type::verbatim: out_ += n.text; return;
      case json_type::string: string(n.text, false); return;
      case json_type::array:
        open('[', n.elements.empty());
        for (std::size_t i = 0; i < n.elements.size(); ++i) {
          separator(i, depth + 1);
          value(n.elements[i], depth + 1);
        }
        close(']', n.elements.empty(), depth);
        return;
      case json_type::object:
        open('{', n.members.empty());
        for (std::size_t i = 0; i < n.members.size(); ++i) {
          separator(i, depth + 1);
          string(n.members[i].key, options_.escape_keys || n.members[i].escaped_key);
          out_ += ':';
          if (options_.whitespace != whitespace_style::none) out_ += ' ';
          value(n.members[i].value, depth + 1);
        }
        close('}', n.members.empty(), depth);
        return;
    }
  }

 private:
  void open(char bracket, bool empty) {
    out_ += bracket;
    if (!empty && options_.whitespace == whitespace_style::spaces) out_ += ' ';
  }
  void close(char bracket, bool empty, std::size_t depth) {
    if (!empty && options_.whitespace == whitespace_style::spaces) out_ += ' ';
    if (!empty && options_.whitespace == whitespace_style::newlines_and_tabs) indent(depth);
    out_ += bracket;
  }
  void separator(std::size_t index, std::size_t depth) {
    if (index != 0) out_ += ',';
    if (index != 0 && options_.whitespace == whitespace_style::spaces) out_ += ' ';
    if (options_.whitespace == whitespace_style::newlines_and_tabs) indent(depth);
  }
  void indent(std::size_t depth) {
    out_ += '\n';
    out_.append(depth, '\t');
  }

  void unicode_escape(std::uint32_t unit) {
    static constexpr char hex[] = "0123456789abcdef";
    out_ += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out_ += hex[(unit >> shift) & 0xF];
  }
  void code_point_escape(std::uint32_t cp) {
    if (cp < 0x10000) return unicode_escape(cp);
    cp -= 0x10000;
    unicode_escape(0xD800 + (cp >> 10));
    unicode_escape(0xDC00 + (cp & 0x3FF));
  }

  // Decodes the UTF-8 sequence at `at`; its length, or 0 when it is not one
  // (such bytes are written raw: a near-valid message may hold them on purpose).
  static std::size_t decode_utf8(std::string_view s, std::size_t at, std::uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[at]);
    const std::size_t length = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0 || at + length > s.size()) return 0;
    cp = length == 1 ? b0 : length == 2 ? (b0 & 0x1Fu) : length == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
    for (std::size_t i = 1; i < length; ++i) {
      const auto b = static_cast<unsigned char>(s[at + i]);
      if ((b & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    return length;
  }

  void string(std::string_view s, bool escape_all) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size();) {
      std::uint32_t cp = 0;
      const std::size_t length = decode_utf8(s, i, cp);
      if (length == 0) {
        out_ += s[i++];
        continue;
      }
      i += length;
      // Non-ASCII escaped on request; quotes, backslashes and controls never are here.
      if (escape_all || (cp >= 0x80 && options_.escapes == escape_style::ascii_only)) {
        code_point_escape(cp);
      } else if (cp == '"' || cp == '\\') {
        out_ += '\\';
        out_ += static_cast<char>(cp);
      } else if (cp == '/' && options_.escape_slash) {
        out_ += "\\/";
      } else if (cp < 0x20) {
        switch (cp) {
          case '\b': out_ += "\\b"; break;
          case '\f': out_ += "\\f"; break;
          case '\n': out_ += "\\n"; break;
          case '\r': out_ += "\\r"; break;
          case '\t': out_ += "\\t"; break;
          default: unicode_escape(cp);
        }
      } else {
        out_.append(s.substr(i - length, length));
      }
    }
    out_ += '"';
  }

  const serialize_options& options_;
  std::string& out_;
};

}  // namespace detail

inline void serialize(const json_node& document, const serialize_options& options, std::string& out) {
  detail::document_writer(options, out).value(document, 0);
}

inline std::string serialize(const json_node& document, const serialize_options& options = {}) {
  std::string out;
  serialize(document, options, out);
  return out;
}

}  // namespace pswire::testing
