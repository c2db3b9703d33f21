"""Stages of the pipeline, pure transforms that read no settings and call no Pelican:

load (CSV → records) → documents (markdown → records) → locate (coordinates) →
assemble (one ``Site``) → link (both-way links) → group (the directory's groupings).
``pipeline.run`` chains them for the build and for ``invoke validate``.
"""
