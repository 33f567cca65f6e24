"""Reading data files: safe YAML with line marks, schema and cross-file checks, the bundled data."""
