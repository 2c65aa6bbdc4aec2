// pswire: typed rows. Describe a struct once and use it as the Row of the
// CRUD op types instead of the raw JSON object view:
//
//   struct todo { std::string description; std::optional<std::int64_t> completed; };
//   PSWIRE_ROW(todo, description, completed)
//
// Field types: std::string (unescaped copy), pswire::raw_string (zero-copy,
// escaped), bool, any integer type (range-checked), double/float,
// pswire::big_integer, pswire::raw_value (any JSON), and std::optional<T>.
// SQLite has no booleans and may store digits as TEXT in an INTEGER column
// (crud.md §6), so bool accepts 0/1 and integers accept a string of digits.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "core/raw_json.hpp"

namespace pswire {

template <class Row, class T>
struct row_field {
  std::string_view name;
  T Row::*member;
};

template <class Row, class T>
constexpr row_field<Row, T> field(std::string_view name, T Row::*member) noexcept {
  return {name, member};
}

// Specialize with `static constexpr auto fields = std::make_tuple(field(...), ...)`,
// or let PSWIRE_ROW write it.
template <class Row>
struct row_description;

template <class Row, class = void>
struct is_described_row : std::false_type {};
template <class Row>
struct is_described_row<Row, std::void_t<decltype(row_description<Row>::fields)>> : std::true_type {};

template <class Row>
constexpr std::size_t row_field_count = std::tuple_size_v<std::remove_cv_t<decltype(row_description<Row>::fields)>>;

// A PATCH member of a typed row: unchanged (absent), set to NULL, or set to a value.
enum class field_state : std::uint8_t { absent, null, value };

// PATCH data of a typed row: the values, and each field's tri-state.
template <class Row>
struct patch_row {
  Row values{};
  std::array<field_state, row_field_count<Row>> states{};

  template <class T>
  constexpr field_state state(T Row::*member) const noexcept {
    field_state found = field_state::absent;
    std::size_t index = 0;
    std::apply([&](const auto&... f) { ((match(f, member, index) ? void(found = states[index]) : void(), ++index), ...); },
               row_description<Row>::fields);
    return found;
  }
  template <class T>
  constexpr void set(T Row::*member, std::optional<T> value) {
    std::size_t index = 0;
    std::apply(
        [&](const auto&... f) {
          ((match(f, member, index) ? void(states[index] = value ? field_state::value : field_state::null) : void(),
            ++index),
           ...);
        },
        row_description<Row>::fields);
    if (value) values.*member = std::move(*value);
  }

  friend bool operator==(const patch_row&, const patch_row&) = default;

 private:
  template <class F, class M>
  static constexpr bool match(const F& f, M member, std::size_t /*index*/) noexcept {
    if constexpr (std::is_same_v<decltype(f.member), M>) return f.member == member;
    else return false;
  }
};

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Reads one JSON value into a field of type T.
template <class T>
result<void> read_field(const raw_value& v, T& out) {
  if constexpr (is_optional<T>::value) {
    if (v.is_null()) {
      out.reset();
      return {};
    }
    typename T::value_type inner{};
    auto r = read_field(v, inner);
    if (r) out = std::move(inner);
    return r;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v.kind() == json_kind::boolean) {
      out = v.text()[0] == 't';
      return {};
    }
    if (v.text() == "0" || v.text() == "1") {  // SQLite's booleans
      out = v.text() == "1";
      return {};
    }
    return make_error(errc::wrong_type, 0, "expected a boolean, 0 or 1");
  } else if constexpr (std::is_integral_v<T>) {
    raw_value number = v;
    if (v.kind() == json_kind::string) {  // digits stored as TEXT by SQLite
      const std::string_view s = v.text().substr(1, v.text().size() - 2);
      if (detail::scan_number(s, 0, 40).end != s.size() || !raw_value(s).is_integer() || s.empty()) {
        return make_error(errc::wrong_type, 0, "expected an integer");
      }
      number = raw_value(s);
    }
    if constexpr (std::is_signed_v<T>) {
      auto i = number.get_int64();
      if (!i) return i.error_info();
      if (*i < std::numeric_limits<T>::min() || *i > std::numeric_limits<T>::max()) {
        return make_error(errc::number_out_of_range, 0, "integer out of the field's range");
      }
      out = static_cast<T>(*i);
    } else {
      auto i = number.get_uint64();
      if (!i) return i.error_info();
      if (*i > std::numeric_limits<T>::max()) return make_error(errc::number_out_of_range, 0, "integer out of the field's range");
      out = static_cast<T>(*i);
    }
    return {};
  } else if constexpr (std::is_floating_point_v<T>) {
    auto d = v.get_double();
    if (!d) return d.error_info();
    out = static_cast<T>(*d);
    return {};
  } else if constexpr (std::is_same_v<T, std::string>) {
    auto s = v.get_string();
    if (!s) return s.error_info();
    out.clear();
    s->unescape_to(out);
    return {};
  } else if constexpr (std::is_same_v<T, raw_string>) {
    auto s = v.get_string();
    if (!s) return s.error_info();
    out = *s;
    return {};
  } else if constexpr (std::is_same_v<T, big_integer>) {
    auto b = v.get_big_integer();
    if (!b) return b.error_info();
    out = std::move(*b);
    return {};
  } else if constexpr (std::is_same_v<T, raw_value>) {
    out = v;
    return {};
  } else {
    static_assert(sizeof(T) == 0, "unsupported row field type");
  }
}

