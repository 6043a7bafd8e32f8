// The generator library.
