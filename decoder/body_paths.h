// The znode paths a body names (a multi's ops included), for filtering records by path.
#pragma once
#include <string_view>
#include <type_traits>

#include "decoder/body.h"

namespace zkwire {

template <class F>
void for_each_path(const Body& body, F&& f) {
  std::visit(
      [&f](const auto& record) {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, MultiRequest> || std::is_same_v<T, MultiResponse>) {
          const MultiOps& ops = [&]() -> const MultiOps& {
            if constexpr (std::is_same_v<T, MultiRequest>) return record.ops; else return record.results;
          }();
          for_each_multi_entry(ops, [&f](const MultiEntry& entry) { for_each_path(entry.body, f); });
        } else {
          T::visit(record, [&f](std::string_view name, const auto& field) {
            using Field = std::decay_t<decltype(field)>;
            if constexpr (std::is_same_v<Field, JString>) {
              if (!field.null && (name == "path" || name == "prefixPath")) f(field.text);
            } else if constexpr (std::is_same_v<Field, RestOfFrame>) {
              if (name == "path") f(field.text);
            }
          });
        }
      },
      body);
}

}  // namespace zkwire
