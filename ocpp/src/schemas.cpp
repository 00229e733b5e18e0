#include "schemas.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <new>
#include <stdexcept>
#include <tuple>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "timestamp.hpp"

namespace kw::ocpp {

namespace embedded {
// Defined in the generated schemas_embedded.cpp (cmake/embed_ocpp_schemas.cmake).
std::string ocpp1_6_json();
std::string ocpp2_0_1_json();
}  // namespace embedded

struct Schemas::Action {
    valijson::Schema request;
    valijson::Schema response;
};

namespace {

namespace json = boost::json;
using valijson::adapters::Adapter;
using valijson::adapters::BoostJsonAdapter;

constexpr std::size_t kMaxMessage = 200;
// Keywords valijson does not know, so that its own checks of "format" and "multipleOf" stay out.
constexpr std::string_view kFormatKeyword = "kwFormat";
constexpr std::string_view kMultipleOfKeyword = "kwMultipleOf";

// valijson 1.0's own format check compiles its date-time regex on every call (~0.8 ms a timestamp), and
// reads a value of any type as a string, throwing on an object or array (valijson #181, fixed after
// 1.0). Here date-time is read as the edge reads a timestamp (parse_timestamp: RFC 3339, and the
// offset-less or "+0200" forms charge points send), so a timestamp the edge can use is not refused;
// other formats (1.6's "uri") go unchecked, as in valijson 1.0. Non-strings are left to 'type'.
class Format final : public valijson::constraints::PolyConstraint {
  public:
    explicit Format(bool date_time) : date_time_(date_time) {}

    bool validate(const Adapter& target, const std::vector<std::string>& context,
                  valijson::ValidationResults* results) const override {
        std::string text;
        if (!date_time_ || !target.isString() || !target.getString(text) || parse_timestamp(text))
            return true;
        if (results) results->pushError(context, "String should be a valid date-time");
        return false;
    }

  private:
    Constraint* cloneInto(void* memory) const override { return new (memory) Format(*this); }
    std::size_t sizeOf() const override { return sizeof(Format); }

    bool date_time_;
};

// valijson 1.0 takes x as a multiple of a fractional divisor only when remainder(x, divisor) is within
// machine epsilon, so 5.0 and 32.3 are not multiples of 0.1 (the step of every 1.6 charging limit).
// ocpp-rpc replaces ajv's multipleOf for the same reason; this is its rule: the quotient is within
// 1e-6 of a whole number.
class MultipleOf final : public valijson::constraints::PolyConstraint {
  public:
    explicit MultipleOf(double divisor) : divisor_(divisor) {}

    bool validate(const Adapter& target, const std::vector<std::string>& context,
                  valijson::ValidationResults* results) const override {
        double x = 0;
        // Not a number (or beyond int64): 'type' judges it.
        if (!target.isNumber() || !target.asDouble(x)) return true;
        const double quotient = x / divisor_;
        if (std::abs(quotient - std::round(quotient)) < 1e-6) return true;
        if (results) results->pushError(context, fmt::format("Value should be a multiple of {}", divisor_));
        return false;
    }

  private:
    Constraint* cloneInto(void* memory) const override { return new (memory) MultipleOf(*this); }
    std::size_t sizeOf() const override { return sizeof(MultipleOf); }