template <class Sink, class T>
void write_field(basic_json_writer<Sink>& w, const T& value) {
  if constexpr (is_optional<T>::value) {
    if (value) write_field(w, *value);
    else w.null_value();
  } else if constexpr (std::is_same_v<T, bool>) {
    w.bool_value(value);
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.int_value(value);
  } else if constexpr (std::is_integral_v<T>) {
    w.uint_value(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    w.double_value(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, raw_string>) {
    w.string_value(value);
  } else if constexpr (std::is_same_v<T, big_integer>) {
    w.big_integer_value(value);
  } else if constexpr (std::is_same_v<T, raw_value>) {
    w.raw_value(value);
  } else {
    static_assert(sizeof(T) == 0, "unsupported row field type");
  }
}

template <class Row>
constexpr auto field_names() {
  std::array<std::string_view, row_field_count<Row>> names{};
  std::size_t i = 0;
  std::apply([&](const auto&... f) { ((names[i++] = f.name), ...); }, row_description<Row>::fields);
  return names;
}

// Field indices in byte order of their names: the order the core writes
// `data` keys in (serde_json's BTreeMap).
template <class Row>
constexpr auto sorted_field_order() {
  constexpr auto names = field_names<Row>();
  std::array<std::size_t, names.size()> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  return order;
}

// Calls fn(field, index) for the field with the given index.
template <class Row, class Fn>
constexpr void visit_field(std::size_t wanted, Fn&& fn) {
  std::size_t index = 0;
  std::apply([&](const auto&... f) { ((index == wanted ? fn(f) : void(), ++index), ...); }, row_description<Row>::fields);
}

template <class Row>
constexpr std::size_t find_field(const raw_string& key) noexcept {
  constexpr auto names = field_names<Row>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (key.equals(names[i])) return i;
  }
  return names.size();
}

// Fills states[i] for each member of `object` that names field i.
template <class Row>
result<void> read_members(const raw_object& object, Row& row, std::array<field_state, row_field_count<Row>>& states) {
  for (const raw_member& m : object) {
    const std::size_t index = find_field<Row>(m.key);
    if (index == row_field_count<Row>) continue;  // columns the struct does not describe
    if (states[index] != field_state::absent) return make_error(errc::duplicate_key, 0, "a column appears twice");
    result<void> r;
    visit_field<Row>(index, [&](const auto& f) {
      using T = std::remove_reference_t<decltype(row.*(f.member))>;
      if (m.value.is_null() && !is_optional<T>::value) return;  // PATCH to NULL of a non-optional field
      r = read_field(m.value, row.*(f.member));
    });
    if (!r) {
      error e = r.error_info();
      e.path.append_key(field_names<Row>()[index]);
      return e;
    }
    states[index] = m.value.is_null() ? field_state::null : field_state::value;
  }
  return {};
}

}  // namespace detail

