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
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "core/raw_json.hpp"

// Found by argument-dependent lookup from row_tag, so the global namespace
// must be one of the tag's associated namespaces: that is what lets PSWIRE_ROW
// be written at global scope for a type of any namespace, as well as inside
// the type's own namespace.
struct pswire_row_global_scope {};

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

// The argument PSWIRE_ROW's description function is looked up with.
template <class Row, class GlobalScope = ::pswire_row_global_scope>
struct row_tag {};

namespace detail {
template <class Row>
concept described_by_macro = requires { pswire_row_fields(row_tag<Row>{}); };
}  // namespace detail

// A row's fields: `static constexpr auto fields = std::make_tuple(field(...), ...)`.
// PSWIRE_ROW provides it; specialize it yourself for more than 16 fields.
template <class Row>
struct row_description;
template <class Row>
  requires detail::described_by_macro<Row>
struct row_description<Row> {
  static constexpr auto fields = pswire_row_fields(row_tag<Row>{});
};

template <class Row>
struct is_described_row : std::bool_constant<requires { row_description<Row>::fields; }> {};

// Field types beyond the built-in ones: specialize row_field_codec<T> with
//   static result<void> read(const raw_value& json, T& out);
//   template <class Sink> static void write(basic_json_writer<Sink>& w, const T& value);
// (pswire/big_integer.hpp does so for big_integer).
template <class T>
struct row_field_codec;

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
concept has_field_codec = requires(const raw_value& json, T& out) {
  { row_field_codec<T>::read(json, out) } -> std::same_as<result<void>>;
};

template <class T>
constexpr bool is_supported_field() {
  if constexpr (is_optional<T>::value) {
    return is_supported_field<typename T::value_type>();
  } else {
    return std::is_integral_v<T> || std::is_floating_point_v<T> || std::is_same_v<T, std::string> ||
           std::is_same_v<T, raw_string> || std::is_same_v<T, raw_value> || has_field_codec<T>;
  }
}

template <class>
constexpr bool always_false = false;

// A field name as a template argument, so that a diagnostic can print it.
template <std::size_t N>
struct field_name_text {
  char text[N + 1]{};
  constexpr explicit field_name_text(std::string_view name) noexcept {
    for (std::size_t i = 0; i < N; ++i) text[i] = name[i];
  }
};

// What PSWIRE_ROW describes a row with when given more than 16 fields.
template <std::size_t FieldCount>
struct too_many_fields_marker {
  static constexpr std::size_t field_count = FieldCount;
};
template <class Fields>
struct is_too_many_fields_marker : std::false_type {};
template <std::size_t FieldCount>
struct is_too_many_fields_marker<std::tuple<too_many_fields_marker<FieldCount>>> : std::true_type {};

template <class Row>
using fields_type_of = std::remove_cv_t<decltype(row_description<Row>::fields)>;

template <class Row, std::size_t Index>
using field_type_of = std::remove_cvref_t<decltype(std::declval<Row&>().*(std::get<Index>(row_description<Row>::fields).member))>;

// Can pswire read and write every field of Row?
template <class Row>
constexpr bool row_is_valid() {
  // Separate branches: the second test is well-formed only for a described row.
  if constexpr (!is_described_row<Row>::value) {  // NOLINT(bugprone-branch-clone)
    return false;
  } else if constexpr (is_too_many_fields_marker<fields_type_of<Row>>::value) {
    return false;
  } else {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (is_supported_field<field_type_of<Row, I>>() && ...);
    }(std::make_index_sequence<std::tuple_size_v<fields_type_of<Row>>>{});
  }
}

// The compile-time diagnostics of a row type. Each is one static_assert in a
// class whose template arguments name the type (and the field): compilers
// print those arguments with the message. A row that fails is then treated
// as one without fields, so that no second error follows.
template <class Row>
struct row_type_has_no_PSWIRE_ROW {
  static_assert(always_false<Row>,
                "pswire: the row type (the template argument above) has no PSWIRE_ROW(Type, fields...) in its "
                "namespace or at global scope, and no pswire::row_description specialization");
  static constexpr bool reported = true;
};
template <class Row, std::size_t FieldCount>
struct row_has_too_many_fields {
  static_assert(always_false<Row>,
                "pswire: PSWIRE_ROW takes at most 16 fields; specialize pswire::row_description<Type> for more");
  static constexpr bool reported = true;
};
template <class Row, std::size_t FieldIndex, field_name_text FieldName, class FieldType>
struct row_field_type_not_supported {
  static_assert(always_false<FieldType>,
                "pswire: unsupported row field type (the row, field index, field name and type are the template "
                "arguments above); use a built-in one (row.hpp) or specialize pswire::row_field_codec");
  static constexpr bool reported = true;
};

