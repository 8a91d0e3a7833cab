"""`python -m pygent.core.embeddings`: list models, or re-embed a store with another model.

python -m pygent.core.embeddings models
python -m pygent.core.embeddings reembed ~/.pygent/servers/rag/lance --model minilm
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pygent.core.embeddings.models import DEFAULT_MODEL, MODELS, load_embedder
from pygent.core.embeddings.reembed import reembed_store
from pygent.core.embeddings.tables import connect
from pygent.core.errors import PygentError


def _progress(table: str, rows: int) -> None:
    sys.stderr.write(f"\r{table}: {rows} rows")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pygent.core.embeddings", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("models", help="list the embedding models")
    reembed = commands.add_parser("reembed", help="re-embed every stamped table of a LanceDB folder")
    reembed.add_argument("store", type=Path, help="the LanceDB folder (a server's state folder /lance)")
    reembed.add_argument("--model", default=DEFAULT_MODEL, help=f"target model (default {DEFAULT_MODEL})")
    args = parser.parse_args(argv)
    if args.command == "models":
        for spec in MODELS.values():
            sys.stdout.write(f"{spec.model_id:<18} {spec.dimension:>4}-d  {spec.description}\n")
        return 0
    try:
        if not args.store.is_dir():
            raise PygentError(f"{args.store} is not a folder")
        embedder = load_embedder(args.model)
        counts = reembed_store(connect(args.store), embedder, _progress)
    except PygentError as exc:
        sys.stderr.write(f"reembed: {exc.message}\n")
        return 2
    sys.stderr.write("\n")
    for table, rows in counts.items():
        sys.stdout.write(f"{table}: {rows} rows re-embedded with {embedder.model_id}\n")
    if not counts:
        sys.stdout.write(f"every table already uses {embedder.model_id}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