    double divisor_;
};

class FormatBuilder final : public valijson::ConstraintBuilder {
  public:
    valijson::constraints::Constraint* make(const Adapter& name) const override {
        return new Format(name.isString() && name.getString() == "date-time");
    }
};

class MultipleOfBuilder final : public valijson::ConstraintBuilder {
  public:
    valijson::constraints::Constraint* make(const Adapter& divisor) const override {
        return new MultipleOf(divisor.asDouble());
    }
};

void rename_keyword(json::object& schema, std::string_view from, std::string_view to) {
    const auto it = schema.find(from);
    if (it == schema.end()) return;
    json::value value = std::move(it->value());
    schema.erase(it);
    schema[to] = std::move(value);
}

// Hands "format" and a fractional "multipleOf" to Format and MultipleOf above, renaming them in memory
// (the files stay as published). Only schema positions are walked, so a property that is called
// "format" (1.6 SampledValue, 2.0.1 MessageContentType) stays a property.
void adapt(json::value& schema) {
    auto* object = schema.if_object();
    if (!object) return;
    for (const std::string_view map : {"properties", "definitions", "patternProperties", "dependencies"})
        if (auto* children = object->if_contains(map); children && children->is_object())
            for (auto& child : children->get_object()) adapt(child.value());
    for (const std::string_view key :
         {"items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if",
          "then", "else", "allOf", "anyOf", "oneOf"}) {
        auto* child = object->if_contains(key);
        if (!child) continue;
        if (child->is_array())
            for (auto& item : child->get_array()) adapt(item);
        else
            adapt(*child);
    }
    rename_keyword(*object, "format", kFormatKeyword);
    if (const auto* divisor = object->if_contains("multipleOf"); divisor && divisor->is_double())
        rename_keyword(*object, "multipleOf", kMultipleOfKeyword);
}

// How each valijson 1.0 error description (its first words) becomes an OCPP error code. ocpp-rpc maps
// ajv keywords (lib/validator.js); it is followed for type, required, min/maxItems, additionalItems,
// additionalProperties and pattern. It differs for value constraints, marked *: ocpp-rpc answers
// maxLength/minLength/maximum/minimum and every keyword missing from its table (enum, format) with
// FormatViolation, and multipleOf/exclusive* with OccurenceConstraintViolation; OCPP-J defines
// PropertyConstraintViolation as "a field contains an invalid value", which is what they are.
//   description                                  keyword                  kind        ocpp-rpc
//   Value type not permitted                     type                     type        type
//   Missing required property                    required                 occurrence  occurrence
//   Array should contain no                      minItems, maxItems       occurrence  occurrence
//   Array contains more items / Cannot validate  additionalItems: false   occurrence  occurrence
//   Object contains a property that could not    additionalProperties     property    property
//   Failed to match regex                        pattern                  property    property
//   String should be no                          minLength, maxLength     property    format *
//   Expected number                              minimum, maximum, excl.  property    format *
//   Failed to match against any enum values      enum                     property    format *
//   Value should be a multiple of                multipleOf               property    occurrence *
//   String should be a valid                     format (date-time)       property    format *
//   anything else                                                         format      format
// Descriptions that only say a child failed (its own error comes first) are skipped.
struct Rule {
    std::string_view prefix;
    std::optional<ErrorKind> kind;  // nullopt: the summary of a child's error
};
constexpr Rule kRules[] = {
    {"Value type not permitted", ErrorKind::type},
    {"Missing required property", ErrorKind::occurrence},
    {"Array should contain no", ErrorKind::occurrence},
    {"Array contains more items", ErrorKind::occurrence},
    {"Cannot validate item #", ErrorKind::occurrence},
    {"Object contains a property that could not", ErrorKind::property},
    {"Failed to match regex", ErrorKind::property},
    {"String should be no", ErrorKind::property},
    {"Expected number", ErrorKind::property},
    {"Failed to match against any enum values", ErrorKind::property},
    {"Value should be a multiple of", ErrorKind::property},
    {"String should be a valid", ErrorKind::property},
    {"Failed to validate item #", std::nullopt},
    {"Failed to validate against schema associated with property name", std::nullopt},
    {"Failed to validate against a conditional schema", std::nullopt},
    {"Failed to validate against additional properties schema", std::nullopt},
    {"Failed to validate against child schema", std::nullopt},
};

std::optional<ErrorKind> kind_of(std::string_view description) {
    for (const auto& rule : kRules)
        if (description.starts_with(rule.prefix)) return rule.kind;
    return ErrorKind::format;
}

// valijson's context ("<root>", "[meterValue]", "[0]", ...) as a JSON path ($.meterValue[0]); the payload
// tells an array index from a property name.
std::string path_of(const std::vector<std::string>& context, const json::value& payload) {
    std::string path = "$";
    const json::value* node = &payload;
    for (std::size_t i = 1; i < context.size(); ++i) {
        std::string_view step = context[i];
        if (step.size() >= 2 && step.front() == '[' && step.back() == ']')
            step = step.substr(1, step.size() - 2);
        const json::value* next = nullptr;
        if (const auto* array = node ? node->if_array() : nullptr) {
            path += fmt::format("[{}]", step);
            std::size_t index = 0;
            const auto* end = step.data() + step.size();
            if (std::from_chars(step.data(), end, index).ptr == end && index < array->size())
                next = &(*array)[index];
        } else {
            path += fmt::format(".{}", step);
            if (const auto* object = node ? node->if_object() : nullptr) next = object->if_contains(step);
        }
        node = next;
    }
    return path;
}

std::string clip(std::string text) {
    if (text.size() <= kMaxMessage) return text;
    std::size_t n = kMaxMessage - 3;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 char
    text.resize(n);
    return text + "...";
}

// The error to report out of all valijson found: the one nearest the root, and there a type error
// first, then an occurrence error, then the first found. Deeper errors and other errors at the same
// place are often consequences (an enum mismatch of a number that should be a string); ajv, which
// ocpp-rpc uses, also checks type, then required, then the properties.
Violation violation_of(const valijson::ValidationResults& results, const json::value& payload) {
    const valijson::ValidationResults::Error* best = nullptr;
    std::tuple<std::size_t, int> best_rank;
    ErrorKind best_kind = ErrorKind::format;
    for (const auto& error : results) {
        const auto kind = kind_of(error.description);
        if (!kind) continue;
        const int order = *kind == ErrorKind::type ? 0 : *kind == ErrorKind::occurrence ? 1 : 2;
        const auto rank = std::tuple(error.context.size(), order);
        if (best && rank >= best_rank) continue;
        best = &error;
        best_rank = rank;
        best_kind = *kind;
    }
    if (!best) {
        if (results.numErrors() == 0) return {ErrorKind::format, "payload does not match its schema"};
        best = &*results.begin();
    }
    return {best_kind, clip(fmt::format("{}: {}", path_of(best->context, payload), best->description))};
}

}  // namespace

const Schemas& Schemas::of(Version v) {
    // One branch each, so a station speaking 1.6 does not make the process compile 2.0.1's schemas.
    if (v == Version::v16) {
        static const Schemas v16(Version::v16);
        return v16;
    }
    static const Schemas v201(Version::v201);
    return v201;
}

Schemas::Schemas(Version v) : version_(v) {
    const auto doc = json::parse(v == Version::v16 ? embedded::ocpp1_6_json() : embedded::ocpp2_0_1_json());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    // The parser owns the builders.
    parser.addConstraintBuilder(std::string(kFormatKeyword), new FormatBuilder);
    parser.addConstraintBuilder(std::string(kMultipleOfKeyword), new MultipleOfBuilder);

    struct Building {
        std::unique_ptr<Action> action = std::make_unique<Action>();
        bool request = false;
        bool response = false;
    };
    std::map<std::string, Building, std::less<>> building;
    for (json::value schema : doc.as_array()) {
        // Both files name a schema "urn:<Action>.req" or "urn:<Action>.conf" (2.0.1 too, not ...Request).
        const std::string_view id = schema.at("$id").as_string();
        const auto dot = id.rfind('.');
        if (!id.starts_with("urn:") || dot == std::string_view::npos)
            throw std::logic_error(fmt::format("{} schema with an unexpected $id: {}", subprotocol(v), id));
        const std::string_view suffix = id.substr(dot + 1);
        auto& entry = building[std::string(id.substr(4, dot - 4))];
        bool& seen = suffix == "req" ? entry.request : entry.response;
        if ((suffix != "req" && suffix != "conf") || seen)
            throw std::logic_error(fmt::format("{} schema with an unexpected $id: {}", subprotocol(v), id));
        seen = true;
        adapt(schema);
        parser.populateSchema(BoostJsonAdapter(schema),
                              suffix == "req" ? entry.action->request : entry.action->response);
    }
    for (auto& [name, entry] : building) {
        if (!entry.request || !entry.response)
            throw std::logic_error(
                fmt::format("{} action {} lacks a request or a response schema", subprotocol(v), name));
        actions_.emplace(name, std::move(entry.action));
    }
}

Schemas::~Schemas() = default;

bool Schemas::has_action(std::string_view action) const { return actions_.contains(action); }

std::optional<Violation> Schemas::check_request(std::string_view action, const json::value& payload) const {
    return check(action, true, payload);
}

std::optional<Violation> Schemas::check_response(std::string_view action, const json::value& payload) const {
    return check(action, false, payload);
}

std::optional<Violation> Schemas::check(std::string_view action, bool request,
                                        const json::value& payload) const {
    const auto it = actions_.find(action);
    if (it == actions_.end())
        return Violation{ErrorKind::not_implemented,
                         clip(fmt::format("{} has no action '{}'", subprotocol(version_), action))};
    valijson::Validator validator;  // one per call: it caches regexes in itself
    valijson::ValidationResults results;
    const auto& schema = request ? it->second->request : it->second->response;
    if (validator.validate(schema, BoostJsonAdapter(payload), &results)) return std::nullopt;
    return violation_of(results, payload);
}

}  // namespace kw::ocpp