template <class Row, std::size_t Index>
constexpr void report_field() {
  if constexpr (!is_supported_field<field_type_of<Row, Index>>()) {
    constexpr std::string_view name = std::get<Index>(row_description<Row>::fields).name;
    (void)row_field_type_not_supported<Row, Index, field_name_text<name.size()>(name), field_type_of<Row, Index>>::reported;
  }
}

template <class Row>
constexpr void report_row() {
  if constexpr (!is_described_row<Row>::value) {
    (void)row_type_has_no_PSWIRE_ROW<Row>::reported;
  } else if constexpr (is_too_many_fields_marker<fields_type_of<Row>>::value) {
    (void)row_has_too_many_fields<Row, std::tuple_element_t<0, fields_type_of<Row>>::field_count>::reported;
  } else {
    []<std::size_t... I>(std::index_sequence<I...>) {
      (report_field<Row, I>(), ...);
    }(std::make_index_sequence<std::tuple_size_v<fields_type_of<Row>>>{});
  }
}

// The fields of a valid row, or none (after the diagnostic).
template <class Row>
constexpr auto checked_fields() {
  if constexpr (row_is_valid<Row>()) {
    return row_description<Row>::fields;
  } else {
    // Instantiated for its diagnostic, never run: constant evaluation must
    // not read the member of a class whose static_assert failed.
    if (!std::is_constant_evaluated()) report_row<Row>();
    return std::tuple<>{};
  }
}
template <class Row>
inline constexpr auto row_fields = checked_fields<Row>();

}  // namespace detail

template <class Row>
constexpr std::size_t row_field_count = std::tuple_size_v<std::remove_cv_t<decltype(detail::row_fields<Row>)>>;

// A PATCH member of a typed row: unchanged (absent), set to NULL, or set to a value.
enum class field_state : std::uint8_t { absent, null, value };

// PATCH data of a typed row: the values, and each field's tri-state. The
// three changes are one call each:
//   patch.set(&todo::done, true);    // "done": true
//   patch.set_null(&todo::done);     // "done": null
//   patch.unset(&todo::done);        // no "done" member: the column is unchanged
template <class Row>
struct patch_row {
  Row values{};
  std::array<field_state, row_field_count<Row>> states{};

  template <class T>
  constexpr field_state state(T Row::*member) const noexcept {
    return states[index_of(member)];
  }
  // Sets the field to `value`; for an optional field an empty optional is NULL.
  template <class T, class V>
    requires std::is_assignable_v<T&, V&&>
  constexpr void set(T Row::*member, V&& value) {
    values.*member = std::forward<V>(value);
    bool is_null = false;
    if constexpr (detail::is_optional<T>::value) is_null = !(values.*member).has_value();
    states[index_of(member)] = is_null ? field_state::null : field_state::value;
  }
  // Sets the column to NULL (the field keeps its default value).
  template <class T>
  constexpr void set_null(T Row::*member) {
    values.*member = Row{}.*member;
    states[index_of(member)] = field_state::null;
  }
  // Leaves the column unchanged: the field is not written.
  template <class T>
  constexpr void unset(T Row::*member) {
    values.*member = Row{}.*member;
    states[index_of(member)] = field_state::absent;
  }

  friend bool operator==(const patch_row&, const patch_row&) = default;

 private:
  // The index of a described field; a member the description does not list
  // is a contract violation.
  template <class T>
  static constexpr std::size_t index_of(T Row::*member) noexcept {
    std::size_t found = row_field_count<Row>;
    std::size_t index = 0;
    std::apply(
        [&](const auto&... f) {
          ((found = (found == row_field_count<Row> && same_member(f.member, member)) ? index : found, ++index), ...);
        },
        detail::row_fields<Row>);
    PSWIRE_ASSERT(found != row_field_count<Row> && "patch_row: the member is not a field of the row's description");
    return found;
  }
  template <class M, class T>
  static constexpr bool same_member(M described, T Row::*member) noexcept {
    if constexpr (std::is_same_v<M, T Row::*>) return described == member;
    else return false;
  }
};

