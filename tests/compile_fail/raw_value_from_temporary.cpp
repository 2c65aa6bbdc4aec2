// A raw_value (or raw_object, raw_string, raw_array) constructed straight
// from a temporary std::string would view freed memory.
#include <string>
#include <pswire/core/raw_json.hpp>

std::string make_number() { return "42"; }

int main() {
  const std::string kept = make_number();
  const pswire::raw_value value(kept);
#ifdef PSWIRE_MISUSE
  const pswire::raw_value dangling(make_number());
#endif
  return value.get_int64().value_or(0) == 42 ? 0 : 1;
}
