"""Foundation of the plugin: shared types, text and geo helpers, CSV files, schemas,
territory reference data and the one configuration object.

Nothing here imports from the stages, the outputs or the tools above it.
"""
