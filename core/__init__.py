"""Shared kernel of PyGent Factory: settings, data directory, logging, errors.

`pygent.core` imports nothing else of ours; servers, registry, host and agents
build on it.

    from pygent.core.settings import Settings
    settings = Settings.load()            # PYGENT_* env, settings file, defaults
    settings.data.server("memory")        # ~/.pygent/servers/memory
"""
