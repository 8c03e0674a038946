import Foundation

/// A Cog model's input schema, as the simulator validates it and publishes it in `openapi_schema`.
package struct InputSchema: Sendable {
    /// One input.
    package struct Property: Sendable {
        /// The JSON Schema type of an input.
        package enum Kind: String, Sendable {
            case string, integer, number, boolean
        }

        package var name: String
        package var kind: Kind
        package var description: String
        package var defaultValue: JSONValue?
        package var minimum: Double?
        package var maximum: Double?
        package var choices: [String]?
        package var format: String?
        package var isRequired = false

        package init(
            _ name: String, _ kind: Kind, _ description: String, default defaultValue: JSONValue? = nil,
            minimum: Double? = nil, maximum: Double? = nil, choices: [String]? = nil, format: String? = nil,
            required: Bool = false
        ) {
            self.name = name
            self.kind = kind
            self.description = description
            self.defaultValue = defaultValue
            self.minimum = minimum
            self.maximum = maximum
            self.choices = choices
            self.format = format
            self.isRequired = required
        }
    }

    /// The inputs, in `x-order`.
    package var properties: [Property]
    /// The output schema (`components.schemas.Output`).
    package var output: JSONValue

    /// The property called `name`.
    package func property(named name: String) -> Property? {
        properties.first { $0.name == name }
    }

    /// The full `openapi_schema` of a version, in Cog's shape: inputs at
    /// `components.schemas.Input.properties`, enums as `allOf` references to their own schemas.
    package func openAPISchema() -> JSONValue {
        var schemas = JSONObject()
        var inputProperties = JSONObject()
        for (order, property) in properties.enumerated() {
            var entry = JSONObject()
            if let choices = property.choices {
                entry["allOf"] = [["$ref": .string("#/components/schemas/\(property.name)")]]
                schemas[property.name] = [
                    "enum": .array(choices.map { .string($0) }), "type": "string",
                    "title": .string(property.name), "description": "An enumeration.",
                ]
            } else {
                entry["type"] = .string(property.kind.rawValue)
                entry["title"] = .string(Self.title(property.name))
            }
            if let format = property.format { entry["format"] = .string(format) }
            if let defaultValue = property.defaultValue { entry["default"] = defaultValue }
            if let minimum = property.minimum { entry["minimum"] = Self.bound(minimum, property.kind) }
            if let maximum = property.maximum { entry["maximum"] = Self.bound(maximum, property.kind) }
            entry["x-order"] = .int(order)
            entry["description"] = .string(property.description)
            inputProperties[property.name] = .object(entry)
        }
        var input: JSONObject = ["type": "object", "title": "Input", "properties": .object(inputProperties)]
        let required = properties.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { input["required"] = .array(required) }
        schemas["Input"] = .object(input)
        schemas["Output"] = output
        schemas["Status"] = [
            "enum": ["starting", "processing", "succeeded", "canceled", "failed"], "type": "string",
            "title": "Status", "description": "An enumeration.",
        ]
        return [
            "openapi": "3.0.2",
            "info": ["title": "Cog", "version": "0.1.0"],
            "paths": [
                "/predictions": [
                    "post": [
                        "summary": "Predict", "operationId": "predict_predictions_post",
                        "requestBody": [
                            "content": [
                                "application/json": [
                                    "schema": ["$ref": "#/components/schemas/PredictionRequest"]
                                ]
                            ]
                        ],
                    ]
                ]
            ],
            "components": ["schemas": .object(schemas)],
        ]
    }

    private static func bound(_ value: Double, _ kind: Property.Kind) -> JSONValue {
        kind == .integer ? .int(Int(value)) : .double(value)
    }

    private static func title(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
