"""Maintainer tools run by invoke, apart from the build's pipeline: the CGET importer, the
geocoder, fix-csv, diff-places, the duplicate finder, the schema docs and the benchmarks.
They depend on the foundation (``core``) and, for the commands that need the data checked,
on the pipeline."""
