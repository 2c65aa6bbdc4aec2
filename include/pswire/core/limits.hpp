// pswire core: bounds on what a decoder accepts. Every decode takes a
// `limits`; the defaults are safe for a server facing untrusted clients.
#pragma once

#include <cstddef>

namespace pswire {

struct limits {
  // Whole message, in bytes. The write API's own ceiling is set by the HTTP
  // server; 16 MiB holds a 50-transaction batch of large rows.
  std::size_t max_message_bytes = 16u << 20;
  // Nesting of arrays and objects, counting the message's own envelope
  // (a batch's op_data values start at depth 5).
  std::size_t max_depth = 64;
  // Elements of one array or members of one object.
  std::size_t max_elements = 1u << 20;
  // Bytes of one string as written on the wire (escapes included).
  std::size_t max_string_bytes = 8u << 20;
  // Characters of one number, sign, point and exponent included. 400 digits
  // hold any double written out in full; beyond that a number is an attack.
  std::size_t max_number_chars = 400;
  // Transactions in one write-API batch (the reference server's maxItems).
  std::size_t max_batch_transactions = 50;
};

}  // namespace pswire
