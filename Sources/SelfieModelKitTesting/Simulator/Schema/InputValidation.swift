import Foundation

/// One refused field, as Replicate reports it in `invalid_fields`.
package struct InvalidField: Sendable, Equatable {
    /// The kind of failure: `required`, `enum`, `number_gte`, `number_lte`, `invalid_type`,
    /// `additional_property_not_allowed`.
    package var type: String
    /// The field path, such as `input.num_outputs` or `(root)`.
    package var field: String
    /// Why.
    package var description: String

    package var json: JSONValue {
        ["type": .string(type), "field": .string(field), "description": .string(description)]
    }
}

/// What validating an `input` object against a schema gave.
package struct ValidatedInput: Sendable {
    /// The input with unknown keys removed.
    package var accepted: JSONObject
    /// Unknown keys, in the order they were sent; Replicate drops them silently.
    package var dropped: [String]
    /// The failures; empty when the input is valid.
    package var failures: [InvalidField]

    /// The value of `name`, or the schema's default.
    package func value(_ name: String, schema: InputSchema) -> JSONValue? {
        accepted[name] ?? schema.property(named: name)?.defaultValue
    }
}

extension InputSchema {
    /// Validates `input` the way Replicate's API does before a job is created: required inputs, types,
    /// enums and ranges; unknown keys are dropped, not refused.
    package func validate(_ input: JSONObject) -> ValidatedInput {
        var result = ValidatedInput(accepted: JSONObject(), dropped: [], failures: [])
        for property in properties where property.isRequired && input[property.name] == nil {
            result.failures.append(
                InvalidField(type: "required", field: "input", description: "\(property.name) is required"))
        }
        for (key, value) in input.members {
            guard let property = property(named: key) else {
                result.dropped.append(key)
                continue
            }
            if let failure = Self.check(value, against: property) {
                result.failures.append(failure)
            } else {
                result.accepted[key] = value
            }
        }
        return result
    }

    private static func check(_ value: JSONValue, against property: Property) -> InvalidField? {
        let field = "input.\(property.name)"
        let typeMatches: Bool
        switch property.kind {
        case .string: typeMatches = value.stringValue != nil
        case .boolean: typeMatches = value.boolValue != nil
        case .number: typeMatches = value.numberValue != nil
        case .integer: typeMatches = value.integerValue != nil
        }
        guard typeMatches else {
            return InvalidField(
                type: "invalid_type", field: field,
                description: "Invalid type. Expected: \(property.kind.rawValue), given: \(value.schemaTypeName)")
        }
        if let choices = property.choices, let string = value.stringValue, !choices.contains(string) {
            let list = choices.map { "\"\($0)\"" }.joined(separator: ", ")
            return InvalidField(
                type: "enum", field: field, description: "\(field) must be one of the following: \(list)")
        }
        if let number = value.numberValue {
            if let minimum = property.minimum, number < minimum {
                return InvalidField(
                    type: "number_gte", field: field,
                    description: "Must be greater than or equal to \(format(minimum, property.kind))")
            }
            if let maximum = property.maximum, number > maximum {
                return InvalidField(
                    type: "number_lte", field: field,
                    description: "Must be less than or equal to \(format(maximum, property.kind))")
            }
        }
        return nil
    }

    private static func format(_ value: Double, _ kind: Property.Kind) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}
