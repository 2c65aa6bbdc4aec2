// Small helpers the client and server examples share: files in, errors out.
#pragma once

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <pswire/core/errors.hpp>

namespace example {

inline std::optional<std::string> read_file(const char* path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

inline bool write_file(const char* path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  return static_cast<bool>(file);
}

// The non-empty lines of a file (a JSON-lines queue, a sync stream).
inline std::vector<std::string> read_lines(const char* path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// "missing_field at byte 12 (transactions[0].crud): required member is absent"
inline std::string describe(const pswire::error& e) {
  std::string text(pswire::to_string(e.code));
  text += " at byte " + std::to_string(e.offset) + " (" + std::string(e.path.view()) + ")";
  if (!e.detail.empty()) text += ": " + std::string(e.detail);
  return text;
}

}  // namespace example