// PUT data into a typed row. Missing members leave optional fields empty; a
// missing or null non-optional field is an error (PUT omits only NULL columns).
template <class Row>
result<Row> read_row(const raw_object& object) {
  Row row{};
  std::array<field_state, row_field_count<Row>> states{};
  if (auto r = detail::read_members(object, row, states); !r) return r.error_info();
  error missing{};
  std::size_t index = 0;
  std::apply(
      [&](const auto&... f) {
        auto check = [&](const auto& f1) {
          using T = std::remove_reference_t<decltype(row.*(f1.member))>;
          if (!missing && states[index] != field_state::value && !detail::is_optional<T>::value) {
            missing = make_error(errc::missing_field, 0, "a non-optional column is absent or null");
            missing.path.append_key(f1.name);
          }
          ++index;
        };
        (check(f), ...);
      },
      row_description<Row>::fields);
  if (missing) return missing;
  return row;
}

// PATCH data into a typed row with tri-state fields.
template <class Row>
result<patch_row<Row>> read_patch(const raw_object& object) {
  patch_row<Row> patch;
  if (auto r = detail::read_members(object, patch.values, patch.states); !r) return r.error_info();
  return patch;
}

// Writes a typed PUT row: keys in byte order, NULL (empty optional) columns omitted.
template <class Sink, class Row>
void write_row(basic_json_writer<Sink>& w, const Row& row) {
  w.begin_object();
  for (std::size_t index : detail::sorted_field_order<Row>()) {
    detail::visit_field<Row>(index, [&](const auto& f) {
      const auto& value = row.*(f.member);
      if constexpr (detail::is_optional<std::remove_cvref_t<decltype(value)>>::value) {
        if (!value) return;
      }
      w.key(f.name);
      detail::write_field(w, value);
    });
  }
  w.end_object();
}

// Writes typed PATCH data: only changed fields, keys in byte order, explicit nulls kept.
template <class Sink, class Row>
void write_row(basic_json_writer<Sink>& w, const patch_row<Row>& patch) {
  w.begin_object();
  for (std::size_t index : detail::sorted_field_order<Row>()) {
    if (patch.states[index] == field_state::absent) continue;
    detail::visit_field<Row>(index, [&](const auto& f) {
      w.key(f.name);
      if (patch.states[index] == field_state::null) w.null_value();
      else detail::write_field(w, patch.values.*(f.member));
    });
  }
  w.end_object();
}

// The raw view writes itself byte for byte.
template <class Sink>
void write_row(basic_json_writer<Sink>& w, const raw_object& row) {
  w.raw_value(row);
}

}  // namespace pswire

// ---- PSWIRE_ROW(Type, field...): up to 16 fields (specialize row_description for more).
#define PSWIRE_DETAIL_FIELD(Type, name) ::pswire::field(#name, &Type::name)
#define PSWIRE_DETAIL_EXPAND(x) x
#define PSWIRE_DETAIL_F1(T, a) PSWIRE_DETAIL_FIELD(T, a)
#define PSWIRE_DETAIL_F2(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F1(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F3(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F2(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F4(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F3(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F5(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F4(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F6(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F5(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F7(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F6(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F8(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F7(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F9(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F8(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F10(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F9(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F11(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F10(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F12(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F11(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F13(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F12(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F14(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F13(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F15(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F14(T, __VA_ARGS__))
#define PSWIRE_DETAIL_F16(T, a, ...) PSWIRE_DETAIL_FIELD(T, a), PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_F15(T, __VA_ARGS__))
#define PSWIRE_DETAIL_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, NAME, ...) NAME
#define PSWIRE_ROW(Type, ...)                                                                                         \
  template <>                                                                                                         \
  struct pswire::row_description<Type> {                                                                              \
    static constexpr auto fields = std::make_tuple(PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_PICK(                           \
        __VA_ARGS__, PSWIRE_DETAIL_F16, PSWIRE_DETAIL_F15, PSWIRE_DETAIL_F14, PSWIRE_DETAIL_F13, PSWIRE_DETAIL_F12,    \
        PSWIRE_DETAIL_F11, PSWIRE_DETAIL_F10, PSWIRE_DETAIL_F9, PSWIRE_DETAIL_F8, PSWIRE_DETAIL_F7, PSWIRE_DETAIL_F6, \
        PSWIRE_DETAIL_F5, PSWIRE_DETAIL_F4, PSWIRE_DETAIL_F3, PSWIRE_DETAIL_F2, PSWIRE_DETAIL_F1)(Type, __VA_ARGS__))); \
  };
