"""The regional table as data: the catalogue model, its loader and checks (load), and lookups for people (view).

It imports nothing of the engine: every other stage reads the catalogue, never the other way round.
"""

from registro.validators.catalogue.load import DEFAULT_PATH, TARGETS, Catalogue, Service, load_catalogue

__all__ = ["DEFAULT_PATH", "TARGETS", "Catalogue", "Service", "load_catalogue"]
