// pswire core: indented JSON for humans (the CLI's `decode --pretty`).
// Wire messages stay compact; this re-lays out a JSON text that is checked
// first, copying every string and number byte for byte, so the pretty form
// parses to exactly the same values as the compact one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "errors.hpp"
#include "json_validate.hpp"
#include "limits.hpp"

namespace pswire {

// Appends `json` to `out` with one member or element per line, nested
// `indent` spaces deeper per level, "key": value, and empty containers kept
// as {} and []. Fails with the validator's error (nothing appended) if
// `json` is not one valid UTF-8 JSON value within `lim`.
inline error append_pretty_json(std::string_view json, std::string& out, std::size_t indent = 2,
                                const limits& lim = {}) {
  if (!simdjson::validate_utf8(json.data(), json.size())) return make_error(errc::invalid_utf8, 0, "text is not UTF-8");
  if (error e = validate_json_value(json, lim)) return e;
  std::size_t depth = 0;
  auto new_line = [&] {
    out += '\n';
    out.append(depth * indent, ' ');
  };
  auto next_significant = [&](std::size_t from) {
    while (from < json.size() && detail::is_json_whitespace(json[from])) ++from;
    return from;
  };
  for (std::size_t i = next_significant(0); i < json.size(); i = next_significant(i)) {
    const char c = json[i];
    if (c == '"') {  // copy the string as it is, escapes included
      const std::size_t start = i++;
      while (json[i] != '"') i += json[i] == '\\' ? 2 : 1;
      out.append(json, start, ++i - start);
    } else if (c == '{' || c == '[') {
      const std::size_t after = next_significant(i + 1);
      if (json[after] == '}' || json[after] == ']') {  // empty: stays on one line
        out += c;
        out += json[after];
        i = after + 1;
        continue;
      }
      out += c;
      ++depth;
      new_line();
      ++i;
    } else if (c == '}' || c == ']') {
      --depth;
      new_line();
      out += c;
      ++i;
    } else if (c == ',') {
      out += ',';
      new_line();
      ++i;
    } else if (c == ':') {
      out += ": ";
      ++i;
    } else {  // a number or literal: up to the next structural character or whitespace
      const std::size_t start = i;
      while (i < json.size() && !detail::is_json_whitespace(json[i]) && json[i] != ',' && json[i] != '}' &&
             json[i] != ']') {
        ++i;
      }
      out.append(json, start, i - start);
    }
  }
  return {};
}

}  // namespace pswire
