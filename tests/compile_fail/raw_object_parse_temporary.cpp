// raw_object::parse cannot take a temporary std::string: the object view it
// returns would dangle at the end of the statement.
#include <string>
#include <pswire/core/raw_json.hpp>

int main() {
  const std::string kept = R"({"a":1})";
  auto parsed = pswire::raw_object::parse(kept);
  const pswire::raw_value value(kept);
#ifdef PSWIRE_MISUSE
  auto dangling = pswire::raw_object::parse(std::string(R"({"a":1})"));
#endif
  return parsed && value.kind() == pswire::json_kind::object ? 0 : 1;
}