namespace detail {

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
    if constexpr (sizeof(T) < sizeof(double)) {
      // The rule of double, for T: a value that would round to infinity is out
      // of range (the nearest double, rounded to T). From FLT_MAX up to half
      // an ulp above it still rounds to FLT_MAX.
      // max is (2^digits - 1) ulps, so the ulp (and the threshold) is exact in a double.
      constexpr auto max = static_cast<double>(std::numeric_limits<T>::max());
      constexpr double ulp = max / static_cast<double>((std::uint64_t{1} << std::numeric_limits<T>::digits) - 1);
      constexpr double overflow_at = max + ulp / 2;
      if (*d >= overflow_at || *d <= -overflow_at) {
        return make_error(errc::number_out_of_range, 0, "number beyond the range of the field's type");
      }
    }
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
  } else if constexpr (std::is_same_v<T, raw_value>) {
    out = v;
    return {};
  } else {
    static_assert(has_field_codec<T>, "unsupported row field type (check_row names the field)");
    return row_field_codec<T>::read(v, out);
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
  } else if constexpr (std::is_same_v<T, raw_value>) {
    w.raw_value(value);
  } else {
    static_assert(has_field_codec<T>, "unsupported row field type (check_row names the field)");
    row_field_codec<T>::write(w, value);
  }
}

template <class Row>
constexpr auto field_names() {
  std::array<std::string_view, row_field_count<Row>> names{};
  std::size_t i = 0;
  std::apply([&](const auto&... f) { ((names[i++] = f.name), ...); }, detail::row_fields<Row>);
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
  std::apply([&](const auto&... f) { ((index == wanted ? fn(f) : void(), ++index), ...); }, detail::row_fields<Row>);
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
        [[maybe_unused]] auto check = [&](const auto& f1) {  // unused for a row without fields
          using T = std::remove_reference_t<decltype(row.*(f1.member))>;
          if (!missing && states[index] != field_state::value && !detail::is_optional<T>::value) {
            missing = make_error(errc::missing_field, 0, "a non-optional column is absent or null");
            missing.path.append_key(f1.name);
          }
          ++index;
        };
        (check(f), ...);
      },
      detail::row_fields<Row>);
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

// ---- PSWIRE_ROW(Type, field...): up to 16 fields (specialize row_description
// for more). Write it in Type's namespace or at global scope: it defines the
// function pswire_row_fields(pswire::row_tag<Type>), found by argument-dependent lookup.
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
// 17 to 64 fields: a marker that check_row reports as one static_assert.
#define PSWIRE_DETAIL_TOO_MANY(T, ...) ::pswire::detail::too_many_fields_marker<PSWIRE_DETAIL_COUNT(__VA_ARGS__)>{}
#define PSWIRE_DETAIL_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, \
    _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36, _37, _38, _39, \
    _40, _41, _42, _43, _44, _45, _46, _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57, _58, _59, _60, \
    _61, _62, _63, _64, NAME, ...) NAME
#define PSWIRE_DETAIL_COUNT(...) PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_PICK(__VA_ARGS__, 64, 63, 62, 61, 60, 59, \
    58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, \
    32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, \
    5, 4, 3, 2, 1))
#define PSWIRE_ROW(Type, ...)                                   \
  constexpr auto pswire_row_fields(::pswire::row_tag<Type>) { \
    return std::make_tuple(PSWIRE_DETAIL_EXPAND(PSWIRE_DETAIL_PICK(__VA_ARGS__, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, \
        PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_TOO_MANY, PSWIRE_DETAIL_F16, \
        PSWIRE_DETAIL_F15, PSWIRE_DETAIL_F14, PSWIRE_DETAIL_F13, PSWIRE_DETAIL_F12, PSWIRE_DETAIL_F11, \
        PSWIRE_DETAIL_F10, PSWIRE_DETAIL_F9, PSWIRE_DETAIL_F8, PSWIRE_DETAIL_F7, PSWIRE_DETAIL_F6, \
        PSWIRE_DETAIL_F5, PSWIRE_DETAIL_F4, PSWIRE_DETAIL_F3, PSWIRE_DETAIL_F2, PSWIRE_DETAIL_F1)(Type, \
        __VA_ARGS__))); \
  }
