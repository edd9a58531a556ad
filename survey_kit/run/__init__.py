"""The annual run: configuration, data stages, analysis and outputs."""
