@_exported import SelfieModelKit
