// The rules as types build on the core identifiers; importing this module brings them along.
@_exported import SelfieModelKit
